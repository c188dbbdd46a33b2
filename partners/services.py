"""Seeding the programme's fixed facts and the demo users. Every function is idempotent."""

from datetime import date

from django.db import transaction

from actionlines.models import ActionLine
from contributions.services import reporting_periods_create_quarters
from partners.models import Agreement, AgreementParty, Helix, Partner, Profile
from partners.permissions import (
    ensure_role_groups,
)

AGREEMENT_2026_TITLE = "Intentieverklaring Lifeport Semicon Regiegroep 2026"

# (name, short name, slug, helix): the seven parties to the 2026 agreement.
PARTIES = [
    ("Gemeente Nijmegen", "Nijmegen", "gemeente-nijmegen", Helix.GOVERNMENT),
    ("Provincie Gelderland", "Gelderland", "provincie-gelderland", Helix.GOVERNMENT),
    ("Radboud Universiteit", "RU", "radboud-universiteit", Helix.KNOWLEDGE),
    ("ROC Nijmegen", "ROC", "roc-nijmegen", Helix.EDUCATION),
    ("NXP", "NXP", "nxp", Helix.BUSINESS),
    ("ASMPT", "ASMPT", "asmpt", Helix.BUSINESS),
    ("The Economic Board", "TEB", "the-economic-board", Helix.INTERMEDIARY),
]
LSI = ("Lifeport Semicon Industries", "LSI", "lifeport-semicon-industries", Helix.BUSINESS)

# (code, Dutch name, English name, Dutch goal, English goal)
ACTION_LINES = [
    (
        "talent",
        "Talent",
        "Talent",
        "Voldoende en goed opgeleid technisch talent voor de semiconsector in de regio: instroom, "
        "opleiding, om- en bijscholing en behoud van mensen.",
        "Enough well-trained technical talent for the region's semiconductor sector: inflow, education, "
        "retraining and retention.",
    ),
    (
        "ruimte",
        "Ruimte",
        "Space",
        "Fysieke ruimte voor groei: bedrijfslocaties, cleanrooms, woningen en bereikbaarheid.",
        "Physical room to grow: business sites, cleanrooms, housing and accessibility.",
    ),
    (
        "marktstrategie",
        "Marktstrategie",
        "Market strategy",
        "Een gedeelde marktstrategie van de bedrijven, met een sterk profiel van het Lifeport-cluster.",
        "A market strategy shared by the companies, with a strong profile of the Lifeport cluster.",
    ),
    (
        "innovatie",
        "Innovatie",
        "Innovation",
        "Samenwerking tussen kennisinstellingen en bedrijven aan onderzoek, valorisatie en nieuwe bedrijvigheid.",
        "Collaboration between knowledge institutions and companies on research, valorisation and start-ups.",
    ),
    (
        "financien",
        "Financiën",
        "Finance",
        "Financiering van het programma en van investeringen in het cluster, met een groeiende "
        "bijdrage van bedrijven en instellingen (ingroeimodel).",
        "Funding of the programme and of investments in the cluster, with a growing contribution "
        "from companies and institutions (growth model).",
    ),
    (
        "public-affairs",
        "Public affairs",
        "Public affairs",
        "Belangenbehartiging bij Rijk, provincie en Europa en een krachtig (inter)nationaal profiel.",
        "Representation towards national government, the province and Europe, and a strong (inter)national profile.",
    ),
]


@transaction.atomic
def seed_programme() -> None:
    """Create or update the seven parties, LSI, the six action lines, the 2026 agreement and its quarters."""
    ensure_role_groups()
    partners = {}
    for name, short, slug, helix in [*PARTIES, LSI]:
        partners[slug], _ = Partner.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "helix": helix}
        )
    partners[LSI[2]].represented_by.set([partners["nxp"], partners["asmpt"]])

    for ordering, (code, name_nl, name_en, goal_nl, goal_en) in enumerate(ACTION_LINES, start=1):
        ActionLine.objects.update_or_create(
            code=code,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "goal_nl": goal_nl,
                "goal_en": goal_en,
                "ordering": ordering,
            },
        )

    agreement, _ = Agreement.objects.update_or_create(
        title=AGREEMENT_2026_TITLE,
        defaults={
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31),
            "signed_on": date(2026, 3, 2),
        },
    )
    for _name, _short, slug, _helix in PARTIES:
        AgreementParty.objects.get_or_create(
            agreement=agreement, partner=partners[slug], defaults={"joined_on": agreement.starts_on}
        )
    reporting_periods_create_quarters(agreement=agreement)


def profile_set_language(*, user, language: str) -> None:
    """Remember the user's language for pages and e-mail (reminders are sent in it)."""
    Profile.objects.update_or_create(user=user, defaults={"language": language})
