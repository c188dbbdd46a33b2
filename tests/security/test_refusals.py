"""Access control beyond GET: a refused role is refused a POST too, and the admin is closed to all but its keepers.

The access matrix (tests/test_access_matrix.py) opens every URL with GET; here every URL that refuses a
role (login redirect, 403, 404) is POSTed to by that role as well, and nothing in the database may change.
"""

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory
from tests.security.test_fuzz_forms import fingerprint
from tests.test_access_matrix import MATRIX, ROLES


@pytest.mark.django_db
@time_machine.travel("2026-11-28 10:00:00+01:00", tick=False)
def test_a_role_refused_a_page_is_refused_a_post_to_it_and_nothing_changes(client, personas, objects):
    urls = {name: build(objects) for name, (build, _expected) in MATRIX.items()}
    for persona in personas.values():  # the first sign-in sets last_login and a test authenticator
        if persona is not None:
            client.force_login(persona)
    before = fingerprint(frozenset({"audit_auditevent"}))
    wrong = {}
    for role in ROLES:
        client.logout()
        if personas[role] is not None:
            client.force_login(personas[role])
        for name, (_build, expected) in sorted(MATRIX.items()):
            refused = expected[role] in (403, 404) or (role == "anonymous" and expected[role] == 302)
            if not refused:
                continue
            response = client.post(urls[name], {"csrfmiddlewaretoken": "t" * 64, "comment": "x", "year": "2027"})
            # 405: a GET-only view refuses every POST before it looks anything up (so it tells nothing).
            allowed = {expected[role], 405} if expected[role] != 302 else {302}
            if response.status_code not in allowed:
                wrong[(role, name)] = (expected[role], response.status_code)
            elif response.status_code == 302 and role == "anonymous":
                assert response["Location"].startswith("/accounts/login/"), (name, response["Location"])
    assert not wrong, wrong
    assert fingerprint(frozenset({"audit_auditevent"})) == before


def _admin_urls(objects) -> list[str]:
    """Every admin page: the index, each model's list, add, and change/history/delete of one object."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for view in ("change", "history", "delete"):
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk]))
    return urls


@pytest.mark.django_db
def test_the_admin_is_closed_to_everyone_but_staff_and_needs_model_permissions(client, personas, objects):
    urls = _admin_urls(objects)
    assert len(urls) > 40
    for role in ROLES:  # none of the matrix personas is staff: the admin sends them to sign in
        client.logout()
        if personas[role] is not None:
            client.force_login(personas[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (role, url, response.status_code)
            # The admin's own login page only forwards to ours (throttled, two-factor).
            assert response["Location"].startswith(("/admin/login/", "/accounts/login/")), (role, url)

    staff_without_rights = UserFactory(username="staff-no-rights", is_staff=True)
    client.force_login(staff_without_rights)
    assert client.get(reverse("admin:index")).status_code == 200
    for url in urls[1:]:
        assert client.get(url).status_code == 403, url

    keeper = UserFactory(username="keeper", is_staff=True, is_superuser=True)
    client.force_login(keeper)
    failures = {}
    for url in urls:
        status = client.get(url).status_code
        if status not in (200, 403):  # 403: the audit trail cannot be added to, changed or deleted
            failures[url] = status
    assert not failures, failures
    audit_add = reverse("admin:audit_auditevent_add")
    assert client.get(audit_add).status_code == 403
