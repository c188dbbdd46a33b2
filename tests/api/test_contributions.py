"""Partner systems write their own contributions through the API, with the form's rules and services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.models import Scope
from audit.models import Action, AuditEvent
from contributions.models import Contribution, Status
from tests.api.conftest import ApiClient, issue

PROBLEM = "application/problem+json"


def contribution(n: int = 0, **changes) -> dict:
    return {
        "action_line": "talent",
        "kind": "staff_hours",
        "date": "2026-11-02",
        "description": f"Gastcollege {n}",
        "hours": "8",
        **changes,
    }


@pytest.mark.django_db
def test_500_posts_with_keys_half_retried_make_exactly_500_and_another_partner_finds_none(nxp_system, asmpt_system):
    api, token = nxp_system
    ids = set()
    for n in range(500):
        first = api.post("/api/v1/contributions", contribution(n), key=f"bijdrage-{n}")
        assert first.status_code == 201, first.content
        if n % 2:
            again = api.post("/api/v1/contributions", contribution(n), key=f"bijdrage-{n}")
            assert again.status_code == 201
            assert again.json() == first.json()
            assert again["Idempotent-Replayed"] == "true"
        ids.add(first.json()["id"])
    assert len(ids) == 500
    assert Contribution.objects.filter(partner=token.partner).count() == 500
    assert Contribution.objects.filter(partner=token.partner, hourly_rate=60, value=480).count() == 500

    other, _token = asmpt_system
    for pk in sorted(ids):
        response = other.get(f"/api/v1/contributions/{pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    sample = sorted(ids)[:5]
    for pk in sample:
        assert other.patch(f"/api/v1/contributions/{pk}", {"hours": "1"}).status_code == 404
        assert other.delete(f"/api/v1/contributions/{pk}").status_code == 404
        assert other.get(f"/api/v1/contributions/{pk}/evidence").status_code == 404
    assert other.get("/api/v1/contributions").json()["results"] == []
    assert Contribution.objects.filter(partner=token.partner).count() == 500


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_with_422(nxp_system):
    api, _token = nxp_system
    assert api.post("/api/v1/contributions", contribution(1), key="k-1").status_code == 201
    response = api.post("/api/v1/contributions", contribution(2), key="k-1")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 422
    assert Contribution.objects.count() == 1


@pytest.mark.django_db
def test_the_forms_rules_apply_and_refusals_list_the_fields(nxp_system):
    api, _token = nxp_system
    response = api.post("/api/v1/contributions", contribution(hours="2500", date="2031-01-01"))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    names = {param["name"] for param in body["invalid-params"]}
    assert "date" in names
    assert not Contribution.objects.exists()
    unknown = api.post("/api/v1/contributions", contribution(action_line="nope", kind="gold"))
    assert {p["name"] for p in unknown.json()["invalid-params"]} == {"action_line", "kind"}


@pytest.mark.django_db
def test_a_system_updates_deletes_attaches_evidence_and_submits_its_period(nxp_system):
    api, token = nxp_system
    created = api.post("/api/v1/contributions", contribution(1, hours="600")).json()
    url = f"/api/v1/contributions/{created['id']}"
    changed = api.patch(url, {"hours": "500", "version": created["version"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()["value"] == "30000.00"
    assert api.patch(url, {"hours": "10", "version": created["version"]}).status_code == 409

    submit = api.post("/api/v1/period-submissions", {"period": Contribution.objects.get().period_id})
    assert submit.status_code == 400  # € 30,000 needs evidence first (the policy's threshold)
    pdf = SimpleUploadedFile("uren.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    upload = api.post(f"{url}/evidence", {"file": pdf}, key="bewijs-1")
    assert upload.status_code == 201, upload.content
    submit = api.post("/api/v1/period-submissions", {"period": Contribution.objects.get().period_id}, key="p-1")
    assert submit.status_code == 201
    assert submit.json()["submitted"] == 1
    assert Contribution.objects.get().status == Status.SUBMITTED
    assert api.delete(url).status_code == 400  # submitted: no longer the system's to change

    draft = api.post("/api/v1/contributions", contribution(2)).json()
    assert api.delete(f"/api/v1/contributions/{draft['id']}").status_code == 204
    operations = list(
        AuditEvent.objects.filter(action=Action.API_WRITE).order_by("id").values_list("details__operation", flat=True)
    )
    assert operations == [
        "contribution_create",
        "contribution_update",
        "evidence_add",
        "period_submit",
        "contribution_create",
        "contribution_delete",
    ]
    assert set(AuditEvent.objects.filter(action=Action.API_WRITE).values_list("details__token", flat=True)) == {
        token.name
    }


@pytest.mark.django_db
def test_a_read_token_cannot_write(nxp, office, rate_card):
    _token, key = issue(partner=nxp, scope=Scope.READ, office=office)
    api = ApiClient(key)
    assert api.get("/api/v1/contributions").status_code == 200
    response = api.post("/api/v1/contributions", contribution())
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


@pytest.mark.django_db
def test_the_list_filters_and_pages_with_a_cursor(nxp_system):
    api, _token = nxp_system
    for n in range(7):
        api.post("/api/v1/contributions", contribution(n, action_line="talent" if n % 2 else "innovatie"))
    page = api.get("/api/v1/contributions?pageSize=2&actionLine=talent").json()
    assert len(page["results"]) == 2
    rest = api.get(page["next"].split("testserver")[-1]).json()
    assert rest["next"] is None
    assert [item["action_line"] for item in rest["results"]] == ["talent"]
    seen = {item["id"] for item in page["results"]} | {item["id"] for item in rest["results"]}
    assert len(seen) == 3
    bad = api.get("/api/v1/contributions?status=lost&dateFrom=gisteren")
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalid-params"]} == {"status", "dateFrom"}


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_with_413(nxp_system):
    api, _token = nxp_system
    response = api.post("/api/v1/contributions", contribution(description="x" * 70_000))
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert not Contribution.objects.exists()
