"""The office's pages for API tokens: issue (the key is shown once), list with last use, revoke."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import ApiTokenForm
from api.models import ApiToken
from api.services import api_token_issue, api_token_revoke
from partners.permissions import is_programme_staff


def _check_staff(request: HttpRequest) -> None:
    if not is_programme_staff(request.user):
        raise PermissionDenied


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    _check_staff(request)
    form = ApiTokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59, 59)))
        token, key = api_token_issue(
            name=data["name"],
            partner=data["partner"],
            scope=data["scope"],
            expires_at=expires_at,
            acting_user=request.user,
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.select_related("partner", "created_by")[:200]
    return render(request, "api/token_list.html", {"form": form, "tokens": tokens, "key": key, "now": timezone.now()})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _check_staff(request)
    token = get_object_or_404(ApiToken, pk=pk)
    api_token_revoke(token=token, acting_user=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api_tokens:tokens")
