"""The 2026 annual plan end to end in Chromium: the director drafts it, the Talent lead keeps Talent (and only
Talent), the steering group comments, the director adopts it, and plan against realisation shows the pledge
against the approved demo contributions. Every page passes axe-core (WCAG 2.1 AA)."""

from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model

from actionlines.demo import seed_demo_plan
from actionlines.models import AnnualPlan, PlanStatus
from actionlines.services import plan_new_version
from contributions.demo import seed_demo_contributions
from contributions.figures import recount
from contributions.models import Contribution, Status
from lifeport.lib.money import format_euro
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in
from tests.factories import DecisionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

INNOVATIE_ACTIVITY = "Chipontwerplab met het MKB"
TALENT_ACTIVITY = "Techniekweek voor scholieren"


def _log_out(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()


def _open_plan(page) -> None:
    page.get_by_role("link", name="Jaarplan", exact=True).click()
    page.get_by_role("link", name="Jaarplan 2026, versie 1").click()


def _approved_2026(partner_slug: str) -> Decimal:
    qs = Contribution.objects.filter(date__year=2026, partner__slug=partner_slug)
    return recount(queryset=qs, by=("partner",), statuses=(Status.APPROVED,)).total.total_value


def test_the_2026_plan_from_draft_to_adopted_and_measured(page):
    seed_programme()
    seed_demo_users()
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        seed_demo_contributions()
        radboud_approved = _approved_2026("radboud-universiteit")
        assert radboud_approved > 0

        # The director starts the 2026 plan and adds an Innovatie activity with a pledge from Radboud.
        log_in(page, "directeur", DEMO_PASSWORD)
        page.get_by_role("link", name="Jaarplan", exact=True).click()
        assert_no_axe_violations(page)
        page.get_by_label("Jaar", exact=True).fill("2026")
        page.get_by_role("button", name="Plan starten").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Jaarplan 2026"
        assert page.get_by_text("Het plan voor 2026 is gestart als concept.").is_visible()
        assert_no_axe_violations(page)

        page.get_by_role("link", name="Activiteit toevoegen onder Innovatie").click()
        page.get_by_label("Titel", exact=True).fill(INNOVATIE_ACTIVITY)
        page.get_by_label("Omschrijving").fill("Radboud Universiteit en bedrijven ontwerpen samen testchips.")
        page.get_by_label("Trekkende partner").select_option(label="Radboud Universiteit")
        page.get_by_label("Budget (€)").fill("75.000")
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_role("heading", name=INNOVATIE_ACTIVITY).is_visible()

        page.get_by_role("link", name=f"Toezegging toevoegen aan {INNOVATIE_ACTIVITY}").click()
        page.get_by_label("Partner", exact=True).select_option(label="Radboud Universiteit")
        page.get_by_label("Uren in natura").fill("400")
        page.get_by_label("Waarde in natura (€)").fill("36.000")
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Opslaan").click()
        pledges = page.get_by_role("table", name=f"Toezeggingen aan {INNOVATIE_ACTIVITY}")
        assert "Radboud Universiteit" in pledges.inner_text() and "€\xa036.000,00" in pledges.inner_text()

        page.get_by_role("link", name="Activiteit toevoegen onder Talent").click()
        page.get_by_label("Titel", exact=True).fill(TALENT_ACTIVITY)
        page.get_by_role("button", name="Opslaan").click()
        assert_no_axe_violations(page)
        plan = AnnualPlan.objects.get(year=2026)
        innovatie = plan.activities.get(title=INNOVATIE_ACTIVITY)
        talent = plan.activities.get(title=TALENT_ACTIVITY)
        _log_out(page)

        # The Talent lead adds a milestone to Talent and is refused on Innovatie.
        log_in(page, "trekker-talent", DEMO_PASSWORD)
        _open_plan(page)
        assert page.get_by_role("link", name=f"Mijlpaal toevoegen aan {INNOVATIE_ACTIVITY}").count() == 0
        page.get_by_role("link", name=f"Mijlpaal toevoegen aan {TALENT_ACTIVITY}").click()
        page.get_by_label("Titel", exact=True).fill("Programma techniekweek rond")
        page.get_by_label("Uiterste datum", exact=True).fill("2026-12-15")
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_role("table", name=f"Mijlpalen van {TALENT_ACTIVITY}").is_visible()
        assert_no_axe_violations(page)
        refused = page.goto(f"/actielijnen/activiteiten/{innovatie.pk}/mijlpaal/")
        assert refused.status == 403
        refused = page.request.post(f"/actielijnen/activiteiten/{innovatie.pk}/mijlpaal/", form={"title": "x"})
        assert refused.status == 403
        assert not innovatie.milestones.exists() and talent.milestones.count() == 1
        page.goto("/")
        _log_out(page)

        # The director sends the plan for review; a steering group member comments on the Innovatie activity.
        log_in(page, "directeur", DEMO_PASSWORD)
        _open_plan(page)
        page.get_by_role("link", name="Ter beoordeling sturen").click()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Ter beoordeling sturen").click()
        assert page.get_by_text("Het plan is nu in beoordeling.").is_visible()
        _log_out(page)

        log_in(page, "regiegroep", DEMO_PASSWORD)
        _open_plan(page)
        page.get_by_role("link", name=f"Opmerking plaatsen bij {INNOVATIE_ACTIVITY}").click()
        page.get_by_label("Uw opmerking", exact=True).fill("Betrek ook ASMPT bij het chipontwerplab.")
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Opmerking plaatsen").click()
        assert page.get_by_text("Betrek ook ASMPT bij het chipontwerplab.").is_visible()
        assert_no_axe_violations(page)
        _log_out(page)

        # The director resolves the comment and adopts the plan.
        log_in(page, "directeur", DEMO_PASSWORD)
        _open_plan(page)
        page.get_by_role("link", name="Afhandelen (opmerking van Sam Regiegroeplid)").click()
        page.get_by_label("Hoe is het afgehandeld?").fill("ASMPT is uitgenodigd voor het lab.")
        page.get_by_role("button", name="Afhandelen").click()
        decision = DecisionFactory(plan=plan, text="De regiegroep stelt het jaarplan 2026 vast.")
        page.get_by_role("link", name="Plan vaststellen").click()
        page.get_by_label("Besluit van de regiegroep").select_option(str(decision.pk))
        page.get_by_role("button", name="Plan vaststellen").click()
        assert page.get_by_text("Het jaarplan is vastgesteld.").is_visible()
        assert page.get_by_text("vastgesteld op 28 november 2026 door Dana de Directeur").first.is_visible()
        assert_no_axe_violations(page)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.ADOPTED and plan.adopted_by.username == "directeur"
        _log_out(page)

        # The lead can no longer edit.
        log_in(page, "trekker-talent", DEMO_PASSWORD)
        _open_plan(page)
        assert page.get_by_role("link", name=f"Mijlpaal toevoegen aan {TALENT_ACTIVITY}").count() == 0
        assert page.get_by_role("link", name="Activiteit toevoegen onder Talent").count() == 0
        assert page.goto(f"/actielijnen/activiteiten/{talent.pk}/mijlpaal/").status == 403

        # Plan against realisation: Radboud's pledge against its approved demo contributions.
        page.goto(plan.get_absolute_url())
        page.get_by_role("link", name="Plan tegenover realisatie").click()
        per_partner = page.get_by_test_id("realisation-partners")
        radboud = per_partner.get_by_role("row").filter(has_text="Radboud Universiteit")
        cells = radboud.get_by_role("cell").all_inner_texts()
        assert cells[0] == "€\xa036.000,00"  # pledged
        assert cells[1] == format_euro(radboud_approved, "nl")  # approved demo contributions
        percentage = round(radboud_approved * 100 / Decimal(36000))
        assert cells[2] == f"{percentage}%"
        assert cells[9] in {"Behaald", "Op schema", "Achter op schema"}  # a status in words
        innovatie_line = page.get_by_test_id("realisation-lines").get_by_role("row").filter(has_text="Innovatie")
        assert innovatie_line.get_by_role("cell").first.inner_text() == "€\xa036.000,00"
        assert_no_axe_violations(page)


def test_the_director_lands_on_the_overview_and_compares_two_versions(page):
    seed_programme()
    seed_demo_users()
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=True):
        seed_demo_contributions()
        adopted = seed_demo_plan()
        draft = plan_new_version(plan=adopted, acting_user=get_user_model().objects.get(username="directeur"))
        draft.activities.filter(title="Lobby Den Haag en Brussel").update(title="Lobby Den Haag, Arnhem en Brussel")

        log_in(page, "directeur", DEMO_PASSWORD)
        page.get_by_test_id("overview-link").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Overzicht voor de directeur"
        assert page.get_by_test_id("days-left").inner_text() == "nog 33 dagen"
        late = page.get_by_test_id("milestones").get_by_role("row").filter(has_text="Twintig zij-instromers geplaatst")
        assert "Te laat" in late.inner_text()  # in words, not only the red border
        assert_no_axe_violations(page)

        page.goto(adopted.get_absolute_url())
        assert page.get_by_test_id("boundary-warning").is_visible()  # an activity runs into 2027
        assert_no_axe_violations(page)

        page.get_by_role("link", name="Overzicht", exact=True).click()  # the menu entry for the director
        assert page.get_by_role("heading", level=1).inner_text() == "Overzicht voor de directeur"
        page.goto(draft.get_absolute_url())
        page.get_by_role("link", name="Vergelijken met 2026, versie 1").click()
        changed = page.get_by_test_id("compare-activities").get_by_role("row").filter(has_text="Arnhem")
        assert "Gewijzigd: titel" in changed.inner_text() and "Lobby Den Haag en Brussel" not in changed.inner_text()
        assert page.get_by_test_id("compare-summary").inner_text().startswith("1 verschil tussen")
        assert_no_axe_violations(page)

        page.goto(f"/actielijnen/jaarplan/{adopted.pk}/realisatie/")
        assert page.get_by_test_id("overdue-milestones").is_visible()
        assert_no_axe_violations(page)
