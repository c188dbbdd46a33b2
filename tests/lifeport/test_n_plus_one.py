"""django-zeal watches every page request in the tests (LIFEPORT_ZEAL in pyproject.toml): a query per row
fails the test whose request causes it."""

import pytest
from django.urls import reverse
from zeal import ZealError, zeal_context

from contributions.models import Contribution
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db


def test_reading_a_related_row_per_item_is_caught(nxp):
    ContributionFactory.create_batch(3, partner=nxp)
    with zeal_context(), pytest.raises(ZealError, match="N\\+1 detected on contributions.Contribution.action_line"):
        [item.action_line.name for item in Contribution.objects.all()]


def test_the_same_loop_with_select_related_is_fine(nxp):
    ContributionFactory.create_batch(3, partner=nxp)
    with zeal_context():
        names = [item.action_line.name for item in Contribution.objects.select_related("action_line")]
    assert len(names) == 3


def test_page_requests_are_watched(client, nxp, nxp_rep, settings):
    assert settings.MIDDLEWARE[0] == "tests.middleware.n_plus_one_guard"
    ContributionFactory.create_batch(3, partner=nxp)
    client.force_login(nxp_rep)
    assert client.get(reverse("contributions:list")).status_code == 200  # 3 rows, no ZealError


def test_the_guard_fails_a_request_that_reads_a_row_per_item_but_not_an_admin_page(rf, nxp):
    from django.http import HttpResponse

    from tests.middleware import n_plus_one_guard

    ContributionFactory.create_batch(3, partner=nxp)

    def n_plus_one_view(request):
        return HttpResponse(", ".join(item.action_line.name for item in Contribution.objects.all()))

    guarded = n_plus_one_guard(n_plus_one_view)
    with pytest.raises(ZealError):
        guarded(rf.get("/bijdragen/"))
    assert guarded(rf.get("/admin/contributions/")).status_code == 200
