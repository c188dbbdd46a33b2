"""Every change to reports goes through these functions: views, the command and the Celery tasks call them.

Rendering writes the PDF under a temporary name, moves it into place, and only then, in one transaction
with the status, points the report at it: a half-written or failed PDF is never downloadable.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionlines.models import ActionLine
from audit.models import Action
from audit.services import audit_record
from contributions.figures import Figures
from governance.models import Decision
from governance.services import check_decision
from lifeport.lib.files import delete_file_on_commit, sha256_of_file, write_file_atomically
from lifeport.lib.pdf import render_pdf
from lifeport.lib.renders import MAX_ATTEMPTS, interrupted_message
from partners.permissions import acts_for, require_programme_staff
from reports.charts import CHART_NAMES, chart_descriptions, report_chart_svg
from reports.models import (
    CURRENT_EXPORT_STATUSES,
    EDITABLE_STATUSES,
    ExportStatus,
    PartnerStatement,
    Report,
    ReportExport,
    ReportStateError,
    ReportStatus,
)
from reports.permissions import ExportAudience, export_audience
from reports.selectors import (
    PartnerFigures,
    Period,
    PeriodError,
    PlanLine,
    ProgrammeFigures,
    ReportChapters,
    ReportData,
    StatementData,
    data_to_json,
    parse_period,
    programme_figures,
    report_chapters,
    report_data,
    report_data_from_json,
    statement_data_from_json,
    statement_of,
    stored_period,
)

REPORT_TEMPLATE = "pdf/report.html"
AUTHOR = "Lifeport Semicon Regiegroep"


# --- reports --------------------------------------------------------------------------------------


def report_period(report: Report) -> Period:
    return stored_period(
        key=report.period_key, starts_on=report.starts_on, ends_on=report.ends_on, agreement=report.agreement
    )


def report_build_data(report: Report, *, today: date | None = None) -> ReportData:
    """The report's figures: live for a report in progress, as frozen with its PDF once issued."""
    if report.is_issued:
        return report_data_from_json(report.data)  # type: ignore[arg-type]
    return report_data(period=report_period(report), language=report.language, today=today)


def report_preview_data(report: Report, *, lines: list[ActionLine] | None = None) -> ReportChapters:
    """What the report's page previews: its chapters, live for a report in progress (without the appendix and
    the series per month, which only the PDF and the XLSX hold), as frozen once issued. `lines`: the action
    lines, when the page has read them already."""
    if report.is_issued:
        return report_data_from_json(report.data)  # type: ignore[arg-type]
    return report_chapters(period=report_period(report), language=report.language, lines=lines)


@dataclass
class ReportLine:
    """An action line as the report's chapter shows it: its figures, the director's remark and the plan."""

    code: str
    name: str
    goal: str
    totals: Figures
    in_review: Figures
    partners: list[PartnerFigures]
    remark: str
    plan: PlanLine | None


def report_context(*, report: Report, data: ReportChapters, for_pdf: bool) -> dict:
    """What the preview page and the PDF template show: the data, the narrative and the charts."""
    plan_lines = data.plan.lines if data.plan else {}
    lines = [
        ReportLine(
            code=line.code,
            name=line.name,
            goal=line.goal,
            totals=line.totals,
            in_review=line.in_review,
            partners=line.partners,
            remark=report.line_remarks.get(line.code, ""),
            plan=plan_lines.get(line.code),
        )
        for line in data.lines
    ]
    with translation.override(report.language):
        descriptions = chart_descriptions(data)
    context = {"report": report, "data": data, "lines": lines, "chart_descriptions": descriptions}
    if for_pdf:
        context["charts"] = {
            name: "data:image/svg+xml;base64," + base64.b64encode(report_chart_svg(data, name).encode()).decode()
            for name in CHART_NAMES
        }
    return context


def report_pdf_bytes(*, report: Report, data: ReportData) -> bytes:
    """Render the report's PDF (A4, cover, contents, PDF/A-3b). Slow: call it from the Celery task."""
    with translation.override(report.language):
        return render_pdf(
            template_name=REPORT_TEMPLATE,
            context=report_context(report=report, data=data, for_pdf=True),
            title=report.title,
            author=AUTHOR,
            language=report.language,
        )


def _next_version(period_key: str) -> int:
    return (Report.objects.filter(period_key=period_key).aggregate(v=Max("version"))["v"] or 0) + 1


def report_create(*, period_key: str, language: str, acting_user, summary: str = "", line_remarks=None) -> Report:
    """Start a draft report for a period; it gets the next version number of that period."""
    require_programme_staff(acting_user)
    try:
        period = parse_period(period_key)
    except PeriodError as error:
        raise ValidationError({"period": str(error)}) from error
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose Dutch or English.")})
    with translation.override(language):
        label = period.label()
    for _attempt in range(3):  # two directors starting a report for one period at once: retry the number
        try:
            with transaction.atomic():
                report = Report(
                    period_key=period.key,
                    period_label=label,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    agreement=period.agreement,
                    language=language,
                    version=_next_version(period.key),
                    summary=summary,
                    line_remarks=line_remarks or {},
                    created_by=acting_user,
                )
                report.full_clean()
                report.save()
                return report
        except IntegrityError:
            continue
    raise ValidationError(_("Another report for this period was started at the same moment; try again."))


def report_new_version(*, report: Report, acting_user) -> Report:
    """A new draft for the same period, starting from this report's words: never an overwrite."""
    return report_create(
        period_key=report.period_key,
        language=report.language,
        acting_user=acting_user,
        summary=report.summary,
        line_remarks=dict(report.line_remarks),
    )


@transaction.atomic
def report_update_narrative(*, report: Report, acting_user, summary: str, line_remarks: dict[str, str]) -> Report:
    """Save the executive summary and the remarks per line. A PDF made before no longer matches: it goes."""
    require_programme_staff(acting_user)
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status not in (*EDITABLE_STATUSES, ReportStatus.GENERATING):
        raise ReportStateError(_("An issued report cannot be changed; start a new version instead."))
    codes = set(ActionLine.objects.values_list("code", flat=True))
    locked.summary = summary.strip()
    locked.line_remarks = {code: text.strip() for code, text in line_remarks.items() if code in codes and text.strip()}
    delete_file_on_commit(locked.pdf.name)
    locked.pdf, locked.pdf_sha256, locked.pdf_size, locked.rendered_at = "", "", None, None
    locked.status, locked.render_token, locked.render_stage, locked.error = ReportStatus.DRAFT, None, "", ""
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def report_request_render(*, report: Report, acting_user) -> Report:
    """Queue the PDF rendering (on commit). The page polls the status until the PDF is ready or failed."""
    from reports.tasks import render_report

    require_programme_staff(acting_user)
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status == ReportStatus.GENERATING and not locked.render_is_stale:
        return locked  # already queued: a double click queues nothing more
    token = locked.new_render_token()
    locked.save()
    # robust: the request is saved even if the broker cannot be reached (the report may be asked for again).
    transaction.on_commit(lambda: render_report.delay(locked.pk, str(token)), robust=True)
    return locked


def _set_stage(report_id: int, token: str, stage: str, **fields) -> bool:
    return bool(
        Report.objects.filter(pk=report_id, status=ReportStatus.GENERATING, render_token=token).update(
            render_stage=stage, **fields
        )
    )


class Superseded(Exception):
    """The report changed (new words, a newer render) while this render ran: its result is discarded."""


def report_render(*, report_id: int, token: str) -> Report | None:
    """Build the data, render the PDF, store it: the work of the Celery task. Idempotent by `token`:
    returns None (and does nothing) when the report is no longer waiting for this render.

    Each start is counted; a render asked to start after MAX_ATTEMPTS starts (its worker died each time,
    the message was redelivered) is recorded as failed instead."""
    waiting = Report.objects.filter(pk=report_id, status=ReportStatus.GENERATING, render_token=token)
    if not waiting.filter(render_attempts__lt=MAX_ATTEMPTS).update(
        render_stage="collecting", render_attempts=F("render_attempts") + 1
    ):
        report_render_failed(report_id=report_id, token=token, error=interrupted_message())
        return None
    report = Report.objects.get(pk=report_id)
    data = report_build_data(report)
    _set_stage(report_id, token, "rendering")
    pdf = report_pdf_bytes(report=report, data=data)
    _set_stage(report_id, token, "saving")
    name = write_file_atomically(
        name=f"reports/{report.period_key}/{Path(report.pdf_filename()).stem}-{token[:8]}.pdf", content=pdf
    )
    try:
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report_id)
            if locked.status != ReportStatus.GENERATING or str(locked.render_token) != token:
                raise Superseded
            delete_file_on_commit(locked.pdf.name)
            locked.pdf.name = name
            locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            locked.pdf_size = len(pdf)
            locked.data = data_to_json(data)  # the figures of this PDF: frozen with it when the report is issued
            locked.rendered_at = timezone.now()
            locked.status, locked.render_stage, locked.error = ReportStatus.READY, "", ""
            locked.save()
    except Superseded:
        default_storage.delete(name)
        return None
    except BaseException:
        default_storage.delete(name)
        raise
    return locked


def report_render_failed(*, report_id: int, token: str, error: str) -> bool:
    """A render that failed for good: the report shows `error` and may be asked for again; no file becomes
    downloadable. Does nothing when the report no longer waits for this render."""
    return bool(
        Report.objects.filter(pk=report_id, status=ReportStatus.GENERATING, render_token=token).update(
            status=ReportStatus.FAILED, render_stage="", error=error[:1000], updated_at=timezone.now()
        )
    )


@transaction.atomic
def report_issue(*, report: Report, acting_user, decision: Decision | None) -> Report:
    """Issue the report, resting on the steering group's `decision` about it (required): its data, PDF and
    SHA-256 are frozen from now on, with who issued it and when."""
    require_programme_staff(acting_user)
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.READY:
        raise ReportStateError(_("Generate the PDF first; only a report with a ready PDF can be issued."))
    check_decision(decision=decision, subject=locked)
    if sha256_of_file(locked.pdf.name) != locked.pdf_sha256:
        raise ReportStateError(_("The PDF file does not match its checksum; generate it again."))
    locked.status = ReportStatus.ISSUED
    locked.issued_by, locked.issued_at = acting_user, timezone.now()
    locked.full_clean()
    locked.save()
    assert decision is not None  # check_decision refuses a missing one
    details = {"sha256": locked.pdf_sha256, "decision": decision.number}
    audit_record(actor=acting_user, action=Action.REPORT_ISSUED, target=locked, details=details)
    return locked


# --- XLSX export ----------------------------------------------------------------------------------


# The export task's hard time limit is 11 minutes: one still queued or running after an hour has lost its task.
# Replaced and failed exports are removed after a day.
EXPORT_STALE_AFTER = timedelta(hours=1)
EXPORT_KEPT_FOR = timedelta(days=1)


def _export_reusable(export: ReportExport, report: Report) -> bool:
    """An issued report never changes: an export asked for since it was issued is reused. A draft's export is
    reused only while it is being made (a second click); once done, asking again makes it afresh. An export
    still queued or running after EXPORT_STALE_AFTER has lost its task and is made again."""
    if report.is_issued and export.created_at < report.issued_at:  # type: ignore[operator]
        return False  # made from the draft's live figures
    if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return export.created_at > timezone.now() - EXPORT_STALE_AFTER
    return report.is_issued


def export_request(*, report: Report, acting_user) -> ReportExport:
    """The XLSX of `report` for `acting_user`'s audience (reports.permissions.export_audience): the current one
    when it can be reused, otherwise a new one, queued on commit (the one it replaces is marked superseded).

    One current export per report and audience (a unique constraint): two requests at once get the same one.
    """
    from reports.tasks import export_report

    audience = export_audience(acting_user, report)
    if audience is None:
        raise PermissionDenied
    current = ReportExport.objects.filter(report=report, audience=audience.key, status__in=CURRENT_EXPORT_STATUSES)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                existing = current.select_for_update().first()
                if existing is not None and _export_reusable(existing, report):
                    return existing
                if existing is not None:
                    current.filter(pk=existing.pk).update(status=ExportStatus.SUPERSEDED, finished_at=timezone.now())
                export = ReportExport.objects.create(report=report, audience=audience.key, created_by=acting_user)
                audit_record(
                    actor=acting_user,
                    action=Action.EXPORTED,
                    target=report,
                    details={"export": export.pk, "format": "xlsx", "audience": audience.key},
                )
                transaction.on_commit(lambda pk=export.pk: export_report.delay(pk))  # type: ignore[misc]
                return export
        except IntegrityError:
            continue  # another request made this audience's export a moment ago: return that one
    raise ValidationError(_("The XLSX is being made by another request; try again in a moment."))


def export_run(*, export_id: int, progress_every: int = 2000) -> ReportExport | None:
    """Write the XLSX (the work of the Celery task). Claims the export by a conditional update, and stores the
    file only if the export is still the current one (not superseded meanwhile)."""
    from reports.xlsx import write_report_xlsx

    claimed = ReportExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=1
    )
    if not claimed:
        return None
    export = ReportExport.objects.select_related("report").get(pk=export_id)
    running = ReportExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        percent = min(99, max(1, int(done * 100 / total))) if total else 99
        running.update(progress=percent, rows=done)

    content, rows = write_report_xlsx(
        report=export.report,
        audience=ExportAudience.from_key(export.audience),
        progress=progress,
        progress_every=progress_every,
    )
    name = write_file_atomically(
        name=f"exports/{export.report_id}/{Path(export.filename()).stem}-{export.audience}.xlsx", content=content
    )
    try:
        finished = running.update(
            file=name, rows=rows, progress=100, status=ExportStatus.DONE, finished_at=timezone.now()
        )
    except BaseException:
        default_storage.delete(name)
        raise
    if not finished:  # superseded while it ran: nobody will download this one
        default_storage.delete(name)
        return None
    export.refresh_from_db()
    return export


def export_failed(*, export_id: int, error: str) -> None:
    ReportExport.objects.filter(pk=export_id, status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)).update(
        status=ExportStatus.FAILED, error=error[:500], finished_at=timezone.now()
    )


def exports_clean_up(*, now: datetime | None = None) -> int:
    """Remove the files and rows of exports replaced or failed more than a day ago. Returns how many went.

    The beat schedule runs it every hour (reports.tasks.clean_up_exports); a day's grace lets a download
    that started before the export was replaced finish.
    """
    cutoff = (now or timezone.now()) - EXPORT_KEPT_FOR
    old = ReportExport.objects.filter(status__in=(ExportStatus.SUPERSEDED, ExportStatus.FAILED)).filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    )
    removed = 0
    for pk, name in old.values_list("pk", "file"):
        if ReportExport.objects.filter(pk=pk).delete()[0]:
            removed += 1
            if name:
                default_storage.delete(name)
    return removed


# --- partner year statements ----------------------------------------------------------------------


def statement_data(*, data: ProgrammeFigures, partner_id: int, year: int) -> StatementData:
    """A partner's year statement from the report data of that year."""
    row = statement_of(data, partner_id)
    return StatementData(
        partner=row.name if row else "",
        year=year,
        made_on_label=data.made_on_label,
        lines=list(row.lines) if row else [],
        totals=row.totals if row else Figures(),
        in_review=row.in_review if row else None,
    )


@transaction.atomic
def statements_create(*, year: int, acting_user) -> list[PartnerStatement]:
    """A year statement for every partner with approved contributions or a party to that year's agreement.

    An unconfirmed statement whose figures are unchanged is kept; otherwise a new version is made.
    The PDFs are rendered by a Celery task (queued on commit).
    """
    from reports.tasks import render_statement

    require_programme_staff(acting_user)
    data = programme_figures(period=parse_period(str(year)), language="nl")
    made = []
    for row in data.partners:
        statement_figures = statement_data(data=data, partner_id=row.id, year=year)
        latest = PartnerStatement.objects.filter(partner_id=row.id, year=year).order_by("-version").first()
        if latest:
            previous = statement_data_from_json(latest.data)
            if (previous.lines, previous.totals) == (statement_figures.lines, statement_figures.totals):
                continue
        statement = PartnerStatement.objects.create(
            partner_id=row.id,
            year=year,
            version=(latest.version + 1) if latest else 1,
            data=data_to_json(statement_figures),  # the figures of this statement, as made
            created_by=acting_user,
        )
        made.append(statement)
        transaction.on_commit(lambda pk=statement.pk: render_statement.delay(pk), robust=True)  # type: ignore[misc]
    return made


@transaction.atomic
def statement_request_render(*, statement: PartnerStatement, acting_user) -> PartnerStatement:
    """Programme staff ask again for the PDF of a statement that has none (its render failed or was lost)."""
    from reports.tasks import render_statement

    require_programme_staff(acting_user)
    locked = PartnerStatement.objects.select_for_update().get(pk=statement.pk)
    if locked.pdf:
        return locked
    locked.error, locked.render_attempts = "", 0
    locked.save(update_fields=["error", "render_attempts"])
    transaction.on_commit(lambda: render_statement.delay(locked.pk), robust=True)
    return locked


def statement_render(*, statement_id: int) -> PartnerStatement | None:
    """Render the one-page PDF of a statement (the Celery task's work). Does nothing if it already has one.

    Starts are counted like a report's: after MAX_ATTEMPTS the statement shows the failure instead."""
    waiting = PartnerStatement.objects.filter(pk=statement_id, pdf="")
    if not waiting.filter(render_attempts__lt=MAX_ATTEMPTS).update(render_attempts=F("render_attempts") + 1):
        statement_render_failed(statement_id=statement_id, error=interrupted_message())
        return None
    statement = PartnerStatement.objects.select_related("partner").get(pk=statement_id)
    with translation.override("nl"):
        pdf = render_pdf(
            template_name="pdf/report_statement.html",
            context={"statement": statement, "data": statement_data_from_json(statement.data)},
            title=_("Year statement %(year)s – %(partner)s") % {"year": statement.year, "partner": statement.partner},
            author=AUTHOR,
        )
    name = write_file_atomically(name=f"statements/{statement.year}/{statement.pdf_filename()}", content=pdf)
    updated = PartnerStatement.objects.filter(pk=statement_id, pdf="").update(
        pdf=name, pdf_sha256=hashlib.sha256(pdf).hexdigest(), error=""
    )
    if not updated:
        default_storage.delete(name)
        return None
    statement.refresh_from_db()
    return statement


def statement_render_failed(*, statement_id: int, error: str) -> None:
    """The statement shows `error` (to its partner too) until staff ask for the PDF again."""
    PartnerStatement.objects.filter(pk=statement_id, pdf="").update(error=error[:1000])


@transaction.atomic
def statement_confirm(*, statement: PartnerStatement, acting_user) -> PartnerStatement:
    """The partner's representative confirms the figures: who and when are recorded, once."""
    locked = PartnerStatement.objects.select_for_update().select_related("partner").get(pk=statement.pk)
    if not acts_for(acting_user, locked.partner):
        raise PermissionDenied
    if locked.is_confirmed:
        return locked
    if not locked.pdf:
        raise ValidationError(_("The statement's PDF is not ready yet; try again in a moment."))
    newer = PartnerStatement.objects.filter(partner=locked.partner, year=locked.year, version__gt=locked.version)
    if newer.exists():
        raise ValidationError(_("A newer version of this statement exists; confirm that one."))
    locked.confirmed_by, locked.confirmed_at = acting_user, timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        actor=acting_user,
        action=Action.STATEMENT_CONFIRMED,
        target=locked,
        details={"year": locked.year, "version": locked.version, "sha256": locked.pdf_sha256},
    )
    return locked
