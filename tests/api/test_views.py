"""The office's pages for API tokens: issue (key shown once), list with last use, revoke."""

import re

import pytest

from api.models import ApiToken
from audit.models import Action, AuditEvent
from tests.api.conftest import ApiClient


@pytest.mark.django_db
def test_the_office_issues_a_token_whose_key_is_shown_once_and_works(client, office, nxp, rate_card):
    client.force_login(office)
    response = client.post(
        "/api-sleutels/", {"name": "NXP uren", "partner": nxp.pk, "scope": "write", "expires_on": "2027-06-30"}
    )
    assert response.status_code == 200
    key = re.search(r'data-testid="api-key">(lpr_[^<]+)<', response.content.decode())[1]
    token = ApiToken.objects.get()
    assert (token.name, token.partner, token.scope) == ("NXP uren", nxp, "write")
    assert key not in client.get("/api-sleutels/").content.decode()  # shown once
    assert ApiClient(key).get("/api/v1/contributions").status_code == 200
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_ISSUED, actor=office).exists()


@pytest.mark.django_db
def test_a_staff_token_cannot_be_given_write_scope(client, office, programme):
    client.force_login(office)
    response = client.post(
        "/api-sleutels/", {"name": "Bureau", "partner": "", "scope": "write", "expires_on": "2027-06-30"}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "aria-invalid" in response.content.decode() or "utrecht-form-field--invalid" in response.content.decode()


@pytest.mark.django_db
def test_a_revoked_token_stops_working_at_once(client, office, nxp_system):
    api, token = nxp_system
    client.force_login(office)
    response = client.post(f"/api-sleutels/{token.pk}/intrekken/")
    assert response.status_code == 302
    assert api.get("/api/v1/contributions").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.user.is_active
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_REVOKED).count() == 1


@pytest.mark.django_db
def test_only_programme_staff_reach_the_token_pages(client, nxp_rep, steering, nxp_system):
    _api, token = nxp_system
    for user in (nxp_rep, steering):
        client.force_login(user)
        assert client.get("/api-sleutels/").status_code == 403
        assert client.post(f"/api-sleutels/{token.pk}/intrekken/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
