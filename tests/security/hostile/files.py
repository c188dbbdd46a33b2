"""Hostile files, made in code (nothing binary is committed): each function returns the bytes of one.

They are the files of issue 12 and their kin. The big ones are built once per test run (functools.cache).
"""

import functools
import io
import random
import zipfile

from openpyxl import Workbook

from tests.contributions.test_imports import xlsx

HEADERS = ["Datum", "Actielijn", "Soort", "Uren", "Bedrag", "Omschrijving", "Financier", "Budgetcode"]
GIB = 1024 * 1024 * 1024
ROW = ["2026-03-02", "Talent", "Uren", 4, None, "Gastles", None, None]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _rewrite(data: bytes, changes: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The zip `data` with some parts replaced (`changes`) and some added (`extra`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, changes.get(info.filename, source.read(info.filename)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _bomb(parts: dict[str, str], big_part: str) -> bytes:
    """A zip with the given small parts and `big_part`: 1 GiB of spaces, about 1 MB packed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        info = zipfile.ZipInfo(big_part)
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b" " * (1 << 20)
        with archive.open(info, "w", force_zip64=True) as handle:
            for _chunk in range(GIB // len(chunk)):
                handle.write(chunk)
    return buffer.getvalue()


@functools.cache
def zip_bomb_xlsx() -> bytes:
    """An "XLSX" of about 1 MB whose sheet unpacks to 1 GiB of spaces."""
    parts = {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>"}
    return _bomb(parts, "xl/worksheets/sheet1.xml")


@functools.cache
def zip_bomb_docx() -> bytes:
    """A "DOCX" of about 1 MB whose document unpacks to 1 GiB of spaces."""
    return _bomb({"[Content_Types].xml": CONTENT_TYPES}, "word/document.xml")


@functools.cache
def content_types_bomb_xlsx() -> bytes:
    """An "XLSX" whose [Content_Types].xml (the part the type check reads) unpacks to 1 GiB."""
    return _bomb({"xl/workbook.xml": "<workbook/>"}, "[Content_Types].xml")


@functools.cache
def nested_zip_xlsx() -> bytes:
    """A real import file with a zip inside it (a zip of a zip of ...: unpacked by nobody)."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.xml", "<a/>" * 1000)
    return _rewrite(xlsx([HEADERS, ROW]), {}, {"xl/media/image1.png": inner.getvalue()})


@functools.cache
def dimension_xlsx(rows: int = 1000, filler: int = 20_000) -> bytes:
    """A real import file of `rows` rows, then `filler` rows with a space in column Z (not a column of the
    import: the rows count as blank), that declares the whole sheet, A1:XFD1048576, as its size."""
    workbook = Workbook()
    for row in [HEADERS, *[ROW] * rows]:
        workbook.active.append(row)
    for number in range(rows + 2, rows + 2 + filler):
        workbook.active.cell(row=number, column=26, value=" ")
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    sheet = _sheet_xml(data)
    start = sheet.index("<dimension ")
    end = sheet.index("/>", start) + 2
    sheet = sheet[:start] + '<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    return _rewrite(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


@functools.cache
def wide_row_xlsx() -> bytes:
    """A real import file whose second row has a cell at column XFD (the last of 16,384)."""
    data = xlsx([HEADERS, ROW])
    sheet = _sheet_xml(data)
    row_end = sheet.index("</row>", sheet.index('<row r="2"'))
    sheet = sheet[:row_end] + '<c r="XFD2" t="inlineStr"><is><t>x</t></is></c>' + sheet[row_end:]
    return _rewrite(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


def _with_shared_strings(count: int, text: str, *, numbered: bool) -> bytes:
    data = xlsx([HEADERS, ROW])
    strings = "".join(f"<si><t>{text}{i if numbered else ''}</t></si>" for i in range(count))
    table = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
        f'uniqueCount="{count}">{strings}</sst>'
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdSst" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    changes = {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()}
    return _rewrite(data, changes, {"xl/sharedStrings.xml": table.encode()})


@functools.cache
def huge_shared_strings_xlsx() -> bytes:
    """A shared-strings table of 5,000,000 strings (85 MB unpacked, 0.1 MB packed)."""
    return _with_shared_strings(5_000_000, "x", numbered=False)


@functools.cache
def many_shared_strings_xlsx() -> bytes:
    """A shared-strings table just inside the limits: 350,000 distinct strings, about 8 MB unpacked."""
    return _with_shared_strings(350_000, "s", numbered=True)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>"
)


@functools.cache
def billion_laughs_xlsx() -> bytes:
    """A real import file whose sheet XML declares the "billion laughs" entities and uses the last one."""
    data = xlsx([HEADERS, ROW])
    sheet = _sheet_xml(data)
    body = sheet[sheet.index("<worksheet") :].replace("Gastles", "&lol9;")
    return _rewrite(data, {"xl/worksheets/sheet1.xml": (BILLION_LAUGHS + body).encode()})


def paren_header_csv() -> bytes:
    """A CSV whose header has a cell of 60,000 "(": 23 s of a non-greedy pattern before the fix."""
    return (";".join(HEADERS) + ";" + "(" * 60_000 + "\r\n2026-03-02;Talent;Uren;4;;Gastles;;\r\n").encode()


@functools.cache
def paren_header_xlsx() -> bytes:
    return xlsx([[*HEADERS, "(" * 60_000], ROW])


@functools.cache
def long_cell_xlsx() -> bytes:
    """A small XLSX (a few KB) whose action line is 1,000,000 "(": over an hour before the fix."""
    return xlsx([HEADERS, [ROW[0], "(" * 1_000_000, *ROW[2:]]])


@functools.cache
def long_header_xlsx() -> bytes:
    return xlsx([[*HEADERS[:5], "Omschrijving" + "(" * 1_000_000, *HEADERS[6:]], ROW])


def long_cell_csv() -> bytes:
    return (";".join(HEADERS) + "\r\n2026-03-02;Talent;" + "(" * 1_000_000 + ";4;;Gastles;;\r\n").encode()


FORMULA = '=HYPERLINK("https://example.org/phish","klik")'


def formula_xlsx() -> bytes:
    """Formula cells: a description that is a HYPERLINK formula, and hours "=1+1"."""
    return xlsx([HEADERS, [*ROW[:5], FORMULA, None, None], [*ROW[:3], "=1+1", None, "Uren", None, None]])


def formula_csv() -> bytes:
    return (
        ";".join(HEADERS) + f'\r\n2026-03-02;Talent;Uren;4;;"{FORMULA.replace(chr(34), 2 * chr(34))}";;\r\n'
    ).encode()


@functools.cache
def csv_60000_rows() -> bytes:
    line = "2026-03-02;Talent;Uren;4;;Gastles;;\r\n"
    return (";".join(HEADERS) + "\r\n" + line * 60_000).encode()


@functools.cache
def binary_csv() -> bytes:
    """A binary (random bytes, as of a compressed file or a program) named .csv."""
    return random.Random(12).randbytes(1_000_000)


# Names a user's browser may send: a right-to-left override that shows "rapportexe.pdf" for a program,
# control characters (bell, escape, vertical tab), directional isolates and marks.
HOSTILE_NAMES = ["rapport\u202efdp.exe", "uren\x07\x1b[31m.pdf", "uren\x0b\x0c.pdf", "a\u2066b\u2069c\u200e.pdf"]
