"""The risk register: scoring on 5 × 5, reviews as history, measures, who may review, the heat map, and the
quarterly review reminder to each owner (through the reminders app, sent once)."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from actionlines.models import ActionLine
from audit.models import Action, AuditEvent
from governance import services
from governance.models import RiskStatus
from governance.selectors import risk_heat_map
from reminders.models import Reminder, Rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def talent_risk(director, talent_lead):
    with time_machine.travel("2026-02-10 10:00:00+01:00", tick=False):
        return services.risk_create(
            acting_user=director,
            action_line=ActionLine.objects.get(code="talent"),
            title="Te weinig instroom in techniekopleidingen",
            cause="Concurrentie van andere sectoren om jongeren.",
            effect="Bedrijven vinden geen technici; het cluster groeit niet.",
            likelihood=4,
            impact=4,
            owner=talent_lead,
        )


def _cell(likelihood: int, impact: int) -> int:
    row = next(r for r in risk_heat_map() if r.impact == impact)
    return row.cells[likelihood - 1].count


def test_a_review_moves_the_risk_on_the_heat_map_and_keeps_the_history(talent_risk, talent_lead):
    assert _cell(4, 4) == 1
    services.risk_review(
        risk=talent_risk, acting_user=talent_lead, likelihood=2, impact=4, status="mitigating", note="Techniekweek."
    )
    assert (_cell(4, 4), _cell(2, 4)) == (0, 1)
    assert [(r.likelihood, r.impact) for r in talent_risk.reviews.all()] == [(2, 4), (4, 4)]
    assert AuditEvent.objects.filter(action=Action.RISK_CHANGED, target_id=str(talent_risk.pk)).count() == 2
    services.risk_review(risk=talent_risk, acting_user=talent_lead, likelihood=2, impact=4, status=RiskStatus.CLOSED)
    assert _cell(2, 4) == 0  # closed risks leave the map


def test_only_the_owner_the_lines_lead_and_staff_review_a_risk(talent_risk, nxp_rep, steering, office):
    for outsider in (nxp_rep, steering):
        with pytest.raises(PermissionDenied):
            services.risk_review(risk=talent_risk, acting_user=outsider, likelihood=1, impact=1, status="open")
    services.risk_review(risk=talent_risk, acting_user=office, likelihood=3, impact=4, status="open")


def test_a_representative_who_owns_a_programme_risk_reviews_it(director, nxp_rep, asmpt_rep):
    risk = services.risk_create(
        acting_user=director, title="Marktvraag daalt", cause="-", effect="-", likelihood=3, impact=3, owner=nxp_rep
    )
    services.risk_review(risk=risk, acting_user=nxp_rep, likelihood=2, impact=3, status="open")
    with pytest.raises(PermissionDenied):
        services.risk_review(risk=risk, acting_user=asmpt_rep, likelihood=5, impact=5, status="open")


def test_the_heat_map_reads_one_grouped_query(talent_risk, director, django_assert_num_queries):
    services.risk_create(
        acting_user=director, title="Vertrek van NXP", cause="-", effect="-", likelihood=1, impact=5, owner=director
    )
    with django_assert_num_queries(1):
        cells = {(c.likelihood, c.impact): c.count for row in risk_heat_map() for c in row.cells}
    assert len(cells) == 25 and sum(cells.values()) == 2 and cells[(1, 5)] == 1


def test_measures_have_due_dates_and_are_marked_done(talent_risk, talent_lead):
    measure = services.measure_add(
        risk=talent_risk, acting_user=talent_lead, description="Techniekweek organiseren", due_on=date(2026, 5, 1)
    )
    assert services.measure_done(measure=measure, acting_user=talent_lead).done_on is not None


def test_owners_are_reminded_once_two_weeks_before_the_quarter_ends_unless_reviewed(run_job, talent_risk, talent_lead):
    # Created (and so reviewed) in Q1: no reminder in Q1. In Q2, 14 days before 30 June, once.
    assert run_job(date(2026, 3, 17)) == 0
    assert run_job(date(2026, 6, 15)) == 0
    run_job(date(2026, 6, 16))
    assert [m.to[0] for m in mail.outbox] == ["lead-talent@example.org"]
    assert "Te weinig instroom" in mail.outbox[0].subject
    assert run_job(date(2026, 6, 16)) == 0  # sent once
    assert Reminder.objects.filter(rule=Rule.RISK_REVIEW).count() == 1
    # Reviewed in Q3: no reminder before 30 September.
    with time_machine.travel("2026-08-01 10:00:00+02:00", tick=False):
        services.risk_review(risk=talent_risk, acting_user=talent_lead, likelihood=3, impact=4, status="open")
    mail.outbox.clear()
    run_job(date(2026, 9, 16))
    assert mail.outbox == []


def test_the_register_page_shows_the_heat_map_in_words_and_the_owner_reviews(client, talent_risk, talent_lead):
    client.force_login(talent_lead)
    page = client.get("/regiegroep/risicos/").content.decode()
    assert 'data-testid="heat-4-4"' in page and "Zeer hoog (16)" in page
    response = client.post(
        f"/regiegroep/risicos/{talent_risk.pk}/beoordelen/",
        {"review-likelihood": "2", "review-impact": "4", "review-status": "mitigating", "review-note": "Beter."},
    )
    assert response.status_code == 302
    talent_risk.refresh_from_db()
    assert (talent_risk.likelihood, talent_risk.status) == (2, "mitigating")
