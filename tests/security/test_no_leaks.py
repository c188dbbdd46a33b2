"""No page gives away another partner's drafts: not in lists, counts, totals, search, exports or errors.

A differential test: every page of the access matrix is fetched by each role that must not see ASMPT's
drafts, once before and once after ASMPT logs a draft and has an item returned to it. Every response
must be byte-for-byte the same (CSRF tokens aside): a count, a total, a search hit or a different error
would show.
"""

import io
import re
import zipfile
from decimal import Decimal

import pytest
import time_machine

from contributions.models import Kind
from tests.factories import ContributionFactory
from tests.test_access_matrix import MATRIX

# Roles that must never learn anything about ASMPT's drafts (the director and office review them; the
# ASMPT representative owns them).
OUTSIDERS = ["anonymous", "representative", "steering", "lead", "observer"]
MARKER = "LEKTEST-ASMPT-concept"
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Search and filters that could find a draft by its text or its value.
PROBES = [
    "/bijdragen/?q=LEKTEST",
    "/bijdragen/?partner=asmpt",
    "/bijdragen/?partner=asmpt&status=draft",
    "/bijdragen/?status=returned",
    "/bijdragen/exporteren/?format=csv&partner=asmpt",
    "/bijdragen/exporteren/?partner=asmpt",
    "/rapportages/dashboard/?partner=asmpt",
]


def _body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):  # XLSX: compare what is in it, not the zip's own bookkeeping
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return b"".join(name.encode() + archive.read(name) for name in sorted(archive.namelist()))
    return CSRF.sub(rb"\1-\2", content)


def _fetch_all(client, personas, urls: list[str]) -> dict[tuple[str, str], tuple[int, bytes]]:
    seen = {}
    for role in OUTSIDERS:
        client.logout()
        if personas[role] is not None:
            client.force_login(personas[role])
        for url in urls:
            response = client.get(url)
            if response.get("Content-Type", "").startswith("application/pdf"):
                continue  # PDFs carry no draft data by construction; rendering them twice is slow
            seen[(role, url)] = (response.status_code, _body(response))
    return seen


@pytest.mark.django_db
def test_no_page_changes_for_outsiders_when_another_partner_logs_drafts(client, personas, objects, programme):
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        urls = sorted({MATRIX[name][0](objects) for name in MATRIX} | set(PROBES))
        _fetch_all(client, personas, urls)  # opening a reminder marks it read: let such state settle first
        before = _fetch_all(client, personas, urls)

        asmpt = programme["asmpt"]
        draft = ContributionFactory(
            partner=asmpt, kind=Kind.MONEY, amount=Decimal("987654.32"), description=f"{MARKER} geheim"
        )
        ContributionFactory(partner=asmpt, returned=True, description=f"{MARKER} teruggestuurd")
        after = _fetch_all(client, personas, [*urls, f"/bijdragen/{draft.pk}/", f"/bijdragen/{draft.pk}/wijzigen/"])

    changed = sorted(key for key in before if before[key] != after[key])
    assert not changed, f"these responses changed when ASMPT logged drafts: {changed}"
    leaked = sorted(key for key, (_status, body) in after.items() if MARKER.encode() in body or b"987.654" in body)
    assert not leaked, f"ASMPT's draft shows on: {leaked}"
    # The draft's own pages: the same answer as for an id that does not exist.
    for role in OUTSIDERS:
        status, body = after[(role, f"/bijdragen/{draft.pk}/")]
        assert status in (302, 403, 404), (role, status)
    assert len(before) > 300
