"""Every URL of the app against every role: the allowed status for each pair.

A URL pattern without an entry here fails `test_every_url_pattern_is_in_the_matrix`, so a new page
cannot be added without deciding who may open it.
"""

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from partners.models import Role
from tests.factories import UserFactory

ROLES = [
    "anonymous",
    "director",
    "office",
    "steering",
    "representative",
    "other_representative",
    "lead",
    "observer",
]
# Pattern names that belong to Django itself or need a token; not pages of ours.
EXEMPT = {
    "admin:",  # the admin: covered by test_admin_is_for_programme_staff
    "set_language",
    "password_reset_confirm",
    "password_reset_done",
    "password_reset_complete",
    "password_change_done",
    "logout",
}

OK, LOGIN, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


PROGRAMME_PAGE = {**_all(OK), "anonymous": LOGIN, "observer": FORBIDDEN}

# name -> (url builder from the fixtures, expected status per role)
MATRIX: dict[str, tuple[Callable[[dict], str], dict[str, int]]] = {
    "home": (lambda o: "/", {**_all(OK), "anonymous": LOGIN}),
    "healthz": (lambda o: "/healthz", _all(OK)),
    "ping": (lambda o: "/ping", {**_all(204), "anonymous": LOGIN}),
    "login": (lambda o: "/accounts/login/", {**_all(LOGIN), "anonymous": OK}),
    "password_reset": (lambda o: "/accounts/password_reset/", _all(OK)),
    "password_change": (lambda o: "/accounts/password_change/", {**_all(OK), "anonymous": LOGIN}),
    "partners:list": (lambda o: "/partners/", PROGRAMME_PAGE),
    "partners:detail": (lambda o: o["nxp"].get_absolute_url(), PROGRAMME_PAGE),
    "partners:agreement": (lambda o: o["agreement"].get_absolute_url(), PROGRAMME_PAGE),
    "actionlines:list": (lambda o: "/actielijnen/", PROGRAMME_PAGE),
    "actionlines:detail": (lambda o: o["talent"].get_absolute_url(), PROGRAMME_PAGE),
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if ns == "admin:":
                names.add("admin:")
                continue
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_pattern_is_in_the_matrix():
    missing = _names(get_resolver()) - set(MATRIX) - EXEMPT
    assert not missing, f"add these URL names to tests/test_access_matrix.py: {sorted(missing)}"


@pytest.fixture
def personas(programme, nxp, asmpt) -> dict:
    from actionlines.models import ActionLine

    return {
        "anonymous": None,
        "director": UserFactory(username="m-director", role=Role.DIRECTOR),
        "office": UserFactory(username="m-office", role=Role.OFFICE),
        "steering": UserFactory(username="m-steering", role=Role.STEERING),
        "representative": UserFactory(username="m-rep", partner=nxp),
        "other_representative": UserFactory(username="m-other", partner=asmpt),
        "lead": UserFactory(username="m-lead", leads=ActionLine.objects.get(code="talent")),
        "observer": UserFactory(username="m-observer", role=Role.OBSERVER),
    }


@pytest.fixture
def objects(programme) -> dict:
    from actionlines.models import ActionLine
    from partners.models import Agreement

    return {
        "nxp": programme["nxp"],
        "agreement": Agreement.objects.get(),
        "talent": ActionLine.objects.get(code="talent"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_allowed_status(client, personas, objects, name):
    build, expected = MATRIX[name]
    url = build(objects)
    got = {}
    for role in ROLES:
        client.logout()
        if personas[role] is not None:
            client.force_login(personas[role])
        got[role] = client.get(url).status_code
    assert got == expected, url


@pytest.mark.django_db
def test_admin_is_for_programme_staff(client, personas):
    for role, status in {"anonymous": 302, "representative": 302, "observer": 302}.items():
        client.logout()
        if personas[role]:
            client.force_login(personas[role])
        assert client.get("/admin/").status_code == status, role
