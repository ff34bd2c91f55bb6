"""The iCalendar export and its subscribable feed, read back with icalendar."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from icalendar import Calendar

from maillage.actions.models import Action
from maillage.documents import ical
from maillage.documents.registry import What, writer_for
from maillage.governance.models import Meeting
from maillage.interchange.exporting import export_project
from maillage.interchange.importing import import_document
from maillage.projects.models import Project

pytestmark = pytest.mark.django_db

SLUG = "lyon-pst-villeurbanne"
PARIS = ZoneInfo("Europe/Paris")


def ics(slug=SLUG, what="project") -> bytes:
    return writer_for("ics", What(what))(Project.objects.get(slug=slug), What(what))


def events(content: bytes):
    return Calendar.from_ical(content).walk("VEVENT")


def meeting_events(content: bytes):
    return [event for event in events(content) if str(event["UID"]).startswith("meeting-")]


class TestCalendarFile:
    def test_calendar_header_and_timezone(self, demo_db):
        calendar = Calendar.from_ical(ics())
        assert calendar["VERSION"] == "2.0"
        assert "Maillage" in calendar["PRODID"]
        assert calendar["X-WR-CALNAME"] == "Projet Social de Territoire de Villeurbanne"
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]

    def test_one_event_per_meeting_with_its_dates(self, demo_db):
        found = meeting_events(ics())
        assert len(found) == Meeting.objects.filter(project__slug=SLUG).count() == 3
        seminar, plenary, afternoon = found
        assert seminar["SUMMARY"] == "Séminaire CODIR de territoire"
        assert seminar.decoded("DTSTART") == date(2023, 6, 5)  # no time: an all-day event
        assert seminar.decoded("DTEND") == date(2023, 6, 6)
        assert seminar["CATEGORIES"].cats == ["CODIR de territoire"]
        assert plenary.decoded("DTSTART") == date(2023, 6, 30)
        assert "Décisions :\n– 3 nouveaux axes identifiés" in plenary["DESCRIPTION"]
        assert plenary["DESCRIPTION"].startswith("Ordre du jour :\nBilan mi-parcours")
        assert afternoon.decoded("DTSTART") == datetime(2024, 9, 24, 9, 0, tzinfo=PARIS)
        assert afternoon.decoded("DTEND") == datetime(2024, 9, 24, 12, 0, tzinfo=PARIS)
        assert afternoon["DTSTART"].params["TZID"] == "Europe/Paris"

    def test_place_and_times_when_given(self, demo_db):
        project = Project.objects.get(slug="clermont-sud")
        meeting = Meeting.objects.create(
            project=project, title="COPIL « bilan »", date=date(2024, 3, 12), start_time=time(14, 30), place="Mairie"
        )
        event = next(e for e in events(ics("clermont-sud")) if e["UID"] == ical.meeting_uid(project, meeting))
        assert event["SUMMARY"] == "COPIL « bilan »"
        assert event["LOCATION"] == "Mairie"
        assert event.decoded("DTSTART") == datetime(2024, 3, 12, 14, 30, tzinfo=PARIS)
        assert "DTEND" not in event and "DESCRIPTION" not in event

    def test_action_deadlines_as_all_day_events(self, demo_db):
        with_deadline = Action.objects.filter(project__slug=SLUG).exclude(end_date=None).order_by("end_date")
        assert with_deadline.exists()
        deadlines = [event for event in events(ics()) if str(event["UID"]).startswith("deadline-")]
        assert len(deadlines) == with_deadline.count()
        first = with_deadline.first()
        event = next(e for e in deadlines if e["UID"] == f"deadline-{first.ref}@{SLUG}.maillage")
        assert event["SUMMARY"] == f"Échéance : {first.ref} {first.title}"
        assert event.decoded("DTSTART") == first.end_date
        assert event.decoded("DTEND") == first.end_date + timedelta(days=1)

    def test_meetings_only(self, demo_db):
        found = events(ics(what="meetings"))
        assert len(found) == 3 and all(str(event["UID"]).startswith("meeting-") for event in found)

    def test_two_exports_are_identical(self, demo_db):
        first, second = ics(), ics()
        assert first == second
        project = Project.objects.get(slug=SLUG)
        assert [e["UID"] for e in meeting_events(first)] == [
            ical.meeting_uid(project, meeting) for meeting in Meeting.objects.filter(project=project).order_by("date")
        ]

    def test_uids_survive_a_reimport_with_replace(self, demo_db):
        """A subscribed calendar must not see new events when the project is imported again."""
        before = {str(event["UID"]) for event in events(ics())}
        project = Project.objects.get(slug=SLUG)
        old_ids = set(Meeting.objects.filter(project=project).values_list("pk", flat=True))
        import_document(export_project(project), replace=True)
        assert not old_ids & set(Meeting.objects.filter(project__slug=SLUG).values_list("pk", flat=True))
        assert {str(event["UID"]) for event in events(ics())} == before

    def test_two_meetings_of_the_same_body_day_and_title_keep_apart(self, demo_db):
        project = Project.objects.get(slug="clermont-sud")
        for _ in range(2):
            Meeting.objects.create(project=project, title="Réunion", date=date(2025, 1, 6))
        uids = [str(event["UID"]) for event in events(ics("clermont-sud"))]
        assert len(uids) == len(set(uids))

    def test_a_project_without_meetings_still_gives_a_valid_calendar(self, demo_db):
        calendar = Calendar.from_ical(ics("gea-orientations-cst"))
        assert calendar.walk("VEVENT") == []
        assert calendar["X-WR-CALNAME"] == Project.objects.get(slug="gea-orientations-cst").title


def feed_url(slug, token=None):
    return f"/projets/{slug}/calendrier.ics" + (f"?jeton={token}" if token is not None else "")


class TestFeed:
    def test_right_token(self, demo_db, client):
        project = Project.objects.get(slug=SLUG)
        response = client.get(feed_url(SLUG, project.calendar_token))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert len(meeting_events(response.content)) == 3
        assert response.content == ics()

    def test_head_and_post(self, demo_db, client):
        token = Project.objects.get(slug=SLUG).calendar_token
        assert client.head(feed_url(SLUG, token)).status_code == 200  # some agendas check before fetching
        assert client.post(feed_url(SLUG, token)).status_code == 405

    @pytest.mark.parametrize("token", [None, "", "faux"])
    def test_wrong_or_missing_token(self, demo_db, client, token):
        response = client.get(feed_url(SLUG, token))
        assert response.status_code == 404
        assert "Villeurbanne" not in response.content.decode()

    def test_another_projects_token(self, demo_db, client):
        other = Project.objects.get(slug="clermont-sud").calendar_token
        response = client.get(feed_url(SLUG, other))
        assert response.status_code == 404

    def test_the_same_answer_for_an_unknown_project(self, demo_db, client):
        wrong_token = client.get(feed_url(SLUG, "faux"))
        unknown = client.get(feed_url("inconnu", Project.objects.get(slug=SLUG).calendar_token))
        assert unknown.status_code == 404
        assert unknown.content == wrong_token.content
        assert "Calendrier introuvable" in unknown.content.decode()

    def test_every_project_has_its_own_token(self, demo_db):
        tokens = list(Project.objects.values_list("calendar_token", flat=True))
        assert len(set(tokens)) == len(tokens) and all(len(token) >= 32 for token in tokens)

    def test_the_subscription_survives_a_replace(self, demo_db):
        project = Project.objects.get(slug=SLUG)
        import_document(export_project(project), replace=True)
        assert Project.objects.get(slug=SLUG).calendar_token == project.calendar_token


class TestCalendarUrlCommand:
    def test_prints_the_subscription_url(self, demo_db, client, settings):
        settings.MAILLAGE_BASE_URL = "https://maillage.example.fr/"
        out = StringIO()
        call_command("calendar-url", SLUG, stdout=out)
        token = Project.objects.get(slug=SLUG).calendar_token
        url = out.getvalue().strip()
        assert url == f"https://maillage.example.fr/projets/{SLUG}/calendrier.ics?jeton={token}"
        assert client.get(url.removeprefix("https://maillage.example.fr")).status_code == 200

    def test_default_base_url(self, demo_db):
        out = StringIO()
        call_command("calendar-url", SLUG, stdout=out)
        assert out.getvalue().startswith("http://127.0.0.1:8000/projets/")

    def test_unknown_project(self, demo_db):
        with pytest.raises(CommandError, match="Projet « inconnu » introuvable"):
            call_command("calendar-url", "inconnu")
