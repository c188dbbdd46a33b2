"""The annual plan as a PDF (WeasyPrint through lifeport.lib.pdf) and as an XLSX workbook (openpyxl).

Both read the plan through actionlines.selectors, so they show the same figures as the plan page.
"""

import io
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionlines.models import AnnualPlan, MilestoneStatus
from actionlines.selectors import plan_boundary, plan_contents
from lifeport.lib.pdf import render_pdf

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_pdf(plan: AnnualPlan, *, language: str = "nl") -> bytes:
    """The plan as an A4 PDF in Dutch (page numbers and repeated table headers come from pdf.css)."""
    with translation.override(language):
        context = {
            "plan": plan,
            "contents": plan_contents(plan),
            "boundary": plan_boundary(plan),
            "generated_on": timezone.localdate(),
        }
        title = str(_("Annual plan %(year)s") % {"year": plan.year})
        return render_pdf(template_name="pdf/annual_plan.html", context=context, title=title, language=language)


def _number(value: Decimal | None) -> float | None:
    # openpyxl writes Decimal as a number too, but a float keeps Excel from flagging "number stored as text".
    return float(value) if value is not None else None


def plan_xlsx(plan: AnnualPlan, *, language: str = "nl") -> bytes:
    """The plan as a workbook: one sheet each for activities, pledges, milestones and indicators."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(language):
        contents = plan_contents(plan)
        boundary = plan_boundary(plan)
        past = str(_("after the agreement"))
        workbook = Workbook()
        sheets = {
            "activities": (
                workbook.active,
                _("Activities"),
                [
                    _("Action line"),
                    _("Activity"),
                    _("Lead partner"),
                    _("Start"),
                    _("End"),
                    _("Budget (€)"),
                    _("Funder"),
                    _("Pledged hours"),
                    _("Pledged in-kind value (€)"),
                    _("Pledged money (€)"),
                    _("Agreement"),
                ],
            ),
            "pledges": (
                workbook.create_sheet(),
                _("Pledges"),
                [
                    _("Action line"),
                    _("Activity"),
                    _("Partner"),
                    _("In-kind hours"),
                    _("In-kind value (€)"),
                    _("Money (€)"),
                ],
            ),
            "milestones": (
                workbook.create_sheet(),
                _("Milestones"),
                [_("Action line"), _("Activity"), _("Milestone"), _("Due date"), _("Owner"), _("Status")],
            ),
            "indicators": (
                workbook.create_sheet(),
                _("Indicators"),
                [_("Action line"), _("Indicator"), _("Unit"), _("Baseline"), _("Target"), _("Latest actual")],
            ),
        }
        for sheet, title, header in sheets.values():
            sheet.title = str(title)[:31]
            sheet.append([str(h) for h in header])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
        today = timezone.localdate()
        for section in contents.sections:
            line = section.action_line.name
            for a in section.activities:
                sheets["activities"][0].append([
                    line, a.title, a.lead_partner.name if a.lead_partner else "", a.starts_on, a.ends_on,
                    _number(a.budget), a.funder, _number(a.pledged.hours), _number(a.pledged.in_kind_value),
                    _number(a.pledged.money),
                    past if boundary.plan_beyond or boundary.activity_past(a) else "",
                ])  # fmt: skip
                for p in a.pledges.all():
                    sheets["pledges"][0].append([
                        line, a.title, p.partner.name, _number(p.hours), _number(p.in_kind_value), _number(p.money)
                    ])  # fmt: skip
                for m in a.milestones.all():
                    owner = (m.owner.get_full_name() or m.owner.get_username()) if m.owner else ""
                    status = m.shown_status(today)
                    label = str(MilestoneStatus(status).label)
                    sheets["milestones"][0].append([line, a.title, m.title, m.due_on, owner, label])
            for i in section.indicators:
                latest = i.latest_actual.value if i.latest_actual else None
                sheets["indicators"][0].append(
                    [line, i.name, i.unit, _number(i.baseline), _number(i.target), _number(latest)]
                )
        totals = sheets["activities"][0]
        totals.append([
            str(_("Total")), "", "", None, None, _number(contents.budget), "", _number(contents.pledged.hours),
            _number(contents.pledged.in_kind_value), _number(contents.pledged.money),
        ])  # fmt: skip
        for cell in totals[totals.max_row]:
            cell.font = Font(bold=True)
        for sheet, _title, _header in sheets.values():
            for column in sheet.columns:
                width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
                for c in column:
                    if hasattr(c.value, "year"):
                        c.number_format = "DD-MM-YYYY"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
