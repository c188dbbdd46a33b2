from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lifeport.lib.files import content_disposition
from partners.permissions import is_programme_staff
from reminders.forms import LeadTimesForm, PreferenceForm
from reminders.models import LeadTimes
from reminders.permissions import calendar_owner, reminder_for_user, reminders_visible_to
from reminders.selectors import calendar_ics
from reminders.services import (
    calendar_token_renew,
    language_of,
    lead_times_update,
    preference_for,
    preference_update,
    reminder_mark_read,
    reminders_mark_all_read,
)

PAGE_SIZE = 25


@login_required
@require_GET
def reminder_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's reminders, newest first, unread ones marked."""
    page = Paginator(reminders_visible_to(request.user).order_by("-sent_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "can_edit_lead_times": is_programme_staff(request.user)}
    return render(request, "reminders/reminder_list.html", context)


@login_required
@require_GET
def reminder_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a reminder to the page that resolves it, marking it read."""
    reminder = reminder_for_user(request.user, pk)
    reminder_mark_read(reminder=reminder, user=request.user)
    target = reminder.link if url_has_allowed_host_and_scheme(reminder.link, allowed_hosts=None) else ""
    return redirect(target or reverse("reminders:list"))


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = reminder_for_user(request.user, pk)
    reminder_mark_read(reminder=reminder, user=request.user)
    messages.success(request, _("Marked as read."))
    return redirect("reminders:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    reminders_mark_all_read(user=request.user)
    messages.success(request, _("All reminders are marked as read."))
    return redirect("reminders:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Turn non-essential reminders on or off; the personal calendar address."""
    preference = preference_for(request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        preference_update(user=request.user, non_essential=form.cleaned_data["non_essential"])
        messages.success(request, _("Your reminder settings have been saved."))
        return redirect("reminders:preferences")
    calendar_url = settings.SITE_URL + reverse("reminders:calendar", args=[preference.calendar_token])
    return render(request, "reminders/preferences.html", {"form": form, "calendar_url": calendar_url})


@login_required
@require_POST
def calendar_renew(request: HttpRequest) -> HttpResponse:
    calendar_token_renew(user=request.user)
    messages.success(request, _("Your calendar has a new address. The old address no longer works."))
    return redirect("reminders:preferences")


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal iCalendar feed; the secret token in the address is the only key."""
    user = calendar_owner(token)
    body = calendar_ics(user, today=timezone.localdate(), site_url=settings.SITE_URL, language=language_of(user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition("lifeport-regie.ics", inline=True)
    return response


@login_required
def lead_times(request: HttpRequest) -> HttpResponse:
    """The programme office sets the lead times of every reminder rule."""
    if not is_programme_staff(request.user):
        raise PermissionDenied
    form = LeadTimesForm(request.POST if request.method == "POST" else None, instance=LeadTimes.current())
    if request.method == "POST" and form.is_valid():
        lead_times_update(lead_times=form.instance, acting_user=request.user)
        messages.success(request, _("The lead times have been saved."))
        return redirect("reminders:lead_times")
    return render(request, "reminders/lead_times.html", {"form": form})
