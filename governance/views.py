"""The regiegroep's pages: meetings (agenda, documents, comments, minutes) and the decision register.

Each view: a permission helper (governance.permissions), a form, one service call, redirect or render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from governance import services
from governance.forms import (
    AgendaItemForm,
    BudgetLineForm,
    DecisionForm,
    DocumentForm,
    MeasureForm,
    MeetingCommentForm,
    MeetingForm,
    MinutesForm,
    RiskForm,
    RiskReviewForm,
    SpendingForm,
)
from governance.models import Decision, Meeting, MeetingStateError, Risk, Spending
from governance.permissions import (
    can_add_risks,
    can_change_meeting,
    can_comment_on,
    can_manage_budget,
    can_manage_governance,
    can_review_risk,
    can_see_budget,
    can_see_governance,
    can_see_risks,
    check,
    document_for_user,
    measure_for_user,
    meeting_for_user,
    risk_for_user,
)
from governance.selectors import budget_figures, risk_heat_map
from lifeport.lib.files import file_download
from lifeport.lib.forms import add_service_errors


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    check(can_see_governance(request.user))
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        check(can_manage_governance(request.user))
        if form.is_valid():
            meeting = services.meeting_create(acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("The meeting has been recorded."))
            return redirect(meeting)
    meetings = Meeting.objects.prefetch_related("attendees").order_by("-held_on", "-id")[:200]
    context = {"meetings": meetings, "form": form, "can_manage": can_manage_governance(request.user)}
    return render(request, "governance/meeting_list.html", context, status=400 if form.errors else 200)


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    check(can_see_governance(request.user))
    decisions = Decision.objects.select_related("meeting", "plan", "report", "agreement", "partner")[:500]
    return render(request, "governance/decision_list.html", {"decisions": decisions})


def _meeting_page(request: HttpRequest, meeting: Meeting, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    context = {
        "meeting": meeting,
        "attendees": meeting.attendees.order_by("name"),
        "agenda": meeting.agenda_items.all(),
        "documents": meeting.documents.all(),
        "comments": meeting.comments.select_related("author"),
        "decisions": meeting.decisions.select_related("plan", "report", "agreement", "partner"),
        "can_change": can_change_meeting(user, meeting),
        "can_comment": can_comment_on(user, meeting),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "comment_form": forms.get("comment_form") or MeetingCommentForm(),
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
    }
    return render(request, "governance/meeting_detail.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, meeting_for_user(request.user, pk))


def _meeting_form(request: HttpRequest, pk: int, form_class, name: str, save, *, comment: bool = False):
    """A form on the meeting page: POST only; a refused form shows the page again with its messages."""
    meeting = meeting_for_user(request.user, pk)
    check(can_comment_on(request.user, meeting) if comment else can_change_meeting(request.user, meeting))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            save(meeting, form.cleaned_data)
        except (ValidationError, MeetingStateError) as error:
            add_service_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
        else:
            messages.success(request, _("Saved."))
            return redirect(meeting)
    return _meeting_page(request, meeting, status=400, **{name: form})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    check(can_change_meeting(request.user, meeting))
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.meeting_update(meeting=meeting, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(meeting)
    context = {"form": form, "meeting": meeting, "title": _("Change the meeting")}
    return render(request, "governance/form.html", context, status=400 if form.errors else 200)


@login_required
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(meeting, data):
        services.agenda_item_add(meeting=meeting, acting_user=request.user, **data)

    return _meeting_form(request, pk, AgendaItemForm, "agenda_form", save)


@login_required
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(meeting, data):
        services.document_add(meeting=meeting, acting_user=request.user, upload=data["file"])

    return _meeting_form(request, pk, DocumentForm, "document_form", save)


@login_required
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(meeting, data):
        services.comment_add(meeting=meeting, acting_user=request.user, text=data["text"])

    return _meeting_form(request, pk, MeetingCommentForm, "comment_form", save, comment=True)


@login_required
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    def save(meeting, data):
        services.minutes_save(meeting=meeting, acting_user=request.user, minutes=data["minutes"])

    return _meeting_form(request, pk, MinutesForm, "minutes_form", save)


@login_required
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(meeting, data):
        services.decision_record(
            meeting=meeting, acting_user=request.user, text=data["text"], kind=data["kind"], subject=data["subject"]
        )

    return _meeting_form(request, pk, DecisionForm, "decision_form", save)


@login_required
def minutes_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    check(can_change_meeting(request.user, meeting))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.minutes_confirm(meeting=meeting, acting_user=request.user)
    except (ValidationError, MeetingStateError) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(request, _("The minutes are confirmed. The meeting can no longer change."))
    return redirect(meeting)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_for_user(request.user, pk)
    return file_download(document.file, filename=document.original_name, content_type=document.content_type)


# --- Risks ---------------------------------------------------------------------------------------------


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    """The register with its heat map; the director and office add risks here."""
    check(can_see_risks(request.user))
    form = RiskForm(request.POST or None)
    if request.method == "POST":
        check(can_add_risks(request.user))
        if form.is_valid():
            risk = services.risk_create(acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("The risk has been added to the register."))
            return redirect(risk)
    risks = Risk.objects.select_related("owner", "action_line").order_by("status", "-likelihood", "-impact", "title")
    context = {
        "risks": risks[:500],
        "heat_map": risk_heat_map(),
        "form": form,
        "can_add": can_add_risks(request.user),
    }
    return render(request, "governance/risk_list.html", context, status=400 if form.errors else 200)


def _risk_page(request: HttpRequest, risk: Risk, status: int = 200, **forms) -> HttpResponse:
    context = {
        "risk": risk,
        "measures": risk.measures.all(),
        "reviews": risk.reviews.select_related("reviewed_by")[:50],
        "can_review": can_review_risk(request.user, risk),
        "review_form": forms.get("review_form")
        or RiskReviewForm(initial={"likelihood": risk.likelihood, "impact": risk.impact, "status": risk.status}),
        "measure_form": forms.get("measure_form") or MeasureForm(),
    }
    return render(request, "governance/risk_detail.html", context, status=status)


@login_required
@require_GET
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _risk_page(request, risk_for_user(request.user, pk))


def _risk_form(request: HttpRequest, pk: int, form_class, name: str, save) -> HttpResponse:
    risk = risk_for_user(request.user, pk)
    check(can_review_risk(request.user, risk))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(risk, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(risk)
    return _risk_page(request, risk, status=400, **{name: form})


@login_required
def risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    def save(risk, data):
        services.risk_review(risk=risk, acting_user=request.user, **data)

    return _risk_form(request, pk, RiskReviewForm, "review_form", save)


@login_required
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(risk, data):
        services.measure_add(risk=risk, acting_user=request.user, **data)

    return _risk_form(request, pk, MeasureForm, "measure_form", save)


@login_required
def measure_done(request: HttpRequest, pk: int) -> HttpResponse:
    measure = measure_for_user(request.user, pk)
    check(can_review_risk(request.user, measure.risk))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.measure_done(measure=measure, acting_user=request.user)
    messages.success(request, _("The measure is marked as done."))
    return redirect(measure.risk)


# --- The programme budget ------------------------------------------------------------------------------


def _budget_year(request: HttpRequest) -> int:
    """The year asked for (?jaar=2026), else this year; bounded, so a bad value is simply this year."""
    value = request.GET.get("jaar", "")
    year = int(value) if value.isdigit() and len(value) == 4 else timezone.localdate().year
    return min(max(year, 2026), 2100)


def _budget_page(request: HttpRequest, year: int, status: int = 200, **forms) -> HttpResponse:
    context = {
        "figures": budget_figures(year=year),
        "spending": Spending.objects.filter(year=year).select_related("entered_by")[:200],
        "can_manage": can_manage_budget(request.user),
        "line_form": forms.get("line_form") or BudgetLineForm(initial={"year": year, "budget_code": "E600014-001"}),
        "spending_form": forms.get("spending_form") or SpendingForm(),
        "years": range(2026, timezone.localdate().year + 2),
    }
    return render(request, "governance/budget.html", context, status=status)


@login_required
@require_GET
def budget(request: HttpRequest) -> HttpResponse:
    check(can_see_budget(request.user))
    return _budget_page(request, _budget_year(request))


def _budget_form(request: HttpRequest, form_class, name: str, save) -> HttpResponse:
    check(can_see_budget(request.user))
    check(can_manage_budget(request.user))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = form_class(request.POST)
    if form.is_valid():
        try:
            year = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("governance:budget") + f"?jaar={year}")
    return _budget_page(request, _budget_year(request), status=400, **{name: form})


@login_required
def budget_line_set(request: HttpRequest) -> HttpResponse:
    def save(data) -> int:
        return services.budget_line_set(acting_user=request.user, **data).year

    return _budget_form(request, BudgetLineForm, "line_form", save)


@login_required
def spending_add(request: HttpRequest) -> HttpResponse:
    def save(data) -> int:
        return services.spending_add(acting_user=request.user, **data).year

    return _budget_form(request, SpendingForm, "spending_form", save)
