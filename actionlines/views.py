"""Action lines and the annual plan: the plan pages, its workflow, plan against realisation, the director's
overview and the exports.

Each view: a permission helper (actionlines.permissions), a form, one service call, redirect or render.
"""

from collections.abc import Callable
from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from actionlines import exports, services
from actionlines.forms import (
    ActivityForm,
    CommentForm,
    CompareForm,
    IndicatorActualForm,
    IndicatorForm,
    IndicatorTargetsForm,
    MilestoneForm,
    MilestoneProgressForm,
    PlanForm,
    PlanStartForm,
    PledgeForm,
    ResolveForm,
    TargetForm,
)
from actionlines.models import ActionLine, AnnualPlan, MultiYearTarget, PlanPDFStatus, PlanTransitionError
from actionlines.permissions import (
    action_line_or_404,
    activity_for_user,
    can_comment,
    can_edit_line,
    can_edit_plan,
    can_manage_plan,
    can_record_progress,
    can_resolve_comments,
    check,
    check_can_see_plans,
    comment_for_user,
    editable_lines,
    indicator_for_user,
    milestone_for_user,
    plan_for_user,
    plans_visible_to,
    pledge_for_user,
    progress_lines,
)
from actionlines.selectors import (
    director_overview,
    plan_boundary,
    plan_compare,
    plan_contents,
    plan_pdf_state,
    plan_realisation,
    plan_versions,
)
from governance.forms import DecisionChoiceForm
from governance.models import Decision
from lifeport.lib.files import content_disposition, file_download
from lifeport.lib.forms import add_service_errors
from lifeport.lib.spreadsheet import XLSX_TYPE
from partners.permissions import can_see_programme, is_programme_staff, leads
from partners.selectors import agreement_status

# --- Action lines --------------------------------------------------------------------------------------------


@login_required
def action_line_list(request: HttpRequest) -> HttpResponse:
    check(can_see_programme(request.user))
    return render(request, "actionlines/action_line_list.html", {"action_lines": ActionLine.objects.all()})


@login_required
def action_line_detail(request: HttpRequest, code: str) -> HttpResponse:
    check(can_see_programme(request.user))
    action_line = action_line_or_404(code)
    context = {
        "action_line": action_line,
        "targets": MultiYearTarget.objects.filter(action_line=action_line).order_by("year"),
        "can_manage": can_manage_plan(request.user),
        "is_lead": leads(request.user, action_line),
        "next_year": timezone.localdate().year,
    }
    return render(request, "actionlines/action_line_detail.html", context)


@login_required
def target_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    check(can_see_programme(request.user))
    action_line = action_line_or_404(code)
    check(can_manage_plan(request.user))
    instance = MultiYearTarget.objects.filter(action_line=action_line, year=year).first()
    form = TargetForm(request.POST or None, instance=instance, initial={"goal": action_line.goal})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(action_line=action_line, year=year, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The target has been saved."))
            return redirect(action_line.get_absolute_url())
    title = _("Multi-year target %(line)s %(year)s") % {"line": action_line.name, "year": year}
    return _form_page(request, form, title=title, cancel_url=action_line.get_absolute_url())


# --- Shared page helpers -----------------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    cancel_url: str,
    plan: AnnualPlan | None = None,
    intro: str = "",
    submit: str = "",
    status: int | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "intro": intro,
        "submit_label": submit or _("Save"),
        "cancel_url": cancel_url,
        "plan": plan,
        "boundary": plan_boundary(plan) if plan else None,
    }
    if status is None:
        status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "actionlines/form.html", context, status=status)


def _confirm_page(
    request: HttpRequest, *, title: str, text: str, submit: str, cancel_url: str, plan: AnnualPlan | None
) -> HttpResponse:
    context = {
        "title": title,
        "text": text,
        "submit_label": submit,
        "cancel_url": cancel_url,
        "plan": plan,
        "boundary": plan_boundary(plan) if plan else None,
    }
    return render(request, "actionlines/confirm.html", context)


def _error_messages(request: HttpRequest, error: Exception) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


# --- Plans -----------------------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    check_can_see_plans(request.user)
    form = PlanStartForm(request.POST or None)
    if request.method == "POST":
        check(can_manage_plan(request.user))
        if form.is_valid():
            try:
                plan = services.plan_start(year=form.cleaned_data["year"], acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The plan for %(year)s has been started as a draft.") % {"year": plan.year})
                return redirect(plan)
    plans = plans_visible_to(request.user).select_related("adopted_by").order_by("-year", "-version")
    context = {"plans": plans, "form": form, "can_manage": can_manage_plan(request.user)}
    return render(request, "actionlines/plan_list.html", context, status=400 if form.errors else 200)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    user = request.user
    context = {
        "plan": plan,
        "contents": plan_contents(plan),
        "boundary": plan_boundary(plan),
        "versions": plan_versions(plan.year),
        "editable_line_ids": set(editable_lines(user, plan).values_list("pk", flat=True)),
        "can_edit_plan": can_edit_plan(user, plan),
        "can_manage": can_manage_plan(user),
        "can_comment": can_comment(user, plan),
        "can_resolve": can_resolve_comments(user, plan),
        "progress_line_ids": set(progress_lines(user, plan).values_list("pk", flat=True)),
        "today": timezone.localdate(),
        **plan_pdf_state(plan),
    }
    return render(request, "actionlines/plan_detail.html", context)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    check(can_edit_plan(request.user, plan))
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.plan_update(plan=plan, acting_user=request.user, narrative=form.cleaned_data["narrative"])
        messages.success(request, _("The introduction has been saved."))
        return redirect(plan)
    return _form_page(request, form, title=_("Introduction"), cancel_url=plan.get_absolute_url(), plan=plan)


TRANSITIONS = {
    "review": (
        services.plan_send_for_review,
        _("Send for review"),
        _("The steering group can then comment on every activity. Nobody can edit the plan while it is in review."),
        _("The plan is now in review."),
    ),
    "draft": (
        services.plan_back_to_draft,
        _("Back to draft"),
        _("Take the plan back to draft to work the comments in. The comments stay with their activities."),
        _("The plan is a draft again."),
    ),
    "new_version": (
        services.plan_new_version,
        _("Start a new version"),
        _("The new version starts as a copy in draft; the adopted plan stays in force until the new one is adopted."),
        _("A new version has been started."),
    ),
    "next_year": (
        services.plan_start_next_year,
        _("Start next year's plan"),
        _(
            "Next year's plan starts as a copy of this one: activities, pledges, milestones and indicators, every "
            "date one year later."
        ),
        _("Next year's plan has been started."),
    ),
}


def _plan_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    check(can_manage_plan(request.user))
    service, title, text, success = TRANSITIONS[name]
    if request.method == "POST":
        try:
            result = service(plan=plan, acting_user=request.user)
        except (ValidationError, PlanTransitionError) as error:
            _error_messages(request, error)
            return redirect(plan)
        messages.success(request, str(success))
        return redirect(result)
    return _confirm_page(
        request, title=str(title), text=str(text), submit=str(title), cancel_url=plan.get_absolute_url(), plan=plan
    )


@login_required
def plan_send_for_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_transition(request, pk, "review")


@login_required
def plan_back_to_draft(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_transition(request, pk, "draft")


@login_required
def plan_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """In review → adopted, citing the steering group's decision about this version (a required select)."""
    plan = plan_for_user(request.user, pk)
    check(can_manage_plan(request.user))
    form = DecisionChoiceForm(request.POST or None, decisions=Decision.objects.for_subject(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_adopt(plan=plan, acting_user=request.user, decision=form.cleaned_data["decision"])
        except PlanTransitionError as error:
            _error_messages(request, error)
            return redirect(plan)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan has been adopted."))
            return redirect(plan)
    intro = _("Adopting freezes the plan: from then on it changes only through a new version.")
    if not form.fields["decision"].queryset.exists():
        intro += " " + _("Record the steering group's decision about this version with its meeting first.")
    return _form_page(
        request,
        form,
        title=_("Adopt the plan"),
        intro=intro,
        submit=_("Adopt the plan"),
        cancel_url=plan.get_absolute_url(),
        plan=plan,
        status=400 if form.errors else None,
    )


@login_required
def plan_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_transition(request, pk, "new_version")


@login_required
def plan_next_year(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_transition(request, pk, "next_year")


@login_required
def plan_compare_view(request: HttpRequest) -> HttpResponse:
    check_can_see_plans(request.user)
    form = CompareForm(request.GET or None)
    comparison = None
    if form.is_valid():
        left = plan_for_user(request.user, form.cleaned_data["left"].pk)
        right = plan_for_user(request.user, form.cleaned_data["right"].pk)
        comparison = plan_compare(left, right)
    right = comparison.right if comparison else None
    context = {
        "form": form,
        "comparison": comparison,
        "plan": right,
        "boundary": plan_boundary(right) if right else None,
    }
    return render(request, "actionlines/plan_compare.html", context)


@login_required
def plan_realisation_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    status = agreement_status()
    realisation = plan_realisation(plan, status=status)
    boundary = plan_boundary(plan, status=status, realisation=realisation)
    context = {"plan": plan, "realisation": realisation, "boundary": boundary}
    return render(request, "actionlines/plan_realisation.html", context)


@login_required
def plan_pdf_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the plan as a PDF (made by the worker); the plan page then shows its progress."""
    plan = plan_for_user(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pdf = services.plan_pdf_request(plan=plan, acting_user=request.user)
    if pdf.status != PlanPDFStatus.READY:
        messages.success(request, _("The PDF is being made; this page shows when it is ready."))
    return redirect(f"{plan.get_absolute_url()}#pdf")


@login_required
@require_GET
@never_cache
def plan_pdf_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment that follows the plan's PDF until it is ready or has failed."""
    plan = plan_for_user(request.user, pk)
    return render(request, "actionlines/_plan_pdf.html", {"plan": plan, **plan_pdf_state(plan)})


@login_required
@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's latest ready PDF, for everyone who may read the plan."""
    plan = plan_for_user(request.user, pk)
    ready = plan_pdf_state(plan)["ready"]
    if ready is None:
        raise Http404
    return file_download(ready.file, filename=ready.filename(), content_type="application/pdf")


@login_required
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    response = HttpResponse(exports.plan_xlsx(plan), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(f"jaarplan-{plan.year}-v{plan.version}.xlsx")
    return response


# --- Activities and pledges --------------------------------------------------------------------------------------


@login_required
def activity_create(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    line = action_line_or_404(code)
    check(can_edit_line(request.user, plan, line))
    initial = {"action_line": line, "starts_on": date(plan.year, 1, 1), "ends_on": date(plan.year, 12, 31)}
    form = ActivityForm(request.POST or None, lines=editable_lines(request.user, plan), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(plan=plan, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity has been added."))
            return redirect(activity.get_absolute_url())
    title = _("New activity under %(line)s") % {"line": line.name}
    return _form_page(request, form, title=title, cancel_url=plan.get_absolute_url(), plan=plan)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk)
    plan = activity.plan
    check(can_edit_line(request.user, plan, activity.action_line))
    form = ActivityForm(request.POST or None, instance=activity, lines=editable_lines(request.user, plan))
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_update(activity=activity, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity has been saved."))
            return redirect(activity.get_absolute_url())
    return _form_page(request, form, title=activity.title, cancel_url=activity.get_absolute_url(), plan=plan)


def _delete_view(request: HttpRequest, *, obj, plan: AnnualPlan, action: Callable[[], object], what: str):
    if request.method == "POST":
        action()
        messages.success(request, _("“%(name)s” has been removed.") % {"name": obj})
        return redirect(plan)
    return _confirm_page(
        request,
        title=_("Remove %(what)s “%(name)s”?") % {"what": what, "name": obj},
        text=_("This cannot be undone in this version of the plan."),
        submit=_("Remove"),
        cancel_url=plan.get_absolute_url(),
        plan=plan,
    )


@login_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk)
    check(can_edit_line(request.user, activity.plan, activity.action_line))
    action = partial(services.activity_delete, activity=activity, acting_user=request.user)
    return _delete_view(request, obj=activity, plan=activity.plan, action=action, what=_("activity"))


@login_required
def pledge_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk)
    check(can_edit_line(request.user, activity.plan, activity.action_line))
    form = PledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_set(
                activity=activity, partner=form.cleaned_data["partner"], acting_user=request.user, **form.amounts()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pledge has been saved."))
            return redirect(activity.get_absolute_url())
    title = _("Pledge to “%(activity)s”") % {"activity": activity}
    return _form_page(request, form, title=title, cancel_url=activity.get_absolute_url(), plan=activity.plan)


@login_required
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for_user(request.user, pk)
    activity = pledge.activity
    check(can_edit_line(request.user, activity.plan, activity.action_line))
    form = PledgeForm(request.POST or None, instance=pledge, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_set(activity=activity, partner=pledge.partner, acting_user=request.user, **form.amounts())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pledge has been saved."))
            return redirect(activity.get_absolute_url())
    title = _("Pledge of %(partner)s to “%(activity)s”") % {"partner": pledge.partner, "activity": activity}
    return _form_page(request, form, title=title, cancel_url=activity.get_absolute_url(), plan=activity.plan)


@login_required
def pledge_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = pledge_for_user(request.user, pk)
    check(can_edit_line(request.user, pledge.activity.plan, pledge.activity.action_line))
    action = partial(services.pledge_delete, pledge=pledge, acting_user=request.user)
    return _delete_view(request, obj=pledge, plan=pledge.activity.plan, action=action, what=_("pledge"))


# --- Milestones and indicators -----------------------------------------------------------------------------------


@login_required
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk)
    check(can_edit_line(request.user, activity.plan, activity.action_line))
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_create(activity=activity, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The milestone has been added."))
            return redirect(activity.get_absolute_url())
    title = _("New milestone for “%(activity)s”") % {"activity": activity}
    return _form_page(request, form, title=title, cancel_url=activity.get_absolute_url(), plan=activity.plan)


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_for_user(request.user, pk)
    activity = milestone.activity
    check(can_edit_line(request.user, activity.plan, activity.action_line))
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(milestone=milestone, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The milestone has been saved."))
            return redirect(activity.get_absolute_url())
    return _form_page(request, form, title=milestone.title, cancel_url=activity.get_absolute_url(), plan=activity.plan)


@login_required
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_for_user(request.user, pk)
    activity = milestone.activity
    check(can_edit_line(request.user, activity.plan, activity.action_line))
    action = partial(services.milestone_delete, milestone=milestone, acting_user=request.user)
    return _delete_view(request, obj=milestone, plan=activity.plan, action=action, what=_("milestone"))


@login_required
def milestone_progress(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_for_user(request.user, pk)
    activity = milestone.activity
    check(can_record_progress(request.user, activity.plan, activity.action_line))
    initial = {"status": milestone.status, "done_on": milestone.done_on}
    form = MilestoneProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_record_progress(milestone=milestone, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The progress has been saved."))
            return redirect(activity.get_absolute_url())
    title = _("Progress of “%(milestone)s”") % {"milestone": milestone}
    return _form_page(request, form, title=title, cancel_url=activity.get_absolute_url(), plan=activity.plan)


@login_required
def indicator_create(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    plan = plan_for_user(request.user, pk)
    line = action_line_or_404(code)
    check(can_edit_line(request.user, plan, line))
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(plan=plan, action_line=line, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The indicator has been added."))
            return redirect(f"{plan.get_absolute_url()}#line-{line.code}")
    title = _("New indicator for %(line)s") % {"line": line.name}
    return _form_page(request, form, title=title, cancel_url=plan.get_absolute_url(), plan=plan)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_for_user(request.user, pk)
    check(can_edit_line(request.user, indicator.plan, indicator.action_line))
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The indicator has been saved."))
            return redirect(indicator.plan)
    return _form_page(
        request, form, title=indicator.name, cancel_url=indicator.plan.get_absolute_url(), plan=indicator.plan
    )


@login_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_for_user(request.user, pk)
    check(can_edit_line(request.user, indicator.plan, indicator.action_line))
    action = partial(services.indicator_delete, indicator=indicator, acting_user=request.user)
    return _delete_view(request, obj=indicator, plan=indicator.plan, action=action, what=_("indicator"))


@login_required
def indicator_actual(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_for_user(request.user, pk)
    plan = indicator.plan
    check(can_record_progress(request.user, plan, indicator.action_line))
    form = IndicatorActualForm(request.POST or None, year=plan.year)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_actual_set(indicator=indicator, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The actual value has been saved."))
            return redirect(plan)
    title = _("Actual value of “%(indicator)s”") % {"indicator": indicator}
    return _form_page(request, form, title=title, cancel_url=plan.get_absolute_url(), plan=plan)


@login_required
def indicator_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """The indicator's target per quarter (plan: while the plan is a draft, the director or the line's lead)."""
    indicator = indicator_for_user(request.user, pk)
    plan = indicator.plan
    check(can_edit_line(request.user, plan, indicator.action_line))
    form = IndicatorTargetsForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_targets_set(indicator=indicator, acting_user=request.user, targets=form.targets())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The targets per quarter have been saved."))
            return redirect(plan)
    title = _("Targets per quarter of “%(indicator)s”") % {"indicator": indicator}
    intro = _("The value to reach by the end of each quarter; the yearly target is %(target)s.") % {
        "target": f"{indicator.target:g}"
    }
    return _form_page(request, form, title=title, intro=intro, cancel_url=plan.get_absolute_url(), plan=plan)


# --- Review comments ---------------------------------------------------------------------------------------------


@login_required
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk)
    check(can_comment(request.user, activity.plan))
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_add(activity=activity, acting_user=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect(activity.get_absolute_url())
    title = _("Comment on “%(activity)s”") % {"activity": activity}
    return _form_page(
        request, form, title=title, cancel_url=activity.get_absolute_url(), plan=activity.plan, submit=_("Add comment")
    )


@login_required
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = comment_for_user(request.user, pk)
    activity = comment.activity
    check(can_resolve_comments(request.user, activity.plan) and not comment.is_resolved)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_resolve(comment=comment, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The comment has been resolved."))
            return redirect(activity.get_absolute_url())
    title = _("Resolve the comment of %(author)s") % {"author": comment.author.get_full_name() or comment.author}
    return _form_page(
        request,
        form,
        title=title,
        intro=comment.text,
        cancel_url=activity.get_absolute_url(),
        plan=activity.plan,
        submit=_("Resolve"),
    )


# --- The director's overview --------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    check(is_programme_staff(request.user))
    context = {"overview": director_overview(), "queue_url": _queue_url()}
    return render(request, "actionlines/overview.html", context)


def _queue_url() -> str | None:
    from django.urls import NoReverseMatch

    try:
        return reverse("contributions:queue")
    except NoReverseMatch:
        return None
