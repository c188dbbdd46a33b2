from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from api.models import Scope
from api.services import api_token_issue
from contributions.demo import seed_demo_rate_card


@pytest.fixture(autouse=True)
def _api_limits(settings):
    """Throttles high enough for the tests that post hundreds of requests; counts start from zero."""
    settings.API_THROTTLE_RATES = {"token": "100000/min", "address": "100000/min", "open_data": "100000/min"}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rate_card(programme):
    seed_demo_rate_card()


def issue(*, partner=None, scope=Scope.WRITE, office, name="Partner system", days=30):
    return api_token_issue(
        name=name,
        partner=partner,
        scope=scope if partner else Scope.READ,
        expires_at=timezone.now() + timedelta(days=days),
        acting_user=office,
    )


class ApiClient:
    """The test client with a token in the Authorization header, JSON by default."""

    def __init__(self, key: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, data=None, *, key: str | None = None, **kwargs):
        headers = {**self.headers, **({"Idempotency-Key": key} if key else {}), **kwargs.pop("headers", {})}
        if "format" in kwargs or isinstance(data, dict) and any(hasattr(v, "read") for v in data.values()):
            kwargs.pop("format", None)
            return self.client.post(path, data, headers=headers, **kwargs)
        return self.client.post(path, data, content_type="application/json", headers=headers, **kwargs)

    def patch(self, path: str, data=None, **kwargs):
        return self.client.patch(path, data, content_type="application/json", headers=self.headers, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.client.delete(path, headers=self.headers, **kwargs)


@pytest.fixture
def nxp_system(nxp, office, rate_card):
    token, key = issue(partner=nxp, office=office, name="NXP projectadministratie")
    return ApiClient(key), token


@pytest.fixture
def asmpt_system(asmpt, office, rate_card):
    token, key = issue(partner=asmpt, office=office, name="ASMPT ERP")
    return ApiClient(key), token


@pytest.fixture
def staff_system(office, programme):
    token, key = issue(office=office, name="Dashboard van het bureau")
    return ApiClient(key), token
