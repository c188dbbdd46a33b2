"""The audit trail: who did what, when and from where — recorded where it happens, read by the director."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from audit.models import Action, AuditEvent
from audit.services import audit_record
from lifeport.lib.proxies import client_address
from partners.models import Role
from partners.permissions import (
    ACT_FOR_PARTNER,
    assign_role,
    grant_partner_representative,
    remove_role,
    revoke_partner_representative,
)
from tests.conftest import LifeportClient
from tests.factories import PASSWORD, ContributionFactory, DecisionFactory, UserFactory

ADDRESS = "203.0.113.9"


def _events(action: str):
    return AuditEvent.objects.filter(action=action)


# --- sign-in ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_ins_failures_and_lock_outs_are_recorded_with_the_address(nxp_rep):
    client = Client()
    client.post("/accounts/login/", {"username": "rep-nxp", "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    signed_in = _events(Action.SIGN_IN).get()
    assert (signed_in.actor, signed_in.ip_address) == (nxp_rep, ADDRESS)

    for attempt in range(5):
        Client().post("/accounts/login/", {"username": "rep-nxp", "password": f"x{attempt}"}, REMOTE_ADDR=ADDRESS)
    failed = _events(Action.SIGN_IN_FAILED)
    assert failed.count() == 5
    assert {e.actor_name for e in failed} == {"rep-nxp"}
    assert {e.ip_address for e in failed} == {ADDRESS}
    assert all("password" not in e.details for e in failed)
    assert _events(Action.LOCKED_OUT).get().details == {"username": "rep-nxp"}


@pytest.mark.django_db
def test_signing_out_is_recorded(client, nxp_rep):
    client.force_login(nxp_rep)
    client.post("/accounts/logout/")
    assert _events(Action.SIGN_OUT).get().actor == nxp_rep


# --- roles and permissions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_role_and_partner_grants_and_revokes_name_who_did_it(programme, nxp, director):
    user = UserFactory(username="new-rep")
    grant_partner_representative(user=user, partner=nxp, acting_user=director)
    assert _events(Action.ROLE_GRANTED).get(target_id=str(user.pk)).details == {"role": Role.REPRESENTATIVE.value}
    granted = _events(Action.PERMISSION_GRANTED).get()
    assert (granted.actor, granted.target_repr) == (director, str(nxp))
    assert granted.details == {"user": "new-rep", "permission": ACT_FOR_PARTNER}

    grant_partner_representative(user=user, partner=nxp, acting_user=director)  # already so: nothing new
    assert _events(Action.PERMISSION_GRANTED).count() == 1

    revoke_partner_representative(user=user, partner=nxp, acting_user=director)
    remove_role(user=user, role=Role.REPRESENTATIVE, acting_user=director)
    assert _events(Action.PERMISSION_REVOKED).get().details["user"] == "new-rep"
    assert _events(Action.ROLE_REVOKED).get(target_id=str(user.pk)).actor == director


@pytest.mark.django_db
def test_role_changes_in_the_admin_are_recorded(programme):
    keeper = UserFactory(username="keeper", is_staff=True, is_superuser=True)
    target = UserFactory(username="target")
    assign_role(user=target, role=Role.OBSERVER)
    client = LifeportClient()
    client.force_login(keeper)
    page = client.get(f"/admin/auth/user/{target.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"groups", "user_permissions"}}
    data.update(
        {
            "groups": [Group.objects.get(name=Role.DIRECTOR).pk],
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    data.pop("is_superuser", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/auth/user/{target.pk}/change/", data, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _events(Action.ROLE_GRANTED).filter(actor=keeper).get().details == {"role": Role.DIRECTOR.value}
    assert _events(Action.ROLE_REVOKED).filter(actor=keeper).get().details == {"role": Role.OBSERVER.value}
    changed = _events(Action.ACCOUNT_CHANGED).get()
    assert changed.details == {"is_staff": True}
    assert changed.ip_address == ADDRESS


@pytest.mark.django_db
def test_object_permissions_granted_on_the_admin_permissions_page_are_recorded(programme, nxp):
    keeper = UserFactory(username="keeper", is_staff=True, is_superuser=True)
    rep = UserFactory(username="someone")
    client = LifeportClient()
    client.force_login(keeper)
    url = f"/admin/partners/partner/{nxp.pk}/permissions/user-manage/{rep.pk}/"
    assert client.post(url, {"permissions": ["act_for_partner"]}).status_code == 302
    granted = _events(Action.PERMISSION_GRANTED).filter(actor=keeper).get()
    assert granted.details == {"user": "someone", "permission": "partners.act_for_partner"}
    # Unticking every box (the form then posts only its submit button).
    assert client.post(url, {"submit_manage_user": "1"}).status_code == 302
    assert _events(Action.PERMISSION_REVOKED).filter(actor=keeper).count() == 1


# --- reviews ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_returning_and_reopening_are_recorded_with_the_reviewer_and_address(client, nxp, director):
    first = ContributionFactory(partner=nxp, submitted=True)
    second = ContributionFactory(partner=nxp, submitted=True)
    client.force_login(director)
    client.post(f"/bijdragen/{first.pk}/goedkeuren/", REMOTE_ADDR=ADDRESS)
    client.post(f"/bijdragen/{second.pk}/terugsturen/", {"comment": "Urenstaat ontbreekt."}, REMOTE_ADDR=ADDRESS)
    client.post(f"/bijdragen/{first.pk}/heropenen/", {"comment": "Verkeerd uurtarief."}, REMOTE_ADDR=ADDRESS)
    approved, returned, reopened = (_events(a).get() for a in (Action.APPROVED, Action.RETURNED, Action.REOPENED))
    assert (approved.actor, approved.target_id, approved.ip_address) == (director, str(first.pk), ADDRESS)
    assert returned.target_id == str(second.pk)
    assert reopened.details == {"reason": "Verkeerd uurtarief."}


# --- the function and the page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_action_is_refused(director):
    with pytest.raises(ValueError):
        audit_record(actor=director, action="approved_twice")


def test_behind_our_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(request) == "198.51.100.20"  # the forged left-most entry is ignored
    # Two of our proxies in a row: the first address that is not ours is the client.
    chained = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20, 10.0.0.3")
    assert client_address(chained) == "198.51.100.20"
    # A peer that is not our proxy is the client, whatever it forwards.
    assert client_address(rf.get("/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="10.0.0.2")) == "192.0.2.5"
    assert client_address(rf.get("/", REMOTE_ADDR="not an address")) is None


@pytest.mark.django_db
def test_a_forged_forwarded_header_from_an_untrusted_peer_is_not_what_the_audit_row_records(nxp_rep, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2/32"]
    login = {"username": "rep-nxp", "password": PASSWORD}
    Client().post("/accounts/login/", login, REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="10.9.9.9")
    Client().post("/accounts/login/", login, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")
    assert [e.ip_address for e in _events(Action.SIGN_IN).order_by("id")] == [ADDRESS, "198.51.100.20"]


@pytest.mark.django_db
def test_a_client_cannot_claim_https_with_a_forwarded_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    # Straight from a client: its X-Forwarded-Proto is dropped, so it is redirected to HTTPS.
    response = client.get("/accounts/login/", REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    settings.TRUSTED_PROXIES = ["10.0.0.2/32"]
    assert client.get("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.django_db
def test_only_the_director_reads_the_audit_trail(client, director, office, steering, nxp_rep):
    for user, status in [(director, 200), (office, 403), (steering, 403), (nxp_rep, 403)]:
        client.force_login(user)
        assert client.get("/audit/").status_code == status, user


@pytest.mark.django_db
def test_the_director_filters_and_pages_through_the_trail_newest_first(
    client, director, nxp_rep, django_assert_max_num_queries
):
    for n in range(120):
        audit_record(actor=nxp_rep, action=Action.EXPORTED, details={"n": n})
    audit_record(actor=director, action=Action.APPROVED)
    client.force_login(director)
    with django_assert_max_num_queries(12):
        first = client.get("/audit/", {"action": "exported"})
    events = first.context["page"].events
    assert len(events) == 50
    assert events[0].details == {"n": 119}
    assert all(e.action == Action.EXPORTED for e in events)
    second = client.get("/audit/", {"action": "exported", "before": first.context["page"].next_before})
    assert second.context["page"].events[0].details == {"n": 69}
    third = client.get("/audit/", {"action": "exported", "before": second.context["page"].next_before})
    assert [e.details["n"] for e in third.context["page"].events] == list(range(19, -1, -1))
    assert third.context["page"].next_before is None
    assert 'rel="next"' in second.content.decode() and 'rel="next"' not in third.content.decode()

    by_who = client.get("/audit/", {"who": "director"})
    assert {e.actor_name for e in by_who.context["page"].events} == {"director"}


@pytest.mark.django_db
def test_bad_filters_show_a_message_not_an_error(client, director):
    client.force_login(director)
    response = client.get("/audit/", {"since": "2026-13-45", "before": "-3", "action": "<script>"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"since", "before", "action"}


# --- issued reports, adopted plans, exports and imports ---------------------------------------------------


@pytest.mark.django_db
def test_issuing_a_report_and_exporting_it_are_recorded(client, programme, director):
    from tests.reports.conftest import ready_report

    report = ready_report(director=director)
    decision = DecisionFactory(report=report)
    client.force_login(director)
    response = client.post(f"/rapportages/{report.pk}/uitgeven/", {"issue-decision": decision.pk}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    issued = _events(Action.REPORT_ISSUED).get()
    assert (issued.actor, issued.target_id, issued.ip_address) == (director, str(report.pk), ADDRESS)
    report.refresh_from_db()
    assert issued.details == {"sha256": report.pdf_sha256, "decision": decision.number}
    client.post(f"/rapportages/{report.pk}/xlsx/", REMOTE_ADDR=ADDRESS)
    exported = _events(Action.EXPORTED).get()
    assert (exported.target_id, exported.ip_address, exported.details["format"]) == (str(report.pk), ADDRESS, "xlsx")


@pytest.mark.django_db
def test_adopting_the_annual_plan_is_recorded(programme, director):
    from datetime import date

    from actionlines.models import ActionLine
    from actionlines.services import activity_create, plan_adopt, plan_send_for_review, plan_start

    plan = plan_start(year=2026, acting_user=director)
    activity_create(
        plan=plan,
        acting_user=director,
        action_line=ActionLine.objects.get(code="talent"),
        title="Gastlessen",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 11, 30),
    )
    plan_send_for_review(plan=plan, acting_user=director)
    plan_adopt(plan=plan, acting_user=director, decision=DecisionFactory(plan=plan))
    assert _events(Action.PLAN_ADOPTED).get().target_id == str(plan.pk)


@pytest.mark.django_db
def test_exporting_the_contribution_list_is_recorded_with_its_filters(client, nxp, nxp_rep):
    client.force_login(nxp_rep)
    response = client.get("/bijdragen/exporteren/", {"format": "csv", "partner": "nxp"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    exported = _events(Action.EXPORTED).get()
    assert exported.actor == nxp_rep and exported.ip_address == ADDRESS
    assert exported.details == {"what": "contributions", "format": "csv", "filters": {"partner": nxp.pk}}


@pytest.mark.django_db
def test_the_export_row_records_the_filters_applied_not_those_asked_for(client, nxp, nxp_rep):
    client.force_login(nxp_rep)
    asked = {"format": "csv", "status": "no-such-status", "q": "x" * 5000, "admin": "1"}
    assert client.get("/bijdragen/exporteren/", asked).status_code == 200
    filters = _events(Action.EXPORTED).get().details["filters"]
    # The invalid and unknown ones were not applied; the representative's own partner was.
    assert filters == {"partner": nxp.pk}


@pytest.mark.django_db
def test_an_import_that_saves_rows_is_recorded_and_a_preview_is_not(nxp, nxp_rep):
    import time_machine
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contributions.imports import contributions_import, import_job_check, import_job_confirm, import_job_create
    from contributions.models import HourlyRate, ImportStatus

    HourlyRate.objects.create(rate="60.00", valid_from="2026-01-01")
    data = b"Actielijn;Soort;Datum;Omschrijving;Uren\nTalent;Uren;05-10-2026;Gastles;4\n"
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        upload = SimpleUploadedFile("uren.csv", data)
        job = import_job_check(job_id=import_job_create(partner=nxp, acting_user=nxp_rep, upload=upload).pk)
        assert not _events(Action.IMPORTED).exists()  # the check, shown as the preview
        import_job_confirm(job=job, acting_user=nxp_rep)
        job = contributions_import(job_id=job.pk)
    assert job.status == ImportStatus.DONE, job.problems
    assert _events(Action.IMPORTED).get().details == {"rows": 1, "file": "uren.csv"}


# --- rights, passwords, accounts, devices and lock-outs: from any path (audit.receivers) ---------------------


def _keeper_client() -> tuple:
    keeper = UserFactory(username="keeper", is_staff=True, is_superuser=True)
    client = LifeportClient()
    client.force_login(keeper)
    return keeper, client


@pytest.mark.django_db
def test_rights_changed_in_a_shell_past_every_helper_are_recorded(programme):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="quiet")
    group = Group.objects.get(name=Role.OBSERVER)
    change_user = Permission.objects.get(codename="change_user")
    group.permissions.add(change_user)
    user.user_permissions.add(change_user)
    user.groups.add(group)
    group.user_set.remove(user)
    user.user_permissions.clear()
    rows = [
        (e.action, e.target_repr, e.details)
        for e in AuditEvent.objects.order_by("id")
        if e.action != "password_changed"
    ]
    assert rows == [
        (Action.PERMISSION_GRANTED, str(group), {"permission": "auth.change_user"}),
        (Action.PERMISSION_GRANTED, "quiet", {"permission": "auth.change_user"}),
        (Action.ROLE_GRANTED, "quiet", {"role": Role.OBSERVER.value}),
        (Action.ROLE_REVOKED, "quiet", {"role": Role.OBSERVER.value}),
        (Action.PERMISSION_REVOKED, "quiet", {"permission": "auth.change_user"}),
    ]
    assert all(e.actor is None for e in AuditEvent.objects.all())


@pytest.mark.django_db
def test_the_admin_giving_a_group_change_user_setting_a_password_and_deleting_a_user_is_recorded(programme):
    from django.contrib.auth.models import Permission

    keeper, client = _keeper_client()
    group = Group.objects.get(name=Role.OBSERVER)
    change_user = Permission.objects.get(codename="change_user")
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": [change_user.pk]}
    )
    assert response.status_code == 302
    granted = _events(Action.PERMISSION_GRANTED).get()
    assert (granted.actor, granted.target_repr, granted.details) == (
        keeper,
        group.name,
        {"permission": "auth.change_user"},
    )

    target = UserFactory(username="target")
    AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).delete()  # the factory's own
    new = "Nieuw-wachtwoord-van-2026"
    response = client.post(
        f"/admin/auth/user/{target.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    changed = _events(Action.PASSWORD_CHANGED).get()
    assert (changed.actor, changed.target_repr, changed.ip_address) == (keeper, "target", ADDRESS)

    assert client.post(f"/admin/auth/user/{target.pk}/delete/", {"post": "yes"}).status_code == 302
    deleted = _events(Action.USER_DELETED).get()
    assert (deleted.actor, deleted.target_id, deleted.details) == (keeper, str(target.pk), {"username": "target"})


@pytest.mark.django_db
def test_the_totp_admin_shows_no_key_or_recovery_code_and_deleting_a_device_is_recorded(director):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=director, name="app", confirmed=True)
    codes = StaticDevice.objects.create(user=director, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=codes, token="abcd2345")
    keeper, client = _keeper_client()
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page and "qrcode" not in page.lower()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert "abcd2345" not in client.get(f"/admin/otp_static/staticdevice/{codes.pk}/change/").content.decode()

    assert client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 302
    removed = _events(Action.TWO_FACTOR_REMOVED).get()
    assert (removed.actor, removed.target_id, removed.details["device"]) == (keeper, str(director.pk), "totp")


@pytest.mark.django_db
def test_deleting_an_axes_lock_out_in_the_admin_is_recorded(nxp_rep):
    from axes.models import AccessAttempt

    for attempt in range(5):
        Client().post("/accounts/login/", {"username": "rep-nxp", "password": f"x{attempt}"}, REMOTE_ADDR=ADDRESS)
    lock = AccessAttempt.objects.get()
    keeper, client = _keeper_client()
    assert client.post(f"/admin/axes/accessattempt/{lock.pk}/delete/", {"post": "yes"}).status_code == 302
    lifted = _events(Action.LOCK_OUT_RESET).get()
    assert (lifted.actor, lifted.details) == (keeper, {"username": "rep-nxp", "address": ADDRESS})
    login = {"username": "rep-nxp", "password": PASSWORD}
    assert Client().post("/accounts/login/", login, REMOTE_ADDR=ADDRESS).status_code == 302


# --- the app's own events -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_evidence_upload_download_and_delete_are_recorded(client, nxp, nxp_rep):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contributions.models import Evidence
    from tests.contributions.conftest import tiny_pdf

    item = ContributionFactory(partner=nxp, created_by=nxp_rep)
    client.force_login(nxp_rep)
    upload = SimpleUploadedFile("factuur.pdf", tiny_pdf(), content_type="application/pdf")
    assert client.post(f"/bijdragen/{item.pk}/bewijs/", {"file": upload}, REMOTE_ADDR=ADDRESS).status_code == 302
    added = _events(Action.EVIDENCE_ADDED).get()
    assert (added.actor, added.target_id, added.details["file"]) == (nxp_rep, str(item.pk), "factuur.pdf")
    evidence = Evidence.objects.get()
    assert client.get(f"/bijdragen/bewijs/{evidence.pk}/", REMOTE_ADDR=ADDRESS).status_code == 200
    downloaded = _events(Action.DOWNLOADED).get()
    assert (downloaded.actor, downloaded.ip_address, downloaded.details) == (nxp_rep, ADDRESS, {"file": "factuur.pdf"})
    from contributions.services import evidence_delete

    evidence_delete(evidence=evidence, acting_user=nxp_rep)
    assert _events(Action.EVIDENCE_DELETED).get().details == {"file": "factuur.pdf"}


@pytest.mark.django_db
def test_closing_a_period_plan_review_steps_lead_times_and_a_new_calendar_address_are_recorded(
    client, programme, director, office, nxp_rep
):
    from datetime import date

    import time_machine

    from actionlines.models import ActionLine
    from actionlines.services import activity_create, plan_back_to_draft, plan_send_for_review, plan_start
    from contributions.models import ReportingPeriod
    from contributions.services import period_close
    from reminders.models import LeadTimes, Preference

    period = ReportingPeriod.objects.get(name="2026-K1")
    with time_machine.travel("2026-05-01 10:00:00+02:00", tick=False):
        period_close(period=period, acting_user=director)
    assert _events(Action.PERIOD_CLOSED).get().target_id == str(period.pk)

    plan = plan_start(year=2026, acting_user=director)
    activity_create(
        plan=plan,
        acting_user=director,
        action_line=ActionLine.objects.get(code="talent"),
        title="Gastlessen",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 11, 30),
    )
    plan_send_for_review(plan=plan, acting_user=director)
    plan_back_to_draft(plan=plan, acting_user=director)
    assert _events(Action.PLAN_SENT_FOR_REVIEW).get().actor == director
    assert _events(Action.PLAN_BACK_TO_DRAFT).get().actor == director

    client.force_login(office)
    form = {f.name: getattr(LeadTimes.current(), f.name) for f in LeadTimes._meta.concrete_fields if not f.primary_key}
    form["returned_days"] = 4
    assert client.post("/herinneringen/termijnen/", form).status_code == 302
    changed = _events(Action.LEAD_TIMES_CHANGED).get()
    assert changed.actor == office and changed.details["returned_days"] == 4

    client.force_login(nxp_rep)
    assert client.post("/herinneringen/instellingen/agenda-vernieuwen/").status_code == 302
    renewed = _events(Action.CALENDAR_TOKEN_RENEWED).get()
    token = Preference.objects.get(user=nxp_rep).calendar_token
    assert renewed.actor == nxp_rep and token not in str(renewed.details)


@pytest.mark.django_db
def test_confirming_a_year_statement_and_downloading_its_pdf_are_recorded(client, programme, director, nxp, nxp_rep):
    from decimal import Decimal

    from reports import services

    ContributionFactory(partner=nxp, approved=True, hours=Decimal(10))
    statement = next(s for s in services.statements_create(year=2026, acting_user=director) if s.partner_id == nxp.pk)
    services.statement_render(statement_id=statement.pk)
    statement.refresh_from_db()
    services.statement_confirm(statement=statement, acting_user=nxp_rep)
    confirmed = _events(Action.STATEMENT_CONFIRMED).get()
    assert (confirmed.actor, confirmed.target_id, confirmed.details["year"]) == (nxp_rep, str(statement.pk), 2026)
    client.force_login(nxp_rep)
    from django.urls import reverse

    assert client.get(reverse("reports:statement_pdf", args=[statement.pk])).status_code == 200
    downloaded = _events(Action.DOWNLOADED).get()
    assert (downloaded.actor, downloaded.target_id) == (nxp_rep, str(statement.pk))
