"""The contribution pages as a user meets them: lists, forms, evidence, period submission and the review queue."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actionlines.models import ActionLine
from contributions.models import Contribution, Evidence, Kind, ReportingPeriod, Status
from contributions.services import MAX_EVIDENCE_BYTES, contribution_create, evidence_add, period_submit
from partners.permissions import grant_partner_representative
from tests.conftest import stored_files
from tests.contributions.conftest import EXE, tiny_pdf
from tests.factories import ContributionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nov28", "rate")]

NBSP = "\u00a0"


def text(response) -> str:
    """The page's visible text, tags stripped and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ").strip()


def totals_row(response, status: str) -> list[str]:
    """The cells of one status row of the totals table."""
    html = response.content.decode()
    row = re.search(rf'<tr class="utrecht-table__row" data-status="{status}">(.*?)</tr>', html, re.S).group(1)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]


def talent() -> ActionLine:
    return ActionLine.objects.get(code="talent")


def log(partner, user, **fields) -> Contribution:
    values = {
        "action_line": talent(),
        "kind": Kind.STAFF_HOURS,
        "date": date(2026, 10, 5),
        "description": "Gastles op het ROC",
        "hours": Decimal("12"),
        **fields,
    }
    return contribution_create(partner=partner, acting_user=user, **values)


def form_data(**overrides) -> dict:
    """What the form posts (the partner field is hidden for a representative of one partner: NXP here)."""
    return {
        "partner": "",
        "action_line": str(talent().pk),
        "kind": Kind.STAFF_HOURS,
        "date": "2026-11-20",
        "description": "Gastles Talent",
        "hours": "12",
        "amount": "",
        "funder": "",
        "budget_code": "",
        **overrides,
    }


# --- the representative's list -----------------------------------------------------------------------


def test_a_representative_sees_their_partners_items_and_totals_in_dutch(client, nxp, asmpt, nxp_rep, asmpt_rep):
    log(nxp, nxp_rep, hours=Decimal("12"))
    log(nxp, nxp_rep, kind=Kind.MONEY, amount=Decimal("1234.5"), description="Sponsoring hackathon")
    log(asmpt, asmpt_rep, description="Geheim van ASMPT")
    client.force_login(nxp_rep)
    response = client.get(reverse("contributions:list"))
    page = text(response)
    assert "Bijdragen van NXP" in page
    assert "Gastles op het ROC" in page and "Sponsoring hackathon" in page
    assert "Geheim van ASMPT" not in page
    assert totals_row(response, "draft") == ["Concept", "2", "12,00", "€ 720,00", "€ 1.234,50", "€ 1.954,50"]


def test_the_money_is_shown_the_english_way_in_english(client, nxp, nxp_rep):
    log(nxp, nxp_rep, kind=Kind.MONEY, amount=Decimal("1234.5"))
    client.force_login(nxp_rep)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("contributions:list"))
    assert "Contributions of NXP" in text(response)
    assert totals_row(response, "draft") == ["Draft", "1", "0.00", "€0.00", "€1,234.50", "€1,234.50"]
    assert "€1,234.50" in text(client.get(Contribution.objects.get().get_absolute_url()))


def test_the_filters_narrow_the_rows_and_the_totals_alike(client, nxp, nxp_rep):
    log(nxp, nxp_rep, date=date(2026, 2, 2), description="Eerste kwartaal")
    log(nxp, nxp_rep, kind=Kind.FACILITIES, amount=Decimal("500"), description="Cleanroom")
    log(nxp, nxp_rep, action_line=ActionLine.objects.get(code="innovatie"), description="Innovatie-uren")
    client.force_login(nxp_rep)
    k4 = ReportingPeriod.objects.get(name="2026-K4")
    response = client.get(reverse("contributions:list"), {"period": k4.pk, "kind": Kind.STAFF_HOURS})
    page = text(response)
    assert "Innovatie-uren" in page and "Eerste kwartaal" not in page and "Cleanroom" not in page
    assert totals_row(response, "draft")[1:3] == ["1", "12,00"]
    response = client.get(reverse("contributions:list"), {"action_line": talent().pk, "status": "draft"})
    assert "Innovatie-uren" not in text(response) and totals_row(response, "draft")[1] == "2"
    assert totals_row(client.get(reverse("contributions:list"), {"status": "approved"}), "draft")[1] == "0"


def test_bad_filter_values_are_named_not_a_server_error(client, nxp, nxp_rep):
    log(nxp, nxp_rep)
    client.force_login(nxp_rep)
    response = client.get(reverse("contributions:list"), {"period": "9999", "kind": "gold", "after": "nonsense~x"})
    assert response.status_code == 200
    assert "Gastles op het ROC" in text(response)
    assert "Selecteer een geldige keuze" in text(response)


def test_a_representative_of_two_partners_switches_between_them(client, nxp, asmpt, nxp_rep):
    grant_partner_representative(user=nxp_rep, partner=asmpt)
    log(nxp, nxp_rep, description="Voor NXP")
    log(asmpt, nxp_rep, description="Voor ASMPT")
    client.force_login(nxp_rep)
    first = text(client.get(reverse("contributions:list")))
    assert "Bijdragen van ASMPT" in first and "Voor ASMPT" in first and "Voor NXP" not in first  # by name
    switched = text(client.get(reverse("contributions:list"), {"partner": nxp.pk}))
    assert "Bijdragen van NXP" in switched and "Voor NXP" in switched and "Voor ASMPT" not in switched
    assert 'name="partner"' in client.get(reverse("contributions:list")).content.decode()


def test_keyset_pages_walk_forward_and_back_without_gaps_or_repeats(client, nxp, nxp_rep):
    day = date(2026, 1, 1)
    for i in range(120):
        ContributionFactory(partner=nxp, date=day + timedelta(days=i // 3), description=f"Regel {i:03d}")
    client.force_login(nxp_rep)
    url = reverse("contributions:list")
    seen, pages, response = [], [], client.get(url)
    while True:
        rows = re.findall(r"Regel (\d{3})", text(response))
        pages.append(rows)
        seen += rows
        following = re.search(r'href="(\?[^"]*after=[^"]+)"', response.content.decode())
        if not following:
            break
        response = client.get(url + following.group(1).replace("&amp;", "&"))
    assert [len(p) for p in pages] == [50, 50, 20]
    expected = [f"{i:03d}" for i in sorted(range(120), key=lambda i: (day + timedelta(days=i // 3), i), reverse=True)]
    assert seen == expected
    back = re.search(r'href="(\?[^"]*before=[^"]+)"', response.content.decode()).group(1).replace("&amp;", "&")
    assert re.findall(r"Regel (\d{3})", text(client.get(url + back))) == pages[1]


# --- create, edit, delete --------------------------------------------------------------------------------


def test_logging_twelve_hours_at_the_rate_gives_720_euros_and_a_draft(client, nxp, nxp_rep):
    client.force_login(nxp_rep)
    response = client.post(reverse("contributions:create"), form_data(partner=nxp.pk, hours="12,5"))
    item = Contribution.objects.get()
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert (item.partner, item.hours, item.value, item.status, item.period.name) == (
        nxp,
        Decimal("12.5"),
        Decimal("750.00"),
        Status.DRAFT,
        "2026-K4",
    )
    assert "€ 750,00" in text(client.get(item.get_absolute_url()))


def test_a_refused_form_names_the_problem_and_keeps_what_was_typed(client, nxp, nxp_rep):
    client.force_login(nxp_rep)
    data = form_data(partner=nxp.pk, hours="2500", description="Heel veel uren")
    response = client.post(reverse("contributions:create"), data)
    assert response.status_code == 200
    assert "Maximaal 2.000 uur per regel" in text(response)
    assert 'value="2500"' in response.content.decode() and "Heel veel uren" in response.content.decode()
    response = client.post(reverse("contributions:create"), form_data(partner=nxp.pk, date="2027-01-04"))
    assert "De datum kan niet in de toekomst liggen." in text(response)
    assert not Contribution.objects.exists()


def test_a_likely_duplicate_is_saved_with_a_warning(client, nxp, nxp_rep):
    client.force_login(nxp_rep)
    client.post(reverse("contributions:create"), form_data(partner=nxp.pk))
    data = form_data(partner=nxp.pk, description="Zelfde gastles")
    response = client.post(reverse("contributions:create"), data, follow=True)
    assert Contribution.objects.count() == 2
    assert "Dit is misschien dubbel ingevoerd." in text(response)


def test_editing_a_draft_changes_it(client, nxp, nxp_rep):
    item = log(nxp, nxp_rep)
    client.force_login(nxp_rep)
    page = client.get(reverse("contributions:edit", args=[item.pk])).content.decode()
    assert re.search(r'name="version"[^>]* value="1"', page) and 'value="12,00"' in page
    client.post(reverse("contributions:edit", args=[item.pk]), form_data(hours="10", version="1"))
    item.refresh_from_db()
    assert (item.hours, item.value, item.version) == (Decimal("10"), Decimal("600.00"), 2)


def test_a_stale_edit_says_someone_else_changed_it_and_keeps_the_users_input(client, nxp, nxp_rep):
    item = log(nxp, nxp_rep)
    colleague = UserFactory(username="collega", partner=nxp)
    client.force_login(colleague)
    client.post(reverse("contributions:edit", args=[item.pk]), form_data(hours="8", version="1"))
    client.force_login(nxp_rep)
    response = client.post(
        reverse("contributions:edit", args=[item.pk]), form_data(hours="15", description="Mijn versie", version="1")
    )
    page = text(response)
    assert "Iemand anders heeft deze bijdrage gewijzigd sinds u hem opende." in page
    assert "Mijn versie" in response.content.decode() and 'value="15"' in response.content.decode()
    assert re.search(r'name="version"[^>]* value="2"', response.content.decode())
    assert Contribution.objects.get(pk=item.pk).hours == Decimal("8")  # nothing overwritten
    client.post(reverse("contributions:edit", args=[item.pk]), form_data(hours="15", version="2"))
    assert Contribution.objects.get(pk=item.pk).hours == Decimal("15")  # saving again, deliberately


def test_deleting_asks_first_and_then_deletes(client, nxp, nxp_rep):
    item = log(nxp, nxp_rep)
    client.force_login(nxp_rep)
    confirm = client.get(reverse("contributions:delete", args=[item.pk]))
    assert "Deze bijdrage verwijderen?" in text(confirm) and Contribution.objects.exists()
    client.post(reverse("contributions:delete", args=[item.pk]))
    assert not Contribution.objects.exists()


def test_an_approved_item_is_locked_for_its_representative(client, nxp, nxp_rep):
    item = ContributionFactory(partner=nxp, approved=True)
    client.force_login(nxp_rep)
    page = text(client.get(item.get_absolute_url()))
    assert "Goedgekeurde bijdragen liggen vast." in page and "Wijzigen" not in page
    assert client.post(reverse("contributions:edit", args=[item.pk]), form_data(version="1")).status_code == 403
    assert client.post(reverse("contributions:delete", args=[item.pk])).status_code == 403
    assert Contribution.objects.get(pk=item.pk).hours == Decimal("12")


# --- evidence ----------------------------------------------------------------------------------------------


def test_attaching_a_pdf_and_downloading_it_as_an_attachment(client, nxp, nxp_rep):
    item = log(nxp, nxp_rep)
    client.force_login(nxp_rep)
    upload = SimpleUploadedFile("urenstaat oktober.pdf", tiny_pdf(), content_type="text/html")
    response = client.post(reverse("contributions:evidence_add", args=[item.pk]), {"file": upload})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    download = client.get(evidence.get_absolute_url())
    assert download["Content-Type"] == "application/pdf"  # from the content, not what the browser said
    assert download["Content-Disposition"] == 'attachment; filename="urenstaat oktober.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == tiny_pdf()


def test_an_executable_renamed_to_pdf_is_refused_with_a_message(client, nxp, nxp_rep):
    item = log(nxp, nxp_rep)
    client.force_login(nxp_rep)
    upload = SimpleUploadedFile("urenstaat.pdf", EXE, content_type="application/pdf")
    response = client.post(reverse("contributions:evidence_add", args=[item.pk]), {"file": upload})
    assert response.status_code == 200
    assert "Dit soort bestand wordt niet geaccepteerd." in text(response)
    assert not Evidence.objects.exists()


def test_a_file_of_ten_megabytes_and_one_byte_is_refused_while_uploading(client, nxp, nxp_rep, settings):
    item = log(nxp, nxp_rep)
    client.force_login(nxp_rep)
    content = tiny_pdf() + b"\n" * (MAX_EVIDENCE_BYTES + 1 - len(tiny_pdf()))
    response = client.post(
        reverse("contributions:evidence_add", args=[item.pk]), {"file": SimpleUploadedFile("groot.pdf", content)}
    )
    assert response.status_code == 200
    assert "Het bestand is groter dan 10 MB." in text(response)
    assert not Evidence.objects.exists()
    assert stored_files("evidence") == []


def test_another_partners_item_and_file_are_not_found(client, nxp, asmpt_rep, nxp_rep):
    item = log(nxp, nxp_rep)
    evidence = evidence_add(contribution=item, acting_user=nxp_rep, upload=SimpleUploadedFile("a.pdf", tiny_pdf()))
    client.force_login(asmpt_rep)
    for url in (
        item.get_absolute_url(),
        reverse("contributions:edit", args=[item.pk]),
        reverse("contributions:delete", args=[item.pk]),
        reverse("contributions:evidence_add", args=[item.pk]),
        evidence.get_absolute_url(),
        reverse("contributions:evidence_delete", args=[evidence.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert Contribution.objects.filter(pk=item.pk).exists() and Evidence.objects.exists()


# --- submitting a period -----------------------------------------------------------------------------------


def test_submit_period_lists_the_drafts_then_submits_them_all(client, nxp, nxp_rep):
    first = log(nxp, nxp_rep, description="Gastles één")
    log(nxp, nxp_rep, description="Gastles twee", hours=Decimal("3"))
    log(nxp, nxp_rep, description="Ander kwartaal", date=date(2026, 9, 30))
    client.force_login(nxp_rep)
    period_page = text(client.get(first.period.get_absolute_url()))
    assert "Periode indienen (2 bijdragen)" in period_page
    url = reverse("contributions:period_submit", args=[first.period.pk])
    confirm = text(client.get(url))
    assert "Gastles één" in confirm and "Gastles twee" in confirm and "Ander kwartaal" not in confirm
    assert Contribution.objects.filter(status=Status.SUBMITTED).count() == 0
    response = client.post(url, {"partner": nxp.slug}, follow=True)
    assert "2 bijdragen zijn ingediend voor beoordeling." in text(response)
    assert set(Contribution.objects.filter(status=Status.SUBMITTED).values_list("description", flat=True)) == {
        "Gastles één",
        "Gastles twee",
    }


def test_above_the_threshold_the_confirmation_asks_for_evidence_first(client, nxp, nxp_rep):
    big = log(nxp, nxp_rep, kind=Kind.MONEY, amount=Decimal("30000"))
    client.force_login(nxp_rep)
    assert "meer waard dan € 25.000,00" in text(client.get(big.get_absolute_url()))
    url = reverse("contributions:period_submit", args=[big.period.pk])
    page = text(client.get(url))
    assert "Bijdragen van meer dan € 25.000,00 hebben bewijs nodig" in page
    assert "1 bijdrage indienen" not in page  # no confirm button
    response = client.post(url, {"partner": nxp.slug}, follow=True)
    assert "Voeg eerst een bewijsstuk toe aan elke bijdrage boven € 25.000,00" in text(response)
    assert Contribution.objects.get().status == Status.DRAFT


# --- review ------------------------------------------------------------------------------------------------


def test_the_queue_lists_submitted_items_of_all_partners_oldest_first(client, nxp, asmpt, director):
    now = timezone.now()
    ContributionFactory(partner=nxp, submitted=True, submitted_at=now - timedelta(hours=1), description="Later")
    ContributionFactory(partner=asmpt, submitted=True, submitted_at=now - timedelta(days=2), description="Eerder")
    ContributionFactory(partner=nxp, description="Nog een concept")
    client.force_login(director)
    page = text(client.get(reverse("contributions:queue")))
    assert page.index("Eerder") < page.index("Later") and "Nog een concept" not in page
    only_nxp = text(client.get(reverse("contributions:queue"), {"partner": nxp.pk}))
    assert "Later" in only_nxp and "Eerder" not in only_nxp


def test_approving_from_the_queue_counts_in_the_totals_of_both_pages(client, nxp, nxp_rep, director):
    item = log(nxp, nxp_rep)
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    client.force_login(director)
    assert totals_row(client.get(reverse("contributions:queue")), "submitted")[-1] == "€ 720,00"
    response = client.post(reverse("contributions:approve", args=[item.pk]), follow=True)
    assert "Goedgekeurd:" in text(response)
    assert totals_row(response, "approved")[1:] == ["1", "12,00", "€ 720,00", "€ 0,00", "€ 720,00"]
    client.force_login(nxp_rep)
    assert totals_row(client.get(reverse("contributions:list")), "approved")[-1] == "€ 720,00"


def test_a_representative_cannot_approve_even_their_own_item(client, nxp, nxp_rep):
    item = ContributionFactory(partner=nxp, submitted=True)
    client.force_login(nxp_rep)
    assert client.post(reverse("contributions:approve", args=[item.pk])).status_code == 403
    assert client.post(reverse("contributions:return", args=[item.pk]), {"comment": "x"}).status_code == 403
    assert Contribution.objects.get(pk=item.pk).status == Status.SUBMITTED


def test_a_returned_item_shows_the_comment_and_can_be_corrected_and_resubmitted(client, nxp, nxp_rep, office):
    item = log(nxp, nxp_rep)
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    client.force_login(office)
    empty = client.post(reverse("contributions:return", args=[item.pk]), {"comment": ""})
    assert "Dit veld is verplicht." in text(empty)
    client.post(reverse("contributions:return", args=[item.pk]), {"comment": "Het waren 10 uur, niet 12."})
    client.force_login(nxp_rep)
    page = text(client.get(item.get_absolute_url()))
    assert "Het waren 10 uur, niet 12." in page and "Teruggestuurd" in page
    client.post(reverse("contributions:edit", args=[item.pk]), form_data(date="2026-10-05", hours="10", version="3"))
    client.post(reverse("contributions:period_submit", args=[item.period.pk]), {"partner": nxp.slug})
    item.refresh_from_db()
    assert (item.status, item.value) == (Status.SUBMITTED, Decimal("600.00"))


def test_reopening_an_approved_item_needs_a_reason_and_shows_in_the_history(client, nxp, nxp_rep, director):
    item = log(nxp, nxp_rep)
    period_submit(partner=nxp, period=item.period, acting_user=nxp_rep)
    client.force_login(director)
    client.post(reverse("contributions:approve", args=[item.pk]))
    client.post(reverse("contributions:reopen", args=[item.pk]), {"comment": "Verkeerde actielijn gekozen."})
    client.force_login(nxp_rep)
    page = text(client.get(item.get_absolute_url()))
    assert "Teruggestuurd door" in page and "Verkeerde actielijn gekozen." in page
    history = page[page.index("Geschiedenis") :]
    assert "Status: van Goedgekeurd → naar Teruggestuurd" in history
    assert "Reden: Verkeerde actielijn gekozen." in history
    assert director.get_full_name() in history and nxp_rep.get_full_name() in history


def test_steering_and_leads_read_submitted_items_but_never_drafts(client, nxp, steering, talent_lead):
    draft = ContributionFactory(partner=nxp, description="Concept van NXP")
    submitted = ContributionFactory(partner=nxp, submitted=True, description="Ingediend door NXP")
    returned = ContributionFactory(partner=nxp, returned=True, description="Teruggestuurd aan NXP")
    for reader in (steering, talent_lead):
        client.force_login(reader)
        page = text(client.get(reverse("contributions:list")))
        assert "Ingediend door NXP" in page and "Concept van NXP" not in page and "Teruggestuurd aan NXP" not in page
        assert client.get(submitted.get_absolute_url()).status_code == 200
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(returned.get_absolute_url()).status_code == 404
        assert client.get(reverse("contributions:list"), {"status": "draft"}).status_code == 200


# --- menu and query counts --------------------------------------------------------------------------------


def test_the_menu_has_contributions_and_for_reviewers_a_count_of_waiting_items(client, nxp, nxp_rep, director):
    ContributionFactory.create_batch(3, partner=nxp, submitted=True)
    client.force_login(nxp_rep)
    rep_page = client.get(reverse("home")).content.decode()
    assert ">Bijdragen<" in rep_page and "Beoordelen" not in rep_page
    client.force_login(director)
    page = client.get(reverse("contributions:queue")).content.decode()
    badge = re.search(r'data-testid="nav-badge">(\d+)', page).group(1)
    assert badge == "3"
    assert re.search(r'href="/bijdragen/beoordelen/" aria-current="page"', page)
    assert not re.search(r'href="/bijdragen/" aria-current="page"', page)


# What a page costs besides its rows: session, user, profile, roles, partners, menu counts, filter choices.
MAX_QUERIES = 14


def _add_rows(count: int, **fields) -> None:
    for i in range(count):
        item = ContributionFactory(date=date(2026, 10, 1) + timedelta(days=i % 50), **fields)
        Evidence.objects.create(
            contribution=item,
            file="x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            uploaded_by=item.created_by,
        )


def test_the_list_page_costs_the_same_queries_for_5_and_60_rows(client, nxp, nxp_rep, django_assert_max_num_queries):
    client.force_login(nxp_rep)
    _add_rows(5, partner=nxp)
    client.get(reverse("contributions:list"))  # warm the content-type cache, as any running server has
    with django_assert_max_num_queries(MAX_QUERIES) as five:
        response = client.get(reverse("contributions:list"))
    assert len(re.findall(r"Bijdrage \d+", text(response))) == 5
    _add_rows(55, partner=nxp, submitted=True)
    with django_assert_max_num_queries(MAX_QUERIES) as sixty:
        response = client.get(reverse("contributions:list"))
    assert len(re.findall(r"Bijdrage \d+", text(response))) == 50
    assert len(sixty.captured_queries) == len(five.captured_queries)


def test_the_queue_costs_the_same_queries_for_5_and_60_rows(
    client, nxp, asmpt, director, django_assert_max_num_queries
):
    client.force_login(director)
    _add_rows(5, partner=asmpt, submitted=True)
    client.get(reverse("contributions:queue"))  # warm the content-type cache, as any running server has
    with django_assert_max_num_queries(MAX_QUERIES) as five:
        response = client.get(reverse("contributions:queue"))
    assert len(re.findall(r"Bijdrage \d+", text(response))) == 5
    _add_rows(55, partner=nxp, submitted=True)
    with django_assert_max_num_queries(MAX_QUERIES) as sixty:
        response = client.get(reverse("contributions:queue"))
    assert len(re.findall(r"Bijdrage \d+", text(response))) == 50
    assert len(sixty.captured_queries) == len(five.captured_queries)


def test_a_contribution_can_be_linked_to_an_activity_of_the_adopted_plan(client, nxp, nxp_rep):
    from actionlines.models import Activity, AnnualPlan, PlanStatus

    plan = AnnualPlan.objects.create(year=2026, status=PlanStatus.ADOPTED, adopted_at=timezone.now())
    activity = Activity.objects.create(
        plan=plan,
        action_line=talent(),
        title="Gastlessen op scholen",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        budget=Decimal("0"),
    )
    draft_plan = AnnualPlan.objects.create(year=2027, status=PlanStatus.DRAFT)
    Activity.objects.create(
        plan=draft_plan,
        action_line=talent(),
        title="Nog niet vastgesteld",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
        budget=Decimal("0"),
    )
    client.force_login(nxp_rep)
    form = client.get(reverse("contributions:create")).content.decode()
    assert "2026 · Talent · Gastlessen op scholen" in form and "Nog niet vastgesteld" not in form
    client.post(reverse("contributions:create"), form_data(partner=nxp.pk, activity=activity.pk))
    assert Contribution.objects.get().activity == activity


def test_the_upload_still_needs_the_csrf_token(nxp, nxp_rep):
    """The upload view sets its size limit before the body is read (csrf_exempt outside), then checks CSRF."""
    from tests.conftest import LifeportClient

    item = log(nxp, nxp_rep)
    browser = LifeportClient(enforce_csrf_checks=True)
    browser.force_login(nxp_rep)
    url = reverse("contributions:evidence_add", args=[item.pk])
    refused = browser.post(url, {"file": SimpleUploadedFile("a.pdf", tiny_pdf())})
    assert refused.status_code == 403 and not Evidence.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(url).content.decode()).group(1)
    accepted = browser.post(url, {"file": SimpleUploadedFile("a.pdf", tiny_pdf()), "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302 and Evidence.objects.count() == 1


def test_a_pasted_text_of_2000_characters_with_ten_line_breaks_saves(client, nxp, nxp_rep):
    client.force_login(nxp_rep)
    lines = ["x" * 190] * 10 + ["y" * (2000 - 10 * 190 - 10)]
    pasted = "\r\n".join(lines)  # as a browser submits it; its maxlength counts each break as one
    assert len(pasted.replace("\r\n", "\n")) == 2000 and len(pasted) == 2010
    response = client.post(reverse("contributions:create"), form_data(partner=nxp.pk, description=pasted))
    assert response.status_code == 302, text(response)
    assert Contribution.objects.get().description == pasted.replace("\r\n", "\n")
    form = client.get(reverse("contributions:create")).content.decode()
    assert 'maxlength="2000"' in form


def test_a_text_of_2001_characters_is_refused_with_its_length(client, nxp, nxp_rep):
    client.force_login(nxp_rep)
    response = client.post(reverse("contributions:create"), form_data(partner=nxp.pk, description="z" * 2001))
    assert response.status_code == 200 and not Contribution.objects.exists()
