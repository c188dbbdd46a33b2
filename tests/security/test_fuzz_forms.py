"""Bad input never breaks a page: hostile data POSTed to every form and import of the app (hypothesis).

Every example poisons at least one field with a value the form must refuse (a required field left out or
blank, a choice that is not offered, an impossible date, a word where a number goes, text past its
maxlength, a file of a forbidden type) and fills the other fields with hostile data: over-long strings,
odd Unicode, control characters, huge and negative numbers, malformed dates, missing and duplicated
fields, another partner's id in hidden fields. Each example must get a 4xx, or a form page showing what
is wrong — never a 500 — and leave the database exactly as it was.

The forms are found on the pages themselves: `test_every_post_form_is_fuzzed` opens every page of the
access matrix and fails for a form whose target is not listed here. Examples per form: 200 with
LIFEPORT_TEST_SERVICES=1 (CI), 25 otherwise.
"""

import hashlib
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import LifeportClient
from tests.test_access_matrix import MATRIX, ROLES

EXAMPLES = int(
    os.environ.get("LIFEPORT_FUZZ_EXAMPLES") or (200 if os.environ.get("LIFEPORT_TEST_SERVICES") == "1" else 25)
)

# Forms whose fields are fuzzed: form target (URL name) -> (access-matrix page that shows the form, role).
FORMS: dict[str, tuple[str, str]] = {
    "contributions:create": ("contributions:create", "representative"),
    "contributions:edit": ("contributions:edit", "representative"),
    "contributions:evidence_add": ("contributions:evidence_add", "representative"),
    "contributions:import": ("contributions:import", "representative"),
    "contributions:return": ("contributions:detail (submitted)", "director"),
    "contributions:reopen": ("contributions:reopen", "director"),
    "actionlines:plans": ("actionlines:plans", "director"),
    "actionlines:plan_edit": ("actionlines:plan_edit", "director"),
    "actionlines:target_edit": ("actionlines:target_edit", "director"),
    "actionlines:activity_create": ("actionlines:activity_create", "director"),
    "actionlines:activity_edit": ("actionlines:activity_edit", "director"),
    "actionlines:pledge_create": ("actionlines:pledge_create", "director"),
    "actionlines:pledge_edit": ("actionlines:pledge_edit", "director"),
    "actionlines:milestone_create": ("actionlines:milestone_create", "director"),
    "actionlines:milestone_edit": ("actionlines:milestone_edit", "director"),
    "actionlines:milestone_progress": ("actionlines:milestone_progress", "director"),
    "actionlines:indicator_create": ("actionlines:indicator_create", "director"),
    "actionlines:indicator_edit": ("actionlines:indicator_edit", "director"),
    "actionlines:indicator_actual": ("actionlines:indicator_actual", "director"),
    "actionlines:indicator_targets": ("actionlines:indicator_targets", "director"),
    "actionlines:comment_create": ("actionlines:comment_create", "steering"),
    "actionlines:comment_resolve": ("actionlines:comment_resolve", "director"),
    "reports:create": ("reports:create", "director"),
    "reports:detail": ("reports:detail", "director"),
    "reports:statements": ("reports:statements", "director"),
    "reminders:lead_times": ("reminders:lead_times", "director"),
    "actionlines:plan_adopt": ("actionlines:plan_adopt", "director"),
    "governance:meetings": ("governance:meetings", "director"),
    "governance:meeting_edit": ("governance:meeting_edit", "director"),
    "governance:agenda_item_add": ("governance:meeting", "director"),
    "governance:document_add": ("governance:meeting", "director"),
    "governance:minutes_save": ("governance:meeting", "director"),
    "governance:decision_add": ("governance:meeting", "director"),
    "governance:comment_add": ("governance:meeting", "steering"),
    "governance:risks": ("governance:risks", "director"),
    "governance:budget_line_set": ("governance:budget", "office"),
    "governance:spending_add": ("governance:budget", "office"),
    "governance:risk_review": ("governance:risk", "director"),
    "governance:measure_add": ("governance:risk", "director"),
    "password_change": ("password_change", "representative"),
    "password_reset": ("password_reset", "anonymous"),
    "login": ("login", "anonymous"),
    "api_tokens:tokens": ("api_tokens:tokens", "office"),
}
# What a refused post may still write, by design: a failed sign-in, and a wrong current password in the
# password change, are recorded (and throttled: 429); a file that passes the upload's own checks is kept as
# an import job, to be checked by a task.
ALLOWED_WRITES = {
    "login": {"audit_auditevent"},
    "password_change": {"audit_auditevent"},
    "contributions:import": {"contributions_importjob"},
}
# Buttons without input (approve, delete, adopt...): only their CSRF protection is tested here; what they
# do is the business of each app's own tests.
ACTIONS = {
    "contributions:approve": ("contributions:detail (submitted)", "director"),
    "contributions:delete": ("contributions:delete", "representative"),
    "contributions:evidence_delete": ("contributions:evidence_delete", "representative"),
    "contributions:period_submit": ("contributions:period_submit", "representative"),
    "contributions:period_close": ("contributions:period_close", "director"),
    "contributions:import_job": ("contributions:import_job", "representative"),
    "actionlines:activity_delete": ("actionlines:activity_delete", "director"),
    "actionlines:pledge_delete": ("actionlines:pledge_delete", "director"),
    "actionlines:milestone_delete": ("actionlines:milestone_delete", "director"),
    "actionlines:indicator_delete": ("actionlines:indicator_delete", "director"),
    "actionlines:plan_review": ("actionlines:plan_review", "director"),
    "actionlines:plan_back_to_draft": ("actionlines:plan_back_to_draft", "director"),
    "actionlines:plan_new_version": ("actionlines:plan_new_version", "director"),
    "actionlines:plan_next_year": ("actionlines:plan_next_year", "director"),
    "actionlines:plan_pdf_generate": ("actionlines:plan", "director"),
    "reports:generate": ("reports:detail", "director"),
    "reports:export": ("reports:detail", "director"),
    "reports:new_version": ("reports:detail (issued)", "director"),
    "reports:statement": ("reports:statement", "representative"),
    "reminders:preferences": ("reminders:preferences", "representative"),
    "reminders:calendar_renew": ("reminders:preferences", "representative"),
    "accounts:recovery_codes_new": ("accounts:recovery_codes", "director"),
    "api_tokens:token_revoke": ("api_tokens:tokens", "office"),
    "governance:minutes_confirm": ("governance:meeting", "director"),
    "governance:measure_done": ("governance:risk", "director"),
}
# Forms on every page that are Django's own and change nothing of ours.
NOT_FUZZED = {"logout": "signs out (Django's view)", "set_language": "sets a cookie (Django's view)"}

# Apps whose tables must not change; sessions, django-axes and the admin log are left out.
CHECKED_APPS = {
    "partners",
    "actionlines",
    "contributions",
    "reports",
    "reminders",
    "audit",
    "api",
    "governance",
    "auth",
    "guardian",
    "otp_totp",
    "otp_static",
}


# --- reading the forms off the page ----------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, date, number, hidden, checkbox, file, email, password
    required: bool = False
    maxlength: int | None = None
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url, self.forms, self._form, self._select = page_url, [], None, None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = Form(action=a.get("action") or self.page_url)
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") or a.get("name") == "csrfmiddlewaretoken":
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        elif tag in ("input", "textarea", "select"):
            kind = tag if tag != "input" else (a.get("type") or "text")
            if kind in ("submit", "button") or "disabled" in a:  # a browser does not send a disabled field
                return
            if kind == "text" and a.get("inputmode") in ("decimal", "numeric"):
                kind = "number"  # an amount typed the Dutch way: a text box that takes only a number
            maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
            required = "required" in a or a.get("aria-required") == "true"  # said as aria-required (attrs.html)
            found = Field(a["name"], kind, required, maxlength, value=a.get("value") or "")
            self._form.fields.setdefault(a["name"], found)
            self._select = found if tag == "select" else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _forms_on(html: str, page_url: str) -> dict[str, Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    found = {}
    for form in parser.forms:
        try:
            found.setdefault(resolve(urlparse(form.action).path).view_name, form)
        except Resolver404:
            found.setdefault(f"unresolved:{form.action}", form)
    return found


# --- hostile values ----------------------------------------------------------------------------------------

ODD_TEXT = [
    "",
    " ",
    "\t\n",
    "\u202egnp.exe",
    "\ufeff\u200b\u200d",
    "Z̷̢̛a̶l̸g̵o̷",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🤖👩‍👩‍👧",
    "ﷺ" * 50,
    "<script>alert(1)</script>",
    "'; DROP TABLE contributions_contribution; --",
    "{{ 7*7 }}{% debug %}",
    "%s%s%n%x",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "\x00",
    "a\x00b",
    "\x07\x1b[31m",
]
ODD_NUMBERS = [
    "-1",
    "0",
    "-0,01",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999",
    "1.234.567,89,0",
    "0x1F",
    "12 uur",
    "€ -5",
    "٣٤",
]
ODD_DATES = ["2026-02-30", "31-12-99999", "0000-00-00", "2026-13-01", "gisteren", "1-1-1", "9999-12-31", "-2026-01-01"]
BAD_FILES = [
    ("plaatje.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("pagina.html", b"<html><script>alert(1)</script></html>"),
    ("programma.exe", b"MZ\x90\x00\x03" + b"\x00" * 200),
    ("leeg.pdf", b""),
    ("kapot.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ("binair.csv", bytes(range(256)) * 8),
]
# A CSV for the import whose every row has at least one impossible cell (a date that does not exist).
IMPORT_HEADER = "Actielijn;Soort;Datum;Omschrijving;Uren;Bedrag\n"


def _text(maxlength: int | None) -> st.SearchStrategy[str]:
    long = "x" * ((maxlength or 5000) + 1)
    return st.one_of(
        st.sampled_from([*ODD_TEXT, *ODD_NUMBERS, *ODD_DATES, long]),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    )


def _value(f: Field, other_ids: list[str]) -> st.SearchStrategy:
    if f.kind == "file":
        return st.sampled_from(BAD_FILES)
    if f.kind == "select":
        return st.one_of(st.sampled_from(f.options or [""]), _text(None))
    if f.kind == "date":
        return st.sampled_from([*ODD_DATES, "2026-10-05", "05-10-2026"])
    if f.kind == "number":
        return st.sampled_from([*ODD_NUMBERS, "2026", "1970", "-2147483649"])
    if f.kind == "hidden":
        # Mostly the page's own value (so the rest gets checked too), else tampered: another partner's id...
        return st.one_of(
            st.just(f.value), st.just(f.value), st.sampled_from([*other_ids, "", "-1", "0", "99999999999", "abc"])
        )
    if f.kind == "checkbox":
        return st.sampled_from(["on", "off", "", "1"])
    return _text(f.maxlength)


def _poison(f: Field) -> list:
    """Values this field must refuse (empty when there is no such value for it)."""
    values: list = []
    if f.required:
        values += [None, ""]  # None: left out
    if f.kind == "select" and f.options:
        values.append("__not_offered__")
    if f.kind == "date":
        values += ["2026-02-30", "gisteren"]
    if f.kind == "number":
        values += ["twaalf", "1e309"]
    if f.maxlength and f.kind not in ("hidden", "select"):
        values.append("x" * (f.maxlength + 1))
    if f.kind == "file":
        values += BAD_FILES
    return values


@st.composite
def _import_files(draw) -> tuple[str, bytes]:
    """A readable CSV whose every row has a date that does not exist, the other cells hostile."""
    cell = st.one_of(st.sampled_from([*ODD_TEXT, *ODD_NUMBERS, "Talent", "Uren", "Geld"]), _text(None))
    rows = []
    for _row in range(draw(st.integers(1, 4))):
        values = [draw(cell).replace(";", ",").replace("\n", " ") for _col in range(6)]
        values[2] = draw(st.sampled_from(["2026-02-30", "31-02-2026", "0-0-0"]))
        rows.append(";".join(values))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return "import.csv", (IMPORT_HEADER + "\n".join(rows)).encode(encoding, errors="replace")


WHITESPACE = " \t\r\n\u00a0\u2003\u3000"


def _poison_strategy(f: Field) -> st.SearchStrategy:
    """`_poison` and, so that even a one-field form gets many different examples, endless variations:
    whitespace-only text for a required field, random over-long text, random binary files."""
    variants = [st.sampled_from(_poison(f))]
    if f.required and f.kind not in ("file", "select", "hidden", "checkbox"):
        variants.append(st.text(alphabet=WHITESPACE, max_size=40))
    if f.maxlength and f.kind not in ("hidden", "select"):
        pad = "ä" * (f.maxlength + 1)
        variants.append(st.text(st.characters(exclude_categories=("Cs",)), max_size=40).map(lambda tail: tail + pad))
    if f.kind == "select" and f.options:
        # Values no option carries (a one-select form, such as choosing a decision, gets many examples too).
        variants.append(st.text(st.characters(exclude_categories=("Cs",)), max_size=40).map(lambda t: "x" + t))
    if f.kind == "file":
        # A leading NUL byte: never text, never a PDF, PNG, JPEG or Office file.
        variants.append(
            st.tuples(
                st.sampled_from(["a.pdf", "b.csv", "c.png", "geen-extensie"]),
                st.binary(max_size=2000).map(lambda b: b"\x00" + b),
            )
        )
    return st.one_of(variants)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@st.composite
def _payloads(draw, form: Form, other_ids: list[str], *, readable_files: bool = False) -> dict:
    poisonable = [f for f in form.fields.values() if _poison(f)]
    target = draw(st.sampled_from(poisonable))
    # As from a browser, the token is always there (the client here does not check it; the CSRF test does).
    data: dict = {"csrfmiddlewaretoken": "t" * 64}
    for f in form.fields.values():
        if f is target and f.kind == "file" and readable_files and draw(st.booleans()):
            value = draw(_import_files())
        elif f is target:
            value = draw(_poison_strategy(f))
        else:
            how = draw(st.sampled_from(["value", "value", "value", "missing", "twice"]))
            if how == "missing":
                continue
            value = draw(_value(f, other_ids))
            if how == "twice":
                value = [value, draw(_value(f, other_ids))]
        if value is None:
            continue
        if f.kind == "file":
            values = value if isinstance(value, list) else [value]
            data[f.name] = [_upload(*v) if isinstance(v, tuple) else v for v in values]
        else:
            data[f.name] = value
    if draw(st.booleans()):
        data[draw(st.sampled_from(["extra", "id", "pk", "status", "partner_id", "is_superuser"]))] = "1"
    return data


# --- the state of the database -----------------------------------------------------------------------------


def _tables(exclude: set[str]) -> list[str]:
    return sorted(
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in CHECKED_APPS
        and m._meta.managed
        and not m._meta.proxy
        and m._meta.db_table not in exclude
    )


def writes_so_far() -> int:
    """PostgreSQL: rows inserted, updated or deleted in the checked tables (those `fingerprint` reads: the apps'
    data, not the session's bookkeeping, which saves the last-seen time once a minute) in this transaction so
    far (rolled-back ones too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
            " WHERE relname = ANY(%s)",
            [_tables(set())],
        )
        return int(cursor.fetchone()[0])


def fingerprint(exclude: frozenset[str] = frozenset()) -> str:
    """A digest of every row of the checked tables: equal digests, unchanged data."""
    tables = _tables(set(exclude))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            digest_of = "(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t)"
            selects = ", ".join(digest_of.format(connection.ops.quote_name(n)) for n in tables)
            cursor.execute(f"SELECT {selects}")
            return hashlib.sha256(repr(cursor.fetchone()).encode()).hexdigest()
        digest = hashlib.sha256()
        for name in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            digest.update(repr(sorted(map(repr, cursor.fetchall()))).encode())
        return digest.hexdigest()


# --- the tests ---------------------------------------------------------------------------------------------


def _open_form(client: Client, personas: dict, objects: dict, target: str, page: str, role: str) -> Form:
    client.logout()
    if personas[role] is not None:
        client.force_login(personas[role])
    url = MATRIX[page][0](objects)
    # The page is read in a savepoint rolled back at once: the share locks it takes on the tables and indexes it
    # reads are released, not held to the end of this one long transaction (PostgreSQL's shared lock table).
    reading = transaction.savepoint()
    response = client.get(url)
    transaction.savepoint_rollback(reading)
    assert response.status_code == 200, (page, role, response.status_code)
    forms = _forms_on(response.content.decode(), url)
    assert target in forms, f"no form posting to {target} on {url} (found {sorted(forms)})"
    return forms[target]


def _shows_what_is_wrong(response) -> bool:
    html = response.content.decode()
    return "utrecht-form-field--invalid" in html or "utrecht-alert--error" in html or 'role="alert"' in html


def _other_partner_ids(objects: dict) -> list[str]:
    from partners.models import Partner

    return [str(pk) for pk in Partner.objects.exclude(pk=objects["nxp"].pk).values_list("pk", flat=True)[:3]]


def _fuzz(client: Client, form: Form, target: str, other_ids: list[str]) -> dict[int, int]:
    """Post EXAMPLES hostile payloads to `form`; each one is rolled back afterwards. Returns the statuses."""
    exclude = frozenset(ALLOWED_WRITES.get(target, ()))
    # Read every table in a savepoint rolled back at once: its share locks (on each table and index) are then
    # not held for the rest of this one long transaction, where they would fill PostgreSQL's shared lock table.
    reading = transaction.savepoint()
    before = fingerprint(exclude)
    transaction.savepoint_rollback(reading)
    outcomes: dict[int, int] = {}
    # On PostgreSQL a refused post must not write at all (one cheap query); elsewhere the digest of every row
    # is compared.
    count_writes = connection.vendor == "postgresql" and not exclude

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(payload=_payloads(form, other_ids, readable_files=target == "contributions:import"))
    def post(payload: dict) -> None:
        savepoint = transaction.savepoint()
        writes = writes_so_far() if count_writes else 0
        try:
            response = client.post(form.action, payload)
            outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
            if target == "contributions:import" and response.status_code == 302:
                # A readable file becomes an import job: its page shows the check (run here as the task
                # would), and confirming imports nothing (every row has an impossible date).
                from contributions.imports import import_job_check
                from contributions.models import ImportJob

                import_job_check(job_id=ImportJob.objects.latest("pk").pk)
                preview = client.get(response["Location"])
                assert preview.status_code == 200, preview.status_code
                confirm = client.post(response["Location"], {"csrfmiddlewaretoken": "t" * 64, "confirm": ""})
                assert confirm.status_code == 302, confirm.status_code
            else:
                assert response.status_code in (200, 400, 403, 404, 405, 413, 429), (response.status_code, payload)
                if response.status_code == 200:
                    assert _shows_what_is_wrong(response), payload
            if count_writes:
                assert writes_so_far() == writes, f"the database was written to after posting {payload!r}"
            else:
                assert fingerprint(exclude) == before, f"the database changed after posting {payload!r}"
        finally:
            transaction.savepoint_rollback(savepoint)

    post()
    return outcomes


@pytest.mark.django_db
def test_hostile_input_gets_a_message_or_a_4xx_and_changes_nothing(client, personas, objects):
    """One test for all forms (the fixtures are built once); a failure names the form and the payload."""
    other_ids = _other_partner_ids(objects)
    failures, ran = [], {}
    for target in sorted(FORMS):
        page, role = FORMS[target]
        form = _open_form(client, personas, objects, target, page, role)
        if not any(_poison(f) for f in form.fields.values()):
            failures.append(f"{target}: no field to poison; list it in ACTIONS")
            continue
        try:
            ran[target] = _fuzz(client, form, target, other_ids)
        except Exception as error:  # noqa: BLE001 - collect every form's failure, then report them all
            failures.append(f"{target}: {error}")
    print(f"fuzzed {len(ran)} forms, {EXAMPLES} examples each: {ran}")
    assert not failures, "\n\n".join(failures)
    too_few = {target: sum(statuses.values()) for target, statuses in ran.items() if sum(statuses.values()) < EXAMPLES}
    assert not too_few, f"fewer than {EXAMPLES} examples reached these forms: {too_few}"


@pytest.mark.django_db
def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(personas, objects):
    client = LifeportClient(enforce_csrf_checks=True)
    refused = {}
    for target, (page, role) in sorted({**FORMS, **ACTIONS}.items()):
        form = _open_form(client, personas, objects, target, page, role)
        before = fingerprint()
        data = {name: f.value for name, f in form.fields.items() if f.kind != "file"}
        statuses = []
        for token in (None, "", "x" * 64, "A" * 32):
            payload = data if token is None else {**data, "csrfmiddlewaretoken": token}
            statuses.append(client.post(form.action, payload).status_code)
        refused[target] = statuses
        assert fingerprint() == before, target
    assert {t: s for t, s in refused.items() if s != [403] * 4} == {}


@pytest.mark.django_db
def test_every_post_form_is_fuzzed(client, personas, objects):
    """Open every page of the access matrix as each role that may see it; every form must be listed here."""
    listed = {*FORMS, *ACTIONS, *NOT_FUZZED}
    unlisted: dict[str, str] = {}
    for build, expected in (MATRIX[name] for name in sorted(MATRIX)):
        url = build(objects)
        for role in ROLES:
            if expected[role] != 200 or role == "observer":
                continue
            client.logout()
            if personas[role] is not None:
                client.force_login(personas[role])
            response = client.get(url)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            for target in _forms_on(response.content.decode(), url):
                if target not in listed:
                    unlisted.setdefault(target, f"{url} as {role}")
    assert not unlisted, f"add these form targets to tests/security/test_fuzz_forms.py: {unlisted}"
