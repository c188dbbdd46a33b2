"""Who may act for which partner and lead which action line.

The only module (with actionlines' use of it) that talks to django-guardian: "acts for partner X" and
"leads action line Y" are object permissions; roles are Django groups named after `Role`.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.models import User as AbstractBaseUser  # the user model (no custom one)
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from guardian.shortcuts import assign_perm, get_group_perms, get_objects_for_user, get_user_perms, remove_perm

from actionlines.models import ActionLine
from partners.models import Partner, PartnerGroupObjectPermission, PartnerUserObjectPermission, Role

ACT_FOR_PARTNER = "partners.act_for_partner"
LEAD_ACTION_LINE = "actionlines.lead_action_line"

AnyUser = AbstractBaseUser | AnonymousUser


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The user's roles, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_lifeport_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        setattr(user, "_lifeport_roles", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def has_role(user: AnyUser, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def is_programme_staff(user: AnyUser) -> bool:
    """Director and programme office: they see and manage everything — review and approve contributions,
    run the annual plan, make reports and read their drafts, set the reminders' lead times.

    The superuser rule, stated once: a superuser is programme staff (never less, never more).
    """
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.DIRECTOR, Role.OFFICE))


def require_programme_staff(user: AnyUser) -> None:
    """For services: PermissionDenied unless `user` is programme staff."""
    if not is_programme_staff(user):
        raise PermissionDenied


# Every grant and revoke below is recorded in the audit trail (who changed whose rights, from where);
# `acting_user` is None when the system does it (seed, migration).


def assign_role(*, user: AbstractBaseUser, role: Role, acting_user=None) -> None:
    """Give `user` the role (its group); the grant is recorded in the audit trail (audit.receivers)."""
    group, _ = Group.objects.get_or_create(name=role.value)
    if not user.groups.filter(pk=group.pk).exists():
        with _acting(acting_user):
            user.groups.add(group)
    if hasattr(user, "_lifeport_roles"):
        del user._lifeport_roles


def remove_role(*, user: AbstractBaseUser, role: Role, acting_user=None) -> None:
    group = Group.objects.filter(name=role.value).first()
    if group is not None and user.groups.filter(pk=group.pk).exists():
        with _acting(acting_user):
            user.groups.remove(group)
    if hasattr(user, "_lifeport_roles"):
        del user._lifeport_roles


def grant_partner_representative(*, user: AbstractBaseUser, partner: Partner, acting_user=None) -> None:
    """Let `user` act for `partner`: log and submit its contributions, see its evidence."""
    assign_role(user=user, role=Role.REPRESENTATIVE, acting_user=acting_user)
    if ACT_FOR_PARTNER.split(".")[1] not in user_permissions_on(user, partner):
        with _acting(acting_user):
            assign_perm(ACT_FOR_PARTNER, user, partner)


def revoke_partner_representative(*, user: AbstractBaseUser, partner: Partner, acting_user=None) -> None:
    if ACT_FOR_PARTNER.split(".")[1] in user_permissions_on(user, partner):
        with _acting(acting_user):
            remove_perm(ACT_FOR_PARTNER, user, partner)


def grant_action_line_lead(*, user: AbstractBaseUser, action_line: ActionLine, acting_user=None) -> None:
    """Make `user` a lead (trekker) of `action_line`."""
    assign_role(user=user, role=Role.LEAD, acting_user=acting_user)
    if LEAD_ACTION_LINE.split(".")[1] not in user_permissions_on(user, action_line):
        with _acting(acting_user):
            assign_perm(LEAD_ACTION_LINE, user, action_line)


def user_permissions_on(user: AbstractBaseUser, obj) -> set[str]:
    """The codenames of the object permissions `user` holds directly on `obj` (fresh from the database)."""
    return set(get_user_perms(user, obj).values_list("codename", flat=True)) if user.pk else set()


def permissions_on(holder: AbstractBaseUser | Group, obj) -> set[str]:
    """The codenames of the object permissions a user or a group holds directly on `obj`."""
    if isinstance(holder, Group):
        return set(get_group_perms(holder, obj).values_list("codename", flat=True))
    return user_permissions_on(holder, obj)


def _acting(acting_user):
    # The audit trail records grants from signals (audit.receivers); this names who made them.
    from audit.services import acting_as

    return acting_as(acting_user)


def partners_for(user: AnyUser) -> QuerySet[Partner]:
    """The partners `user` acts for (object permissions only; a role alone grants none).

    The same rows as guardian's `get_objects_for_user(user, ACT_FOR_PARTNER, klass=Partner,
    accept_global_perms=False)` (the user's own grants and their groups'), read straight from the direct
    foreign-key permission tables: this runs on every contribution page, and guardian's generic query
    costs more to build than to run.
    """
    if not user.is_authenticated:
        return Partner.objects.none()
    codename = ACT_FOR_PARTNER.split(".")[1]
    own = PartnerUserObjectPermission.objects.filter(user_id=user.pk, permission__codename=codename)
    via_groups = PartnerGroupObjectPermission.objects.filter(group__user=user.pk, permission__codename=codename)
    return Partner.objects.filter(
        Q(pk__in=own.values("content_object_id")) | Q(pk__in=via_groups.values("content_object_id"))
    )


def acts_for(user: AnyUser, partner: Partner) -> bool:
    """The one "acts for partner X": a grant to the user or to one of their groups (`partners_for`). A role
    alone grants no partner, and neither does being a superuser (a superuser is programme staff, no more)."""
    return user.is_authenticated and user.is_active and partners_for(user).filter(pk=partner.pk).exists()


def action_lines_led_by(user: AnyUser) -> QuerySet[ActionLine]:
    if not user.is_authenticated:
        return ActionLine.objects.none()
    return get_objects_for_user(user, LEAD_ACTION_LINE, klass=ActionLine, accept_global_perms=False)


def leads(user: AnyUser, action_line: ActionLine) -> bool:
    return user.is_authenticated and user.has_perm(LEAD_ACTION_LINE, action_line)


def _act_for_grants(partner_ids: list[int]) -> tuple[QuerySet, QuerySet]:
    """The grants to act for these partners: to users, and to groups (then to each active member)."""
    codename = ACT_FOR_PARTNER.split(".")[1]
    to_users = PartnerUserObjectPermission.objects.filter(
        permission__codename=codename, content_object_id__in=partner_ids, user__is_active=True
    )
    to_groups = PartnerGroupObjectPermission.objects.filter(
        permission__codename=codename, content_object_id__in=partner_ids, group__user__is_active=True
    )
    return to_users, to_groups


def _partner_ids(partners: Partner | Iterable[Partner]) -> list[int]:
    return [partners.pk] if isinstance(partners, Partner) else [p.pk for p in partners]


def representatives_of(partners: Partner | Iterable[Partner]) -> QuerySet:
    """Active users who act for the given partner(s), granted themselves or through a group (as `acts_for`):
    selected by permission, never "all users"."""
    to_users, to_groups = _act_for_grants(_partner_ids(partners))
    return get_user_model().objects.filter(
        Q(pk__in=to_users.values("user_id")) | Q(pk__in=to_groups.values("group__user")), is_active=True
    )


def representative_pairs(partner_ids: Iterable[int]) -> dict[int, list[int]]:
    """{partner id: [user ids of its active representatives]} (user and group grants alike) in one query."""
    ids = list(partner_ids)
    if not ids:
        return {}
    to_users, to_groups = _act_for_grants(ids)
    pairs = to_users.values_list("content_object_id", "user_id").union(
        to_groups.values_list("content_object_id", "group__user")
    )
    result: dict[int, set[int]] = defaultdict(set)
    for partner_id, user_id in pairs:
        result[partner_id].add(user_id)
    return {partner_id: sorted(users) for partner_id, users in result.items()}


def users_with_role(*roles: Role) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, groups__name__in=[r.value for r in roles]).distinct()


def can_see_programme(user: AnyUser) -> bool:
    """Everyone who works in the programme; observers read issued reports only."""
    return is_programme_staff(user) or has_role(user, Role.STEERING, Role.REPRESENTATIVE, Role.LEAD)
