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


def issue_with_decision(report: Report, director) -> Report:
    """Issue `report` through the service, resting on a steering group decision about it (a factory's)."""
    from reports.services import report_issue
    from tests.factories import DecisionFactory

    return report_issue(report=report, acting_user=director, decision=DecisionFactory(report=report))


def issued_report(*, director, period_key: str = "2026", version: int = 1) -> Report:
    """A report issued now with today's figures and a stand-in PDF (no rendering), as report_issue leaves it."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports.models import ReportStatus
    from reports.selectors import data_to_json, parse_period, report_data

    period = parse_period(period_key)
    report = Report(
        period_key=period.key,
        period_label=period.key,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        version=version,
        created_by=director,
        data=data_to_json(report_data(period=period)),
    )
    content = b"%PDF-1.7 stand-in"
    report.pdf.save(f"stand-in-{version}.pdf", ContentFile(content), save=False)
    report.pdf_sha256 = hashlib.sha256(content).hexdigest()
    report.status, report.issued_by, report.issued_at = ReportStatus.ISSUED, director, timezone.now()
    report.save()
    return report


def report_objects(programme: dict) -> dict:
    """For the access matrix: a draft and an issued 2026 report (a stand-in PDF, no rendering), a finished
    XLSX export of the issued one for every partner's lines ("all") and one of its tables only ("figures"), and
    NXP's 2026 year statement with its PDF."""
    from django.core.files.base import ContentFile

    from contributions.figures import Figures
    from reports.models import ExportStatus, PartnerStatement, ReportExport
    from reports.selectors import StatementData, data_to_json, parse_period
    from tests.factories import UserFactory

    director = UserFactory(username="matrix-director")
    period = parse_period("2026")
    fields = {"period_key": "2026", "period_label": "2026", "starts_on": period.starts_on, "ends_on": period.ends_on}
    draft_report = Report.objects.create(**fields, version=1, created_by=director)
    issued = issued_report(director=director, version=2)
    export = ReportExport(report=issued, audience="all", created_by=director, status=ExportStatus.DONE, progress=100)
    export.file.save("matrix.xlsx", ContentFile(b"PK"), save=True)
    figures = ReportExport(report=issued, audience="figures", created_by=director, status=ExportStatus.DONE)
    figures.file.save("matrix-figures.xlsx", ContentFile(b"PK"), save=True)
    statement = PartnerStatement(
        partner=programme["nxp"],
        year=2026,
        data=data_to_json(StatementData(partner="NXP", year=2026, made_on_label="", lines=[], totals=Figures())),
        created_by=director,
    )
    statement.pdf.save("statement.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return {
        "draft_report": draft_report,
        "issued_report": issued,
        "export": export,
        "figures_export": figures,
        "statement": statement,
    }
