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


def _sign_in(client: Client, username: str, password: str, address: str = "192.0.2.10", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


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
def test_twenty_wrong_passwords_with_twenty_forged_forwarded_addresses_lock_the_account(nxp_rep):
    # Straight at gunicorn (no proxy configured): the forged X-Forwarded-For changes nothing, the peer is one.
    for attempt in range(20):
        forged = f"198.51.100.{attempt + 1}"
        _sign_in(Client(), "rep-nxp", f"wrong-{attempt}", address="192.0.2.66", HTTP_X_FORWARDED_FOR=forged)
    client = Client()
    forged = {"HTTP_X_FORWARDED_FOR": "10.1.1.1"}
    assert _sign_in(client, "rep-nxp", PASSWORD, address="192.0.2.66", **forged).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_twenty_failures_from_twenty_real_addresses_behind_our_proxy_lock_the_account_everywhere(nxp_rep, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2/32"]
    for attempt in range(19):
        via_proxy = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{attempt + 1}"}
        assert _sign_in(Client(), "rep-nxp", f"wrong-{attempt}", address="10.0.0.2", **via_proxy).status_code == 200
    last = {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    assert _sign_in(Client(), "rep-nxp", "wrong-20", address="10.0.0.2", **last).status_code == 429
    # The account is locked: the right password from a new address does not get in either.
    client = Client()
    fresh = {"HTTP_X_FORWARDED_FOR": "203.0.113.77"}
    assert _sign_in(client, "rep-nxp", PASSWORD, address="10.0.0.2", **fresh).status_code == 429
    assert _sign_in(client, "rep-nxp", PASSWORD, address="192.0.2.200").status_code == 429
    assert "_auth_user_id" not in client.session
    recorded = set(AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).values_list("ip_address", flat=True))
    assert {f"198.51.100.{n}" for n in range(1, 20)} | {"203.0.113.1"} <= recorded
    assert "10.0.0.2" not in recorded


@pytest.mark.django_db
def test_a_username_longer_than_any_account_is_a_form_error_not_a_server_error(nxp_rep):
    response = _sign_in(Client(), "r" * 300 + "\x00", "whatever-password")
    assert response.status_code == 200
    assert 'data-testid="locked-out"' not in response.content.decode()
    assert "150" in response.content.decode()


@pytest.mark.django_db
def test_wrong_current_passwords_in_the_password_change_lock_it_like_the_sign_in_and_are_recorded(nxp_rep):
    client = Client()
    _sign_in(client, "rep-nxp", PASSWORD)
    new = "Another-long-passphrase-42"
    for attempt in range(4):
        wrong = {"old_password": f"guess-{attempt}", "new_password1": new, "new_password2": new}
        assert client.post("/accounts/password_change/", wrong, REMOTE_ADDR="192.0.2.10").status_code == 200
    wrong = {"old_password": "guess-5", "new_password1": new, "new_password2": new}
    assert client.post("/accounts/password_change/", wrong, REMOTE_ADDR="192.0.2.10").status_code == 429
    # Locked: neither the right current password here nor the sign-in from this address gets through.
    right = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post("/accounts/password_change/", right, REMOTE_ADDR="192.0.2.10").status_code == 429
    nxp_rep.refresh_from_db()
    assert nxp_rep.check_password(PASSWORD)
    assert _sign_in(Client(), "rep-nxp", PASSWORD).status_code == 429
    refused = AuditEvent.objects.filter(action=Action.PASSWORD_CHANGE_FAILED, actor=nxp_rep)
    assert refused.count() == 5
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).count() >= 1


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
def test_a_session_ends_after_8_hours_even_when_in_use(nxp_rep):
    client = Client()
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False):
        _sign_in(client, "rep-nxp", PASSWORD)
        assert client.get("/partners/").status_code == 200
    # Busy all day, a page every 20 minutes: the session still ends 8 hours after signing in.
    for minutes in range(20, 8 * 60, 20):
        with time_machine.travel(f"2026-05-04 {9 + minutes // 60:02d}:{minutes % 60:02d}:00+02:00", tick=False):
            assert client.get("/partners/").status_code == 200, minutes
    with time_machine.travel("2026-05-04 17:01:00+02:00", tick=False):
        assert client.get("/partners/")["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_a_session_ends_after_30_minutes_without_a_request(nxp_rep):
    client = Client()
    with time_machine.travel("2026-05-04 09:00:00+02:00", tick=False):
        _sign_in(client, "rep-nxp", PASSWORD)
        assert client.get("/partners/").status_code == 200
    with time_machine.travel("2026-05-04 09:29:00+02:00", tick=False):
        assert client.get("/partners/").status_code == 200
    with time_machine.travel("2026-05-04 09:58:00+02:00", tick=False):
        assert client.get("/partners/").status_code == 200
    with time_machine.travel("2026-05-04 10:29:00+02:00", tick=False):
        assert client.get("/partners/")["Location"].startswith(LOGIN)
        assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.SIGN_OUT, actor=nxp_rep).count() == 1
