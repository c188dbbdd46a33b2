from datetime import date
from decimal import Decimal

import pytest

from actionlines.models import ActionLine
from contributions.models import Kind
from reports.models import Report
from reports.services import report_create, report_render
from tests.factories import ContributionFactory


def make_contributions(programme: dict, *, approved: int = 3, submitted: int = 1, year: int = 2026) -> None:
    """Per party and action line: `approved` approved items over the year (hours, facilities, money) and
    `submitted` ones in review. Deterministic amounts, so totals are easy to check."""
    lines = list(ActionLine.objects.all())
    creator = None
    for p_index, slug in enumerate(sorted(programme)):
        partner = programme[slug]
        for l_index, line in enumerate(lines):
            for n in range(approved + submitted):
                kind = (Kind.STAFF_HOURS, Kind.FACILITIES, Kind.MONEY)[n % 3]
                day = date(year, 1 + (p_index + l_index + n) % 11, 1 + n % 27)
                extra = (
                    {"hours": Decimal(4 + n), "hourly_rate": Decimal("60.00")}
                    if kind == Kind.STAFF_HOURS
                    else {"amount": Decimal(1000 + 125 * p_index + 10 * l_index + n)}
                )
                made = ContributionFactory(
                    partner=partner,
                    action_line=line,
                    kind=kind,
                    date=day,
                    approved=n < approved,
                    submitted=n >= approved,
                    **({"created_by": creator} if creator else {}),
                    **extra,
                )
                creator = made.created_by


@pytest.fixture
def contributions_2026(programme) -> None:
    make_contributions(programme)


def ready_report(*, director, period_key: str = "2026", summary: str = "Goed op koers.") -> Report:
    """A draft report rendered for real (WeasyPrint), as the Celery task would: status READY."""
    report = report_create(period_key=period_key, language="nl", acting_user=director, summary=summary)
    token = report.new_render_token()
    report.save()
    rendered = report_render(report_id=report.pk, token=str(token))
    assert rendered is not None
    return rendered
