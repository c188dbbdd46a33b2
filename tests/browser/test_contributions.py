"""Done when (issue 3): the NXP representative logs 12 hours for Talent, attaches a PDF and submits the period;
the director approves it; both pages show € 720,00; axe finds nothing at any step."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from contributions.models import Contribution, HourlyRate, Status
from partners.services import DEMO_PASSWORD, seed_demo_users, seed_programme
from tests.conftest import assert_no_axe_violations, log_in
from tests.contributions.conftest import tiny_pdf

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _cells(page, status: str) -> list[str]:
    row = page.get_by_test_id("totals").locator(f'tr[data-status="{status}"]')
    return [cell.replace("\u00a0", " ") for cell in row.locator("th, td").all_inner_texts()]


def _log_out(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()


def test_a_representative_logs_and_submits_hours_and_the_director_approves_them(page):
    seed_programme()
    seed_demo_users()
    HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1), note="Vast programmatarief")
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        # The NXP representative logs 12 hours for Talent.
        log_in(page, "nxp", DEMO_PASSWORD)
        page.get_by_role("link", name="Bijdragen", exact=True).click()
        assert page.get_by_role("heading", name="Bijdragen van NXP").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Bijdrage invoeren").click()
        assert page.get_by_text("vandaag € 60,00 per uur").is_visible()
        assert_no_axe_violations(page)
        page.get_by_label("Actielijn").select_option(label="Talent")
        page.get_by_label("Soort").select_option(label="Uren medewerkers (in kind)")
        assert page.get_by_label("Bedrag (€)").is_hidden()  # only the fields of the chosen kind
        page.get_by_label("Datum").fill("2026-11-20")
        page.get_by_label("Omschrijving").fill("Gastlessen microchips op het ROC Nijmegen")
        page.get_by_label("Uren").fill("12")
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_test_id("value").inner_text().replace("\u00a0", " ") == "€ 720,00"
        assert_no_axe_violations(page)

        # ... attaches a PDF ...
        page.get_by_label("Bestand").set_input_files(
            {"name": "urenstaat-november.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}
        )
        page.get_by_role("button", name="Bestand toevoegen").click()
        assert page.get_by_role("link", name="urenstaat-november.pdf", exact=True).is_visible()
        assert_no_axe_violations(page)

        # ... and submits the period, after a confirmation that lists what goes.
        page.get_by_role("link", name="Periode 2026-K4 indienen").click()
        assert page.get_by_role("heading", name="Rapportageperiode 2026-K4 · NXP").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Periode indienen (1 bijdrage)").click()
        listed = page.get_by_test_id("to-submit")
        assert listed.get_by_role("link", name="Gastlessen microchips op het ROC Nijmegen").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="1 bijdrage indienen").click()
        assert page.get_by_text("1 bijdrage is ingediend voor beoordeling.").is_visible()
        assert _cells(page, "submitted") == ["Ingediend", "1", "12,00", "€ 720,00", "€ 0,00", "€ 720,00"]
        assert_no_axe_violations(page)
        assert Contribution.objects.get().status == Status.SUBMITTED
        _log_out(page)

        # The director approves it from the queue.
        log_in(page, "directeur", DEMO_PASSWORD)
        review = page.get_by_role("link", name="Beoordelen")
        assert review.get_by_test_id("nav-badge").inner_text().startswith("1")
        review.click()
        assert page.get_by_test_id("queue").get_by_text("€ 720,00").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Gastlessen microchips op het ROC Nijmegen").click()
        assert page.get_by_role("link", name="urenstaat-november.pdf", exact=True).is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Goedkeuren").click()
        assert page.get_by_text("Goedgekeurd: NXP").is_visible()
        assert page.get_by_text("Er wacht niets op beoordeling.").is_visible()
        assert _cells(page, "approved") == ["Goedgekeurd", "1", "12,00", "€ 720,00", "€ 0,00", "€ 720,00"]
        assert_no_axe_violations(page)
        _log_out(page)

        # The representative's page shows it approved, with the same total.
        log_in(page, "nxp", DEMO_PASSWORD)
        page.get_by_role("link", name="Bijdragen", exact=True).click()
        assert _cells(page, "approved") == ["Goedgekeurd", "1", "12,00", "€ 720,00", "€ 0,00", "€ 720,00"]
        assert _cells(page, "submitted")[1] == "0"
        assert_no_axe_violations(page)

    item = Contribution.objects.get()
    assert (item.status, item.value, item.reviewed_by.username) == (Status.APPROVED, Decimal("720.00"), "directeur")
