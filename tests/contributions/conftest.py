"""Fixtures for the contribution pages and workflow tests (contrib-ui): "today" and the rate card, sample files."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from openpyxl import Workbook

from contributions.models import HourlyRate

TODAY = "2026-11-28 10:00:00+01:00"


@pytest.fixture
def nov28():
    """Saturday 28 November 2026, in the fourth quarter (2026-K4, deadline 15 January 2027)."""
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def rate(programme) -> HourlyRate:
    """The programme-wide fixed hourly rate of the demo: € 60 from 1 January 2026."""
    return HourlyRate.objects.create(rate=Decimal("60.00"), valid_from=date(2026, 1, 1))


def tiny_pdf() -> bytes:
    """A minimal, valid one-page PDF (with a correct cross-reference table)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
CSV = b"Datum;Omschrijving;Uren\n05-10-2026;Gastles;4,5\n"
# A Windows executable: "MZ", the DOS stub, a PE header.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Datum", "Uren"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    """The parts of a minimal Word document (what puremagic and the zip check look at)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def macro_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()
