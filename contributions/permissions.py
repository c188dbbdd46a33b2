"""Who may see and change which contributions and evidence. Views look objects up only through here.

Not visible → 404 (a representative cannot even learn that another partner's item exists); visible but
not allowed → 403. Per role:

- **director / office** (programme staff): read every contribution and file of every partner, drafts
  included; review (approve, return, reopen) and close reporting periods. They do not log contributions
  themselves unless they also act for a partner.
- **representative**: everything of the partner(s) they act for (object permission on `Partner`): list,
  log, change and delete drafts and returned items, attach evidence, submit a period. Another partner's
  items and files answer 404. They never approve (403).
- **steering group**: read the submitted and approved items of every partner, with their evidence; never
  drafts or returned items (404), which are still the partner's own work in progress.
- **action line lead**: the same reading rights as the steering group. DESIGN gives leads "their line in
  full, all totals": in full means the annual plan of their line (activities, milestones, indicators),
  which they keep; contributions are the partners' claims, and a partner's draft is not yet a claim. So
  a lead reads every partner's submitted and approved items, on every line (the totals of every line
  come from those), and no drafts.
- **observer**: 403 on every contributions page (they read issued reports only).

A user with several roles gets the union (a representative who is also in the steering group reads
other partners' submitted items, and their own partner's drafts).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from contributions.models import SUBMITTED_OR_APPROVED, Contribution, Evidence, ImportJob, ReportingPeriod
from partners.models import Partner, Role
from partners.permissions import (
    AnyUser,
    acts_for,
    can_see_programme,
    has_role,
    is_programme_staff,
    partners_for,
)


def can_use_contributions(user: AnyUser) -> bool:
    """Everyone who works in the programme; observers (and users without a role) are refused."""
    return can_see_programme(user)


def require_contributions_access(user: AnyUser) -> None:
    if not can_use_contributions(user):
        raise PermissionDenied


def sees_all_partners(user: AnyUser) -> bool:
    """Programme staff, the steering group and leads read (some of) every partner's contributions."""
    return is_programme_staff(user) or has_role(user, Role.STEERING, Role.LEAD)


def own_partners(user: AnyUser) -> list[Partner]:
    """The partners the user acts for, by name (read once per request and kept on the user object)."""
    cached = getattr(user, "_lifeport_partners", None)
    if cached is None:
        cached = list(partners_for(user).order_by("name"))
        setattr(user, "_lifeport_partners", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def own_partner_ids(user: AnyUser) -> list[int]:
    """The partners the user acts for, as ids (so list queries filter on plain ids)."""
    return [partner.pk for partner in own_partners(user)]


def visibility_condition(user: AnyUser) -> Q | None:
    """What `user` may read, as a condition on `partner_id` and `status`; None when they read everything.

    Contributions and their summary (ContributionSummary) share these two fields, so the list and its
    totals (`figures.totals(condition=...)`) apply the very same rule.
    """
    if not can_use_contributions(user):
        return Q(pk__in=[])
    if is_programme_staff(user):
        return None
    condition = Q(partner_id__in=own_partner_ids(user))
    if sees_all_partners(user):
        condition |= Q(status__in=SUBMITTED_OR_APPROVED)
    return condition


def contributions_visible_to(user: AnyUser) -> QuerySet[Contribution]:
    """Every contribution `user` may read (see the module docstring)."""
    condition = visibility_condition(user)
    qs = Contribution.objects.all()
    return qs if condition is None else qs.filter(condition)


def contribution_for_user(user: AnyUser, pk: int) -> Contribution:
    """The contribution if `user` may read it; observers 403, anyone else who may not see it 404."""
    require_contributions_access(user)
    related = ("partner", "action_line", "period", "created_by", "reviewed_by")
    contribution = contributions_visible_to(user).select_related(*related).filter(pk=pk).first()
    if contribution is None:
        raise Http404
    return contribution


def can_change(user: AnyUser, contribution: Contribution) -> bool:
    """Change, delete and add or remove evidence: the partner's representatives, while draft or returned."""
    return contribution.is_editable and acts_for(user, contribution.partner)


def require_can_change(user: AnyUser, contribution: Contribution) -> None:
    if not can_change(user, contribution):
        raise PermissionDenied


def require_reviewer(user: AnyUser) -> None:
    require_contributions_access(user)
    if not is_programme_staff(user):
        raise PermissionDenied


def evidence_for_user(user: AnyUser, pk: int) -> Evidence:
    """A file follows its contribution: whoever may read the contribution may read its evidence."""
    require_contributions_access(user)
    evidence = (
        Evidence.objects.select_related("contribution__partner")
        .filter(pk=pk, contribution__in=contributions_visible_to(user))
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def partners_selectable_by(user: AnyUser) -> QuerySet[Partner]:
    """The partners whose contributions the user can choose to list (the partner switch)."""
    if sees_all_partners(user):
        return Partner.objects.order_by("name")
    return Partner.objects.filter(pk__in=own_partner_ids(user)).order_by("name")


def partner_to_log_for(user: AnyUser, slug: str | None) -> Partner:
    """The partner a new contribution is for: one the user acts for (the first one when none is named).

    403 when the user acts for no partner at all; 404 for a partner they do not act for.
    """
    require_contributions_access(user)
    ids = own_partner_ids(user)
    if not ids:
        raise PermissionDenied
    partners = Partner.objects.filter(pk__in=ids).order_by("name")
    partner = partners.filter(slug=slug).first() if slug else partners.first()
    if partner is None:
        raise Http404
    return partner


def period_for_user(user: AnyUser, pk: int) -> ReportingPeriod:
    require_contributions_access(user)
    period = ReportingPeriod.objects.select_related("agreement").filter(pk=pk).first()
    if period is None:
        raise Http404
    return period


def import_job_for_user(user: AnyUser, pk: int) -> ImportJob:
    """An import belongs to the user who uploaded it, while they act for its partner; anyone else gets 404."""
    require_contributions_access(user)
    job = (
        ImportJob.objects.select_related("partner")
        .defer("rows")
        .filter(pk=pk, created_by_id=user.pk, partner_id__in=own_partner_ids(user))
        .first()
    )
    if job is None:
        raise Http404
    return job
