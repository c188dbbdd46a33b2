"""Demo users for the programme: one login per role and party, refused unless DEBUG.

Only `seed_lifeport --demo`, the benchmarks and tests call this."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from actionlines.models import ActionLine
from partners.models import Partner, Profile, Role
from partners.permissions import (
    assign_role,
    grant_action_line_lead,
    grant_partner_representative,
)
from partners.services import (
    PARTIES,
)

DEMO_PASSWORD = "Lifeport-demo-2026"  # noqa: S105 - demo only, refused unless DEBUG


# The demo representative's username for each party, by slug.
DEMO_REPRESENTATIVES = {
    "gemeente-nijmegen": "gemeente",
    "provincie-gelderland": "provincie",
    "radboud-universiteit": "radboud",
    "roc-nijmegen": "roc",
    "nxp": "nxp",
    "asmpt": "asmpt",
    "the-economic-board": "teb",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    detail: str


def _demo_user(username: str, first: str, last: str, *, staff: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.lifeport.example"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = staff
        user.save()
    Profile.objects.get_or_create(user=user)
    return user


@transaction.atomic
def seed_demo_users() -> list[DemoLogin]:
    """One demo user per role and a representative per partner. Only for DEBUG (the caller checks)."""
    from accounts.services import two_factor_demo_device

    logins: list[DemoLogin] = []
    director = _demo_user("directeur", "Dana", "de Directeur", staff=True)
    assign_role(user=director, role=Role.DIRECTOR)
    logins.append(DemoLogin("directeur", str(Role.DIRECTOR.label), ""))

    office = _demo_user("bureau", "Bo", "van het Bureau", staff=True)
    assign_role(user=office, role=Role.OFFICE)
    logins.append(DemoLogin("bureau", str(Role.OFFICE.label), ""))
    # The director and the office sign in with a second factor: a known demo key (printed by the seed).
    two_factor_demo_device(user=director)
    two_factor_demo_device(user=office)

    steering = _demo_user("regiegroep", "Sam", "Regiegroeplid")
    assign_role(user=steering, role=Role.STEERING)
    logins.append(DemoLogin("regiegroep", str(Role.STEERING.label), ""))

    for name, _short, slug, _helix in PARTIES:
        username = DEMO_REPRESENTATIVES[slug]
        rep = _demo_user(username, "Vertegenwoordiger", name)
        grant_partner_representative(user=rep, partner=Partner.objects.get(slug=slug))
        logins.append(DemoLogin(username, str(Role.REPRESENTATIVE.label), name))

    lead = _demo_user("trekker-talent", "Tara", "Trekker Talent")
    grant_action_line_lead(user=lead, action_line=ActionLine.objects.get(code="talent"))
    logins.append(DemoLogin("trekker-talent", str(Role.LEAD.label), "Talent"))

    observer = _demo_user("waarnemer", "Wim", "Waarnemer")
    assign_role(user=observer, role=Role.OBSERVER)
    logins.append(DemoLogin("waarnemer", str(Role.OBSERVER.label), ""))
    return logins
