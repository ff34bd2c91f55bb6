"""The clock of the fictitious project's life: each step of the story happens on its own day.

The domain functions stamp what they write with ``timezone.now()`` (the history, an answer sent, a
decision applied, a version taken), as they must on the screens. The story is played in a few seconds
on the day the demo loads, yet tells three years: so each step runs inside ``clock.at(day)``, and the
timestamps the step wrote — recognisable because they are later than the moment the step started —
are then set to that day. Only timestamps move, only the fictitious project's, and only those of
``STAMPS``; every row is otherwise the one the function wrote. ``Project.plan_changed_at`` is left
alone: it is the public pages' cache key and must only move forward.
"""

import datetime
from contextlib import contextmanager

from django.utils import timezone

from maillage.actions.models import Action, ActionChange, Comment
from maillage.campaigns.models import Answer, AnswerEvent, Campaign, Question, Reminder
from maillage.governance.models import DecisionChange
from maillage.versions.models import Version

# (model, timestamp field, path from the model to its project)
STAMPS = [
    (Action, "created_at", "project"),
    (Action, "modified_at", "project"),
    (ActionChange, "at", "action__project"),
    (Comment, "created_at", "action__project"),
    (Campaign, "created_at", "project"),
    (Campaign, "opened_at", "project"),
    (Campaign, "closed_at", "project"),
    (Campaign, "last_reminder_at", "project"),
    (Question, "removed_at", "campaign__project"),
    (Answer, "saved_at", "campaign__project"),
    (Answer, "submitted_at", "campaign__project"),
    (Answer, "reviewed_at", "campaign__project"),
    (AnswerEvent, "at", "answer__campaign__project"),
    (Reminder, "sent_at", "campaign__project"),
    (DecisionChange, "applied_at", "decision__meeting__project"),
    (Version, "taken_at", "project"),
    (Version, "adopted_at", "project"),
]


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """That day at that time, in the platform's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class Clock:
    """``with clock.at(date(2025, 6, 12)):`` — what the block writes is dated that day.

    ``project`` is set once the project exists (the first step imports it)."""

    def __init__(self):
        self.project = None

    @contextmanager
    def at(self, day: datetime.date, hour: int = 10, minute: int = 0):
        started = timezone.now()
        when = moment(day, hour, minute)
        yield when
        if self.project is None:
            raise RuntimeError("the clock dates the rows of one project: set clock.project in the first step")
        for model, name, path in STAMPS:
            model.objects.filter(**{path: self.project, f"{name}__gte": started}).update(**{name: when})
