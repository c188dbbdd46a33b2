"""Every URL of the app against every role: the allowed status for each pair.

A URL pattern without an entry here fails `test_every_url_pattern_is_in_the_matrix`, so a new page
cannot be added without deciding who may open it.
"""

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from partners.models import Role
from tests.actionlines.matrix import compare_query
from tests.actionlines.matrix import url as plan_url
from tests.factories import UserFactory
from tests.reminders.matrix import calendar_url, reminder_url
from tests.reports.conftest import report_objects

ROLES = [
    "anonymous",
    "director",
    "office",
    "steering",
    "representative",
    "other_representative",
    "lead",
    "observer",
]
# Pattern names that belong to Django itself or need a token; not pages of ours.
EXEMPT = {
    "admin:",  # every admin page, per role: tests/security/test_refusals.py
    "set_language",
    "password_reset_confirm",
    "password_reset_done",
    "password_reset_complete",
    "password_change_done",
    "logout",
}

OK, LOGIN, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


PROGRAMME_PAGE = {**_all(OK), "anonymous": LOGIN, "observer": FORBIDDEN}
# The annual plan: the director (and office) runs it; the Talent lead edits Talent in a draft (and records its
# progress once adopted); steering group members comment while it is in review.
PLAN_DIRECTOR = {**_all(FORBIDDEN), "anonymous": LOGIN, "director": OK, "office": OK}
PLAN_LINE = {**PLAN_DIRECTOR, "lead": OK}
PLAN_COMMENT = {**PLAN_DIRECTOR, "steering": OK}
# The plan as a PDF: whoever reads the plan may ask for it (a POST: GET is 405) and download the one made.
PLAN_READER_ACTION = {**_all(405), "anonymous": LOGIN, "observer": FORBIDDEN}
PLAN_NOT_MADE = {**_all(NOT_FOUND), "anonymous": LOGIN, "observer": FORBIDDEN}
# Contributions: observers are refused everywhere (403); another partner's item is not found (404).
_CONTRIB = {"anonymous": LOGIN, "observer": FORBIDDEN}
CONTRIBUTION_LOGGING = {**_all(FORBIDDEN), **_CONTRIB, "representative": OK, "other_representative": OK}
DRAFT_READ = {**_all(NOT_FOUND), **_CONTRIB, "director": OK, "office": OK, "representative": OK}
SUBMITTED_READ = {**_all(OK), **_CONTRIB, "other_representative": NOT_FOUND}
DRAFT_CHANGE = {**DRAFT_READ, "director": FORBIDDEN, "office": FORBIDDEN}
LOCKED_CHANGE = {**_all(FORBIDDEN), **_CONTRIB, "other_representative": NOT_FOUND}
REVIEWERS_ONLY = {**_all(FORBIDDEN), **_CONTRIB, "director": OK, "office": OK}
REVIEW_ACTION = {**REVIEWERS_ONLY, "other_representative": NOT_FOUND}
STAFF_405 = {"director": 405, "office": 405}
IMPORT_OWNER = {**_all(NOT_FOUND), **_CONTRIB, "representative": OK}

# Reports (reports/permissions.py): director and office make and issue them, steering members read drafts,
# everyone else signed in sees issued reports only (observers: nothing else). Actions are POSTs (GET: 405).
SIGNED_IN = {**_all(OK), "anonymous": LOGIN}
REPORT_STAFF = {**_all(FORBIDDEN), "anonymous": LOGIN, "director": OK, "office": OK}
DRAFT_REPORT = {**_all(NOT_FOUND), "anonymous": LOGIN, "director": OK, "office": OK, "steering": OK}
DRAFT_REPORT_ACTION = {**DRAFT_REPORT, "director": 405, "office": 405, "steering": FORBIDDEN}
NXP_STATEMENT = {**DRAFT_REPORT, "representative": OK}
# An issued report's XLSX is made per audience (reports.permissions.export_audience); each reader reaches only
# their own audience's: every partner's lines for those who read every partner's contributions, the tables
# alone for observers (a representative's own partner's cut is tested in tests/reports/test_exports.py).
ALL_LINES_EXPORT = {
    **_all(OK),
    "anonymous": LOGIN,
    "representative": NOT_FOUND,
    "other_representative": NOT_FOUND,
    "observer": NOT_FOUND,
}
FIGURES_EXPORT = {**_all(NOT_FOUND), "anonymous": LOGIN, "observer": OK}
# The regiegroep (governance/permissions.py): the director and office record meetings and decisions, steering
# group members read them and comment before the meeting; nobody else sees the steering group's papers.
GOVERNANCE_READ = {**_all(FORBIDDEN), "anonymous": LOGIN, "director": OK, "office": OK, "steering": OK}
GOVERNANCE_STAFF = {**_all(FORBIDDEN), "anonymous": LOGIN, "director": OK, "office": OK}
GOVERNANCE_STAFF_POST = {**GOVERNANCE_STAFF, "director": 405, "office": 405}
GOVERNANCE_COMMENT = {**GOVERNANCE_STAFF_POST, "steering": 405}
# Risks: everyone in the programme reads the register; the Talent risk is reviewed by its owner (another user),
# the Talent lead, the director and the office (POST only: GET is 405).
RISK_REVIEWERS_POST = {**_all(FORBIDDEN), "anonymous": LOGIN, "director": 405, "office": 405, "lead": 405}


def meeting_url(o: dict, suffix: str = "") -> str:
    return f"/regiegroep/{o['meeting'].pk}/{suffix}"


def indicator_chart_url(o: dict) -> str:
    from tests.actionlines.matrix import plan_objects

    return f"/rapportages/indicatoren/{plan_objects(o)['adopted_indicator'].pk}/grafiek.svg"


def report_url(o: dict, name: str, suffix: str = "") -> str:
    return f"/rapportages/{o[name].pk}/{suffix}"


def import_job_url(o: dict, suffix: str = "") -> str:
    """A checked import of the "representative" persona (m-rep, NXP), made on first use."""
    from django.contrib.auth import get_user_model

    from contributions.models import ImportJob, ImportStatus

    job = ImportJob.objects.filter(partner=o["nxp"]).first() or ImportJob.objects.create(
        partner=o["nxp"],
        created_by=get_user_model().objects.get(username="m-rep"),
        file_name="bijdragen.xlsx",
        status=ImportStatus.READY,
        row_count=1,
        problems={"errors": [], "warnings": []},
    )
    return f"/bijdragen/importeren/{job.pk}/{suffix}"


def export_url(o: dict, suffix: str = "", name: str = "export") -> str:
    return f"/rapportages/xlsx/{o[name].pk}/{suffix}"


def api_token_url(o: dict, suffix: str = "") -> str:
    """An API token of NXP's system, issued on first use."""
    from datetime import timedelta

    from django.utils import timezone

    from api.models import ApiToken
    from api.services import api_token_issue

    token = (
        ApiToken.objects.first()
        or api_token_issue(
            name="Matrix",
            partner=o["nxp"],
            scope="write",
            expires_at=timezone.now() + timedelta(days=7),
            acting_user=UserFactory(username="m-token-issuer"),
        )[0]
    )
    return f"/api-sleutels/{token.pk}/{suffix}" if suffix else "/api-sleutels/"


# The REST API (api/) answers tokens only: a signed-in browser is no caller (401 problem+json for every role);
# the OpenAPI document, its documentation page and the open data are public. Its own tests: tests/api/.
API_TOKEN_ONLY = _all(401)
API_PUBLIC = _all(OK)

# name -> (url builder from the fixtures, expected status per role)
MATRIX: dict[str, tuple[Callable[[dict], str], dict[str, int]]] = {
    "reports:list": (lambda o: "/rapportages/", SIGNED_IN),
    "reports:dashboard": (lambda o: "/rapportages/dashboard/", PROGRAMME_PAGE),
    "reports:dashboard_chart": (lambda o: "/rapportages/dashboard/grafiek/lines.svg", PROGRAMME_PAGE),
    "reports:create": (lambda o: "/rapportages/nieuw/", REPORT_STAFF),
    "reports:detail": (lambda o: report_url(o, "draft_report"), DRAFT_REPORT),
    "reports:detail (issued)": (lambda o: report_url(o, "issued_report"), SIGNED_IN),
    "reports:status": (lambda o: report_url(o, "draft_report", "status/"), DRAFT_REPORT),
    "reports:chart": (lambda o: report_url(o, "draft_report", "grafiek/partners.svg"), DRAFT_REPORT),
    "reports:chart (issued)": (lambda o: report_url(o, "issued_report", "grafiek/lines.svg"), SIGNED_IN),
    "reports:generate": (lambda o: report_url(o, "draft_report", "pdf-maken/"), DRAFT_REPORT_ACTION),
    "reports:issue": (lambda o: report_url(o, "draft_report", "uitgeven/"), DRAFT_REPORT_ACTION),
    "reports:new_version": (lambda o: report_url(o, "draft_report", "nieuwe-versie/"), DRAFT_REPORT_ACTION),
    "reports:export": (lambda o: report_url(o, "draft_report", "xlsx/"), DRAFT_REPORT_ACTION),
    "reports:pdf": (lambda o: report_url(o, "issued_report", "pdf/"), SIGNED_IN),
    "reports:pdf (draft)": (lambda o: report_url(o, "draft_report", "pdf/"), {**_all(NOT_FOUND), "anonymous": LOGIN}),
    "reports:export_status": (lambda o: export_url(o, "status/"), ALL_LINES_EXPORT),
    "reports:export_download": (lambda o: export_url(o), ALL_LINES_EXPORT),
    "reports:export_status (figures)": (lambda o: export_url(o, "status/", "figures_export"), FIGURES_EXPORT),
    "reports:export_download (figures)": (lambda o: export_url(o, "", "figures_export"), FIGURES_EXPORT),
    "reports:statements": (lambda o: "/rapportages/jaaropgaven/", PROGRAMME_PAGE),
    "reports:statement": (lambda o: o["statement"].get_absolute_url(), NXP_STATEMENT),
    "reports:statement_pdf": (lambda o: o["statement"].get_absolute_url() + "pdf/", NXP_STATEMENT),
    "reports:statement_generate": (
        lambda o: o["statement"].get_absolute_url() + "pdf-maken/",
        {**NXP_STATEMENT, "director": 405, "office": 405, "steering": FORBIDDEN, "representative": FORBIDDEN},
    ),
    "home": (lambda o: "/", {**_all(OK), "anonymous": LOGIN}),
    "healthz": (lambda o: "/healthz", _all(OK)),
    "health": (lambda o: "/systeemstatus/", {**_all(FORBIDDEN), "anonymous": LOGIN, "director": OK, "office": OK}),
    "ping": (lambda o: "/ping", {**_all(204), "anonymous": LOGIN}),
    "login": (lambda o: "/accounts/login/", {**_all(LOGIN), "anonymous": OK}),
    "password_reset": (lambda o: "/accounts/password_reset/", _all(OK)),
    "password_change": (lambda o: "/accounts/password_change/", {**_all(OK), "anonymous": LOGIN}),
    "partners:list": (lambda o: "/partners/", PROGRAMME_PAGE),
    "partners:detail": (lambda o: o["nxp"].get_absolute_url(), PROGRAMME_PAGE),
    "partners:agreement": (lambda o: o["agreement"].get_absolute_url(), PROGRAMME_PAGE),
    "actionlines:list": (lambda o: "/actielijnen/", PROGRAMME_PAGE),
    "actionlines:detail": (lambda o: o["talent"].get_absolute_url(), PROGRAMME_PAGE),
    "actionlines:target_edit": (lambda o: "/actielijnen/talent/doelen/2027/", PLAN_DIRECTOR),
    "actionlines:overview": (lambda o: "/actielijnen/overzicht/", PLAN_DIRECTOR),
    "actionlines:plans": (lambda o: "/actielijnen/jaarplan/", PROGRAMME_PAGE),
    "actionlines:plan": (lambda o: plan_url(o, "plan", "draft"), PROGRAMME_PAGE),
    "actionlines:plan_compare": (lambda o: plan_url(o, "plan_compare") + compare_query(o), PROGRAMME_PAGE),
    "actionlines:plan_realisation": (lambda o: plan_url(o, "plan_realisation", "adopted"), PROGRAMME_PAGE),
    "actionlines:plan_pdf": (lambda o: plan_url(o, "plan_pdf", "adopted"), PROGRAMME_PAGE),
    "actionlines:plan_pdf (none made)": (lambda o: plan_url(o, "plan_pdf", "draft"), PLAN_NOT_MADE),
    "actionlines:plan_pdf_status": (lambda o: plan_url(o, "plan_pdf_status", "draft"), PROGRAMME_PAGE),
    "actionlines:plan_pdf_generate": (lambda o: plan_url(o, "plan_pdf_generate", "draft"), PLAN_READER_ACTION),
    "actionlines:plan_xlsx": (lambda o: plan_url(o, "plan_xlsx", "adopted"), PROGRAMME_PAGE),
    "actionlines:plan_edit": (lambda o: plan_url(o, "plan_edit", "draft"), PLAN_DIRECTOR),
    "actionlines:plan_review": (lambda o: plan_url(o, "plan_review", "draft"), PLAN_DIRECTOR),
    "actionlines:plan_back_to_draft": (lambda o: plan_url(o, "plan_back_to_draft", "review"), PLAN_DIRECTOR),
    "actionlines:plan_adopt": (lambda o: plan_url(o, "plan_adopt", "review"), PLAN_DIRECTOR),
    "actionlines:plan_new_version": (lambda o: plan_url(o, "plan_new_version", "adopted"), PLAN_DIRECTOR),
    "actionlines:plan_next_year": (lambda o: plan_url(o, "plan_next_year", "adopted"), PLAN_DIRECTOR),
    "actionlines:activity_create": (lambda o: plan_url(o, "activity_create", "draft", "talent"), PLAN_LINE),
    "actionlines:indicator_create": (lambda o: plan_url(o, "indicator_create", "draft", "talent"), PLAN_LINE),
    "actionlines:activity_edit": (lambda o: plan_url(o, "activity_edit", "activity"), PLAN_LINE),
    "actionlines:activity_delete": (lambda o: plan_url(o, "activity_delete", "activity"), PLAN_LINE),
    "actionlines:pledge_create": (lambda o: plan_url(o, "pledge_create", "activity"), PLAN_LINE),
    "actionlines:pledge_edit": (lambda o: plan_url(o, "pledge_edit", "pledge"), PLAN_LINE),
    "actionlines:pledge_delete": (lambda o: plan_url(o, "pledge_delete", "pledge"), PLAN_LINE),
    "actionlines:milestone_create": (lambda o: plan_url(o, "milestone_create", "activity"), PLAN_LINE),
    "actionlines:milestone_edit": (lambda o: plan_url(o, "milestone_edit", "milestone"), PLAN_LINE),
    "actionlines:milestone_delete": (lambda o: plan_url(o, "milestone_delete", "milestone"), PLAN_LINE),
    "actionlines:milestone_progress": (lambda o: plan_url(o, "milestone_progress", "adopted_milestone"), PLAN_LINE),
    "actionlines:indicator_edit": (lambda o: plan_url(o, "indicator_edit", "indicator"), PLAN_LINE),
    "actionlines:indicator_delete": (lambda o: plan_url(o, "indicator_delete", "indicator"), PLAN_LINE),
    "actionlines:indicator_targets": (lambda o: plan_url(o, "indicator_targets", "indicator"), PLAN_LINE),
    "reports:indicator_chart": (lambda o: indicator_chart_url(o), PROGRAMME_PAGE),
    "actionlines:indicator_actual": (lambda o: plan_url(o, "indicator_actual", "adopted_indicator"), PLAN_LINE),
    "actionlines:comment_create": (lambda o: plan_url(o, "comment_create", "review_activity"), PLAN_COMMENT),
    "actionlines:comment_resolve": (lambda o: plan_url(o, "comment_resolve", "comment"), PLAN_DIRECTOR),
    # Sign-in (accounts): a signed-in, verified user is sent on from the two-factor steps.
    "accounts:verify": (lambda o: "/accounts/tweestapsverificatie/", _all(LOGIN)),
    "accounts:setup": (lambda o: "/accounts/tweestapsverificatie/instellen/", _all(LOGIN)),
    "accounts:recovery_codes": (
        lambda o: "/accounts/tweestapsverificatie/herstelcodes/",
        {**_all(OK), "anonymous": LOGIN},
    ),
    "accounts:recovery_codes_new": (lambda o: "/accounts/tweestapsverificatie/herstelcodes/nieuw/", _all(405)),
    "accounts:security": (lambda o: "/accounts/beveiliging/", {**_all(OK), "anonymous": LOGIN}),
    "audit:log": (lambda o: "/audit/", {**_all(FORBIDDEN), "anonymous": LOGIN, "director": OK}),
    "admin_login": (lambda o: "/admin/login/", _all(LOGIN)),
    # Contributions (see contributions/permissions.py): `draft`, `submitted`, `approved` are NXP's items,
    # `evidence` is a file of the draft; `representative` acts for NXP, `other_representative` for ASMPT.
    "contributions:list": (lambda o: "/bijdragen/", PROGRAMME_PAGE),
    "contributions:create": (lambda o: "/bijdragen/nieuw/", CONTRIBUTION_LOGGING),
    "contributions:detail": (lambda o: f"/bijdragen/{o['draft'].pk}/", DRAFT_READ),
    "contributions:detail (submitted)": (lambda o: f"/bijdragen/{o['submitted'].pk}/", SUBMITTED_READ),
    "contributions:detail (approved)": (lambda o: f"/bijdragen/{o['approved'].pk}/", SUBMITTED_READ),
    "contributions:edit": (lambda o: f"/bijdragen/{o['draft'].pk}/wijzigen/", DRAFT_CHANGE),
    "contributions:edit (approved)": (lambda o: f"/bijdragen/{o['approved'].pk}/wijzigen/", LOCKED_CHANGE),
    "contributions:delete": (lambda o: f"/bijdragen/{o['draft'].pk}/verwijderen/", DRAFT_CHANGE),
    "contributions:delete (submitted)": (lambda o: f"/bijdragen/{o['submitted'].pk}/verwijderen/", LOCKED_CHANGE),
    "contributions:evidence_add": (lambda o: f"/bijdragen/{o['draft'].pk}/bewijs/", DRAFT_CHANGE),
    "contributions:evidence": (lambda o: f"/bijdragen/bewijs/{o['evidence'].pk}/", DRAFT_READ),
    "contributions:evidence_delete": (lambda o: f"/bijdragen/bewijs/{o['evidence'].pk}/verwijderen/", DRAFT_CHANGE),
    "contributions:periods": (lambda o: "/bijdragen/periodes/", PROGRAMME_PAGE),
    "contributions:period": (lambda o: o["period"].get_absolute_url(), PROGRAMME_PAGE),
    "contributions:period_submit": (lambda o: f"/bijdragen/periodes/{o['period'].pk}/indienen/", CONTRIBUTION_LOGGING),
    "contributions:period_close": (lambda o: f"/bijdragen/periodes/{o['period'].pk}/sluiten/", REVIEWERS_ONLY),
    "contributions:queue": (lambda o: "/bijdragen/beoordelen/", REVIEWERS_ONLY),
    # Approving is a POST: a GET tells the reviewers so (405); everyone else is refused first.
    "contributions:approve": (lambda o: f"/bijdragen/{o['submitted'].pk}/goedkeuren/", {**REVIEW_ACTION, **STAFF_405}),
    "contributions:return": (lambda o: f"/bijdragen/{o['submitted'].pk}/terugsturen/", REVIEW_ACTION),
    "contributions:reopen": (lambda o: f"/bijdragen/{o['approved'].pk}/heropenen/", REVIEW_ACTION),
    # Import and export: representatives import for their own partner; the export follows the list page.
    "contributions:import": (lambda o: "/bijdragen/importeren/", CONTRIBUTION_LOGGING),
    # An import belongs to the representative who uploaded it: anyone else is not told it exists.
    "contributions:import_job": (lambda o: import_job_url(o), IMPORT_OWNER),
    "contributions:import_job_progress": (lambda o: import_job_url(o, "voortgang/"), IMPORT_OWNER),
    "contributions:import_template": (lambda o: "/bijdragen/importeren/sjabloon.xlsx", PROGRAMME_PAGE),
    "contributions:import_template (csv)": (lambda o: "/bijdragen/importeren/sjabloon.csv", PROGRAMME_PAGE),
    "contributions:export": (lambda o: "/bijdragen/exporteren/", PROGRAMME_PAGE),
    "contributions:export (csv)": (lambda o: "/bijdragen/exporteren/?format=csv", PROGRAMME_PAGE),
    # Reminders: everyone signed in has their own list and settings; a reminder is its recipient's only;
    # the calendar feed opens with its secret token alone; the lead times are the programme staff's.
    "reminders:list": (lambda o: "/herinneringen/", {**_all(OK), "anonymous": LOGIN}),
    "reminders:open": (reminder_url, {**_all(NOT_FOUND), "anonymous": LOGIN, "representative": 302}),
    "reminders:mark_read": (lambda o: reminder_url(o, "reminders:mark_read"), {**_all(405), "anonymous": LOGIN}),
    "reminders:mark_all_read": (lambda o: "/herinneringen/alles-gelezen/", {**_all(405), "anonymous": LOGIN}),
    "reminders:preferences": (lambda o: "/herinneringen/instellingen/", {**_all(OK), "anonymous": LOGIN}),
    "reminders:calendar_renew": (
        lambda o: "/herinneringen/instellingen/agenda-vernieuwen/",
        {**_all(405), "anonymous": LOGIN},
    ),
    "reminders:calendar": (calendar_url, _all(OK)),
    "governance:meetings": (lambda o: "/regiegroep/", GOVERNANCE_READ),
    "governance:decisions": (lambda o: "/regiegroep/besluiten/", GOVERNANCE_READ),
    "governance:meeting": (lambda o: meeting_url(o), GOVERNANCE_READ),
    "governance:meeting_edit": (lambda o: meeting_url(o, "wijzigen/"), GOVERNANCE_STAFF),
    "governance:agenda_item_add": (lambda o: meeting_url(o, "agendapunt/"), GOVERNANCE_STAFF_POST),
    "governance:document_add": (lambda o: meeting_url(o, "document/"), GOVERNANCE_STAFF_POST),
    "governance:comment_add": (lambda o: meeting_url(o, "opmerking/"), GOVERNANCE_COMMENT),
    "governance:minutes_save": (lambda o: meeting_url(o, "notulen/"), GOVERNANCE_STAFF_POST),
    "governance:minutes_confirm": (lambda o: meeting_url(o, "notulen/vaststellen/"), GOVERNANCE_STAFF_POST),
    "governance:decision_add": (lambda o: meeting_url(o, "besluit/"), GOVERNANCE_STAFF_POST),
    "governance:risks": (lambda o: "/regiegroep/risicos/", PROGRAMME_PAGE),
    "governance:risk": (lambda o: o["risk"].get_absolute_url(), PROGRAMME_PAGE),
    "governance:risk_review": (lambda o: o["risk"].get_absolute_url() + "beoordelen/", RISK_REVIEWERS_POST),
    "governance:measure_add": (lambda o: o["risk"].get_absolute_url() + "maatregel/", RISK_REVIEWERS_POST),
    "governance:measure_done": (
        lambda o: f"/regiegroep/risicos/maatregelen/{o['measure'].pk}/gedaan/",
        RISK_REVIEWERS_POST,
    ),
    "governance:budget": (lambda o: "/regiegroep/begroting/?jaar=2026", GOVERNANCE_READ),
    "governance:budget_line_set": (lambda o: "/regiegroep/begroting/regel/", GOVERNANCE_STAFF_POST),
    "governance:spending_add": (lambda o: "/regiegroep/begroting/uitgave/", GOVERNANCE_STAFF_POST),
    "governance:document": (lambda o: f"/regiegroep/documenten/{o['meeting_document'].pk}/", GOVERNANCE_READ),
    "reminders:lead_times": (
        lambda o: "/herinneringen/termijnen/",
        {**_all(FORBIDDEN), "anonymous": LOGIN, "director": OK, "office": OK},
    ),
    "api:openapi": (lambda o: "/api/v1/openapi.json", API_PUBLIC),
    "api:docs": (lambda o: "/api/v1/docs", API_PUBLIC),
    "api:open_data": (lambda o: "/api/v1/open-data/figures", API_PUBLIC),
    "api:open_data_csv": (lambda o: "/api/v1/open-data/figures.csv", API_PUBLIC),
    "api:contributions": (lambda o: "/api/v1/contributions", API_TOKEN_ONLY),
    "api:contribution": (lambda o: f"/api/v1/contributions/{o['draft'].pk}", API_TOKEN_ONLY),
    "api:evidence": (lambda o: f"/api/v1/contributions/{o['draft'].pk}/evidence", API_TOKEN_ONLY),
    "api:period_submissions": (lambda o: "/api/v1/period-submissions", API_TOKEN_ONLY),
    "api:reporting_periods": (lambda o: "/api/v1/reporting-periods", API_TOKEN_ONLY),
    "api:action_lines": (lambda o: "/api/v1/action-lines", API_TOKEN_ONLY),
    "api:partners": (lambda o: "/api/v1/partners", API_TOKEN_ONLY),
    "api:agreement_current": (lambda o: "/api/v1/agreements/current", API_TOKEN_ONLY),
    "api:activities": (lambda o: "/api/v1/activities", API_TOKEN_ONLY),
    "api:reports": (lambda o: "/api/v1/reports", API_TOKEN_ONLY),
    "api:report": (lambda o: f"/api/v1/reports/{o['issued_report'].pk}", API_TOKEN_ONLY),
    "api:report_pdf": (lambda o: f"/api/v1/reports/{o['issued_report'].pk}/pdf", API_TOKEN_ONLY),
    "api:figures": (lambda o: "/api/v1/figures", API_TOKEN_ONLY),
    # API tokens: the programme office and the director issue, list and revoke them (revoking is a POST).
    "api_tokens:tokens": (lambda o: api_token_url(o), REPORT_STAFF),
    "api_tokens:token_revoke": (lambda o: api_token_url(o, "intrekken/"), {**_all(405), "anonymous": LOGIN}),
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if ns == "admin:":
                names.add("admin:")
                continue
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_pattern_is_in_the_matrix():
    # "name (variant)" entries check the same URL name on another object (e.g. an approved item).
    missing = _names(get_resolver()) - {name.split(" (")[0] for name in MATRIX} - EXEMPT
    assert not missing, f"add these URL names to tests/test_access_matrix.py: {sorted(missing)}"


@pytest.fixture
def personas(programme, nxp, asmpt) -> dict:
    from actionlines.models import ActionLine

    return {
        "anonymous": None,
        "director": UserFactory(username="m-director", role=Role.DIRECTOR),
        "office": UserFactory(username="m-office", role=Role.OFFICE),
        "steering": UserFactory(username="m-steering", role=Role.STEERING),
        "representative": UserFactory(username="m-rep", partner=nxp),
        "other_representative": UserFactory(username="m-other", partner=asmpt),
        "lead": UserFactory(username="m-lead", leads=ActionLine.objects.get(code="talent")),
        "observer": UserFactory(username="m-observer", role=Role.OBSERVER),
    }


@pytest.fixture
def objects(programme) -> dict:
    from django.core.files.base import ContentFile

    from actionlines.models import ActionLine
    from contributions.models import Evidence, ReportingPeriod
    from partners.models import Agreement
    from tests.factories import ContributionFactory

    nxp = programme["nxp"]
    draft = ContributionFactory(partner=nxp)
    evidence = Evidence(
        contribution=draft,
        original_name="uren.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=draft.created_by,
    )
    evidence.file.save("uren.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return {
        **governance_objects(programme),
        **report_objects(programme),
        "nxp": nxp,
        "agreement": Agreement.objects.get(),
        "talent": ActionLine.objects.get(code="talent"),
        "draft": draft,
        "submitted": ContributionFactory(partner=nxp, submitted=True),
        "approved": ContributionFactory(partner=nxp, approved=True),
        "evidence": evidence,
        "period": ReportingPeriod.objects.get(name="2026-K4"),
    }


def governance_objects(programme) -> dict:
    """A planned meeting with draft minutes (so every form of its page shows) and a document."""
    from datetime import date

    from django.core.files.base import ContentFile

    from actionlines.models import ActionLine
    from governance.models import MeetingDocument, Risk, RiskMeasure
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(minutes="Concept-notulen.")
    document = MeetingDocument(
        meeting=meeting,
        original_name="voorstel.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=meeting.created_by,
    )
    document.file.save("voorstel.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    risk = Risk.objects.create(
        action_line=ActionLine.objects.get(code="talent"),
        title="Te weinig instroom",
        cause="Krapte.",
        effect="Geen groei.",
        likelihood=4,
        impact=3,
        owner=UserFactory(username="m-risk-owner", partner=programme["asmpt"]),
        reviewed_on=date(2026, 2, 1),
    )
    measure = RiskMeasure.objects.create(risk=risk, description="Techniekweek", due_on=date(2026, 5, 1))
    return {"meeting": meeting, "meeting_document": document, "risk": risk, "measure": measure}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_allowed_status(client, personas, objects, name):
    build, expected = MATRIX[name]
    url = build(objects)
    got = {}
    for role in ROLES:
        client.logout()
        if personas[role] is not None:
            client.force_login(personas[role])
        got[role] = client.get(url).status_code
    assert got == expected, url


@pytest.mark.django_db
def test_admin_is_for_programme_staff(client, personas):
    for role, status in {"anonymous": 302, "representative": 302, "observer": 302}.items():
        client.logout()
        if personas[role]:
            client.force_login(personas[role])
        assert client.get("/admin/").status_code == status, role
