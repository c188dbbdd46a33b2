from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

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
    """200 when the database answers, 503 when it does not (for load balancers and compose)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie, safe redirect), also remembered on the signed-in user's profile."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in LANGUAGES:
        profile_set_language(user=request.user, language=language)
    return django_set_language(request)
