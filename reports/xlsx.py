"""The report's tables and the full list of its contributions as one XLSX workbook (openpyxl, write-only).

An issued report's tables come from its frozen data, and its contributions as they stood when it was
issued (django-simple-history), so the workbook matches the PDF.
"""

import io
from collections.abc import Callable
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from contributions.models import Contribution, Kind, Status
from reports.models import Report
from reports.selectors import parse_period

CONTRIBUTION_FIELDS = (
    "id",
    "partner__name",
    "action_line__name_nl",
    "action_line__name_en",
    "kind",
    "date",
    "description",
    "hours",
    "hourly_rate",
    "amount",
    "value",
    "funder",
    "budget_code",
    "status",
)


def _contributions(report: Report):
    period = parse_period(report.period_key)
    if report.is_issued:
        source = Contribution.history.as_of(report.issued_at)
    else:
        source = Contribution.objects.all()
    return (
        source.filter(
            date__gte=period.starts_on, date__lte=period.ends_on, status__in=[Status.APPROVED, Status.SUBMITTED]
        )
        .order_by("date", "id")
        .values_list(*CONTRIBUTION_FIELDS)
    )


def _money(value: str | Decimal | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def write_report_xlsx(
    *, report: Report, progress: Callable[[int, int], None], progress_every: int = 2000
) -> tuple[bytes, int]:
    """The workbook's bytes and the number of contribution rows; calls `progress(done, total)` as it goes."""
    from openpyxl import Workbook

    from reports.services import report_build_data

    data = report_build_data(report)
    with translation.override(report.language):
        book = Workbook(write_only=True)
        money = ("in_kind_value", "funded", "total_value")

        sheet = book.create_sheet(_("Per action line"))
        sheet.append(
            [_("Action line"), _("Hours"), _("In kind (€)"), _("Funded (€)"), _("Total (€)"), _("In review (€)")]
        )
        for line in data["lines"]:
            sheet.append(
                [
                    line["name"],
                    _money(line["totals"]["hours"]),
                    *[_money(line["totals"][m]) for m in money],
                    _money(line["in_review"]["total_value"]),
                ]
            )

        sheet = book.create_sheet(_("Per partner"))
        sheet.append(
            [
                _("Partner"),
                _("Helix"),
                _("Hours"),
                _("In kind (€)"),
                _("Funded (€)"),
                _("Total (€)"),
                _("In review (€)"),
            ]
        )
        for partner in data["partners"]:
            sheet.append(
                [
                    partner["name"],
                    partner["helix"],
                    _money(partner["totals"]["hours"]),
                    *[_money(partner["totals"][m]) for m in money],
                    _money(partner["in_review"]["total_value"]),
                ]
            )

        sheet = book.create_sheet(_("Per month"))
        line_names = [line["name"] for line in data["lines"]]
        sheet.append([_("Partner"), _("Month"), *line_names, _("Total (€)")])
        for table in data["appendix"]:
            for row in table["rows"]:
                sheet.append(
                    [table["partner"], row["month"], *[_money(v) for v in row["values"]], _money(row["total"])]
                )

        sheet = book.create_sheet(_("Contributions"))
        english = report.language == "en"
        kinds, statuses = dict(Kind.choices), dict(Status.choices)
        sheet.append(
            [
                _("Number"),
                _("Partner"),
                _("Action line"),
                _("Kind"),
                _("Date"),
                _("Description"),
                _("Hours"),
                _("Hourly rate (€)"),
                _("Amount (€)"),
                _("Value (€)"),
                _("Funder"),
                _("Budget code"),
                _("Status"),
            ]
        )
        rows = _contributions(report)
        total = rows.count()
        done = 0
        for (
            pk,
            partner,
            line_nl,
            line_en,
            kind,
            day,
            description,
            hours,
            rate,
            amount,
            value,
            funder,
            code,
            status,
        ) in rows.iterator(chunk_size=2000):
            sheet.append(
                [
                    pk,
                    partner,
                    line_en if english else line_nl,
                    str(kinds.get(kind, kind)),
                    day,
                    description,
                    hours,
                    rate,
                    amount,
                    value,
                    funder,
                    code,
                    str(statuses.get(status, status)),
                ]
            )
            done += 1
            if done % progress_every == 0:
                progress(done, total)
        buffer = io.BytesIO()
        book.save(buffer)
    return buffer.getvalue(), done
