"""The regiegroep in Chromium: the director records a meeting with a decision and adopts the plan citing it;
a steering group member comments before the meeting. Every page passes axe-core, in Dutch and in English."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model

from actionlines import services as plan_services
from actionlines.models import ActionLine, AnnualPlan, PlanStatus
from audit.models import Action, AuditEvent
from governance.models import Decision, DecisionKind
from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme
from tests.conftest import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _log_out(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()


def _plan_in_review() -> AnnualPlan:
    director = get_user_model().objects.get(username="directeur")
    plan = plan_services.plan_start(year=2026, acting_user=director)
    plan_services.activity_create(
        plan=plan,
        acting_user=director,
        action_line=ActionLine.objects.get(code="talent"),
        title="Techniekweek voor scholieren",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 11, 30),
    )
    return plan_services.plan_send_for_review(plan=plan, acting_user=director)


def test_the_director_records_a_meeting_with_a_decision_and_adopts_the_plan_citing_it(page):
    seed_programme()
    seed_demo_users()
    with time_machine.travel("2026-03-02 10:00:00+01:00", tick=True):
        plan = _plan_in_review()

        log_in(page, "directeur", DEMO_PASSWORD)
        page.get_by_role("link", name="Regiegroep", exact=True).click()
        assert_no_axe_violations(page)
        page.get_by_label("Datum", exact=True).fill("2026-03-12")
        page.get_by_label("Titel", exact=True).fill("Regiegroep maart 2026")
        page.get_by_label("Locatie").fill("Stadhuis Nijmegen")
        page.get_by_label("Aanwezige partners").select_option(
            label=["Gemeente Nijmegen", "NXP", "Radboud Universiteit"]
        )
        page.get_by_role("button", name="Vergadering vastleggen").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Regiegroep maart 2026"
        assert "NXP" in page.get_by_test_id("attendees").inner_text()
        page.get_by_label("Agendapunt").fill("Vaststelling jaarplan 2026")
        page.get_by_role("button", name="Op de agenda zetten").click()
        assert page.get_by_test_id("agenda").get_by_text("Vaststelling jaarplan 2026").is_visible()
        assert_no_axe_violations(page)
        meeting_url = page.url
        _log_out(page)

        # A steering group member reads the agenda and comments before the meeting.
        log_in(page, "regiegroep", DEMO_PASSWORD)
        page.goto(meeting_url)
        page.get_by_label("Uw opmerking").fill("Akkoord met het jaarplan; graag aandacht voor ASMPT.")
        page.get_by_role("button", name="Opmerking plaatsen").click()
        assert page.get_by_text("Akkoord met het jaarplan; graag aandacht voor ASMPT.").is_visible()
        assert page.get_by_role("button", name="Besluit vastleggen").count() == 0
        assert_no_axe_violations(page)
        _log_out(page)

        # At the meeting the director records the decision about this plan version.
        log_in(page, "directeur", DEMO_PASSWORD)
        page.goto(meeting_url)
        page.get_by_label("Besluit", exact=True).fill("De regiegroep stelt het jaarplan 2026 vast.")
        page.get_by_label("Betreft").select_option(DecisionKind.PLAN.value)
        page.get_by_label("Versie van het jaarplan (bij vaststellen van een plan)").select_option(str(plan.pk))
        page.get_by_role("button", name="Besluit vastleggen").click()
        decisions = page.get_by_test_id("meeting-decisions")
        assert "Besluit 2026-01" in decisions.inner_text()
        assert_no_axe_violations(page)
        decision = Decision.objects.get()

        # The director adopts the plan citing the decision.
        page.goto(plan.get_absolute_url())
        page.get_by_role("link", name="Plan vaststellen").click()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Plan vaststellen").click()  # without a decision: refused
        assert page.get_by_role("alert").is_visible()
        page.get_by_label("Besluit van de regiegroep").select_option(str(decision.pk))
        page.get_by_role("button", name="Plan vaststellen").click()
        assert page.get_by_text("Het jaarplan is vastgesteld.").is_visible()
        plan.refresh_from_db()
        assert plan.status == PlanStatus.ADOPTED
        assert AuditEvent.objects.get(action=Action.PLAN_ADOPTED).details["decision"] == "2026-01"

        # The minutes, confirmed, freeze the meeting; the register lists the decision. Then in English.
        page.goto(meeting_url)
        page.get_by_role("textbox", name="Notulen").fill("Het jaarplan 2026 is vastgesteld (besluit 2026-01).")
        page.get_by_role("button", name="Notulen opslaan").click()
        page.get_by_role("button", name="Notulen vaststellen").click()
        assert page.get_by_test_id("meeting-status").inner_text().startswith("Notulen vastgesteld")
        assert page.get_by_role("button", name="Besluit vastleggen").count() == 0
        assert_no_axe_violations(page)
        page.get_by_role("button", name="English").click()
        assert page.get_by_role("heading", name="Decisions", exact=True).is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Steering group", exact=True).click()
        page.get_by_role("link", name="All decisions").click()
        register = page.get_by_test_id("decisions").inner_text()
        assert "2026-01" in register and "Adopting an annual plan version" in register
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Nederlands").click()


def test_a_risk_owner_reviews_a_risk_and_the_heat_map_moves(page):
    from governance.services import risk_create

    seed_programme()
    seed_demo_users()
    with time_machine.travel("2026-06-10 10:00:00+02:00", tick=True):
        users = get_user_model().objects
        risk = risk_create(
            acting_user=users.get(username="directeur"),
            action_line=ActionLine.objects.get(code="talent"),
            title="Te weinig instroom in techniekopleidingen",
            cause="Andere sectoren trekken jongeren.",
            effect="Bedrijven vinden geen technici.",
            likelihood=4,
            impact=4,
            owner=users.get(username="trekker-talent"),
        )

        log_in(page, "trekker-talent", DEMO_PASSWORD)
        page.get_by_role("link", name="Risico's", exact=True).click()
        heat = page.get_by_test_id("heat-map")
        assert heat.get_by_test_id("heat-4-4").inner_text().split() == ["1", "Zeer", "hoog", "(16)"]
        assert heat.get_by_test_id("heat-2-4").inner_text().split()[0] == "0"
        assert_no_axe_violations(page)

        page.get_by_role("link", name=risk.title).click()
        page.get_by_label("Maatregel", exact=True).fill("Techniekweek voor scholieren")
        page.get_by_label("Uiterste datum").fill("2026-09-30")
        page.get_by_role("button", name="Maatregel toevoegen").click()
        assert "Techniekweek voor scholieren" in page.get_by_test_id("measures").inner_text()
        page.get_by_label("Kans (1 = zeldzaam, 5 = vrijwel zeker)").select_option("2")
        page.get_by_label("Status").select_option("mitigating")
        page.get_by_label("Wat is er gewijzigd").fill("Twee scholen doen mee aan de techniekweek.")
        page.get_by_role("button", name="Beoordeling opslaan").click()
        assert page.get_by_test_id("risk-score").inner_text() == "kans 2 × impact 4 = 8 (Middel)"
        assert "Twee scholen doen mee" in page.get_by_test_id("risk-history").inner_text()
        assert_no_axe_violations(page)

        page.get_by_role("link", name="Risicoregister").click()
        heat = page.get_by_test_id("heat-map")
        assert heat.get_by_test_id("heat-4-4").inner_text().split()[0] == "0"
        assert heat.get_by_test_id("heat-2-4").inner_text().split() == ["1", "Middel", "(8)"]
        page.get_by_role("button", name="English").click()
        assert page.get_by_test_id("heat-2-4").inner_text().split() == ["1", "Medium", "(8)"]
        assert page.get_by_role("table", name="Active risks by likelihood and impact (score = likelihood × impact)")
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Nederlands").click()
