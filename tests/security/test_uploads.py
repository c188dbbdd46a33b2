"""Evidence uploads against hostile file names and contents (the type and size rules: tests/contributions)."""

from email.message import Message
from pathlib import PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contributions.models import Evidence
from tests.conftest import stored_files
from tests.contributions.conftest import tiny_pdf
from tests.factories import ContributionFactory

HOSTILE_NAMES = [
    '../../../etc/passwd".pdf',
    "..\\..\\windows\\system32\\evil.pdf",
    'a"; filename="evil.html',
    "rapport\u202egnp.exe",  # right-to-left override: shows as "rapportexe.png"
    "überstunden – oktober.pdf",
    "x" * 300 + ".pdf",
    "<script>alert(1)</script>.pdf",
]


@pytest.fixture
def draft(nxp, nxp_rep):
    return ContributionFactory(partner=nxp, created_by=nxp_rep)


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_never_reaches_the_disk_or_the_download_header(client, settings, nxp_rep, draft, name):
    client.force_login(nxp_rep)
    response = client.post(f"/bijdragen/{draft.pk}/bewijs/", {"file": SimpleUploadedFile(name, tiny_pdf())})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    stored = PurePosixPath(evidence.file.name)
    assert stored_files(f"evidence/{draft.partner_id}") == [evidence.file.name]
    assert stored.parent == PurePosixPath("evidence", str(draft.partner_id))
    assert stored.suffix == ".pdf" and len(stored.stem) == 32  # a generated name (uuid4 hex)

    download = client.get(evidence.get_absolute_url())
    disposition = download["Content-Disposition"]
    assert "\n" not in disposition and "\r" not in disposition
    header = Message()
    header["Content-Disposition"] = disposition
    assert header.get_content_disposition() == "attachment"
    # Exactly one file name parameter (quoted, or RFC 5987 filename*): nothing smuggled in beside it.
    assert [key for key, _value in header.get_params(header="content-disposition")[1:]] in (["filename"], ["filename*"])
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_markup_inside_a_csv_is_served_as_an_attachment_a_browser_will_not_render(client, nxp_rep, draft):
    client.force_login(nxp_rep)
    content = b"Datum;Omschrijving\n05-10-2026;<script>alert(document.cookie)</script>\n"
    client.post(f"/bijdragen/{draft.pk}/bewijs/", {"file": SimpleUploadedFile("uren.html", content)})
    evidence = Evidence.objects.get()
    download = client.get(evidence.get_absolute_url())
    assert download["Content-Type"] == "text/csv"
    assert download["Content-Disposition"] == 'attachment; filename="uren.html"'
    assert evidence.file.name.endswith(".csv")
