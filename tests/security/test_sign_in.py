"""Signing in: throttling (django-axes), the second factor for programme staff, sessions and passwords."""

from base64 import b32decode

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import RECOVERY_CODE_COUNT
from audit.models import Action, AuditEvent
from tests.conftest import LifeportClient, totp_code
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
VERIFY = "/accounts/tweestapsverificatie/"
SETUP = "/accounts/tweestapsverificatie/instellen/"
CODES = "/accounts/tweestapsverificatie/herstelcodes/"


def _sign_in(client: Client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


# --- throttling ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_username_from_that_address_for_15_minutes(nxp_rep):
    client = Client()
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False):
        for attempt in range(1, 5):
            response = _sign_in(client, "rep-nxp", f"wrong-{attempt}")
            assert response.status_code == 200, attempt
            assert "_auth_user_id" not in client.session
        locked = _sign_in(client, "rep-nxp", "wrong-5")
        assert locked.status_code == 429
        assert "15" in locked.content.decode()
        assert 'data-testid="locked-out"' in locked.content.decode()
        # Even the right password does not get in now, from this address.
        assert _sign_in(client, "rep-nxp", PASSWORD).status_code == 429
        assert "_auth_user_id" not in client.session

    with time_machine.travel("2026-05-04 09:14:00+02:00", tick=False):
        assert _sign_in(Client(), "rep-nxp", PASSWORD).status_code == 429
    with time_machine.travel("2026-05-04 09:16:00+02:00", tick=False):
        client = Client()
        assert _sign_in(client, "rep-nxp", PASSWORD).status_code == 302
        assert client.session["_auth_user_id"] == str(nxp_rep.pk)


@pytest.mark.django_db
def test_the_lock_is_per_username_and_address_combination(nxp_rep, asmpt_rep):
    for attempt in range(5):
        _sign_in(Client(), "rep-nxp", f"wrong-{attempt}", address="192.0.2.66")
    assert _sign_in(Client(), "rep-nxp", PASSWORD, address="192.0.2.66").status_code == 429
    # The same person from their office's address, and a colleague from the attacker's address, get in.
    assert _sign_in(Client(), "rep-nxp", PASSWORD, address="198.51.100.7").status_code == 302
    assert _sign_in(Client(), "rep-asmpt", PASSWORD, address="192.0.2.66").status_code == 302


@pytest.mark.django_db
def test_the_lock_out_page_speaks_english_when_chosen(nxp_rep):
    client = Client()
    client.cookies["django_language"] = "en"
    for attempt in range(5):
        response = _sign_in(client, "rep-nxp", f"wrong-{attempt}")
    assert response.status_code == 429
    assert "blocked for 15 minutes" in response.content.decode()
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_the_admin_login_form_is_not_a_second_way_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


# --- second factor --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_director_without_an_app_is_sent_to_set_up_and_sees_nothing_else(director):
    client = Client()
    assert _sign_in(client, "director", PASSWORD).status_code == 302
    for url in ["/", "/partners/", "/audit/", "/admin/", "/accounts/password_change/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SETUP + "?next="), url
    htmx = client.get("/partners/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith(SETUP)


@pytest.mark.django_db
def test_setting_up_the_app_verifies_the_session_and_shows_ten_recovery_codes_once(director):
    client = Client()
    _sign_in(client, "director", PASSWORD)
    page = client.get(SETUP + "?next=/partners/")
    assert page.status_code == 200
    secret = page.context["secret_groups"]
    assert page.context["qr"].startswith("data:image/svg+xml")
    key = b32decode("".join(secret))

    wrong = client.post(SETUP, {"code": "000000" if totp_code(key) != "000000" else "111111", "next": "/partners/"})
    assert wrong.status_code == 200
    assert "niet juist" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=director, confirmed=True).exists()

    done = client.post(SETUP, {"code": totp_code(key), "next": "/partners/"})
    assert done.status_code == 302
    assert done["Location"].startswith(CODES)
    codes_page = client.get(done["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == RECOVERY_CODE_COUNT
    for code in codes:
        assert code in codes_page.content.decode()
    assert client.get(CODES).context["codes"] is None  # shown once
    assert client.get("/partners/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_ENABLED, actor=director).count() == 1


@pytest.mark.django_db
def test_a_director_with_an_app_signs_in_with_a_code_and_lands_where_they_were_going(director):
    device = TOTPDevice.objects.create(user=director, name="app", confirmed=True)
    client = Client()
    _sign_in(client, "director", PASSWORD)
    bounced = client.get("/partners/")
    assert bounced["Location"] == VERIFY + "?next=%2Fpartners%2F"

    refused = client.post(VERIFY, {"code": "12345", "next": "/partners/"})
    assert refused.status_code == 200
    assert client.get("/partners/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    accepted = client.post(VERIFY, {"code": totp_code(device.bin_key), "next": "/partners/"})
    assert accepted.status_code == 302
    assert accepted["Location"] == "/partners/"
    assert client.get("/partners/").status_code == 200


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(director):
    device = TOTPDevice.objects.create(user=director, name="app", confirmed=True)
    code = totp_code(device.bin_key)
    first, second = Client(), Client()
    _sign_in(first, "director", PASSWORD)
    assert first.post(VERIFY, {"code": code})["Location"] == "/"
    _sign_in(second, "director", PASSWORD, address="192.0.2.11")
    assert second.post(VERIFY, {"code": code}).status_code == 200
    assert second.get("/").status_code == 302


@pytest.mark.django_db
def test_wrong_codes_are_throttled_so_guessing_is_slow(director):
    device = TOTPDevice.objects.create(user=director, name="app", confirmed=True)
    client = Client()
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False):
        _sign_in(client, "director", PASSWORD)
        client.post(VERIFY, {"code": "000001"})
        client.post(VERIFY, {"code": "000002"})
        # Right code, but within the back-off after two failures: refused.
        assert client.post(VERIFY, {"code": totp_code(device.bin_key)}).status_code == 200
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_FAILED, actor=director).count() == 3


@pytest.mark.django_db
def test_a_recovery_code_works_once_instead_of_the_app(director):
    client = LifeportClient()
    client.force_login(director)
    codes = client.post("/accounts/tweestapsverificatie/herstelcodes/nieuw/")
    code = client.get(codes["Location"]).context["codes"][0]

    other = Client()
    _sign_in(other, "director", PASSWORD)
    assert other.post(VERIFY, {"code": code.upper()})["Location"] == "/"
    assert other.get("/partners/").status_code == 200
    assert StaticToken.objects.filter(device__user=director).count() == RECOVERY_CODE_COUNT - 1

    third = Client()
    _sign_in(third, "director", PASSWORD)
    assert third.post(VERIFY, {"code": code}).status_code == 200
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR, details__method="recovery_code").count() == 1


@pytest.mark.django_db
def test_a_representative_needs_no_second_factor(nxp_rep):
    client = Client()
    _sign_in(client, "rep-nxp", PASSWORD)
    assert client.get("/partners/").status_code == 200
    assert client.get(SETUP)["Location"] == "/accounts/beveiliging/"


@pytest.mark.django_db
def test_any_staff_or_superuser_account_needs_the_second_factor(programme):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    _sign_in(client, "root", PASSWORD)
    assert client.get("/admin/")["Location"].startswith(SETUP)


@pytest.mark.django_db
def test_force_login_in_tests_stands_for_a_completed_sign_in(client, director):
    client.force_login(director)
    assert client.get("/partners/").status_code == 200
    unverified = LifeportClient()
    unverified.force_login(director, second_factor=False)
    assert unverified.get("/partners/")["Location"].startswith(VERIFY)


# --- sessions and passwords --------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_password_signs_out_every_other_session(nxp_rep):
    here, elsewhere = Client(), Client()
    _sign_in(here, "rep-nxp", PASSWORD)
    _sign_in(elsewhere, "rep-nxp", PASSWORD, address="198.51.100.7")
    new = "Another-long-passphrase-42"
    changed = here.post(
        "/accounts/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert changed.status_code == 302
    assert here.get("/partners/").status_code == 200
    assert elsewhere.get("/partners/")["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, actor=nxp_rep).count() == 1


@pytest.mark.django_db
def test_a_password_shorter_than_12_characters_is_refused(nxp_rep):
    client = Client()
    _sign_in(client, "rep-nxp", PASSWORD)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Kort-maar-1", "new_password2": "Kort-maar-1"},
    )
    assert response.status_code == 200
    assert "12" in response.content.decode()


@pytest.mark.django_db
def test_a_session_ends_after_8_hours(nxp_rep):
    client = Client()
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False):
        _sign_in(client, "rep-nxp", PASSWORD)
        assert client.get("/partners/").status_code == 200
    with time_machine.travel("2026-05-04 16:59:00+02:00", tick=False):
        assert client.get("/partners/").status_code == 200
    with time_machine.travel("2026-05-05 01:01:00+02:00", tick=False):
        assert client.get("/partners/")["Location"].startswith(LOGIN)
