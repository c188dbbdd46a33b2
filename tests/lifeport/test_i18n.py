"""Both languages are complete: every msgid translated, nothing fuzzy, and the catalogue covers the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every live entry; plural forms joined with "|"."""
    entries = []
    for entry in polib.pofile(str(po)):
        if entry.obsolete:
            continue
        msgstr = (
            "|".join(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            if entry.msgid_plural
            else entry.msgstr
        )
        entries.append((entry.msgid, msgstr, entry.fuzzy))
    return entries


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_string_is_translated(language):
    po = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = _entries(po)
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if fuzzy or not msgstr.replace("|", "")]
    assert not untranslated, f"{language}: untranslated or fuzzy: {untranslated[:10]}"


def test_the_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages on a copy finds no msgid that the committed catalogue lacks."""
    assert shutil.which("xgettext"), "gettext is needed (apt-get install gettext)"
    copy = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "staticfiles", "*.mo", "tests"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "--ignore=bench/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "PYTHONPATH": str(copy)},
    )
    fresh = {m for m, _, _ in _entries(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po")}
    committed = {m for m, _, _ in _entries(BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po")}
    assert not fresh - committed, f"run `make messages-update`: missing {sorted(fresh - committed)[:10]}"
