from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from actionlines.models import ActionLine
from partners.permissions import can_see_programme


@login_required
def action_line_list(request: HttpRequest) -> HttpResponse:
    if not can_see_programme(request.user):
        raise PermissionDenied
    return render(request, "actionlines/action_line_list.html", {"action_lines": ActionLine.objects.all()})


@login_required
def action_line_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not can_see_programme(request.user):
        raise PermissionDenied
    action_line = get_object_or_404(ActionLine, code=code)
    return render(request, "actionlines/action_line_detail.html", {"action_line": action_line})
