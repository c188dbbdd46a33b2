"""The annual plan as a PDF (its HTML here; WeasyPrint in a Celery task) and as an XLSX workbook (XlsxWriter).

Both read the plan through actionlines.selectors, so they show the same figures as the plan page.
"""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionlines.models import AnnualPlan, MilestoneStatus
from actionlines.selectors import plan_boundary, plan_contents
from lifeport.lib.pdf import pdf_html
from lifeport.lib.spreadsheet import NUMBER_FORMAT, xlsx_rows, xlsx_sheet, xlsx_workbook


def plan_pdf_html(plan: AnnualPlan, *, language: str = "nl") -> str:
    """The HTML of the plan's A4 PDF in Dutch (page numbers and repeated table headers come from pdf.css).

    Cheap next to the PDF itself (lifeport.lib.pdf.html_to_pdf, in Celery): the same HTML makes the same PDF."""
    with translation.override(language):
        context = {
            "plan": plan,
            "contents": plan_contents(plan),
            "boundary": plan_boundary(plan),
            "generated_on": timezone.localdate(),
        }
        title = str(_("Annual plan %(year)s") % {"year": plan.year})
        return pdf_html(template_name="pdf/annual_plan.html", context=context, title=title, language=language)


def plan_xlsx(plan: AnnualPlan, *, language: str = "nl") -> bytes:
    """The plan as a workbook: one sheet each for activities, pledges, milestones and indicators.

    Written through lifeport.lib.spreadsheet: titles and names are string cells (a lead's activity title
    `=1+1` stays text), amounts number cells, dates date cells.
    """
    with translation.override(language):
        contents = plan_contents(plan)
        boundary = plan_boundary(plan)
        past = str(_("after the agreement"))
        buffer = io.BytesIO()
        book, formats = xlsx_workbook(buffer, language="nl")  # dates as DD-MM-YYYY, as before
        text, day, money = ("text", None), ("date", formats.date), ("number", formats.money)
        activities = xlsx_sheet(
            book,
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
            (20, 40, 24, 12, 12, 14, 24, 14, 18, 16, 20),
            formats.bold,
        )
        pledges = xlsx_sheet(
            book,
            _("Pledges"),
            [_("Action line"), _("Activity"), _("Partner"), _("In-kind hours"), _("In-kind value (€)"), _("Money (€)")],
            (20, 40, 24, 14, 18, 14),
            formats.bold,
        )
        milestones = xlsx_sheet(
            book,
            _("Milestones"),
            [_("Action line"), _("Activity"), _("Milestone"), _("Due date"), _("Owner"), _("Status")],
            (20, 40, 40, 12, 24, 16),
            formats.bold,
        )
        indicators = xlsx_sheet(
            book,
            _("Indicators"),
            [_("Action line"), _("Indicator"), _("Unit"), _("Baseline"), _("Target"), _("Latest actual")],
            (20, 40, 16, 12, 12, 14),
            formats.bold,
        )
        rows: dict[str, list[list]] = {"activities": [], "pledges": [], "milestones": [], "indicators": []}
        today = timezone.localdate()
        for section in contents.sections:
            line = section.action_line.name
            for a in section.activities:
                rows["activities"].append([
                    line, a.title, a.lead_partner.name if a.lead_partner else "", a.starts_on, a.ends_on,
                    a.budget, a.funder, a.pledged.hours, a.pledged.in_kind_value, a.pledged.money,
                    past if boundary.plan_beyond or boundary.activity_past(a) else "",
                ])  # fmt: skip
                for p in a.pledges.all():
                    rows["pledges"].append([line, a.title, p.partner.name, p.hours, p.in_kind_value, p.money])
                for m in a.milestones.all():
                    owner = (m.owner.get_full_name() or m.owner.get_username()) if m.owner else ""
                    label = str(MilestoneStatus(m.shown_status(today)).label)
                    rows["milestones"].append([line, a.title, m.title, m.due_on, owner, label])
            for i in section.indicators:
                latest = i.latest_actual.value if i.latest_actual else None
                rows["indicators"].append([line, i.name, i.unit, i.baseline, i.target, latest])
        activity_cells = [text, text, text, day, day, money, text, money, money, money, text]
        done = xlsx_rows(activities, rows["activities"], activity_cells)
        bold_money = ("number", book.add_format({"bold": True, "num_format": NUMBER_FORMAT}))
        bold = ("text", formats.bold)
        xlsx_rows(
            activities,
            [[
                str(_("Total")), "", "", None, None, contents.budget, "", contents.pledged.hours,
                contents.pledged.in_kind_value, contents.pledged.money, "",
            ]],
            [bold, bold, bold, day, day, bold_money, bold, bold_money, bold_money, bold_money, bold],
            first_row=done + 1,
        )  # fmt: skip
        xlsx_rows(pledges, rows["pledges"], [text, text, text, money, money, money])
        xlsx_rows(milestones, rows["milestones"], [text, text, text, day, text, text])
        number = ("number", None)  # indicators count people, companies, events: no decimals
        xlsx_rows(indicators, rows["indicators"], [text, text, text, number, number, number])
        book.close()
        return buffer.getvalue()
