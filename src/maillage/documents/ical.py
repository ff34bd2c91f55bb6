"""The project's calendar as iCalendar: its meetings and the deadlines of its actions.

The same file is served as a subscribable feed (views.calendar_feed), so it must be stable: UIDs are
built from the database ids and DTSTAMP is the project's last modification, so two exports of an
unchanged project are identical and a calendar application updates events instead of duplicating them.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import translation
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from maillage.actions.models import Action
from maillage.governance.models import Meeting

from .registry import register

TZID = "Europe/Paris"
PARIS = ZoneInfo(TZID)
PRODID = "-//Maillage//Projet social de territoire//FR"


def paris_timezone() -> Timezone:
    """Europe/Paris with the EU summer-time rule (since 1996), instead of a list of every change."""
    timezone = Timezone()
    timezone.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("tzname", "CEST")
    winter = TimezoneStandard()
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("tzname", "CET")
    timezone.add_component(summer)
    timezone.add_component(winter)
    return timezone


def meeting_uid(project, meeting) -> str:
    return f"meeting-{meeting.pk}@{project.slug}.maillage"


def deadline_uid(project, action) -> str:
    return f"deadline-{action.pk}@{project.slug}.maillage"


def meeting_description(meeting) -> str:
    parts = []
    if meeting.agenda:
        parts.append(f"Ordre du jour :\n{meeting.agenda}")
    decisions = list(meeting.decisions.all())
    if decisions:
        parts.append("Décisions :\n" + "\n".join(f"– {decision.text}" for decision in decisions))
    return "\n\n".join(parts)


def meeting_event(project, meeting, stamp) -> Event:
    event = Event()
    event.add("uid", meeting_uid(project, meeting))
    event.add("dtstamp", stamp)
    if meeting.start_time:
        event.add("dtstart", datetime.combine(meeting.date, meeting.start_time, tzinfo=PARIS))
        if meeting.end_time and meeting.end_time > meeting.start_time:
            event.add("dtend", datetime.combine(meeting.date, meeting.end_time, tzinfo=PARIS))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    description = meeting_description(meeting)
    if description:
        event.add("description", description)
    if meeting.body:
        event.add("categories", [meeting.body.name])
    return event


def deadline_event(project, action, stamp) -> Event:
    event = Event()
    event.add("uid", deadline_uid(project, action))
    event.add("dtstamp", stamp)
    event.add("dtstart", action.end_date)
    event.add("dtend", action.end_date + timedelta(days=1))
    event.add("summary", f"Échéance : {action.ref} {action.title}")
    event.add("description", f"Statut : {action.get_status_display()}")
    event.add("categories", ["Échéances des actions"])
    event.add("transp", "TRANSPARENT")
    return event


def project_calendar(project, *, deadlines: bool = True) -> bytes:
    with translation.override("fr"):
        stamp = project.modified_at or datetime.now(tz=PARIS)
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", project.title)
        calendar.add("x-wr-timezone", TZID)
        calendar.add_component(paris_timezone())
        meetings = (
            Meeting.objects.filter(project=project)
            .select_related("body")
            .prefetch_related("decisions")
            .order_by("date", "position", "pk")
        )
        for meeting in meetings:
            calendar.add_component(meeting_event(project, meeting, stamp))
        if deadlines:
            actions = Action.objects.filter(project=project, end_date__isnull=False).order_by("end_date", "position")
            for action in actions:
                calendar.add_component(deadline_event(project, action, stamp))
        return calendar.to_ical()


@register("ics", "project", "calendar")
def write_ics(project, what, progress=None) -> bytes:
    return project_calendar(project)


@register("ics", "meetings")
def write_ics_meetings(project, what, progress=None) -> bytes:
    return project_calendar(project, deadlines=False)
