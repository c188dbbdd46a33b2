"""The rows of the contribution tables: every cell as the user reads it, in Dutch and in English."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contributions.models import Contribution, Kind, Status
from tests.contributions.test_views import log
from tests.factories import ContributionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nov28", "rate")]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def table_rows(response, testid: str) -> list[list[str]]:
    """The body rows of the table marked data-testid=`testid`, as cell texts (tags stripped)."""
    html = response.content.decode()
    table = re.search(rf'<table[^>]*data-testid="{testid}">(.*?)</table>', html, re.S).group(1)
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", table, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).replace("\u00a0", " ").strip() for c in cells])
    return rows


def links(response) -> set[str]:
    return set(re.findall(r'href="(/bijdragen/\d+/)"', response.content.decode()))


def test_a_row_shows_date_line_kind_description_hours_value_status_and_files_in_dutch(client, nxp, nxp_rep):
    long_text = "Gastlessen over chipontwerp voor de tweedejaars van de opleiding mechatronica, met practicum erbij"
    item = log(nxp, nxp_rep, date=date(2026, 3, 4), hours=Decimal("1234.5"), description=long_text)
    client.force_login(nxp_rep)
    response = client.get(reverse("contributions:list"))
    [row] = table_rows(response, "contributions")
    assert row == [
        "4-3-2026",
        "Talent",
        "Uren medewerkers (in kind)",
        long_text[:79] + "…",
        "1.234,50",
        "€ 74.070,00",
        "Concept",
        "0",
    ]
    assert links(response) == {item.get_absolute_url()}


def test_the_same_row_in_english_and_money_without_hours(client, nxp, nxp_rep):
    log(nxp, nxp_rep, date=date(2026, 3, 4), kind=Kind.MONEY, amount=Decimal("2500"), description="Sponsoring")
    client.force_login(nxp_rep)
    client.cookies["django_language"] = "en"
    [row] = table_rows(client.get(reverse("contributions:list")), "contributions")
    assert row == ["04-03-2026", "Talent", "Money (funded)", "Sponsoring", "–", "€2,500.00", "Draft", "0"]


def test_the_queue_shows_the_submission_time_in_amsterdam_and_the_partner_and_period(client, nxp, director):
    submitted_at = datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("UTC"))  # 02:30 in Amsterdam (summer time)
    item = ContributionFactory(
        partner=nxp, submitted=True, submitted_at=submitted_at, description="Cleanroomuren", value=Decimal("600")
    )
    assert item.status == Status.SUBMITTED
    client.force_login(director)
    response = client.get(reverse("contributions:queue"))
    [row] = table_rows(response, "queue")
    local = submitted_at.astimezone(AMSTERDAM)
    assert local.hour == 2
    assert row[0] == f"{local.day}-{local.month}-{local.year} 02:30"
    assert row[1:3] == ["NXP", item.period.name]
    assert row[5:] == ["Cleanroomuren", "€ 600,00", "0"]
    assert links(response) == {Contribution.objects.get().get_absolute_url()}
