"""Tokens (401 problems), the programme's reads, the staff figures against the dashboard, open data, limits."""

import csv
import io
import json
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from openapi_spec_validator import validate

from api.models import ApiToken
from api.services import api_token_revoke
from reports.selectors import dashboard_data
from tests.api.conftest import ApiClient, issue
from tests.factories import ContributionFactory, UserFactory
from tests.reports.conftest import issued_report

PROBLEM = "application/problem+json"
ADR_RULESET = Path(__file__).parent / "adr" / "spectral.yml"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.django_db
def test_a_revoked_token_gets_401_problem_json(nxp_system, office):
    api, token = nxp_system
    assert api.get("/api/v1/contributions").status_code == 200
    api_token_revoke(token=token, acting_user=office)
    body = assert_problem(api.get("/api/v1/contributions"), 401)
    assert "revoked" in body["detail"] or "ingetrokken" in body["detail"]
    assert_problem(api.post("/api/v1/contributions", {"kind": "money"}), 401)


@pytest.mark.django_db
def test_an_expired_unknown_or_missing_token_gets_401(nxp_system):
    api, token = nxp_system
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(api.get("/api/v1/partners"), 401)
    assert_problem(ApiClient("lpr_00000000_wrong").get("/api/v1/partners"), 401)
    response = ApiClient(None).get("/api/v1/partners")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_the_key_is_stored_hashed_and_last_use_is_noted(nxp, office, programme):
    token, key = issue(partner=nxp, office=office)
    assert (
        key not in {token.key_hash, token.prefix}
        and token.key_hash == __import__("hashlib").sha256(key.encode()).hexdigest()
    )
    assert token.last_used_at is None
    ApiClient(key).get("/api/v1/action-lines")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_every_response_carries_the_api_version_and_unknown_urls_are_problems(staff_system):
    api, _token = staff_system
    for path in ["/api/v1/action-lines", "/api/v1/partners", "/api/v1/reporting-periods", "/api/v1/openapi.json"]:
        response = api.get(path)
        assert response.status_code == 200, path
        assert response["API-Version"] == "1.0.0"
    assert_problem(api.get("/api/v1/no-such-thing"), 404)
    assert_problem(api.get("/api/v1/partners/"), 404)  # no trailing slashes


@pytest.mark.django_db
def test_the_reads_give_lines_partners_agreement_activities_and_issued_reports(nxp_system, office):
    api, _token = nxp_system
    assert len(api.get("/api/v1/action-lines").json()) == 6
    assert {p["slug"] for p in api.get("/api/v1/partners").json()} >= {"nxp", "asmpt"}
    agreement = api.get("/api/v1/agreements/current").json()
    assert agreement["ends_on"] == "2026-12-31" and len(agreement["parties"]) >= 7
    assert api.get("/api/v1/activities?year=2026").status_code == 200
    assert_problem(api.get("/api/v1/activities?year=twee"), 400)
    report = issued_report(director=UserFactory(username="rd"))
    listed = api.get("/api/v1/reports").json()
    assert [r["id"] for r in listed] == [report.pk]
    pdf = api.get(f"/api/v1/reports/{report.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_the_figures_endpoint_equals_the_dashboard(staff_system, nxp_system, nxp, asmpt):
    for partner, kind, extra in [(nxp, "staff_hours", {}), (asmpt, "money", {"amount": Decimal("2500.00")})]:
        ContributionFactory(partner=partner, kind=kind, approved=True, **extra)
        ContributionFactory(partner=partner, submitted=True)
    api, _token = staff_system
    response = api.get("/api/v1/figures")
    assert response.status_code == 200, response.content
    got = response.json()
    board = dashboard_data(show_partners=True, own_partner_ids=[]).data
    assert got["period"].startswith("agreement-")  # the dashboard's period: the agreement's term
    assert got["approved"]["total_value"] == f"{board.totals.approved.total_value:.2f}"
    assert got["in_review"]["total_value"] == f"{board.totals.in_review.total_value:.2f}"
    assert {row["key"]: row["approved"]["total_value"] for row in got["action_lines"]} == {
        line.code: f"{line.totals.total_value:.2f}" for line in board.lines
    }
    assert {row["key"]: row["approved"]["hours"] for row in got["partners"]} == {
        str(p.id): f"{p.totals.hours:.2f}" for p in board.partners
    }
    assert {row["key"]: row["approved"]["total_value"] for row in got["helices"]} == {
        h.key: f"{h.figures.total_value:.2f}" for h in board.helices
    }
    assert got["approved"]["total_value"] == "3220.00"  # 12 h × € 60 + € 2,500

    partner_api, _token = nxp_system
    assert_problem(partner_api.get("/api/v1/figures"), 403)
    assert_problem(api.get("/api/v1/figures?period=gisteren"), 400)


@pytest.mark.django_db
def test_open_data_equals_the_issued_reports_figures_and_holds_no_personal_data(client, programme, nxp, asmpt):
    rep = UserFactory(username="geheim-persoon", first_name="Geheime", last_name="Naam", email="geheim@example.org")
    ContributionFactory(partner=nxp, approved=True, created_by=rep, description="Vertrouwelijke omschrijving")
    ContributionFactory(partner=asmpt, kind="money", amount=Decimal("1500.00"), approved=True, created_by=rep)
    ContributionFactory(partner=nxp, created_by=rep, description="Concept dat niet gepubliceerd is")
    report = issued_report(director=UserFactory(username="directeur-od"), period_key="2026-K4")
    ContributionFactory(partner=nxp, approved=True, created_by=rep)  # after issue: not published

    response = client.get("/api/v1/open-data/figures.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    data = report.data
    lines = {row["code"]: row for row in rows if row["dimension"] == "action_line"}
    assert {code: Decimal(row["total_value"]) for code, row in lines.items()} == {
        line["code"]: Decimal(line["totals"]["in_kind_value"]) + Decimal(line["totals"]["funded"])
        for line in data["lines"]
    }
    assert {code: Decimal(row["hours"]) for code, row in lines.items()} == {
        line["code"]: Decimal(line["totals"]["hours"]) for line in data["lines"]
    }
    helices = {row["code"]: Decimal(row["in_kind_value"]) for row in rows if row["dimension"] == "helix"}
    assert helices == {h["key"]: Decimal(h["figures"]["in_kind_value"]) for h in data["helices"]}
    assert sum(float(row["total_value"]) for row in lines.values()) == 720 + 1500
    assert {row["period"] for row in rows} == {"2026-K4"}
    for secret in ["geheim", "Geheime", "Naam", "Vertrouwelijke", "Concept", "directeur-od", "NXP", "ASMPT"]:
        assert secret not in text

    as_json = client.get("/api/v1/open-data/figures").json()
    assert as_json["licence"] == "CC0-1.0"
    assert set(as_json["fields"]) == set(rows[0])
    assert len(as_json["rows"]) == len(rows)


@pytest.mark.django_db
def test_open_data_is_rate_limited_per_address_with_retry_after(client, programme, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "open_data": "3/min"}
    cache.clear()
    for _ in range(3):
        assert client.get("/api/v1/open-data/figures").status_code == 200
    response = client.get("/api/v1/open-data/figures")
    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1


@pytest.mark.django_db
def test_a_token_is_rate_limited_with_retry_after(nxp_system, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token": "2/min"}
    cache.clear()
    api, _token = nxp_system
    assert api.get("/api/v1/action-lines").status_code == 200
    assert api.get("/api/v1/action-lines").status_code == 200
    response = api.get("/api/v1/action-lines")
    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1


# --- The OpenAPI document -----------------------------------------------------------------------------


@pytest.fixture
def openapi_document(client, programme, tmp_path) -> Path:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    path = tmp_path / "openapi.json"
    path.write_bytes(response.content)
    return path


def test_the_openapi_document_validates_and_names_contact_and_a_semver_version(openapi_document):
    document = json.loads(openapi_document.read_text())
    validate(document)
    assert set(document["info"]["contact"]) == {"name", "url", "email"}
    assert document["info"]["version"] == "1.0.0"
    assert document["servers"][0]["url"].endswith("/api/v1")
    assert all(not path.endswith("/") or path == "/" for path in document["paths"])


def test_the_openapi_document_passes_the_adr_ruleset_with_zero_errors(openapi_document, tmp_path):
    report = tmp_path / "spectral.json"
    npx = shutil.which("npx")
    assert npx, "npx (Node.js) is needed: make install runs npm ci"
    result = subprocess.run(
        [
            npx,
            "--no-install",
            "spectral",
            "lint",
            "-r",
            str(ADR_RULESET),
            "-f",
            "json",
            "-o",
            str(report),
            str(openapi_document),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=django_settings.BASE_DIR,
    )
    findings = json.loads(report.read_text() or "[]")
    errors = [f for f in findings if f["severity"] == 0]
    assert errors == [], errors
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_the_documentation_page_is_served_from_our_own_static_files(client, programme):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle" in html
        and "https://" not in html.split("<body>")[1]
    )
    script = client.get("/api/v1/docs?script=")
    assert script.status_code == 200
