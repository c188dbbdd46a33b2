import pytest
import time_machine
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_home_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_home_shows_the_agreement_its_parties_and_the_countdown(client, nxp_rep):
    with time_machine.travel("2026-11-28 10:00:00+01:00", tick=False):
        client.force_login(nxp_rep)
        response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Intentieverklaring Lifeport Semicon Regiegroep 2026" in body
    assert "nog 33 dagen" in body
    for party in [
        "Gemeente Nijmegen",
        "Provincie Gelderland",
        "Radboud Universiteit",
        "ROC Nijmegen",
        "ASMPT",
    ]:
        assert party in body


@pytest.mark.django_db
def test_home_after_the_end_says_it_ended_and_no_successor_exists(client, nxp_rep):
    with time_machine.travel("2027-01-04 10:00:00+01:00", tick=False):
        client.force_login(nxp_rep)
        body = client.get("/").content.decode()
    assert "afgelopen op 31 december 2026" in body
    assert "Er is nog geen opvolgende overeenkomst vastgelegd" in body


@pytest.mark.django_db
def test_the_language_switch_turns_the_page_english(client, nxp_rep):
    client.force_login(nxp_rep)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert "Current agreement" in response.content.decode()
    assert 'lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_login_page_is_dutch_and_labelled(client):
    body = client.get(reverse("login")).content.decode()
    assert 'lang="nl"' in body
    assert "Gebruikersnaam" in body and "Wachtwoord" in body
    assert 'href="#main"' in body


@pytest.mark.django_db
def test_password_reset_sends_a_dutch_email_with_a_working_link(client, nxp_rep, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("password_reset"), {"email": nxp_rep.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "nieuw wachtwoord" in message.subject.lower()
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    page = client.get(link.replace("http://testserver", ""), follow=True)
    assert "Kies een nieuw wachtwoord" in page.content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_english_is_chosen(client, nxp_rep):
    assert "Inloggen" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.force_login(nxp_rep)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    nxp_rep.refresh_from_db()
    assert nxp_rep.profile.language == "en"
    client.cookies.clear()
    client.force_login(nxp_rep)
    assert "Current agreement" in client.get("/").content.decode()


@pytest.mark.django_db
def test_refusals_are_dutch_pages_in_the_house_style(client, nxp_rep, asmpt):
    client.force_login(nxp_rep)
    missing = client.get("/partners/bestaat-niet/")
    assert missing.status_code == 404
    assert "Pagina niet gevonden" in missing.content.decode()
    assert 'class="utrecht-skip-link' in missing.content.decode()
