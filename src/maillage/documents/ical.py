"""The project's calendar as iCalendar: its meetings and the deadlines of its actions.

The same file is served as a subscribable feed (views.calendar_feed), so it must be stable: DTSTAMP
is the project's last modification, so two exports of an unchanged project are identical and a
calendar application updates events instead of duplicating them. UIDs are made of stable keys (a
meeting's body key, date and title; an action's reference), never of database ids, so they survive a
re-import of the project.
"""

import hashlib
from collections import Counter
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.utils import translation
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vText

from maillage.actions.models import Action
from maillage.governance.models import Meeting
from maillage.partners.models import PartnerEvent

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


def meeting_uid(project, meeting, occurrence: int = 1) -> str:
    """Made of what the meeting is (its body's key, date and title), not of its database id, so that a
    calendar keeps the same events when the project is imported again (``maillage import --replace``).
    ``occurrence`` tells apart two meetings of the same body, day and title."""
    key = "|".join((meeting.body.key if meeting.body else "", meeting.date.isoformat(), meeting.title.strip()))
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    suffix = f"-{occurrence}" if occurrence > 1 else ""
    return f"meeting-{meeting.date:%Y%m%d}-{digest}{suffix}@{project.slug}.maillage"


def deadline_uid(project, action) -> str:
    """The action's reference is its stable key in the project (kept by exports and re-imports)."""
    return f"deadline-{quote(action.ref, safe='')}@{project.slug}.maillage"


def meeting_description(meeting) -> str:
    parts = []
    if meeting.agenda:
        parts.append(f"Ordre du jour :\n{meeting.agenda}")
    decisions = list(meeting.decisions.all())
    if decisions:
        parts.append("Décisions :\n" + "\n".join(f"– {decision.text}" for decision in decisions))
    return "\n\n".join(parts)


def _when(event: Event, day, start, end) -> None:
    """A day with its times in Paris, or the whole day when no time is given."""
    if start:
        event.add("dtstart", datetime.combine(day, start, tzinfo=PARIS))
        if end and end > start:
            event.add("dtend", datetime.combine(day, end, tzinfo=PARIS))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))


def meeting_event(project, meeting, stamp, occurrence: int = 1) -> Event:
    event = Event()
    event.add("uid", meeting_uid(project, meeting, occurrence))
    event.add("dtstamp", stamp)
    _when(event, meeting.date, meeting.start_time, meeting.end_time)
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


def partner_event(project, event, stamp) -> Event:
    """A partner's event, marked as theirs: its organisation in the title, the categories and the organiser."""
    item = Event()
    item.add("uid", f"partenaire-{event.uid}@{quote(project.slug)}.maillage")
    item.add("dtstamp", stamp)
    _when(item, event.date, event.start_time, event.end_time)
    name = event.organisation.name
    item.add("summary", f"{event.title} ({name})")
    if event.place:
        item.add("location", event.place)
    item.add("description", "\n\n".join(filter(None, [f"Événement proposé par {name}.", event.description])))
    item.add("categories", ["Événements des partenaires", name])
    item.add("x-maillage-partner", vText(name))
    return item


def project_calendar(project, *, deadlines: bool = True) -> bytes:
    with translation.override("fr"):
        stamp = project.modified_at or datetime.now(tz=PARIS)
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        # An X- property has no type for icalendar: as vText its line breaks and commas are escaped
        # (a raw line break in a title made the whole file, and the subscribed feed, fail).
        calendar.add("x-wr-calname", vText(project.title))
        calendar.add("x-wr-timezone", TZID)
        calendar.add_component(paris_timezone())
        meetings = (
            Meeting.objects.filter(project=project)
            .select_related("body")
            .prefetch_related("decisions")
            .order_by("date", "position", "pk")
        )
        seen: Counter = Counter()
        for meeting in meetings:
            same = (meeting.body_id and meeting.body.key, meeting.date, meeting.title.strip())
            seen[same] += 1
            calendar.add_component(meeting_event(project, meeting, stamp, seen[same]))
        events = PartnerEvent.objects.filter(project=project).select_related("organisation").order_by("date", "pk")
        for event in events:
            calendar.add_component(partner_event(project, event, stamp))
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
