"""Signing in as a person would: password, then a TOTP code; the lock-out; the pages work under the CSP."""

from datetime import date

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEvent
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in, totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def _watch_csp(page) -> list[str]:
    """Collect CSP violations: the DOM event (an init script, which the CSP does not block) and the console."""
    messages: list[str] = []
    page.add_init_script(CSP_LISTENER)
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def _violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations || []"), *console]


def test_the_director_signs_in_with_password_and_a_code_from_the_app(page):
    seed_programme()
    seed_demo_users()
    console = _watch_csp(page)
    page.goto("/accounts/login/")
    assert_no_axe_violations(page)
    page.get_by_label("Gebruikersnaam").fill("directeur")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.wait_for_url("**/accounts/tweestapsverificatie/**")
    assert page.get_by_role("heading", name="Tweestapsverificatie").is_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill("000000" if totp_code(_demo_key()) != "000000" else "111111")
    page.get_by_role("button", name="Controleren").click()
    assert page.get_by_role("alert").is_visible()
    assert_no_axe_violations(page)

    # django-otp backs off a second after a wrong code.
    page.wait_for_timeout(1100)
    page.get_by_label("Code").fill(totp_code(_demo_key()))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url(lambda url: "tweestapsverificatie" not in url)
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert page.get_by_role("link", name="Auditlog").is_visible()
    page.get_by_role("link", name="Auditlog").click()
    assert page.get_by_role("heading", name="Auditlog").is_visible()
    assert page.get_by_role("cell", name="Tweede stap gecontroleerd").first.is_visible()
    assert_no_axe_violations(page)
    assert not _violations(page, console)


def _demo_key() -> bytes:
    return TOTPDevice.objects.get(user__username="directeur").bin_key


def test_a_new_staff_member_sets_up_the_app_and_saves_recovery_codes(page):
    seed_programme()
    UserFactory(username="nieuw-bureau", is_staff=True)
    console = _watch_csp(page)
    page.goto("/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill("nieuw-bureau")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/instellen/**")
    assert page.get_by_role("heading", name="Tweestapsverificatie instellen").is_visible()
    assert page.get_by_role("img", name="QR-code voor uw authenticator-app").is_visible()
    assert_no_axe_violations(page)

    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    from base64 import b32decode

    page.get_by_label("Code uit de app").fill(totp_code(b32decode(secret)))
    page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    page.wait_for_url("**/herstelcodes/**")
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ik heb mijn codes bewaard, ga verder").click()
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert not _violations(page, console)


def test_five_wrong_passwords_show_the_lock_out_page(page):
    seed_programme()
    seed_demo_users()
    for attempt in range(1, 6):
        page.goto("/accounts/login/")
        page.get_by_label("Gebruikersnaam").fill("nxp")
        page.get_by_label("Wachtwoord").fill(f"verkeerd-wachtwoord-{attempt}")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        if attempt < 5:
            assert page.get_by_role("heading", name="Inloggen").is_visible(), attempt
    assert page.get_by_role("heading", name="Inloggen tijdelijk geblokkeerd").is_visible()
    assert "15 minuten geblokkeerd" in page.get_by_test_id("locked-out").inner_text()
    assert_no_axe_violations(page)

    # The right password does not help now.
    page.goto("/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill("nxp")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_role("heading", name="Inloggen tijdelijk geblokkeerd").is_visible()
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).exists()


def test_htmx_updates_a_page_in_place_under_the_csp(page):
    from reports.models import Report, ReportStatus

    seed_programme()
    seed_demo_users()
    console = _watch_csp(page)
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        log_in(page, "directeur", DEMO_PASSWORD)
        director = TOTPDevice.objects.get(user__username="directeur").user
        report = Report.objects.create(
            period_key="2026",
            period_label="2026",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            version=1,
            status=ReportStatus.GENERATING,
            created_by=director,
        )
        page.goto(f"/rapportages/{report.pk}/")
        assert page.locator("#report-status").get_attribute("data-status") == "generating"
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="De worker is gestopt.")
        # htmx polls every 2 s and swaps the fragment in place: no reload.
        page.wait_for_selector('#report-status[data-status="failed"]', timeout=10_000)
        assert page.get_by_text("De worker is gestopt.").is_visible()
    assert not _violations(page, console)


def test_the_admin_works_under_the_csp(page):
    from partners.models import Partner

    seed_programme()
    UserFactory(username="beheer", is_staff=True, is_superuser=True)
    console = _watch_csp(page)
    log_in(page, "beheer")
    page.goto("/admin/")
    assert page.get_by_role("link", name="Partners").first.is_visible()
    nxp = Partner.objects.get(slug="nxp")
    page.goto(f"/admin/partners/partner/{nxp.pk}/change/")
    # filter_horizontal is built by the admin's JavaScript: it is there only if the scripts ran.
    page.wait_for_selector(".selector-available", timeout=10_000)
    page.goto("/admin/auth/user/")
    page.get_by_role("checkbox").first.check()  # actions.js counts the selection
    assert page.locator(".action-counter").is_visible()
    assert not _violations(page, console)
