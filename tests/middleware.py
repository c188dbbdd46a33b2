"""Test-only middleware (added by lifeport/settings.py when LIFEPORT_ZEAL is set, as pyproject.toml does)."""

from zeal import zeal_context


def n_plus_one_guard(get_response):
    """django-zeal around every page request: a query repeated per row raises ZealError and fails the test.

    Django admin's own pages are left out: its delete confirmations name every related object by str(),
    one query each, by design.
    """

    def middleware(request):
        if request.path.startswith("/admin/"):
            return get_response(request)
        with zeal_context():
            return get_response(request)

    return middleware
