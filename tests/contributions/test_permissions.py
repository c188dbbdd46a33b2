"""Who reads and changes which contributions and files (contributions/permissions.py), role by role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404

from contributions.models import Evidence
from contributions.permissions import (
    can_change,
    contribution_for_user,
    contributions_visible_to,
    evidence_for_user,
    partner_to_log_for,
    partners_selectable_by,
)
from partners.models import Role
from partners.permissions import grant_partner_representative, is_programme_staff
from tests.factories import ContributionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(nxp, asmpt) -> dict:
    """One item of each status for NXP, and an ASMPT draft and submitted item; each with a file."""
    made = {
        "nxp_draft": ContributionFactory(partner=nxp),
        "nxp_submitted": ContributionFactory(partner=nxp, submitted=True),
        "nxp_approved": ContributionFactory(partner=nxp, approved=True),
        "nxp_returned": ContributionFactory(partner=nxp, returned=True),
        "asmpt_draft": ContributionFactory(partner=asmpt),
        "asmpt_submitted": ContributionFactory(partner=asmpt, submitted=True),
    }
    for item in made.values():
        evidence = Evidence(
            contribution=item,
            original_name="a.pdf",
            content_type="application/pdf",
            size=5,
            uploaded_by=item.created_by,
        )
        evidence.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
    return made


def visible(user, items) -> set[str]:
    ids = set(contributions_visible_to(user).values_list("pk", flat=True))
    return {name for name, item in items.items() if item.pk in ids}


def readable_files(user, items) -> set[str]:
    names = set()
    for name, item in items.items():
        try:
            evidence_for_user(user, item.evidence.get().pk)
        except Http404:
            continue
        names.add(name)
    return names


ALL = {"nxp_draft", "nxp_submitted", "nxp_approved", "nxp_returned", "asmpt_draft", "asmpt_submitted"}
NOT_DRAFTS = {"nxp_submitted", "nxp_approved", "asmpt_submitted"}


def test_a_representative_reads_everything_of_their_partner_and_nothing_of_another(items, nxp_rep):
    expected = {"nxp_draft", "nxp_submitted", "nxp_approved", "nxp_returned"}
    assert visible(nxp_rep, items) == expected
    assert readable_files(nxp_rep, items) == expected
    with pytest.raises(Http404):
        contribution_for_user(nxp_rep, items["asmpt_submitted"].pk)


@pytest.mark.parametrize("persona", ["director", "office"])
def test_the_director_and_office_read_everything_drafts_included(request, items, persona):
    user = request.getfixturevalue(persona)
    assert visible(user, items) == ALL
    assert readable_files(user, items) == ALL
    assert is_programme_staff(user)


@pytest.mark.parametrize("persona", ["steering", "talent_lead"])
def test_the_steering_group_and_leads_read_submitted_and_approved_items_only(request, items, persona):
    user = request.getfixturevalue(persona)
    assert visible(user, items) == NOT_DRAFTS
    assert readable_files(user, items) == NOT_DRAFTS
    with pytest.raises(Http404):
        contribution_for_user(user, items["nxp_returned"].pk)
    assert not is_programme_staff(user)


def test_a_lead_reads_submitted_items_of_every_line_not_just_their_own(items, talent_lead):
    from actionlines.models import ActionLine

    ruimte = ContributionFactory(
        partner=items["nxp_draft"].partner, action_line=ActionLine.objects.get(code="ruimte"), submitted=True
    )
    assert contribution_for_user(talent_lead, ruimte.pk) == ruimte


def test_an_observer_is_refused_not_told_what_exists(items, observer):
    assert visible(observer, items) == set()
    with pytest.raises(PermissionDenied):
        contribution_for_user(observer, items["nxp_approved"].pk)
    with pytest.raises(PermissionDenied):
        evidence_for_user(observer, items["nxp_approved"].evidence.get().pk)


def test_a_user_without_any_role_is_refused(items):
    nobody = UserFactory(username="niemand")
    with pytest.raises(PermissionDenied):
        contribution_for_user(nobody, items["nxp_approved"].pk)


def test_a_representative_in_the_steering_group_also_reads_other_partners_submitted_items(items, nxp):
    user = UserFactory(username="rep-en-regiegroep", partner=nxp, role=Role.STEERING)
    assert visible(user, items) == {"nxp_draft", "nxp_submitted", "nxp_approved", "nxp_returned", "asmpt_submitted"}


def test_only_the_partners_representatives_change_and_only_drafts_and_returned_items(
    items, nxp_rep, asmpt_rep, director
):
    changeable = {name for name, item in items.items() if can_change(nxp_rep, item)}
    assert changeable == {"nxp_draft", "nxp_returned"}
    assert not any(can_change(asmpt_rep, items[name]) for name in ("nxp_draft", "nxp_returned"))
    assert not any(can_change(director, item) for item in items.values())


def test_the_partner_to_log_for_is_one_the_user_acts_for(nxp, asmpt, nxp_rep, director):
    assert partner_to_log_for(nxp_rep, None) == nxp
    with pytest.raises(Http404):
        partner_to_log_for(nxp_rep, asmpt.slug)
    with pytest.raises(PermissionDenied):
        partner_to_log_for(director, None)
    grant_partner_representative(user=nxp_rep, partner=asmpt)
    nxp_rep._lifeport_partners = None  # a new request sees the new right
    assert partner_to_log_for(nxp_rep, asmpt.slug) == asmpt


def test_the_partner_switch_offers_own_partners_to_representatives_and_all_to_readers(nxp, nxp_rep, steering):
    assert list(partners_selectable_by(nxp_rep)) == [nxp]
    assert partners_selectable_by(steering).count() == 8
