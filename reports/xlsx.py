"""The report's tables and the contributions it counted as one XLSX workbook (XlsxWriter, constant memory).

An issued report's tables come from its frozen data, and its contributions as they stood when it was
issued (django-simple-history), so the workbook matches the PDF. The contributions listed are the ones
the report counted (approved, in the period) of the partners the audience may read
(reports.permissions.export_audience); the figures-only audience gets the tables alone. Contributions are
read as plain values in chunks and streamed to a temporary file, so 100,000 of them take seconds and
little memory. Every cell is written through lifeport.lib.spreadsheet (text never becomes a formula).
"""

import io
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from contributions.exports import CHUNK
from contributions.models import Contribution, Kind, Status
from lifeport.lib.spreadsheet import xlsx_rows, xlsx_sheet, xlsx_workbook
from reports.models import Report
from reports.permissions import ExportAudience
from reports.selectors import parse_period

CONTRIBUTION_FIELDS = (
    "id",
    "partner__name",
    "action_line__name_{lang}",
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


def _contributions(report: Report, audience: ExportAudience):
    """The contributions the report counted (approved, in its period) that `audience` may read, as plain values."""
    period = parse_period(report.period_key)
    if report.is_issued:
        source = Contribution.history.as_of(report.issued_at)
    else:
        source = Contribution.objects.all()
    counted = source.filter(date__gte=period.starts_on, date__lte=period.ends_on, status=Status.APPROVED)
    if audience.partner_ids is not None:
        counted = counted.filter(partner_id__in=audience.partner_ids)
    language = "en" if report.language == "en" else "nl"
    return counted.order_by("date", "id").values_list(*[field.format(lang=language) for field in CONTRIBUTION_FIELDS])


def write_report_xlsx(
    *,
    report: Report,
    audience: ExportAudience,
    progress: Callable[[int, int], None],
    progress_every: int = CHUNK,
) -> tuple[bytes, int]:
    """The workbook's bytes and the number of contribution rows; calls `progress(done, total)` as it goes.

    The tables always; the sheet of contributions only for an audience with lines (`audience.lines`).

    Numbers are number cells (hours and euros as #,##0.00), dates date cells in the report's language
    (DD-MM-YYYY in Dutch, YYYY-MM-DD in English).
    """
    from reports.services import report_build_data

    data = report_build_data(report)
    buffer = io.BytesIO()
    with translation.override(report.language):
        book, formats = xlsx_workbook(buffer, language="en" if report.language == "en" else "nl")
        text, money, hours = ("text", None), ("number", formats.money), ("number", formats.hours)
        sheet = xlsx_sheet(
            book,
            _("Per action line"),
            [_("Action line"), _("Hours"), _("In kind (€)"), _("Funded (€)"), _("Total (€)"), _("In review (€)")],
            (40, 12, 14, 14, 14, 14),
            formats.bold,
        )
        xlsx_rows(
            sheet,
            (
                [
                    line.name,
                    line.totals.hours,
                    line.totals.in_kind_value,
                    line.totals.funded,
                    line.totals.total_value,
                    line.in_review.total_value,
                ]
                for line in data.lines
            ),
            [text, hours, money, money, money, money],
        )

        sheet = xlsx_sheet(
            book,
            _("Per partner"),
            [
                _("Partner"),
                _("Helix"),
                _("Hours"),
                _("In kind (€)"),
                _("Funded (€)"),
                _("Total (€)"),
                _("In review (€)"),
            ],
            (28, 14, 12, 14, 14, 14, 14),
            formats.bold,
        )
        xlsx_rows(
            sheet,
            (
                [
                    partner.name,
                    partner.helix,
                    partner.totals.hours,
                    partner.totals.in_kind_value,
                    partner.totals.funded,
                    partner.totals.total_value,
                    partner.in_review.total_value,
                ]
                for partner in data.partners
            ),
            [text, text, hours, money, money, money, money],
        )

        line_names = [line.name for line in data.lines]
        sheet = xlsx_sheet(
            book,
            _("Per month"),
            [_("Partner"), _("Month"), *line_names, _("Total (€)")],
            (28, 14, *[14] * len(line_names), 14),
            formats.bold,
        )
        xlsx_rows(
            sheet,
            (
                [table.partner, f"{row.month:%Y-%m}", *row.values, row.total]
                for table in data.appendix
                for row in table.rows
            ),
            [text, text, *[money] * len(line_names), money],
        )

        if not audience.lines:
            book.close()
            return buffer.getvalue(), 0
        sheet = xlsx_sheet(
            book,
            _("Contributions"),
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
            ],
            (9, 24, 30, 30, 12, 50, 9, 14, 14, 14, 28, 14, 14),
            formats.bold,
        )
        kinds = {value: str(label) for value, label in Kind.choices}
        statuses = {value: str(label) for value, label in Status.choices}
        rows = _contributions(report, audience)
        total = rows.count()
        done = xlsx_rows(
            sheet,
            (
                (pk, partner, line, kinds.get(kind, kind), day, *rest, statuses.get(status, status))
                for pk, partner, line, kind, day, *rest, status in rows.iterator(chunk_size=CHUNK)
            ),
            [
                ("number", None),
                text,
                text,
                text,
                ("date", formats.date),
                text,
                hours,
                money,
                money,
                money,
                text,
                text,
                text,
            ],
            progress=lambda written: progress(written, total),
            progress_every=progress_every,
        )
        book.close()
    return buffer.getvalue(), done
