"""Pages kept until programme data changes (lifeport.lib.pagecache, migration lifeport 0001).

On PostgreSQL (CI) these tests commit for real and check the data version and the pages' reuse; on SQLite
(the demo mode) that nothing is kept and the pages still show every change.
"""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from audit.models import Action
from audit.services import audit_record
from contributions.models import Contribution
from lifeport.lib.pagecache import data_version
from tests.factories import ContributionFactory

# Real commits on PostgreSQL, where pages are kept. On SQLite nothing is kept, and the tests run in a transaction
# as the rest of the suite does: emptying SQLite's tables after such a test failed on a foreign key at commit
# (DELETE fires the contribution triggers, where PostgreSQL's TRUNCATE does not; not investigated further).
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = pytest.mark.django_db(transaction=ON_POSTGRESQL)

DASHBOARD = "/rapportages/dashboard/"


def main(response) -> str:
    """The page's main content, without CSRF tokens (fresh in every response)."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html[html.index("<main") : html.index("</main>")])


def postgresql() -> bool:
    return connection.vendor == "postgresql"


def test_the_version_moves_with_programme_data_only(programme, director):
    ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(1))
    first = data_version()
    if not postgresql():
        assert first is None  # SQLite: no caching
        return
    assert first and data_version() == first  # reading changes nothing
    audit_record(actor=director, action=Action.SIGN_IN)  # not programme data
    assert data_version() == first
    ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(1))
    second = data_version()
    assert second not in (None, first)
    with transaction.atomic():  # many rows in one transaction: one step
        for _ in range(3):
            ContributionFactory(partner=programme["nxp"], hours=Decimal(1))
    assert int(data_version()) == int(second) + 1


def test_inside_a_transaction_that_wrote_nothing_is_cached(programme):
    if not postgresql():
        assert data_version() is None  # SQLite: never
        return
    with transaction.atomic():
        ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(1))
        assert data_version() is None  # its own writes move the version only when it commits


def test_every_programme_table_moves_the_version():
    if not postgresql():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'lifeport_data_changed'")
        watched = {row[0].strip('"') for row in cursor.fetchall()}
    tables = {
        model._meta.db_table
        for label in ("partners", "actionlines", "contributions", "reports")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    } - {"actionlines_planpdf"}  # a PDF's progress is not programme data; no kept page shows it
    assert tables <= watched, f"add the lifeport_data_changed trigger to {sorted(tables - watched)}"


def test_the_dashboard_shows_a_new_approval_at_once(client, programme, director):
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))  # € 1.200
    waiting = ContributionFactory(partner=programme["asmpt"], submitted=True, hours=Decimal(5))  # € 300
    client.force_login(director)
    first = main(client.get(DASHBOARD))
    assert "€\xa01.200,00" in first
    assert main(client.get(DASHBOARD)) == first  # the same page again (kept, on PostgreSQL)
    response = client.post(reverse("contributions:approve", args=[waiting.pk]))
    assert response.status_code == 302 and Contribution.objects.get(pk=waiting.pk).status == "approved"
    again = main(client.get(DASHBOARD))
    assert "€\xa01.500,00" in again and "€\xa01.200,00" not in again


def test_a_kept_dashboard_costs_a_few_queries_and_keeps_each_readers_view(
    client, programme, director, nxp_rep, django_assert_max_num_queries
):
    ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(10))  # € 600
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))  # € 1.200
    client.force_login(director)
    client.get(DASHBOARD)
    if postgresql():
        with django_assert_max_num_queries(12):  # sign-in, menu and the version; no figures computed
            assert "ASMPT" in client.get(DASHBOARD).content.decode()
    client.force_login(nxp_rep)  # the same data, another reader: their own view, not the director's
    page = client.get(DASHBOARD).content.decode()
    assert "Goedgekeurde bijdragen van NXP per actielijn" in page and "ASMPT" not in page


def test_the_overview_the_realisation_and_the_report_preview_show_a_change_at_once(client, programme, director):
    from actionlines.services import seed_demo_plan
    from partners.services import seed_demo_users
    from reports.services import report_create

    seed_demo_users()
    plan = seed_demo_plan()
    report = report_create(period_key="2026", language="nl", acting_user=director)
    waiting = ContributionFactory(partner=programme["asmpt"], submitted=True, hours=Decimal(5))  # € 300
    client.force_login(director)
    pages = {
        "overview": reverse("actionlines:overview"),
        "realisation": reverse("actionlines:plan_realisation", args=[plan.pk]),
        "preview": report.get_absolute_url(),
    }
    before = {name: main(client.get(url)) for name, url in pages.items()}
    assert {name: main(client.get(url)) for name, url in pages.items()} == before  # kept while nothing changes
    assert "1 ingediende bijdrage wacht" in before["overview"]
    client.post(reverse("contributions:approve", args=[waiting.pk]))
    after = {name: main(client.get(url)) for name, url in pages.items()}
    assert "1 ingediende bijdrage wacht" not in after["overview"]
    assert after["realisation"] != before["realisation"] and after["preview"] != before["preview"]


def test_the_list_and_the_queue_are_kept_per_reader_and_show_a_change_at_once(client, programme, director, nxp_rep):
    ContributionFactory(partner=programme["nxp"], description="Gastles", hours=Decimal(2))
    ContributionFactory(partner=programme["asmpt"], submitted=True, description="Cleanroom", hours=Decimal(3))
    client.force_login(nxp_rep)
    mine = main(client.get(reverse("contributions:list")))
    assert "Gastles" in mine and "Cleanroom" not in mine
    assert main(client.get(reverse("contributions:list"))) == mine
    client.force_login(director)
    queue = main(client.get(reverse("contributions:queue")))
    assert "Cleanroom" in queue and "Gastles" not in queue  # the director's own view, not the representative's
    ContributionFactory(partner=programme["nxp"], submitted=True, description="Stageplaatsen", hours=Decimal(4))
    assert "Stageplaatsen" in main(client.get(reverse("contributions:queue")))
    client.force_login(nxp_rep)
    assert "Stageplaatsen" in main(client.get(reverse("contributions:list")))
