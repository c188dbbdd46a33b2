"""The annual plan pages: what each role sees and may do, forms that keep what was typed, fixed query counts."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from actionlines import services
from actionlines.models import ActionLine, AnnualPlan, MultiYearTarget, PlanStatus, Pledge
from contributions.models import Kind, ReportingPeriod, Status
from partners.models import Agreement
from tests.factories import DecisionFactory, stored_contribution

pytestmark = pytest.mark.django_db
NOW = "2026-11-28 10:00:00+01:00"


def _url(name: str, *args) -> str:
    return reverse(f"actionlines:{name}", args=args)


def _text(response) -> str:
    return response.content.decode()


# --- Starting and running a plan through the pages ----------------------------------------------------------


def test_the_director_starts_a_plan_from_the_plans_page(client, director):
    client.force_login(director)
    response = client.post(_url("plans"), {"year": "2026"})
    plan = AnnualPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert "Jaarplan 2026" in _text(client.get(plan.get_absolute_url()))


def test_a_year_that_already_has_a_plan_is_refused_with_a_message(client, director, demo):
    client.force_login(director)
    response = client.post(_url("plans"), {"year": "2026"})
    assert response.status_code == 400
    assert AnnualPlan.objects.count() == 1
    assert 'value="2026"' in _text(response)


@pytest.mark.parametrize("persona", ["steering", "talent_lead", "nxp_rep"])
def test_only_the_director_may_start_a_plan(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url("plans")).status_code == 200
    assert client.post(_url("plans"), {"year": "2026"}).status_code == 403
    assert not AnnualPlan.objects.exists()


def test_an_activity_form_with_mistakes_keeps_what_was_typed(client, director, draft):
    client.force_login(director)
    data = {
        "action_line": ActionLine.objects.get(code="talent").pk,
        "title": "Zomerschool chips",
        "starts_on": "2026-08-01",
        "ends_on": "2026-07-01",
        "budget": "12.500,50",
    }
    response = client.post(_url("activity_create", draft.pk, "talent"), data)
    assert response.status_code == 400
    body = _text(response)
    assert "De einddatum kan niet voor de begindatum liggen." in body
    assert 'value="Zomerschool chips"' in body and "12.500,50" in body

    data["ends_on"] = "2026-09-01"
    response = client.post(_url("activity_create", draft.pk, "talent"), data)
    activity = draft.activities.get(title="Zomerschool chips")
    assert response.status_code == 302 and activity.budget == Decimal("12500.50")


def test_nonsense_in_a_number_field_is_a_message_not_an_error(client, director, draft):
    client.force_login(director)
    activity = draft.activities.first()
    response = client.post(_url("pledge_create", activity.pk), {"partner": "999999", "hours": "veel", "money": "-5"})
    assert response.status_code == 400
    assert "utrecht-form-field-error-message" in _text(response)


def test_the_lead_edits_talent_and_is_refused_on_innovatie(client, talent_lead, draft):
    client.force_login(talent_lead)
    talent = draft.activities.filter(action_line__code="talent").first()
    innovatie = draft.activities.get(action_line__code="innovatie")
    response = client.post(
        _url("milestone_create", talent.pk), {"title": "Open dag", "due_on": "2026-12-12", "status": "planned"}
    )
    assert response.status_code == 302 and talent.milestones.filter(title="Open dag").exists()

    assert client.get(_url("milestone_create", innovatie.pk)).status_code == 403
    response = client.post(
        _url("milestone_create", innovatie.pk), {"title": "Stiekem", "due_on": "2026-12-12", "status": "planned"}
    )
    assert response.status_code == 403 and not innovatie.milestones.filter(title="Stiekem").exists()
    assert client.get(_url("activity_create", draft.pk, "innovatie")).status_code == 403

    page = _text(client.get(draft.get_absolute_url()))
    assert _url("milestone_create", talent.pk) in page
    assert _url("milestone_create", innovatie.pk) not in page


def test_a_frozen_plan_has_no_edit_links_and_refuses_edits(client, director, talent_lead, demo):
    activity = demo.activities.filter(action_line__code="talent").first()
    for user in (director, talent_lead):
        client.force_login(user)
        page = _text(client.get(demo.get_absolute_url()))
        assert _url("activity_edit", activity.pk) not in page
        assert client.post(_url("activity_edit", activity.pk), {"title": "Anders"}).status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Semicon-leerlijn mbo en hbo"


def test_review_comment_resolve_and_adopt_through_the_pages(client, director, steering, draft):
    client.force_login(director)
    assert client.post(_url("plan_review", draft.pk)).status_code == 302
    activity = draft.activities.first()

    client.force_login(steering)
    assert _url("comment_create", activity.pk) in _text(client.get(draft.get_absolute_url()))
    client.post(_url("comment_create", activity.pk), {"text": "Graag een concreet aantal deelnemers."})
    comment = activity.comments.get()

    client.force_login(director)
    decision = {"decision": DecisionFactory(plan=draft).pk}
    response = client.post(_url("plan_adopt", draft.pk), decision, follow=True)
    assert "Handel eerst elke opmerking van de regiegroep af" in _text(response)
    client.post(_url("comment_resolve", comment.pk), {"resolution": "Veertig deelnemers opgenomen."})
    response = client.post(_url("plan_adopt", draft.pk), decision, follow=True)
    draft.refresh_from_db()
    demo = AnnualPlan.objects.get(version=1)
    assert draft.status == PlanStatus.ADOPTED and draft.adopted_by == director
    assert demo.status == PlanStatus.SUPERSEDED
    assert "Het jaarplan is vastgesteld." in _text(response)


def test_a_forbidden_transition_is_a_message_and_changes_nothing(client, director, demo):
    client.force_login(director)
    response = client.post(_url("plan_adopt", demo.pk), {"decision": DecisionFactory(plan=demo).pk}, follow=True)
    assert "kan niet" in _text(response)
    demo.refresh_from_db()
    assert demo.status == PlanStatus.ADOPTED


def test_start_next_years_plan_from_the_page(client, director, demo):
    client.force_login(director)
    response = client.post(_url("plan_next_year", demo.pk))
    next_year = AnnualPlan.objects.get(year=2027)
    assert response.url == next_year.get_absolute_url()
    assert next_year.activities.count() == demo.activities.count()


def test_the_director_records_a_multi_year_target(client, director, programme):
    client.force_login(director)
    response = client.post(
        _url("target_edit", "talent", 2027), {"goal": "Tweehonderd studenten", "hours": "1.000", "in_kind_value": ""}
    )
    assert response.status_code == 302
    target = MultiYearTarget.objects.get(action_line__code="talent", year=2027)
    assert (target.goal, target.hours, target.in_kind_value) == ("Tweehonderd studenten", Decimal("1000"), 0)
    assert "Tweehonderd studenten" in _text(client.get(_url("detail", "talent")))


# --- What the pages show ------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_plan_page_shows_lines_pledges_late_milestones_and_the_boundary(client, steering, demo):
    client.force_login(steering)
    body = _text(client.get(demo.get_absolute_url()))
    for title in demo.activities.values_list("title", flat=True):
        assert title in body
    assert "Vastgesteld" in body and "Dana de Directeur" in body
    assert "Delen van dit plan lopen door na het einde van de overeenkomst." in body
    assert "Na de overeenkomst" in body  # the activity running into 2027 is marked in words
    assert body.count("lp-status--milestone-late") == 4  # late milestones stand out, with the word "Te laat"
    assert "Te laat" in body


@time_machine.travel(NOW, tick=False)
def test_a_2027_plan_says_on_every_page_that_no_agreement_covers_it(client, director, demo):
    client.force_login(director)
    next_year = services.plan_start_next_year(plan=demo, acting_user=director)
    activity = next_year.activities.first()
    pages = [
        next_year.get_absolute_url(),
        _url("plan_realisation", next_year.pk),
        _url("plan_edit", next_year.pk),
        _url("plan_review", next_year.pk),
        _url("activity_create", next_year.pk, "talent"),
        _url("activity_edit", activity.pk),
        _url("pledge_create", activity.pk),
        _url("milestone_create", activity.pk),
        _url("indicator_create", next_year.pk, "talent"),
    ]
    for url in pages:
        body = _text(client.get(url))
        assert "Geen overeenkomst dekt dit plan." in body, url

    Agreement.objects.create(title="Programmaovereenkomst 2027", starts_on=date(2027, 1, 1), ends_on=date(2030, 12, 31))
    for url in pages:
        assert "Geen overeenkomst dekt dit plan." not in _text(client.get(url)), url
    assert "Delen van dit plan" not in _text(client.get(demo.get_absolute_url()))


@time_machine.travel(NOW, tick=False)
def test_realisation_shows_percentages_status_in_words_and_not_applicable_without_pledges(
    client, director, draft, programme
):
    gemeente = programme["gemeente-nijmegen"]
    stored_contribution(
        partner=gemeente,
        action_line=ActionLine.objects.get(code="talent"),
        period=ReportingPeriod.objects.containing(date(2026, 5, 1)).get(),
        kind=Kind.MONEY,
        date=date(2026, 5, 1),
        description="Financiering programmaorganisatie",
        amount=Decimal("100000"),
        value=Decimal("100000"),
        status=Status.APPROVED,
        created_by=director,
    )
    client.force_login(director)
    body = _text(client.get(_url("plan_realisation", draft.pk)))
    assert "Achter op schema" in body and "Behaald" in body  # a status in words, not only a colour
    assert "Toezeggingen behaald" in body and "Wordt in dit tempo niet behaald" in body
    assert "Gemeente Nijmegen" in body and "109%" in body  # € 100.000 approved of € 92.000 pledged
    empty = services.plan_start(year=2027, acting_user=director)
    body = _text(client.get(_url("plan_realisation", empty.pk)))
    assert "n.v.t." in body and "Niets toegezegd" in body


@time_machine.travel(NOW, tick=False)
def test_the_overview_is_for_the_director_and_linked_from_home(client, director, steering, demo):
    client.force_login(director)
    assert _url("overview") in _text(client.get("/"))
    body = _text(client.get(_url("overview")))
    assert "nog 33 dagen" in body
    assert "Twintig zij-instromers geplaatst" in body  # late
    assert "Evaluatie eerste cohort" in body  # due within 30 days
    assert "Tweede ronde werving" not in body  # due in 2027
    client.force_login(steering)
    assert _url("overview") not in _text(client.get("/"))
    assert client.get(_url("overview")).status_code == 403


def test_comparing_two_versions_side_by_side(client, director, steering, draft):
    activity = draft.activities.get(action_line__code="innovatie")
    services.activity_update(activity=activity, acting_user=director, title="Onderzoeksprogramma chipontwerp en AI")
    client.force_login(steering)
    body = _text(client.get(_url("plan_compare") + f"?left={draft.based_on_id}&right={draft.pk}"))
    assert "Onderzoeksprogramma chipontwerp en AI" in body and "Onderzoeksprogramma chipontwerp" in body
    assert "Gewijzigd" in body and "1 verschil tussen" in body


# --- Exports ------------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_plan_xlsx_has_a_sheet_per_part_and_the_totals(client, steering, demo):
    client.force_login(steering)
    response = client.get(_url("plan_xlsx", demo.pk))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Activiteiten", "Toezeggingen", "Mijlpalen", "Indicatoren"]
    activities = list(workbook["Activiteiten"].iter_rows(values_only=True))
    assert len(activities) == 1 + 7 + 1
    assert activities[-1][0] == "Totaal" and activities[-1][5] == 530000
    past = {row[1] for row in activities[1:-1] if row[10] == "na de overeenkomst"}
    assert past == {"Zij-instroom en omscholing techniek"}  # runs until 30 June 2027, no successor agreement
    assert len(list(workbook["Toezeggingen"].iter_rows())) == 1 + Pledge.objects.filter(activity__plan=demo).count()


# --- No query per row ---------------------------------------------------------------------------------------------


def _add_activities(plan, director, programme, count: int = 12) -> None:
    talent = ActionLine.objects.get(code="talent")
    for n in range(count):
        activity = services.activity_create(
            plan=plan,
            acting_user=director,
            action_line=talent,
            title=f"Extra {n}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
        services.pledge_set(activity=activity, partner=programme["nxp"], acting_user=director, hours=Decimal("3"))
        services.milestone_create(activity=activity, acting_user=director, title=f"M{n}", due_on=date(2026, 6, 1))
        services.indicator_create(
            plan=plan, action_line=talent, acting_user=director, name=f"I{n}", unit="x", target=Decimal("1")
        )


@pytest.mark.parametrize("name", ["plan", "plan_realisation", "plans", "overview", "plan_compare", "plan_xlsx"])
def test_list_pages_run_a_fixed_number_of_queries(client, director, draft, programme, name):
    """The same number of queries with 7 activities as with 19 (and a sane ceiling): no query per row."""
    client.force_login(director)
    url = {
        "plan": draft.get_absolute_url(),
        "plan_realisation": _url("plan_realisation", draft.pk),
        "plans": _url("plans"),
        "overview": _url("overview"),
        "plan_compare": _url("plan_compare") + f"?left={draft.based_on_id}&right={draft.pk}",
        "plan_xlsx": _url("plan_xlsx", draft.pk),
    }[name]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    _add_activities(draft, director, programme)
    big = count()
    assert big == small and big <= 45, (small, big)


def test_removing_asks_first_then_removes_only_in_a_draft(client, director, talent_lead, draft, demo):
    pledge = draft.activities.get(action_line__code="innovatie").pledges.first()
    client.force_login(talent_lead)
    assert client.post(_url("pledge_delete", pledge.pk)).status_code == 403  # Innovatie is not their line
    client.force_login(director)
    confirm = client.get(_url("pledge_delete", pledge.pk))
    assert confirm.status_code == 200 and "verwijderen?" in _text(confirm)
    assert client.post(_url("pledge_delete", pledge.pk)).status_code == 302
    assert not Pledge.objects.filter(pk=pledge.pk).exists()
    frozen = demo.activities.first()
    assert client.post(_url("activity_delete", frozen.pk)).status_code == 403
    assert demo.activities.filter(pk=frozen.pk).exists()
