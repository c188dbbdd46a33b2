from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.forms import AuditFilterForm
from audit.permissions import can_read_audit_trail
from audit.selectors import audit_events_page


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit trail for the director: filter by what, who and dates; newest first, 50 per page."""
    if not can_read_audit_trail(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    form.is_valid()  # an invalid field shows its message; the valid ones still filter
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    page = audit_events_page(**filters)
    return render(request, "audit/audit_log.html", {"form": form, "page": page})
