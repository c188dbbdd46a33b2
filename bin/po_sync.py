"""Keep locale/*/django.po complete after `makemessages` (run by `make messages-update`).

- English: msgstr is the msgid (the source strings are English).
- Both: msgmerge's fuzzy guesses are dropped, never kept (they mistranslate).
- Dutch: filled from JSON files named by NL_JSON (a glob; {"msgid": "msgstr" or [singular, plural]}),
  else left for you to translate; the untranslated msgids are printed, and the i18n test fails on them.
"""

import glob
import json
import os
import sys

import polib

root = sys.argv[1] if len(sys.argv) > 1 else "."  # the project folder
nl = {}
for f in sorted(glob.glob(os.environ.get("NL_JSON", "/nonexistent/*.json"))):
    nl.update(json.load(open(f)))
missing = []
for lang in ("nl", "en"):
    po = polib.pofile(f"{root}/locale/{lang}/LC_MESSAGES/django.po")
    po.metadata["Language"] = lang
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    for e in po:
        if "fuzzy" in e.flags or e.previous_msgid:
            # msgmerge's fuzzy guess (e.g. "description" -> "Onderwijs"): never keep it.
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
            e.previous_msgid = e.previous_msgid_plural = e.previous_msgctxt = None
            e.msgstr = ""
            e.msgstr_plural = {k: "" for k in e.msgstr_plural}
        if lang == "en":
            if e.msgid_plural:
                e.msgstr_plural = {0: e.msgid, 1: e.msgid_plural}
            else:
                e.msgstr = e.msgid
            continue
        t = nl.get(e.msgid)
        if t is None:
            if not (e.msgstr or any(e.msgstr_plural.values())):
                missing.append(e.msgid)
            continue
        if e.msgid_plural:
            e.msgstr_plural = {0: t[0], 1: t[1]}
        else:
            e.msgstr = t
    po.save()
print("missing nl:", json.dumps(missing, ensure_ascii=False, indent=0))
