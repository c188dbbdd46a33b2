"""Files the app makes (PDFs, exports) in the default storage (a folder or S3): written whole or not at all,
removed after commit. Only the storage API is used (no file-system paths), so every backend works.

A render saves its file under a new name, and only then, in one transaction with its status, points its row
at it: a half-written or failed file is never downloadable (and a failed save leaves nothing behind).
"""

import hashlib
from collections.abc import Iterator
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.dispatch import Signal
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

# Sent by `file_download` for every stored file it serves (sender: the file's model; instance, filename):
# the audit trail records each one (audit.receivers), without this helper importing an app.
file_downloaded = Signal()

CHUNK = 1 << 16


class FileTooLarge(Exception):
    """A stream passed to `write_file_atomically` was longer than its `max_bytes`."""


class _Bounded(File):
    """A stream read in chunks that stops with FileTooLarge beyond `max_bytes` (the storage streams it on)."""

    def __init__(self, handle: IO[bytes], *, max_bytes: int) -> None:
        super().__init__(handle)
        self.handle = handle
        self.max_bytes = max_bytes
        self.read_so_far = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK), b""))
        block = self.handle.read(size)
        self.read_so_far += len(block)
        if self.read_so_far > self.max_bytes:
            raise FileTooLarge(f"more than {self.max_bytes} bytes")
        return block

    def chunks(self, chunk_size: int | None = None):
        while block := self.read(chunk_size or CHUNK):
            yield block


def write_file_atomically(*, name: str, content: bytes | IO[bytes], max_bytes: int | None = None) -> str:
    """Save `content` (bytes, or a binary stream read in chunks, refused beyond `max_bytes`) under `name` (made
    unique by the storage); returns the name it got. On any failure nothing stays stored."""
    if isinstance(content, bytes | bytearray):
        if max_bytes is not None and len(content) > max_bytes:
            raise FileTooLarge(f"more than {max_bytes} bytes")
        payload: File = ContentFile(bytes(content))
    else:
        payload = _Bounded(content, max_bytes=max_bytes if max_bytes is not None else 1 << 62)
    free_name = default_storage.get_available_name(name)
    try:
        return default_storage.save(free_name, payload)
    except BaseException:
        # The filesystem writes in place: remove the half-written file (S3 stores an object whole or not at all).
        _remove_partial(free_name)
        raise


def _remove_partial(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:  # noqa: BLE001,S110 - cleaning up after a failure must not hide the failure
        pass


def stored_names(folder: str = "") -> Iterator[str]:
    """Every stored file's name below `folder` (the whole storage by default), sorted, walking the storage API."""
    directories, files = default_storage.listdir(folder)
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for directory in sorted(directories):
        yield from stored_names(prefix + directory)


def delete_file_on_commit(name: str) -> None:
    """Delete stored file `name` once the transaction that stops pointing at it commits."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def sha256_of_file(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition value for a download named `filename`: every response of ours builds it here.

    RFC 6266 through Django's `content_disposition_header`: a quote, backslash, semicolon or line break in the
    name cannot end the value or add a second `filename=`; a non-ASCII name goes as `filename*=utf-8''...`.
    """
    return content_disposition_header(not inline, filename) or ("inline" if inline else "attachment")


def file_download(field_file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download, streamed from the storage in chunks (the caller has checked the
    permission); 404 when the file is gone.

    Every download is announced here, once (`file_downloaded`), and so recorded in the audit trail.
    """
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:  # the folder's, and django-storages' for an S3 object that is gone
        raise Http404 from error
    file_downloaded.send(sender=type(field_file.instance), instance=field_file.instance, filename=filename)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
