import pytest

from actionlines.models import ActionLine
from partners.models import Role
from partners.permissions import (
    action_lines_led_by,
    acts_for,
    grant_action_line_lead,
    grant_partner_representative,
    leads,
    partners_for,
    representatives_of,
    revoke_partner_representative,
    roles_of,
)
from tests.factories import UserFactory


@pytest.mark.django_db
def test_granting_a_partner_makes_the_user_its_representative_and_nothing_more(programme, nxp, asmpt):
    user = UserFactory()
    grant_partner_representative(user=user, partner=nxp)

    assert Role.REPRESENTATIVE in roles_of(user)
    assert acts_for(user, nxp)
    assert not acts_for(user, asmpt)
    assert list(partners_for(user)) == [nxp]
    assert list(representatives_of(nxp)) == [user]
    assert not representatives_of(asmpt).exists()


@pytest.mark.django_db
def test_a_user_can_act_for_several_partners_and_lose_one(programme, nxp, asmpt):
    user = UserFactory()
    grant_partner_representative(user=user, partner=nxp)
    grant_partner_representative(user=user, partner=asmpt)
    assert set(partners_for(user)) == {nxp, asmpt}

    revoke_partner_representative(user=user, partner=nxp)
    assert set(partners_for(user)) == {asmpt}


@pytest.mark.django_db
def test_leading_an_action_line(programme):
    talent, innovatie = ActionLine.objects.get(code="talent"), ActionLine.objects.get(code="innovatie")
    user = UserFactory()
    grant_action_line_lead(user=user, action_line=talent)
    assert leads(user, talent) and not leads(user, innovatie)
    assert list(action_lines_led_by(user)) == [talent]


@pytest.mark.django_db
def test_a_role_alone_grants_no_partner(programme, director, nxp):
    assert not acts_for(director, nxp)
    assert not partners_for(director).exists()


@pytest.mark.django_db
def test_representatives_never_include_inactive_users_or_the_anonymous_row(programme, nxp):
    active = UserFactory(partner=nxp)
    UserFactory(partner=nxp, is_active=False)
    assert list(representatives_of(nxp)) == [active]


@pytest.mark.django_db
def test_a_superuser_is_programme_staff_approves_and_reads_a_draft_report(client, programme, nxp, director):
    from django.urls import reverse

    from contributions.models import Status
    from partners.permissions import is_programme_staff
    from reports.services import report_create
    from tests.factories import ContributionFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert is_programme_staff(superuser)
    item = ContributionFactory(partner=nxp, submitted=True)
    client.force_login(superuser)
    response = client.post(reverse("contributions:approve", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.APPROVED and item.reviewed_by == superuser
    draft = report_create(period_key="2026", language="nl", acting_user=director)
    page = client.get(reverse("reports:detail", args=[draft.pk]))
    assert page.status_code == 200 and draft.title in page.content.decode()
