from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from lifeport.health import checks, label, run_checks
from partners.permissions import is_programme_staff
from partners.selectors import agreement_status
from partners.services import profile_set_language

LANGUAGES = {code for code, _name in settings.LANGUAGES}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from reports.permissions import can_see_dashboard, can_see_reports

    links = {"can_see_dashboard": can_see_dashboard(request.user), "can_see_reports": can_see_reports(request.user)}
    return render(request, "home.html", {"status": agreement_status(), **links})


@login_required
@never_cache
@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """204 for a signed-in user: keeps a session alive, and is the floor every benchmark is measured against."""
    return HttpResponse(status=204)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database and the cache answer, 503 otherwise; the status alone (the
    details are on the staff page and in `manage.py health`)."""
    failed = any(result.error for result in run_checks(checks("lb")))
    return JsonResponse({"status": "unavailable" if failed else "ok"}, status=503 if failed else 200)


@login_required
@never_cache
@require_GET
def health_detail(request: HttpRequest) -> HttpResponse:
    """Every part's health with its message, for the programme staff (director, office)."""
    if not is_programme_staff(request.user):
        raise PermissionDenied
    results = [
        {"part": label(r.check), "check": repr(r.check), "error": r.error and str(r.error), "ms": r.time_taken * 1000}
        for r in run_checks(checks())
    ]
    healthy = not any(r["error"] for r in results)
    # A page for people, 200 either way: machines read /healthz and `manage.py health` for the status.
    return render(request, "health.html", {"results": results, "healthy": healthy})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie, safe redirect), also remembered on the signed-in user's profile."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in LANGUAGES:
        profile_set_language(user=request.user, language=language)
    return django_set_language(request)
