"""Pages kept under the database's snapshot (lifeport.lib.snapshot): reused only until anything is committed.

These tests commit for real (transactional_db). On PostgreSQL (CI) they check the snapshot key and the
dashboard's reuse; on SQLite (the demo mode) that nothing is cached at all.
"""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from lifeport.lib.snapshot import data_version
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db(transaction=True)

DASHBOARD = "/rapportages/dashboard/"


def main(response) -> str:
    """The page's main content (the header's forms carry a fresh CSRF token each time)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def postgresql() -> bool:
    return connection.vendor == "postgresql"


def test_the_key_holds_while_nothing_is_committed_and_changes_with_any_commit(programme):
    first = data_version()
    if not postgresql():
        assert first is None  # SQLite: no caching
        return
    assert first and data_version() == first  # reading changes nothing
    ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(1))
    assert data_version() not in (None, first)


def test_inside_a_transaction_that_wrote_nothing_is_cached(programme):
    with transaction.atomic():
        ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(1))
        assert data_version() is None  # its own writes are not in the snapshot


def test_the_dashboard_shows_a_new_approval_at_once(client, programme, director):
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))  # € 1.200
    client.force_login(director)
    first = main(client.get(DASHBOARD))
    assert "€\xa01.200,00" in first
    assert main(client.get(DASHBOARD)) == first  # the same page again (from the cache on PostgreSQL)
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(5))  # € 300 more
    again = main(client.get(DASHBOARD))
    assert "€\xa01.500,00" in again and "€\xa01.200,00" not in again


def test_a_cached_dashboard_costs_a_few_queries_and_keeps_each_readers_view(
    client, programme, director, nxp_rep, django_assert_max_num_queries
):
    ContributionFactory(partner=programme["nxp"], approved=True, hours=Decimal(10))  # € 600
    ContributionFactory(partner=programme["asmpt"], approved=True, hours=Decimal(20))  # € 1.200
    client.force_login(director)
    client.get(DASHBOARD)
    if postgresql():
        with django_assert_max_num_queries(12):  # sign-in, menu and the snapshot; no figures computed
            assert "ASMPT" in client.get(DASHBOARD).content.decode()
    client.force_login(nxp_rep)  # the same data, another reader: their own view, not the director's
    page = client.get(DASHBOARD).content.decode()
    assert "Goedgekeurde bijdragen van NXP per actielijn" in page and "ASMPT" not in page
