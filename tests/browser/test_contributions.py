"""Done when (issue 3): the NXP representative logs 12 hours for Talent, attaches a PDF and submits the period;
the director approves it; both pages show € 720,00; axe finds nothing at any step."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from actionlines.models import ActionLine
from contributions.models import Contribution, HourlyRate, Kind, Status
from contributions.services import contribution_create, contributions_bulk_update, period_submit
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.models import Partner
from partners.services import seed_programme
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


def test_returned_items_are_corrected_and_resubmitted_and_every_page_on_the_way_passes_axe(page):
    seed_programme()
    seed_demo_users()
    HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))
    nxp_user = get_user_model().objects.get(username="nxp")
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        talent = ActionLine.objects.get(code="talent")
        item = contribution_create(
            partner=Partner.objects.get(slug="nxp"),
            acting_user=nxp_user,
            action_line=talent,
            kind=Kind.STAFF_HOURS,
            date=date(2026, 11, 2),
            description="Stagebegeleiding",
            hours=Decimal("12"),
        )
        spare = contribution_create(
            partner=item.partner,
            acting_user=nxp_user,
            action_line=talent,
            kind=Kind.MATERIALS,
            date=date(2026, 11, 3),
            description="Oude meetapparatuur",
            amount=Decimal("250"),
        )
        period_submit(partner=item.partner, period=item.period, acting_user=nxp_user)
        contributions_bulk_update(  # keep one draft to delete
            contributions=Contribution.objects.filter(pk=spare.pk), status=Status.DRAFT
        )

        # The office returns the hours with a comment, and looks at the periods on the way.
        log_in(page, "bureau", DEMO_PASSWORD)
        page.get_by_role("link", name="Beoordelen").click()
        page.get_by_role("link", name="Stagebegeleiding").click()
        page.get_by_label("Toelichting voor de partner").fill("Volgens de urenstaat waren het 10 uur.")
        page.get_by_role("button", name="Terugsturen naar de partner").click()
        assert page.get_by_text("Teruggestuurd naar de partner.").is_visible()
        assert_no_axe_violations(page)
        page.goto("/bijdragen/periodes/")
        assert_no_axe_violations(page)
        page.get_by_role("link", name="2026-K4").click()
        page.get_by_role("link", name="Deze periode sluiten").click()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Periode sluiten").click()
        assert page.get_by_text("kan pas worden gesloten na de inleverdatum").is_visible()
        assert_no_axe_violations(page)
        _log_out(page)

        # The representative reads the comment, corrects, tries a wrong file, deletes a draft, resubmits.
        log_in(page, "nxp", DEMO_PASSWORD)
        page.get_by_role("link", name="Bijdragen", exact=True).click()
        page.get_by_role("link", name="Stagebegeleiding").click()
        assert page.get_by_test_id("review-comment").get_by_text("Volgens de urenstaat waren het 10 uur.").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Wijzigen").click()
        page.get_by_label("Uren").fill("10")
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_test_id("value").inner_text().replace("\u00a0", " ") == "€ 600,00"
        page.get_by_label("Bestand").set_input_files(
            {"name": "urenstaat.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 200}
        )
        page.get_by_role("button", name="Bestand toevoegen").click()
        assert page.get_by_role("alert").get_by_text("Dit soort bestand wordt niet geaccepteerd.").is_visible()
        assert_no_axe_violations(page)
        page.goto(spare.get_absolute_url())
        page.get_by_role("link", name="Verwijderen").click()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Ja, verwijderen").click()
        assert page.get_by_text("De bijdrage is verwijderd.").is_visible()
        page.goto(item.period.get_absolute_url() + "?partner=nxp")
        page.get_by_role("link", name="Periode indienen (1 bijdrage)").click()
        page.get_by_role("button", name="1 bijdrage indienen").click()
        page.get_by_role("button", name="English").click()
        assert _cells(page, "submitted") == ["Submitted", "1", "10.00", "€600.00", "€0.00", "€600.00"]
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Nederlands").click()
        _log_out(page)

        # The director approves, then reopens it with a reason; the history shows old → new.
        log_in(page, "directeur", DEMO_PASSWORD)
        page.goto(item.get_absolute_url())
        page.get_by_role("button", name="Goedkeuren").click()
        page.goto(item.get_absolute_url())
        page.get_by_role("link", name="Deze goedgekeurde bijdrage heropenen").click()
        assert_no_axe_violations(page)
        page.get_by_label("Reden om te heropenen").fill("Hoort bij Innovatie, niet bij Talent.")
        page.get_by_role("button", name="Heropenen").click()
        history = page.get_by_test_id("history")
        assert history.get_by_text("Reden: Hoort bij Innovatie, niet bij Talent.").is_visible()
        assert history.get_by_text("Uren: van 12,00 → naar 10,00").is_visible()
        assert history.get_by_text("Status: van Goedgekeurd → naar Teruggestuurd").is_visible()
        assert_no_axe_violations(page)

    item.refresh_from_db()
    assert (item.status, item.value, Contribution.objects.count()) == (Status.RETURNED, Decimal("600.00"), 1)
