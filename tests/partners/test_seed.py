from datetime import date

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from actionlines.models import ActionLine
from partners.demo import DEMO_PASSWORD
from partners.models import Agreement, AgreementParty, Partner, Role
from partners.permissions import acts_for, leads, roles_of

SEVEN = {
    "Gemeente Nijmegen",
    "Provincie Gelderland",
    "Radboud Universiteit",
    "ROC Nijmegen",
    "NXP",
    "ASMPT",
    "The Economic Board",
}


def _snapshot() -> tuple:
    from contributions.models import Contribution, ContributionPolicy, HourlyRate

    return (
        sorted(Partner.objects.values_list("name", "helix")),
        sorted(ActionLine.objects.values_list("code", "name_nl", "ordering")),
        sorted(Agreement.objects.values_list("title", "starts_on", "ends_on")),
        AgreementParty.objects.count(),
        get_user_model().objects.count(),
        sorted(HourlyRate.objects.values_list("partner", "rate", "valid_from")),
        list(ContributionPolicy.objects.values_list("evidence_threshold")),
        sorted(Contribution.objects.values_list("partner__slug", "date", "kind", "value", "status", "description")),
    )


@pytest.mark.django_db
def test_seed_loads_the_seven_parties_lsi_six_lines_and_the_2026_agreement():
    call_command("seed_lifeport")

    assert set(Partner.objects.values_list("name", flat=True)) == SEVEN | {"Lifeport Semicon Industries"}
    assert list(ActionLine.objects.values_list("name_nl", flat=True)) == [
        "Talent",
        "Ruimte",
        "Marktstrategie",
        "Innovatie",
        "Financiën",
        "Public affairs",
    ]
    agreement = Agreement.objects.get()
    assert agreement.ends_on == date(2026, 12, 31)
    assert set(agreement.parties.values_list("name", flat=True)) == SEVEN


@pytest.mark.django_db
def test_lsi_is_represented_by_nxp_and_asmpt_and_is_not_a_party():
    call_command("seed_lifeport")
    lsi = Partner.objects.get(short_name="LSI")
    assert set(lsi.represented_by.values_list("name", flat=True)) == {"NXP", "ASMPT"}
    assert not lsi.agreements.exists()


@pytest.mark.django_db
def test_running_the_seed_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_lifeport", "--demo")
    first = _snapshot()
    call_command("seed_lifeport", "--demo")
    assert _snapshot() == first


@pytest.mark.django_db
def test_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_lifeport", "--demo")
    assert not get_user_model().objects.filter(username="directeur").exists()


@pytest.mark.django_db
def test_demo_logins_work_and_carry_their_roles(settings, capsys):
    settings.DEBUG = True
    call_command("seed_lifeport", "--demo")
    printed = capsys.readouterr().out
    for username in [
        "directeur",
        "bureau",
        "regiegroep",
        "nxp",
        "asmpt",
        "radboud",
        "trekker-talent",
        "waarnemer",
    ]:
        assert username in printed
        # django-axes needs the request to authenticate (it throttles by username and address).
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=DEMO_PASSWORD) is not None, username

    user = get_user_model().objects.get
    assert roles_of(user(username="directeur")) == {Role.DIRECTOR}
    assert roles_of(user(username="waarnemer")) == {Role.OBSERVER}
    assert acts_for(user(username="nxp"), Partner.objects.get(short_name="NXP"))
    assert not acts_for(user(username="nxp"), Partner.objects.get(short_name="ASMPT"))
    assert leads(user(username="trekker-talent"), ActionLine.objects.get(code="talent"))
    reps = get_user_model().objects.filter(groups__name=Role.REPRESENTATIVE)
    assert reps.count() == 7
