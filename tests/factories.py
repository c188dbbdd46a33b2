from datetime import date

import factory
from django.contrib.auth import get_user_model

from actionlines.models import ActionLine
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
