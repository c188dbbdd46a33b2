"""Security headers and cookies: a strict CSP on every page, and production's HTTPS-only settings."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.lifeport.test_settings import PRODUCTION

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def _csp(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] for p in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/partners/", "/audit/", "/admin/"])
def test_every_page_carries_the_strict_content_security_policy(client, director, url):
    if url != "/accounts/login/":
        client.force_login(director)
    response = client.get(url)
    assert response.status_code == 200
    policy = _csp(response["Content-Security-Policy"])
    assert policy == EXPECTED_CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_template_has_inline_script_style_or_event_handlers():
    """The CSP would block them: every script and style comes from a static file."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "pdf" in path.parts:  # WeasyPrint renders these; no browser, no CSP
            continue
        text = path.read_text()
        for needle in (
            ' style="',
            "<style",
            " onclick=",
            " onload=",
            " onchange=",
            " onsubmit=",
            "hx-on",
            "javascript:",
        ):
            if needle in text:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {needle.strip()}")
        for line in text.splitlines():
            if "<script" in line and "src=" not in line:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: inline <script>")
    assert not offenders, offenders


def test_in_production_cookies_are_secure_httponly_and_lax_and_https_is_enforced(tmp_path):
    code = """
import django, json
django.setup()
from django.conf import settings as s
from django.test import Client
r = Client().get('/accounts/login/', secure=True, HTTP_HOST='regie.lifeport.example')
c = r.cookies['csrftoken']
plain = Client().get('/accounts/login/', HTTP_HOST='regie.lifeport.example')
print(json.dumps({
  'hsts': r.get('Strict-Transport-Security'),
  'csrf_cookie': {'secure': bool(c['secure']), 'samesite': c['samesite']},
  'session': [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_AGE],
  'language': [s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE],
  'http_redirect': [plain.status_code, plain.get('Location')],
}))
"""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "DATABASE_URL"}}
    env.update(PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", DJANGO_SETTINGS_MODULE="lifeport.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert got["csrf_cookie"] == {"secure": True, "samesite": "Lax"}
    assert got["session"] == [True, True, "Lax", 8 * 60 * 60]
    assert got["language"] == [True, True, "Lax"]
    assert got["http_redirect"] == [301, "https://regie.lifeport.example/accounts/login/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tail",
    ['csv";filename="evil.exe', "csv%0d%0aSet-Cookie:%20x=1", "xlsx%22%3B%20filename%3D%22evil.exe", "exe"],
)
def test_the_template_download_name_cannot_add_a_filename_or_break_the_header(client, nxp_rep, tail):
    client.force_login(nxp_rep)
    response = client.get(f"/bijdragen/importeren/sjabloon.{tail}")
    assert response.status_code == 404
    assert "Content-Disposition" not in response and "Set-Cookie" not in str(response.headers)


@pytest.mark.django_db
def test_a_download_name_with_quotes_and_line_breaks_stays_one_filename(client, nxp_rep):
    from django.utils import translation

    from lifeport.lib.files import content_disposition

    value = content_disposition('lijst";filename="evil.exe\r\nSet-Cookie: x=1.csv')
    # One parameter: the quote, semicolon and line break are percent-encoded inside it.
    assert value.startswith("attachment; filename*=utf-8''") and len(value.split(";")) == 2
    assert not {'"', "\r", "\n"} & set(value)
    assert content_disposition("bijdragen.csv") == 'attachment; filename="bijdragen.csv"'
    client.force_login(nxp_rep)
    with translation.override("en"):
        response = client.get("/bijdragen/importeren/sjabloon.csv")
    assert response["Content-Disposition"].count("filename") == 1


def test_every_content_disposition_is_built_by_the_one_helper():
    by_hand = re.compile(r"""["'](attachment|inline)\s*;""")
    written_by_hand = [
        str(path)
        for path in Path(settings.BASE_DIR).glob("*/**/*.py")
        if path.parts[len(Path(settings.BASE_DIR).parts)] not in {"tests", "bench", ".venv", "node_modules"}
        and path.name != "files.py"
        and by_hand.search(path.read_text())
    ]
    assert written_by_hand == []


@pytest.mark.django_db
def test_signed_in_pages_and_files_are_never_cached(client, director, nxp_rep):
    client.force_login(director)
    for url in ["/", "/partners/", "/rapportages/dashboard/", "/rapportages/dashboard/grafiek/lines.svg", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
    client.force_login(nxp_rep)
    assert "no-store" in client.get("/bijdragen/importeren/sjabloon.xlsx")["Cache-Control"]
