"""Contribution pages: the representative's list, forms and evidence, period submission, and the review queue.

Each view: a permission helper (contributions.permissions), a form, one service call, redirect or render.
"""

import io
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from audit.models import Action
from audit.services import audit_record
from contributions import exports, figures, imports, services
from contributions.forms import (
    CommentForm,
    ContributionFilterForm,
    ContributionForm,
    EvidenceForm,
    ImportForm,
)
from contributions.models import (
    EDITABLE,
    Contribution,
    ContributionPolicy,
    HourlyRate,
    ImportJob,
    ImportStatus,
    ReportingPeriod,
    Status,
    TransitionError,
)
from contributions.permissions import (
    can_change,
    contribution_for_user,
    contributions_visible_to,
    evidence_for_user,
    import_job_for_user,
    own_partner_ids,
    partner_to_log_for,
    period_for_user,
    require_can_change,
    require_contributions_access,
    require_reviewer,
    visibility_condition,
)
from contributions.selectors import (
    ContributionList,
    contribution_history,
    contribution_list,
    contributions_filtered,
    keyset_page,
    review_queue,
    with_evidence_count,
)
from contributions.tables import table_rows, table_values
from lifeport.lib.files import content_disposition, file_download
from lifeport.lib.forms import add_service_errors
from lifeport.lib.money import format_number
from lifeport.lib.spreadsheet import XLSX_TYPE
from lifeport.lib.uploads import UploadSizeLimit, upload_size_limited
from partners.models import Partner
from partners.permissions import acts_for, is_programme_staff

PAGE_SIZE = 50
QUEUE_STATUSES = (Status.SUBMITTED, Status.APPROVED, Status.RETURNED)


def _status_rows(totals, statuses=tuple(Status)) -> list:
    """(status, figures) in workflow order, for the totals table (statuses without items show zeros)."""
    by_status = totals.rollup("status")
    return [(status, by_status.get((status.value,), None)) for status in statuses]


def _page(request: HttpRequest, rows, *, key: str = "date", key_type: type = date, descending: bool = True):
    """A keyset page of `rows` (with evidence counts), its rows formatted for the tables (contributions.tables)."""
    after, before = request.GET.get("after"), request.GET.get("before")
    page = keyset_page(
        table_values(rows),
        key=key,
        key_type=key_type,
        descending=descending,
        after=after,
        before=before,
        size=PAGE_SIZE,
    )
    page.rows = table_rows(page.rows)
    return page


def _listed(request: HttpRequest) -> tuple[ContributionFilterForm, dict, ContributionList]:
    """The list's filter form, the filters it applied (invalid ones dropped, the default partner filled in) and
    what this reader sees with them, rows and totals: the list page and its download both read the list here."""
    form = ContributionFilterForm(request.GET, user=request.user)
    filters = form.filters()
    return form, filters, contribution_list(user=request.user, **filters)


@login_required
def contribution_list_view(request: HttpRequest) -> HttpResponse:
    require_contributions_access(request.user)
    form, filters, listed = _listed(request)
    partner = filters["partner"]
    context = {
        "form": form,
        "partner": partner,
        "page": _page(request, with_evidence_count(listed.rows)),
        "status_rows": _status_rows(listed.totals),
        "can_log": partner is not None and partner.pk in own_partner_ids(request.user),
    }
    return render(request, "contributions/contribution_list.html", context)


@login_required
def contribution_create(request: HttpRequest) -> HttpResponse:
    partner = partner_to_log_for(request.user, request.GET.get("partner"))
    form = ContributionForm(request.POST or None, user=request.user, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            contribution = services.contribution_create(
                partner=form.cleaned_data["partner"], acting_user=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contribution has been saved as a draft."))
            return redirect(contribution)
    context = {"form": form, "partner": partner, "rate": _rate_in_force(partner)}
    return render(request, "contributions/contribution_form.html", context)


def _rate_in_force(partner: Partner) -> HourlyRate | None:
    return HourlyRate.objects.in_force(partner=partner, on=timezone.localdate())


@login_required
def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = contribution_for_user(request.user, pk)
    threshold = ContributionPolicy.current().evidence_threshold
    evidence = list(contribution.evidence.all())
    duplicates = []
    if contribution.is_editable:
        visible = contributions_visible_to(request.user).values("pk")
        duplicates = list(services.likely_duplicates(contribution).filter(pk__in=visible).select_related("period"))
    context = {
        "contribution": contribution,
        "evidence": evidence,
        "duplicates": duplicates,
        "threshold": threshold,
        "needs_evidence": contribution.value > threshold and not evidence,
        "can_change": can_change(request.user, contribution),
        "can_review": is_programme_staff(request.user),
        "acts_for_partner": acts_for(request.user, contribution.partner),
        "evidence_form": EvidenceForm(),
        "return_form": CommentForm(),
        "history": contribution_history(contribution),
    }
    return render(request, "contributions/contribution_detail.html", context)


@login_required
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = contribution_for_user(request.user, pk)
    require_can_change(request.user, contribution)
    initial = {name: getattr(contribution, name) for name in services.EDITABLE_FIELDS}
    initial["version"] = contribution.version
    form = ContributionForm(request.POST or None, user=request.user, editing=True, initial=initial)
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            contribution = services.contribution_update(
                contribution=contribution,
                acting_user=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                **form.service_kwargs(),
            )
        except services.StaleEdit:
            # Keep what the user typed; show what is saved now; saving again deliberately replaces it.
            current = contribution_for_user(request.user, pk)
            form = ContributionForm(_with_version(request.POST, current.version), user=request.user, editing=True)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(contribution)
    context = {"form": form, "contribution": contribution, "current": current, "partner": contribution.partner}
    return render(request, "contributions/contribution_form.html", context)


def _with_version(data, version: int):
    data = data.copy()
    data["version"] = str(version)
    return data


@login_required
def contribution_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = contribution_for_user(request.user, pk)
    require_can_change(request.user, contribution)
    if request.method == "POST":
        try:
            services.contribution_delete(contribution=contribution, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(contribution)
        messages.success(request, _("The contribution has been deleted."))
        return redirect(f"{reverse('contributions:list')}?partner={contribution.partner.slug}")
    return render(request, "contributions/contribution_delete.html", {"contribution": contribution})


@login_required
@upload_size_limited(services.MAX_EVIDENCE_BYTES)
def evidence_add(request: HttpRequest, pk: int, upload_limit: UploadSizeLimit) -> HttpResponse:
    contribution = contribution_for_user(request.user, pk)
    require_can_change(request.user, contribution)
    form = EvidenceForm(request.POST, request.FILES) if request.method == "POST" else EvidenceForm()
    if request.method == "POST" and upload_limit.too_big:
        form.errors.clear()
        form.add_error("file", _("The file is larger than 10 MB."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(contribution=contribution, acting_user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file has been attached."))
            return redirect(contribution)
    return render(request, "contributions/evidence_form.html", {"form": form, "contribution": contribution})


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = evidence_for_user(request.user, pk)
    response = file_download(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = evidence_for_user(request.user, pk)
    contribution = evidence.contribution
    require_can_change(request.user, contribution)
    if request.method == "POST":
        try:
            services.evidence_delete(evidence=evidence, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file has been removed."))
        return redirect(contribution)
    return render(request, "contributions/evidence_delete.html", {"evidence": evidence, "contribution": contribution})


# --- Reporting periods -------------------------------------------------------------------------------


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    require_contributions_access(request.user)
    form = ContributionFilterForm(request.GET, user=request.user, fields=("partner",))
    partner = form.filters()["partner"]
    totals = figures.totals(by=("period", "status"), condition=visibility_condition(request.user), partner=partner)
    periods = [
        (period, {status: totals.get(period.pk, status.value) for status in Status})
        for period in ReportingPeriod.objects.select_related("agreement")
    ]
    context = {"form": form, "partner": partner, "periods": periods, "statuses": list(Status)}
    return render(request, "contributions/period_list.html", context)


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = period_for_user(request.user, pk)
    form = ContributionFilterForm(request.GET, user=request.user, fields=("partner",))
    partner = form.filters()["partner"]
    rows = contributions_filtered(queryset=contributions_visible_to(request.user), partner=partner, period=period)
    totals = figures.totals(
        by=("partner", "status"), condition=visibility_condition(request.user), partner=partner, period=period
    )
    status_rows = _status_rows(totals)
    to_submit = sum(found.count for status, found in status_rows if found and status in EDITABLE)
    context = {
        "period": period,
        "form": form,
        "partner": partner,
        "page": _page(request, with_evidence_count(rows)),
        "status_rows": status_rows,
        "partner_rows": _partner_rows(totals, form) if partner is None else None,
        "to_submit": to_submit if partner is not None and acts_for(request.user, partner) else 0,
        "can_close": is_programme_staff(request.user) and not period.is_closed,
    }
    return render(request, "contributions/period_detail.html", context)


def _partner_rows(totals, form) -> list:
    per_partner = totals.rollup("partner")
    return [(p, per_partner[(p.pk,)]) for p in form.fields["partner"].queryset if (p.pk,) in per_partner]


@login_required
def period_submit(request: HttpRequest, pk: int) -> HttpResponse:
    period = period_for_user(request.user, pk)
    partner = partner_to_log_for(request.user, request.GET.get("partner") or request.POST.get("partner"))
    period_url = f"{period.get_absolute_url()}?partner={partner.slug}"
    if request.method == "POST":
        try:
            submitted = services.period_submit(partner=partner, period=period, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            count = len(submitted)
            text = ngettext(
                "%(count)d contribution has been submitted for review.",
                "%(count)d contributions have been submitted for review.",
                count,
            )
            messages.success(request, text % {"count": count})
            return redirect(period_url)
    threshold = ContributionPolicy.current().evidence_threshold
    items = list(with_evidence_count(services.submittable_in_period(partner=partner, period=period)))
    missing = [item for item in items if item.value > threshold and not item.evidence_count]
    context = {"period": period, "partner": partner, "items": items, "missing": missing, "threshold": threshold}
    context["period_url"] = period_url
    return render(request, "contributions/period_submit.html", context)


@login_required
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_reviewer(request.user)
    period = period_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.period_close(period=period, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reporting period %(period)s has been closed.") % {"period": period.name})
            return redirect(period)
    waiting = figures.totals(period=period, status=Status.SUBMITTED).total.count
    return render(request, "contributions/period_close.html", {"period": period, "waiting": waiting})


# --- Review ------------------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require_reviewer(request.user)
    form = ContributionFilterForm(request.GET, user=request.user, fields=("partner", "period", "action_line"))
    filters = form.filters()
    context = {
        "form": form,
        "page": _page(request, review_queue(**filters), key="submitted_at", key_type=datetime, descending=False),
        "status_rows": _status_rows(figures.totals(by=("status",), **filters), QUEUE_STATUSES),
    }
    return render(request, "contributions/queue.html", context)


def _reviewable(request: HttpRequest, pk: int) -> Contribution:
    """The contribution, for the director and office only: 404 if not visible, 403 for other readers."""
    contribution = contribution_for_user(request.user, pk)
    if not is_programme_staff(request.user):
        raise PermissionDenied
    return contribution


@login_required
def contribution_approve(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _reviewable(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.contribution_approve(contribution=contribution, acting_user=request.user, request=request)
    except (TransitionError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(contribution)
    messages.success(request, _("Approved: %(item)s.") % {"item": contribution})
    return redirect("contributions:queue")


@login_required
def contribution_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _comment_action(request, pk, action="return")


@login_required
def contribution_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _comment_action(request, pk, action="reopen")


def _comment_action(request: HttpRequest, pk: int, *, action: str) -> HttpResponse:
    """Return (with a comment) or reopen (with a reason): the same page shape, a different service."""
    contribution = _reviewable(request, pk)
    label = _("Comment for the partner") if action == "return" else _("Reason for reopening")
    form = CommentForm(request.POST or None, label=label)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if action == "return":
                services.contribution_return(
                    contribution=contribution, acting_user=request.user, comment=comment, request=request
                )
            else:
                services.contribution_reopen(
                    contribution=contribution, acting_user=request.user, reason=comment, request=request
                )
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect(contribution)
        except ValidationError as error:
            form.add_error("comment", error.messages)
        else:
            done = _("Returned to the partner.") if action == "return" else _("Reopened; the partner can correct it.")
            messages.success(request, done)
            return redirect("contributions:queue" if action == "return" else contribution.get_absolute_url())
    context = {"form": form, "contribution": contribution, "action": action}
    return render(request, "contributions/review_comment.html", context)


# --- Import and export -------------------------------------------------------------------------------


def _import_partners(user):
    """The partners the user may import for (those they act for); 403 for everyone else."""
    require_contributions_access(user)
    partners = Partner.objects.filter(pk__in=own_partner_ids(user)).order_by("name")
    if not partners:
        raise PermissionDenied
    return partners


@login_required
@upload_size_limited(imports.MAX_FILE_BYTES)
def contribution_import(request: HttpRequest, upload_limit: UploadSizeLimit) -> HttpResponse:
    partners = _import_partners(request.user)
    chosen = partners.filter(slug=request.GET.get("partner")).first()
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        partners=partners,
        initial={"partner": chosen},
    )
    if posted and upload_limit.too_big:
        form.errors.clear()
        form.add_error("file", _("The file is larger than 5 MB. Split it into smaller files."))
    elif posted and form.is_valid():
        try:
            job = imports.import_job_create(
                partner=form.cleaned_data["partner"], acting_user=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(job)
    return render(request, "contributions/import_form.html", {"form": form})


def _import_done(request: HttpRequest, job: ImportJob) -> HttpResponse:
    count = job.imported_count
    messages.success(
        request,
        ngettext("%(count)d contribution imported as a draft.", "%(count)d contributions imported as drafts.", count)
        % {"count": count},
    )
    return redirect(f"{reverse('contributions:list')}?partner={job.partner.slug}")


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the check's kept result (errors by row and column, totals) or its progress. POST: confirm or cancel."""
    job = import_job_for_user(request.user, pk)
    if request.method == "POST" and "cancel" in request.POST:
        try:
            imports.import_job_cancel(job=job, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(job)
        return redirect(f"{reverse('contributions:import')}?partner={job.partner.slug}")
    if request.method == "POST" and "confirm" in request.POST:
        try:
            job = imports.import_job_confirm(job=job, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if request.method == "POST":
        return redirect(job)
    if job.status == ImportStatus.DONE:
        return _import_done(request, job)
    context = {"job": job, "result": imports.job_result(job), "progress": imports.job_progress(job)}
    return render(request, "contributions/import_job.html", context)


@login_required
@require_GET
@never_cache
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment polled while the job is checked or imported; reloads the page once it is not."""
    job = import_job_for_user(request.user, pk)
    if not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "contributions/_import_progress.html", {"job": job, "progress": imports.job_progress(job)})


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The empty import file with its column names, in the user's language."""
    require_contributions_access(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    stem = _("contributions-template")
    headers = {"Content-Disposition": content_disposition(f"{stem}.{fmt}")}
    if fmt == "csv":
        return HttpResponse(exports.import_template_csv(), content_type="text/csv; charset=utf-8", headers=headers)
    buffer = io.BytesIO()
    exports.import_template_xlsx(buffer)
    return HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE, headers=headers)


@login_required
def contribution_export(request: HttpRequest) -> HttpResponse:
    """The list page's rows (same filters, same visibility) as XLSX (default) or CSV (?format=csv)."""
    require_contributions_access(request.user)
    form, filters, listed = _listed(request)  # filters: those applied, invalid ones dropped
    if exports.export_too_large(listed.rows):
        limit = format_number(exports.MAX_EXPORT_ROWS, get_language() or "nl")
        messages.error(
            request,
            _(
                "This list holds more than %(max)s contributions, too many for one download. "
                "Choose a partner, period or action line first."
            )
            % {"max": limit},
        )
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{reverse('contributions:list')}?{query.urlencode()}")
    stem = _("contributions")
    stem = f"{stem}-{timezone.localdate():%Y-%m-%d}"
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            exports.export_csv(listed.rows, language=get_language()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition(f"{stem}.csv")
    else:
        response = FileResponse(
            exports.export_xlsx(listed.rows, totals=listed.totals),
            as_attachment=True,
            filename=f"{stem}.xlsx",
            content_type=XLSX_TYPE,
        )
    audit_record(
        actor=request.user,
        action=Action.EXPORTED,
        details={
            "what": "contributions",
            "format": "csv" if request.GET.get("format") == "csv" else "xlsx",
            # What was applied (the cleaned form, the default partner filled in), not what was asked for.
            "filters": {
                name: form.fields[name].prepare_value(value) for name, value in filters.items() if value is not None
            },
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
