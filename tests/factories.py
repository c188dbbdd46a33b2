from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionlines.models import ActionLine
from contributions.models import Contribution, Kind, ReportingPeriod, Status
from contributions.services import contributions_load
from partners.models import Agreement, AgreementParty, Helix, Partner, Role
from partners.permissions import assign_role, grant_action_line_lead, grant_partner_representative

PASSWORD = "Correct-horse-battery-9"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs) -> None:
        if create and extracted:
            assign_role(user=self, role=extracted)
        self.save()

    @factory.post_generation
    def partner(self, create: bool, extracted: Partner | None, **kwargs) -> None:
        if create and extracted:
            grant_partner_representative(user=self, partner=extracted)

    @factory.post_generation
    def leads(self, create: bool, extracted: ActionLine | None, **kwargs) -> None:
        if create and extracted:
            grant_action_line_lead(user=self, action_line=extracted)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Partner {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    helix = Helix.BUSINESS


class ActionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLine
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"line-{n}")
    name_nl = factory.Sequence(lambda n: f"Lijn {n}")
    name_en = factory.Sequence(lambda n: f"Line {n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Agreement {n}")
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    partner = factory.SubFactory(PartnerFactory)
    joined_on = factory.SelfAttribute("agreement.starts_on")


def stored_contribution(**fields) -> Contribution:
    """A contribution with exactly these fields, stored past the workflow through the write path that keeps the
    summary (`contributions_load`): for tests whose subject is not the workflow."""
    return contributions_load(contributions=[Contribution(**fields)])[0]


class ContributionFactory(factory.django.DjangoModelFactory):
    """A contribution stored as it is, past the workflow rules, for fixtures and long lists: through
    `contributions_load`, the write path that keeps the summary (and the history).

    Needs the seeded programme (action lines, periods). 12 staff hours at € 60 by default; `kind=Kind.MONEY`
    (or any other kind) takes `amount`. Traits: `submitted=True`, `approved=True`, `returned=True`.
    """

    class Meta:
        model = Contribution

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Contribution:
        return contributions_load(contributions=[model_class(*args, **kwargs)])[0]

    partner = factory.SubFactory(PartnerFactory)
    action_line = factory.LazyFunction(lambda: ActionLine.objects.get(code="talent"))
    kind = Kind.STAFF_HOURS
    date = date(2026, 10, 5)
    period = factory.LazyAttribute(lambda o: ReportingPeriod.objects.containing(o.date).first())
    description = factory.Sequence(lambda n: f"Bijdrage {n}")
    hours = factory.LazyAttribute(lambda o: Decimal("12") if o.kind == Kind.STAFF_HOURS else None)
    hourly_rate = factory.LazyAttribute(lambda o: Decimal("60.00") if o.kind == Kind.STAFF_HOURS else None)
    amount = factory.LazyAttribute(lambda o: None if o.kind == Kind.STAFF_HOURS else Decimal("1000.00"))
    value = factory.LazyAttribute(lambda o: o.hours * o.hourly_rate if o.kind == Kind.STAFF_HOURS else o.amount)
    created_by = factory.SubFactory(UserFactory)

    class Params:
        submitted = factory.Trait(status=Status.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))
        approved = factory.Trait(
            status=Status.APPROVED,
            submitted_at=factory.LazyFunction(timezone.now),
            reviewed_at=factory.LazyFunction(timezone.now),
        )
        returned = factory.Trait(
            status=Status.RETURNED,
            submitted_at=factory.LazyFunction(timezone.now),
            reviewed_at=factory.LazyFunction(timezone.now),
            review_comment="Graag de urenstaat toevoegen.",
        )


class MeetingFactory(factory.django.DjangoModelFactory):
    """A regiegroep meeting (planned), recorded by a director."""

    class Meta:
        model = "governance.Meeting"

    held_on = date(2026, 3, 12)
    title = factory.Sequence(lambda n: f"Regiegroep {n}")
    created_by = factory.SubFactory(UserFactory, username="clerk")


class DecisionFactory(factory.django.DjangoModelFactory):
    """A decision of a meeting; given `plan=` or `report=`, the decision adopting that plan or issuing that report."""

    class Meta:
        model = "governance.Decision"

    meeting = factory.SubFactory(MeetingFactory)
    year = factory.LazyAttribute(lambda o: o.meeting.held_on.year)
    sequence = factory.Sequence(lambda n: n + 1)
    decided_on = factory.SelfAttribute("meeting.held_on")
    text = factory.Sequence(lambda n: f"Besluit {n}")
    kind = factory.LazyAttribute(lambda o: "plan" if o.plan else "report" if o.report else "other")
    plan = None
    report = None
    created_by = factory.SelfAttribute("meeting.created_by")
