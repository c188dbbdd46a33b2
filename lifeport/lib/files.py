"""Files the app makes (PDFs, exports) in the default storage: written whole or not at all, removed after commit.

A render writes its file under a temporary name, moves it into place, and only then, in one transaction with
its status, points its row at it: a half-written or failed file is never downloadable.
"""

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def write_file_atomically(*, name: str, content: bytes) -> str:
    """Write `content` under a temporary name, fsync, then move it to `name` (made unique). Returns the name."""
    final_name = default_storage.get_available_name(name)
    final_path = Path(default_storage.path(final_name))
    temporary = Path(settings.MEDIA_ROOT) / "tmp" / f"{uuid.uuid4().hex}.part"
    temporary.parent.mkdir(parents=True, exist_ok=True)
    final_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final_path)
    finally:
        temporary.unlink(missing_ok=True)
    return final_name


def delete_file_on_commit(name: str) -> None:
    """Delete stored file `name` once the transaction that stops pointing at it commits."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def sha256_of_file(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_download(field_file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download (the caller has checked the permission); 404 when the file is gone."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
