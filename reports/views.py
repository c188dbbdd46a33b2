from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from actionlines.models import ActionLine
from actionlines.permissions import indicator_for_user
from actionlines.selectors import indicator_series
from contributions.permissions import own_partner_ids, sees_all_partners
from governance.forms import DecisionChoiceForm
from governance.models import Decision
from lifeport.lib.files import file_download
from lifeport.lib.spreadsheet import XLSX_TYPE
from partners.permissions import acts_for, is_programme_staff
from reports import services
from reports.charts import CHART_NAMES, chart_descriptions, indicator_chart_svg, report_chart_svg
from reports.forms import NarrativeForm, ReportCreateForm, StatementsCreateForm
from reports.models import ExportStatus, ReportStateError, ReportStatus
from reports.permissions import (
    can_export,
    can_read_draft_reports,
    can_see_dashboard,
    can_see_reports,
    export_audience,
    export_for_user,
    exports_of,
    report_for_user,
    reports_visible_to,
    statement_for_user,
    statements_visible_to,
)
from reports.selectors import dashboard_data, programme_months, statement_data_from_json

SVG = "image/svg+xml"


def _svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type=SVG)
    response["Cache-Control"] = "private, max-age=60"
    return response


# --- dashboard ------------------------------------------------------------------------------------


def _dashboard_audience(user) -> tuple[bool, set[int]]:
    """Whether the reader sees every partner's rows, and the partners they act for (403 for others)."""
    if not can_see_dashboard(user):
        raise PermissionDenied
    own = set(own_partner_ids(user))
    # Every partner's rows: those who read every partner's contributions and act for none (a lead, the
    # steering group). A representative not yet linked to a partner sees the programme and an explanation.
    return can_read_draft_reports(user) or (not own and sees_all_partners(user)), own


def _dashboard_for(user):
    show_partners, own = _dashboard_audience(user)
    return dashboard_data(show_partners=show_partners, own_partner_ids=own)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    board = _dashboard_for(request.user)
    context = {"board": board, "data": board.data, "chart_descriptions": chart_descriptions(board.data)}
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def dashboard_chart(request: HttpRequest, name: str) -> HttpResponse:
    board = _dashboard_for(request.user)
    if name not in CHART_NAMES or (name == "partners" and not board.show_partners):
        raise Http404
    months = programme_months(period=board.period, language=board.data.language) if name == "cumulative" else None
    return _svg_response(report_chart_svg(board.data, name, months=months))


# --- reports --------------------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    if not can_see_reports(request.user):
        raise PermissionDenied
    reports = reports_visible_to(request.user).select_related("issued_by", "created_by")
    return render(
        request, "reports/report_list.html", {"reports": reports, "can_manage": is_programme_staff(request.user)}
    )


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    if not is_programme_staff(request.user):
        raise PermissionDenied
    form = ReportCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                period_key=form.cleaned_data["period"], language=form.cleaned_data["language"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft report started: version %(version)d.") % {"version": report.version})
            return redirect(report)
    return render(request, "reports/report_create.html", {"form": form})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's page: status and actions, the narrative form (director, office) and the HTML preview."""
    report = report_for_user(request.user, pk)
    can_edit = is_programme_staff(request.user) and (report.is_editable or report.status == ReportStatus.GENERATING)
    lines = list(ActionLine.objects.all())
    form = NarrativeForm(request.POST or None, initial=NarrativeForm.initial_for(report), action_lines=lines)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.report_update_narrative(
                report=report,
                acting_user=request.user,
                summary=form.cleaned_data["summary"],
                line_remarks=form.line_remarks(),
            )
            messages.success(request, _("The summary and remarks are saved. Generate the PDF to include them."))
            return redirect(report)
    context = services.report_context(
        report=report, data=services.report_preview_data(report, lines=lines), for_pdf=False
    )
    context.update(form=form, can_edit=can_edit, can_manage=is_programme_staff(request.user))
    context.update(issue_form=_issue_form(report))
    audience = export_audience(request.user, report)
    current = exports_of(request.user, report).exclude(status=ExportStatus.SUPERSEDED)[:1]
    context.update(exports=current, can_export=audience is not None, export_audience=audience)
    return render(request, "reports/report_detail.html", context)


@login_required
@require_GET
@never_cache
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment that polls the rendering until the PDF is ready or has failed."""
    report = report_for_user(request.user, pk)
    context = {"report": report, "can_manage": is_programme_staff(request.user), "issue_form": _issue_form(report)}
    return render(request, "reports/_status.html", context)


def _post_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    """Not visible → 404, visible but not the director's or office's → 403, then only POST (405)."""
    report = report_for_user(request.user, pk)
    if not is_programme_staff(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        result = action(report=report, acting_user=request.user)
    except (ReportStateError, ValidationError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect(report)
    messages.success(request, success)
    return redirect(result)


@login_required
def report_generate(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, services.report_request_render, _("The PDF is being generated."))


def _issue_form(report, data=None) -> DecisionChoiceForm:
    """The steering group's decision to choose when issuing (its decisions about this report)."""
    return DecisionChoiceForm(data, decisions=Decision.objects.for_subject(report), prefix="issue")


@login_required
def report_issue(request: HttpRequest, pk: int) -> HttpResponse:
    form = _issue_form(report_for_user(request.user, pk), request.POST or None)

    def issue(*, report, acting_user):
        if not form.is_valid():
            raise ValidationError(_("Choose the steering group's decision this rests on."))
        return services.report_issue(report=report, acting_user=acting_user, decision=form.cleaned_data["decision"])

    return _post_action(request, pk, issue, _("The report is issued. It can no longer change."))


@login_required
def report_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, services.report_new_version, _("A new version has been started."))


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    if not report.is_downloadable:
        raise Http404
    return file_download(report.pdf, filename=report.pdf_filename(), content_type="application/pdf")


@login_required
@require_GET
def report_chart(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    report = report_for_user(request.user, pk)
    if name not in CHART_NAMES:
        raise Http404
    return _svg_response(report_chart_svg(services.report_build_data(report), name))


@login_required
@require_GET
def indicator_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's target per period against its actual, as SVG (whoever reads the plan)."""
    series = indicator_series(indicator_for_user(request.user, pk))
    svg = indicator_chart_svg(
        periods=[point.period for point in series],
        targets=[point.target for point in series],
        actuals=[point.actual for point in series],
        language=get_language() or "nl",
    )
    return _svg_response(svg)


# --- XLSX export ----------------------------------------------------------------------------------


@login_required
def export_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    if not can_export(request.user, report):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        export = services.export_request(report=report, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        ready = export.status == ExportStatus.DONE  # made before for this audience: reused, not made again
        made = _("The XLSX is being made; it appears below when it is ready.")
        messages.success(request, _("The XLSX of this report is ready below.") if ready else made)
    return redirect(f"{report.get_absolute_url()}#exports")


@login_required
@require_GET
@never_cache
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    export = export_for_user(request.user, pk)
    return render(request, "reports/_export_status.html", {"export": export})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = export_for_user(request.user, pk)
    if export.status != ExportStatus.DONE:
        raise Http404
    return file_download(export.file, filename=export.filename(), content_type=XLSX_TYPE)


# --- partner year statements ----------------------------------------------------------------------


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    form = StatementsCreateForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not is_programme_staff(request.user):
            raise PermissionDenied
        if form.is_valid():
            made = services.statements_create(year=form.cleaned_data["year"], acting_user=request.user)
            messages.success(request, _("%(count)d year statements made.") % {"count": len(made)})
            return redirect("reports:statements")
    statements = statements_visible_to(request.user)
    context = {"statements": statements, "form": form, "can_manage": is_programme_staff(request.user)}
    return render(request, "reports/statement_list.html", context)


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = statement_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.statement_confirm(statement=statement, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Thank you: you have confirmed these figures."))
        return redirect(statement)
    can_confirm = acts_for(request.user, statement.partner) and not statement.is_confirmed
    context = {
        "statement": statement,
        "data": statement_data_from_json(statement.data),
        "can_confirm": can_confirm,
        "can_manage": is_programme_staff(request.user),
    }
    return render(request, "reports/statement_detail.html", context)


@login_required
def statement_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Programme staff ask again for a statement's PDF (after a failed or lost render)."""
    statement = statement_for_user(request.user, pk)
    if not is_programme_staff(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.statement_request_render(statement=statement, acting_user=request.user)
    messages.success(request, _("The PDF is being made again."))
    return redirect(statement)


@login_required
@require_GET
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    statement = statement_for_user(request.user, pk)
    if not statement.pdf:
        raise Http404
    return file_download(statement.pdf, filename=statement.pdf_filename(), content_type="application/pdf")
