from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from partners.models import Agreement, Partner
from partners.permissions import acts_for, can_see_programme, is_programme_staff, representatives_of


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    if not can_see_programme(request.user):
        raise PermissionDenied
    partners = Partner.objects.prefetch_related("represented_by")
    return render(request, "partners/partner_list.html", {"partners": partners})


@login_required
def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if not can_see_programme(request.user):
        raise PermissionDenied
    partner = get_object_or_404(Partner.objects.prefetch_related("represented_by", "represents"), slug=slug)
    # Who represents a partner is the partner's own business and the programme office's.
    show_people = is_programme_staff(request.user) or acts_for(request.user, partner)
    context = {
        "partner": partner,
        "agreements": partner.party_links.select_related("agreement").order_by("agreement__starts_on"),
        "representatives": representatives_of(partner).order_by("last_name") if show_people else None,
    }
    return render(request, "partners/partner_detail.html", context)


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_see_programme(request.user):
        raise PermissionDenied
    agreement = get_object_or_404(Agreement, pk=pk)
    parties = agreement.party_links.select_related("partner")
    return render(request, "partners/agreement_detail.html", {"agreement": agreement, "parties": parties})
