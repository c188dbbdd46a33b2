"""The access matrix's personas and objects, shared with the fuzz and leak tests of this folder."""

from tests.test_access_matrix import objects, personas  # noqa: F401 - fixtures
