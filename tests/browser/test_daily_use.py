"""Issue 14, daily use: forms that do not accuse before anyone typed, focus on the error summary after a
failed submit, a page at 390 px without sideways scrolling, print without menus or buttons, English dates
and period names."""

import re

import pytest
import time_machine
from django.urls import reverse

from actionlines.demo import seed_demo_plan
from actionlines.models import AnnualPlan
from contributions.demo import seed_demo_contributions, seed_demo_rate_card
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from reports.models import Report
from tests.conftest import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

NOW = "2026-11-28 10:00:00+01:00"


def _demo() -> None:
    seed_programme()
    seed_demo_users()
    seed_demo_rate_card()
    seed_demo_plan()
    with time_machine.travel(NOW):
        seed_demo_contributions()


def test_a_new_form_marks_nothing_invalid_and_a_failed_submit_puts_the_focus_on_the_error_summary(page):
    _demo()
    with time_machine.travel(NOW, tick=True):
        log_in(page, "nxp", DEMO_PASSWORD)
        page.goto(reverse("contributions:create"))
        assert page.evaluate("document.querySelectorAll(':invalid').length") == 0
        assert page.locator("textarea[aria-required='true']").count() == 1  # still said to assistive technology
        page.get_by_label("Soort").select_option(label="Uren medewerkers (in kind)")
        assert "optioneel" not in page.locator("label[for='id_hours']").inner_text()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_load_state()
        summary = page.get_by_test_id("form-errors")
        assert summary.is_visible()
        assert page.evaluate("document.activeElement.dataset.testid") == "form-errors"
        assert page.locator("[aria-invalid='true']").count() >= 1  # now, after the submit, marked
        assert_no_axe_violations(page)


PHONE_PAGES = ["home", "contributions:list", "contributions:queue", "reports:dashboard", "actionlines:overview"]


def test_at_390_px_no_page_scrolls_sideways_and_the_header_is_compact(browser, live_server):
    _demo()
    context = browser.new_context(
        locale="nl-NL", base_url=live_server.url, timezone_id="Europe/Amsterdam", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        with time_machine.travel(NOW, tick=True):
            log_in(page, "directeur", DEMO_PASSWORD)
            plan = AnnualPlan.objects.adopted().for_year(2026).first()
            report = Report.objects.order_by("-pk").first()
            pages = [reverse(name) for name in PHONE_PAGES]
            pages += [reverse("actionlines:plan_realisation", args=[plan.pk])] if plan else []
            pages += [report.get_absolute_url()] if report else []
            for url in pages:
                response = page.goto(url)
                assert response.status == 200, url
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{url} scrolls sideways by {overflow} px at 390 px"
                header = page.evaluate("document.querySelector('.lp-header').getBoundingClientRect().height")
                assert header <= 160, f"{url}: the header takes {header} px"  # it took 320 px
                if url == pages[0]:
                    page.screenshot(path="var/screens/home-director-390.png")
            assert_no_axe_violations(page)
    finally:
        context.close()


def test_print_shows_the_content_without_menus_buttons_or_filters(page):
    _demo()
    with time_machine.travel(NOW, tick=True):
        log_in(page, "directeur", DEMO_PASSWORD)
        page.goto(reverse("contributions:list"))
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """['.lp-nav', '.lp-header__tools', '.lp-filters', '.lp-footer']
               .map(s => document.querySelector(s)).filter(Boolean)
               .map(e => getComputedStyle(e).display)"""
        )
        assert hidden and set(hidden) == {"none"}
        buttons = page.evaluate(
            "[...document.querySelectorAll('button')].filter(b => getComputedStyle(b).display !== 'none').length"
        )
        assert buttons == 0
        assert page.locator("table").first.is_visible()
        head = page.evaluate("getComputedStyle(document.querySelector('table thead')).display")
        assert head == "table-header-group"  # repeated on every printed page


def test_english_pages_write_dates_day_first_and_quarters_as_q(page):
    _demo()
    with time_machine.travel(NOW, tick=True):
        log_in(page, "nxp", DEMO_PASSWORD)
        page.get_by_role("button", name="English").click()
        page.goto(reverse("contributions:list"))
        text = page.locator("main").inner_text()
        assert "2026-Q4" in text and "2026-K4" not in text
        assert re.search(r"\b\d{2}-\d{2}-2026\b", text)  # 20-11-2026 ...
        assert not re.search(r"\b\d{1,2}/\d{1,2}/2026\b", text)  # ... not 11/20/2026
        page.goto(reverse("contributions:periods"))
        assert "2026-Q3" in page.locator("main").inner_text()
        assert_no_axe_violations(page)
