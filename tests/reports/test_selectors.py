from datetime import date
from decimal import Decimal

import pytest

from actionlines.models import ActionLine
from contributions.figures import recount
from contributions.models import Contribution, Status
from reports.selectors import PeriodError, parse_period, report_data
from tests.factories import ContributionFactory
from tests.reports.conftest import make_contributions

pytestmark = pytest.mark.django_db


def _totals(period, by):
    qs = Contribution.objects.filter(date__range=(period.starts_on, period.ends_on))
    return recount(queryset=qs, by=by, statuses=(Status.APPROVED,))


@pytest.mark.parametrize("key", ["2026", "2026-K2", "2026-K4", "agreement"])
def test_the_report_numbers_equal_the_contribution_totals_of_the_same_period(programme, contributions_2026, key):
    period = parse_period(key)
    data = report_data(period=period)

    assert data.totals.approved == _totals(period, ("partner",)).total
    per_partner = _totals(period, ("partner",))
    for row in data.partners:
        assert row.totals == per_partner.get(row.id), row.name
    per_line = _totals(period, ("action_line",))
    for row in data.lines:
        assert row.totals == per_line.get(row.id), row.name
    # the appendix (a separate grouped query per month) adds up to the same total
    appendix_total = sum((t.total for t in data.appendix), Decimal(0))
    assert appendix_total == data.totals.approved.total_value


def test_only_approved_contributions_count_and_submitted_ones_are_shown_apart(programme):
    nxp, talent = programme["nxp"], ActionLine.objects.get(code="talent")
    ContributionFactory(partner=nxp, action_line=talent, approved=True, hours=Decimal(10))  # € 600
    ContributionFactory(partner=nxp, action_line=talent, submitted=True, hours=Decimal(5))  # € 300, in review
    ContributionFactory(partner=nxp, action_line=talent, hours=Decimal(7))  # a draft: nowhere
    ContributionFactory(partner=nxp, action_line=talent, returned=True, hours=Decimal(9))  # returned: nowhere

    data = report_data(period=parse_period("2026"))

    assert data.totals.approved.total_value == Decimal("600.00")
    assert data.totals.approved.hours == Decimal("10.00")
    assert data.totals.in_review.total_value == Decimal("300.00")
    line = next(row for row in data.lines if row.code == "talent")
    assert line.totals.count == 1 and line.in_review.count == 1
    partner = next(row for row in data.partners if row.id == nxp.pk)
    assert partner.totals.total_value == Decimal("600.00") and partner.in_review.total_value == Decimal("300.00")


def test_a_quarter_holds_only_its_own_months(programme):
    nxp, talent = programme["nxp"], ActionLine.objects.get(code="talent")
    ContributionFactory(partner=nxp, action_line=talent, approved=True, date=date(2026, 6, 30))
    ContributionFactory(partner=nxp, action_line=talent, approved=True, date=date(2026, 7, 1), hours=Decimal(1))

    data = report_data(period=parse_period("2026-K3"))

    assert data.totals.approved.total_value == Decimal("60.00")
    assert [m.month for m in data.months] == [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
    assert data.appendix[0].rows[0].month == date(2026, 7, 1)


def test_the_helix_balance_groups_knowledge_and_education(programme):
    ContributionFactory(partner=programme["radboud-universiteit"], approved=True, hours=Decimal(10))
    ContributionFactory(partner=programme["roc-nijmegen"], approved=True, hours=Decimal(5))

    helices = {row.key: row for row in report_data(period=parse_period("2026")).helices}

    assert helices["knowledge"].figures.total_value == Decimal("900.00")
    assert helices["knowledge"].partners == 2
    assert helices["government"].figures.total_value == Decimal("0.00")


def test_the_number_of_queries_does_not_grow_with_the_number_of_contributions(programme, django_assert_max_num_queries):
    make_contributions(programme, approved=1, submitted=0)
    with django_assert_max_num_queries(12) as few:
        report_data(period=parse_period("2026"))
    make_contributions(programme, approved=6, submitted=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = report_data(period=parse_period("2026"))
    assert data.totals.approved.count == 8 * 6 * 7


@pytest.mark.parametrize(
    ("text", "key", "start", "end"),
    [
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-K3", "2026-K3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q1", "2026-K1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-K4", "2026-K4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_periods_are_read_from_text(programme, text, key, start, end):
    period = parse_period(text)
    assert (period.key, period.starts_on, period.ends_on) == (key, start, end)
    assert period.agreement is not None


def test_agreement_means_the_current_agreements_whole_term(programme):
    period = parse_period("agreement", today=date(2026, 11, 28))
    assert period.kind == "agreement"
    assert (period.starts_on, period.ends_on) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize("text", ["", "26", "2026-K5", "2026-13", "1999", "agreement-999", "DROP TABLE"])
def test_other_text_is_refused_with_a_message(programme, text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_the_report_data_is_typed_and_comes_back_from_its_json_the_same(programme, contributions_2026):
    from reports.selectors import data_to_json, report_data_from_json

    data = report_data(period=parse_period("2026"), today=date(2026, 11, 28))
    assert isinstance(data.totals.approved.total_value, Decimal) and isinstance(data.made_on, date)
    assert all(isinstance(v, Decimal) for table in data.appendix for row in table.rows for v in row.values)
    stored = data_to_json(data)
    assert stored["totals"]["approved"]["in_kind_value"] == str(data.totals.approved.in_kind_value)  # text in JSON
    assert report_data_from_json(stored) == data
    # a month written as "2026-07" (the first version of the stored data) is read as its first day
    stored["months"][6]["month"] = "2026-07"
    assert report_data_from_json(stored).months[6].month == date(2026, 7, 1)
