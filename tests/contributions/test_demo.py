from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from contributions.demo import seed_demo_contributions
from contributions.figures import recount
from contributions.models import IN_KIND, Contribution, ContributionPolicy, HourlyRate, Kind, Status
from partners.demo import seed_demo_users
from partners.services import PARTIES

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


@pytest.fixture
def demo(programme, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the demo users, quickly
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        seed_demo_users()
        seed_demo_contributions()
        yield programme


def _by(partner_slug: str) -> Counter:
    return Counter(Contribution.objects.filter(partner__slug=partner_slug).values_list("action_line__code", "kind"))


def test_the_rate_card_is_60_euros_and_every_party_contributes_up_to_today(demo):
    rate = HourlyRate.objects.get()
    assert (rate.partner, rate.rate, rate.valid_from) == (None, Decimal("60.00"), date(2026, 1, 1))
    assert ContributionPolicy.current().evidence_threshold == Decimal("25000")
    hours = Contribution.objects.filter(kind=Kind.STAFF_HOURS)
    assert hours.exists() and set(hours.values_list("hourly_rate", flat=True)) == {Decimal("60.00")}

    # every party contributes, up to today and never after
    per_partner = Counter(Contribution.objects.values_list("partner__name", flat=True))
    assert set(per_partner) == {name for name, *_rest in PARTIES}
    assert min(per_partner.values()) >= 20
    dates = Contribution.objects.values_list("date", flat=True)
    assert min(dates) >= date(2026, 1, 1) and max(dates) <= TODAY


def test_the_contributions_follow_the_council_proposal(demo):
    for institution in ("radboud-universiteit", "roc-nijmegen"):
        assert sum(n for (line, _kind), n in _by(institution).items() if line == "talent") >= 10, institution
    assert sum(n for (line, _kind), n in _by("radboud-universiteit").items() if line == "innovatie") >= 5
    for company in ("nxp", "asmpt"):
        lines = Counter(line for (line, _kind), n in _by(company).items() for _ in range(n))
        assert lines.most_common(1)[0][0] == "marktstrategie", company
        assert not any(kind == Kind.MONEY for (_line, kind) in _by(company)), company
    for government, funder in (("gemeente-nijmegen", "Gemeente Nijmegen"), ("provincie-gelderland", "Provincie")):
        money = Contribution.objects.filter(partner__slug=government, kind=Kind.MONEY)
        assert money.count() >= 10
        assert set(money.values_list("budget_code", flat=True)) == {"E600014-001"}
        assert all(funder in f for f in money.values_list("funder", flat=True))
    totals = recount(by=("kind",))
    assert totals.total.funded > Decimal("100000")
    assert sum(totals.get(k).count for k in IN_KIND) > totals.get(Kind.MONEY).count


def test_past_quarters_are_mostly_approved_with_a_few_returned_and_the_current_one_is_open(demo):
    statuses = Counter(
        Contribution.objects.filter(period__name__in=["2026-K1", "2026-K2", "2026-K3"]).values_list("status", flat=True)
    )
    assert set(statuses) == {Status.APPROVED, Status.RETURNED}
    assert 1 <= statuses[Status.RETURNED] <= statuses[Status.APPROVED] / 10
    returned = Contribution.objects.filter(status=Status.RETURNED)
    assert all(returned.values_list("review_comment", flat=True))

    current = Counter(Contribution.objects.filter(period__name="2026-K4").values_list("status", flat=True))
    assert set(current) == {Status.DRAFT, Status.SUBMITTED}
    approved = Contribution.objects.filter(status=Status.APPROVED)
    assert not approved.filter(reviewed_by__username__isnull=True).exists()
    # submitted shortly after each quarter, not on the day the seed ran
    assert approved.filter(period__name="2026-K1").first().submitted_at.date() < date(2026, 4, 16)


def test_the_demo_is_deterministic_and_a_second_run_adds_nothing(programme, settings):
    def snapshot() -> list:
        return sorted(Contribution.objects.values_list("partner__slug", "date", "kind", "value", "description"))

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        seed_demo_users()
        without = transaction.savepoint()
        seed_demo_contributions()
    first = snapshot()
    with time_machine.travel("2026-11-28 11:00:00+01:00", tick=False):
        assert seed_demo_contributions() == 0
        assert snapshot() == first
        transaction.savepoint_rollback(without)  # as if there had never been any
        assert not Contribution.objects.exists()
        seed_demo_contributions()
    assert snapshot() == first


def test_seed_lifeport_demo_loads_the_contributions(programme, settings, capsys):
    settings.DEBUG = True
    with time_machine.travel("2026-06-15 10:00:00+02:00", tick=False):
        call_command("seed_lifeport", "--demo")
    assert "Demo contributions" in capsys.readouterr().out
    assert Contribution.objects.filter(period__name="2026-K1", status=Status.APPROVED).exists()
    assert not Contribution.objects.filter(date__gt=date(2026, 6, 15)).exists()
