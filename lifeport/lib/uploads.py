"""Reading uploaded files without trusting them: what a file is, from its content, with bounded work.

Every upload path (evidence, the contributions import) opens a zip through `open_zip`, which checks the
archive's directory BEFORE anything is unpacked: the number of parts, each part's unpacked size as the
directory declares it (Python's zipfile never returns more than that declared size), their sum, the
compression ratio, the compression method and zips inside the zip. A part whose content a check needs is
read through `read_prefix`: at most a fixed number of bytes, never the whole part. A 1 MB zip holding
1 GiB of spaces is refused by its directory in milliseconds, whatever it claims to be.

XML inside Office files is parsed by openpyxl, which uses defusedxml (a dependency of this project) and so
refuses entity declarations ("billion laughs").
"""

import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from io import BytesIO
from pathlib import PurePath
from typing import IO, Any

import puremagic
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from lifeport.lib.money import format_number

KIB = 1024
MIB = 1024 * KIB
# Compression ratios are only meaningful for parts of some size: small XML parts compress oddly well.
RATIO_APPLIES_FROM = 1 * MIB
SNIFF_BYTES = 64 * KIB
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_NESTED_SUFFIXES = (".zip", ".jar", ".xlsx", ".xlsm", ".docx", ".docm", ".pptx", ".odt", ".ods", ".7z", ".gz")
_ACCEPTED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class UnsafeFile(Exception):
    """The file would cost far more to read than any real file of its kind: refused, with a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ZipLimits:
    """What a zip may hold: parts, unpacked bytes per part and in all, and unpacked per packed byte."""

    entries: int
    member_bytes: int
    total_bytes: int
    ratio: int = 100


# An Office file kept as evidence (DOCX with photos, an XLSX of hours): generous, but never a bomb.
OFFICE_LIMITS = ZipLimits(entries=1000, member_bytes=100 * MIB, total_bytes=200 * MIB)


def _number(value: int) -> str:
    return format_number(value, get_language() or "nl")


def open_zip(source: IO[bytes] | bytes, *, limits: ZipLimits) -> zipfile.ZipFile:
    """The archive, once its directory shows nothing that would cost more than `limits` to unpack.

    Raises UnsafeFile (with a message for the user) for a zip that is too large unpacked, too highly
    compressed, has too many parts, an unusual compression method, encryption, or a zip inside it; and
    zipfile.BadZipFile for one that cannot be read at all. Nothing is unpacked except the first bytes of
    each part (to find zips inside the zip). The caller closes the archive.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise zipfile.BadZipFile(str(exc)) from exc
    try:
        _check_directory(archive, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_directory(archive: zipfile.ZipFile, limits: ZipLimits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise UnsafeFile(
            _("This file holds more than %(count)s parts; it is refused.") % {"count": _number(limits.entries)}
        )
    total = 0
    for info in infos:
        if info.compress_type not in _ACCEPTED_COMPRESSION or info.flag_bits & 0x1:
            raise UnsafeFile(_("This file is packed in a way that is not accepted (encrypted or unusual compression)."))
        if info.file_size > limits.member_bytes:
            raise UnsafeFile(
                _("A part of this file unpacks to more than %(size)s MB; it is refused.")
                % {"size": _number(limits.member_bytes // MIB)}
            )
        if info.file_size > RATIO_APPLIES_FROM and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise UnsafeFile(
                _("A part of this file unpacks to more than %(ratio)s times its packed size; it is refused.")
                % {"ratio": limits.ratio}
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise UnsafeFile(
                _("This file unpacks to more than %(size)s MB; it is refused.")
                % {"size": _number(limits.total_bytes // MIB)}
            )
    for info in infos:
        if info.is_dir():
            continue
        if info.filename.lower().endswith(_NESTED_SUFFIXES) or read_prefix(archive, info, 4) in _ZIP_SIGNATURES:
            raise UnsafeFile(_("This file holds another compressed file inside it; it is refused."))


def read_prefix(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` bytes from the start of a part (of an archive from `open_zip`): never the whole part."""
    try:
        with archive.open(member) as handle:
            return handle.read(limit)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise zipfile.BadZipFile(str(exc)) from exc


def clean_file_name(name: str | None, *, default: str, max_length: int = 255) -> str:
    """A user's file name as a label: its last path part, without control or direction-changing characters.

    Right-to-left overrides (U+202E) make "rapport\u202egnp.exe" look like "rapportexe.png"; those, other
    format characters (Unicode Cf), control characters (Cc) and line or paragraph separators are dropped.
    """
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co"))
    text = " ".join(PurePath(text).name.split())
    return text[-max_length:] or default


# --- What a file is, from its content ---------------------------------------------------------------------

_MAGIC_TO_TYPE = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg"}


def _office_type(upload: IO[bytes], limits: ZipLimits) -> str | None:
    """XLSX or DOCX from the parts inside the zip; None for any other zip (or a macro-enabled file).

    Raises UnsafeFile for a zip that `open_zip` refuses.
    """
    upload.seek(0)
    try:
        with open_zip(upload, limits=limits) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            content_types = read_prefix(archive, "[Content_Types].xml", SNIFF_BYTES)
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def looks_like_text(head: bytes) -> bool:
    """Plain text that is not markup or a script: what a CSV file is (it has no magic number)."""
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return False
    start = text.lstrip().lower()
    return bool(start) and not start.startswith(("<", "#!", "{\\rtf"))


def detect_file_type(upload: IO[bytes], *, zip_limits: ZipLimits = OFFICE_LIMITS) -> str | None:
    """The kind of file from its CONTENT: "pdf", "png", "jpeg", "xlsx", "docx", "csv", or None for anything else.

    The name the user gave it plays no part: an .exe renamed to .pdf is still an executable. Reads at most
    SNIFF_BYTES of the file, and of a zip its directory and SNIFF_BYTES of [Content_Types].xml. Raises
    UnsafeFile for a zip that would cost too much to unpack (`open_zip`).
    """
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    for match in matches:
        if match.offset != 0:
            continue
        if match.mime_type in _MAGIC_TO_TYPE:
            return _MAGIC_TO_TYPE[match.mime_type]
        if match.byte_match.startswith(b"PK\x03\x04"):
            return _office_type(upload, zip_limits)
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload, zip_limits)
    if any(m.offset == 0 and m.confidence >= 0.5 for m in matches):
        return None  # something puremagic recognises that we do not accept (an executable, an archive...)
    return "csv" if looks_like_text(head) else None


class UploadSizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as it passes `max_bytes`, so an oversized file is never kept in full;
    the view sees `too_big` and says so on its form."""

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_big = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.max_bytes:
            self.too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_size_limited(max_bytes: int) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: the view gets `upload_limit` (an UploadSizeLimit) as a keyword argument.

    The handler must be in place before the body is read, and CSRF checking reads the body: so the outer view
    is csrf_exempt only to set the handler, and the view itself is csrf_protect'ed.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = UploadSizeLimit(request, max_bytes=max_bytes)
            try:
                request.upload_handlers.insert(0, limit)  # type: ignore[union-attr]
            except AttributeError:  # the body was already read; the service still checks the size
                pass
            return protected(request, *args, upload_limit=limit, **kwargs)

        return limited

    return decorator
