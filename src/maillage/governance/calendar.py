"""Governance as the screens read it: next and past meetings, and the members a meeting expects."""

import datetime

from django.db import transaction

from .models import Attendance, BodyMember, Meeting


def split_meetings(meetings, today: datetime.date | None = None):
    """(upcoming soonest first, past most recent first): the next meeting matters, then the last ones."""
    today = today or datetime.date.today()
    upcoming = [m for m in meetings if m.date >= today]
    past = [m for m in meetings if m.date < today]
    upcoming.sort(key=lambda m: (m.date, m.start_time or datetime.time.min, m.position))
    past.sort(key=lambda m: (m.date, m.start_time or datetime.time.min, m.position), reverse=True)
    return upcoming, past


def invite_body_members(meeting: Meeting) -> int:
    """Add the meeting's body members to its attendance list (as present), skipping those already
    listed, so that a coordinator only marks who was excused or absent. Returns how many were added."""
    if meeting.body_id is None:
        return 0
    listed = set(meeting.attendance.values_list("person_id", "organisation_id"))
    position = max(meeting.attendance.values_list("position", flat=True), default=-1) + 1
    new = []
    for seat in BodyMember.objects.filter(body_id=meeting.body_id).order_by("position", "pk"):
        if (seat.person_id, seat.organisation_id) in listed:
            continue
        listed.add((seat.person_id, seat.organisation_id))
        new.append(
            Attendance(
                meeting=meeting, person_id=seat.person_id, organisation_id=seat.organisation_id, position=position
            )
        )
        position += 1
    with transaction.atomic():
        Attendance.objects.bulk_create(new)
    return len(new)
