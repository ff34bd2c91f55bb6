"""The digest e-mailed to each action lead, once per period: their actions due within 30 days or late,
the indicators of their running actions without a value for the last period, and whatever other
sections are registered (the open campaign questionnaires).

Who: active accounts with an e-mail address, linked to a person of a project's directory
(``Person.user``) who leads at least one action, and who did not turn the digest off
(``User.digest_enabled``). Only actions the account may update are listed
(``Access.can_edit_action``: a coordinator, or a contributor leading the action), so a person kept in
the directory of a project they left hears nothing more of it.

When: :func:`send_digests` sends every digest due for the current period — a month by default
(``MAILLAGE_DIGEST_PERIOD=week`` for a weekly one) — to those who have something in it. It is run by
the periodic background task (:mod:`maillage.evaluation.tasks`) and by ``maillage send-digests``; run
twice, or by two workers at once, it sends nothing twice: a :class:`~maillage.evaluation.models.DigestLog`
row is written under a unique (user, period) constraint before the mail leaves, and removed if the
mail could not leave, so that the next run tries again.

Sections are an ordered list of providers; a provider takes the account (and ``today`` if it wants
it) and returns items ``{"title", "url", "due": date | None, "project": Project, "detail"?}``.
"""

import datetime
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.access import access_for
from maillage.actions.models import Action
from maillage.actions.progress import OPEN, late_q, with_last_year
from maillage.actions.vocabulary import Status

from . import progress
from .models import DigestLog, Indicator

logger = logging.getLogger(__name__)

HORIZON_DAYS = 30
# Items shown per section; the mail says how many more there are and links to the full lists.
SHOWN = 20
# Actions whose indicators are expected to be measured: those running. A planned action has not
# started; a postponed, blocked, finished or abandoned one is not asked for new figures each month.
MEASURED = [Status.IN_PROGRESS, Status.CONTINUOUS]
UNSUBSCRIBE_SALT = "maillage.digest.unsubscribe"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    provider: Callable | str  # a callable or its dotted path (imported when the digest is built)

    def items(self, user, today: datetime.date) -> list[dict]:
        provider = import_string(self.provider) if isinstance(self.provider, str) else self.provider
        if "today" in inspect.signature(provider).parameters:
            return list(provider(user, today=today))
        return list(provider(user))


# --- The account's actions ---------------------------------------------------------------------------


def _editable_led_actions(user, queryset=None) -> list[Action]:
    """The actions the account leads (through a directory person) and may update, in every project."""
    actions = queryset if queryset is not None else Action.objects.all()
    led = list(
        actions.filter(leads__user=user)
        .select_related("project")
        .distinct()
        .order_by("project__title", "project_id", "position", "pk")
    )
    allowed, accesses = [], {}
    for action in led:
        if action.project_id not in accesses:
            accesses[action.project_id] = access_for(user, action.project)
        if accesses[action.project_id].can_edit_action(action):
            allowed.append(action)
    return allowed


def quick_update_url(action, indicator=None) -> str:
    url = reverse("action-quick-update", args=[action.project.slug, action.ref])
    return f"{url}?indicateur={indicator.pk}" if indicator is not None else url


def due_actions(user, today: datetime.date | None = None) -> list[dict]:
    """The account's open actions that are late, or due within the next 30 days; late ones first."""
    today = today or progress.current_date()
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    candidates = with_last_year(Action.objects.filter(status__in=OPEN))
    late = _editable_led_actions(user, candidates.filter(late_q(today)))
    late_ids = {action.pk for action in late}
    soon = [
        action
        for action in _editable_led_actions(user, candidates.filter(end_date__gte=today, end_date__lte=horizon))
        if action.pk not in late_ids
    ]
    actions = late + soon
    late = late_ids
    items = []
    for action in actions:
        is_late = action.pk in late
        if is_late and action.end_date:
            detail = _("En retard : échéance le %(date)s") % {"date": date_format(action.end_date, "SHORT_DATE_FORMAT")}
        elif is_late:
            detail = _("En retard : sa dernière période est passée")
        else:
            detail = _("Échéance le %(date)s") % {"date": date_format(action.end_date, "SHORT_DATE_FORMAT")}
        items.append(
            {
                "title": f"{action.ref} — {action.title}",
                "url": quick_update_url(action),
                "due": action.end_date,
                "project": action.project,
                "detail": detail,
                "late": is_late,
            }
        )
    items.sort(key=lambda item: (not item["late"], item["due"] or datetime.date.min, item["project"].title))
    return items


def missing_values(user, today: datetime.date | None = None) -> list[dict]:
    """Indicators of the account's running actions without a value for their plan's last period."""
    today = today or progress.current_date()
    actions = _editable_led_actions(user, Action.objects.filter(status__in=MEASURED))
    by_project: dict[int, list[Action]] = {}
    for action in actions:
        by_project.setdefault(action.project_id, []).append(action)
    items = []
    for group in by_project.values():
        project = group[0].project
        expected = progress.expected_year(project, today)
        if expected is None:
            continue
        known = {action.pk: action for action in group}
        indicators = (
            Indicator.objects.filter(action__in=list(known))
            .filter(progress.missing_q(project, today))
            .order_by("action__position", "action__pk", "position", "pk")
        )
        for indicator in indicators:
            action = known[indicator.action_id]
            items.append(
                {
                    "title": _("« %(title)s » (%(ref)s)") % {"title": indicator.title, "ref": action.ref},
                    "url": quick_update_url(action, indicator),
                    "due": None,
                    "project": project,
                    "detail": _("Aucune valeur pour %(year)s") % {"year": expected},
                }
            )
    return items


# The digest's sections, in the order of the mail. Another app adds its own provider here, e.g.
# Section("questionnaires", gettext_lazy("Questionnaires à remplir"), "maillage.campaigns.digest.open_questionnaires").
SECTIONS: list[Section] = [
    Section("actions", gettext_lazy("Vos actions à échéance dans les 30 jours ou en retard"), due_actions),
    Section("indicators", gettext_lazy("Indicateurs à mettre à jour"), missing_values),
    Section(
        "questionnaires", gettext_lazy("Questionnaires à remplir"), "maillage.campaigns.digest.open_questionnaires"
    ),
]


# --- Building and sending ---------------------------------------------------------------------------


def period_key(today: datetime.date | None = None) -> str:
    """The period a digest belongs to: « 2026-12 » (a month) or « 2026-S49 » (an ISO week)."""
    today = today or progress.current_date()
    if getattr(settings, "MAILLAGE_DIGEST_PERIOD", "month") == "week":
        year, week, _weekday = today.isocalendar()
        return f"{year}-S{week:02d}"
    return f"{today:%Y-%m}"


def absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.MAILLAGE_BASE_URL.rstrip("/") + url


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def user_of_token(token: str):
    """The account a signed unsubscribe link names, or None when the link is not one of ours."""
    from maillage.accounts.models import User

    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first()


@dataclass
class Digest:
    user: object
    period: str
    today: datetime.date
    sections: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(section["count"] for section in self.sections)

    @property
    def projects(self) -> list:
        seen = {}
        for section in self.sections:
            for item in section["items"]:
                seen.setdefault(item["project"].pk, item["project"])
        return list(seen.values())


def build(user, today: datetime.date | None = None, sections: list[Section] | None = None) -> Digest:
    """The account's digest for the period of ``today`` (sections without items are left out)."""
    today = today or progress.current_date()
    digest = Digest(user=user, period=period_key(today), today=today)
    for section in SECTIONS if sections is None else sections:
        items = section.items(user, today)
        if items:
            shown = [{**item, "link": absolute(item["url"])} for item in items[:SHOWN]]
            digest.sections.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "items": shown,
                    "count": len(items),
                    "more": len(items) - len(shown),
                }
            )
    return digest


def recipients():
    """Accounts that may get a digest: active, with an address, leading an action, not opted out."""
    from maillage.accounts.models import User

    return (
        User.objects.filter(is_active=True, digest_enabled=True, people__led_actions__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def message(digest: Digest) -> EmailMultiAlternatives:
    """The mail of a digest, in French, as plain text and HTML, with a one-click unsubscribe link."""
    user = digest.user
    unsubscribe = absolute(reverse("digest-unsubscribe", args=[unsubscribe_token(user)]))
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "digest": digest,
            "user": user,
            "name": user.get_full_name() or user.get_username(),
            "unsubscribe_url": unsubscribe,
            "account_url": absolute(reverse("account")),
            "home_url": absolute(reverse("home")),
            "when": date_format(digest.today, "j F Y"),
        }
        subject = " ".join(render_to_string("evaluation/digest_subject.txt", context).split())
        text = render_to_string("evaluation/digest_email.txt", context)
        html = render_to_string("evaluation/digest_email.html", context)
    mail = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    mail.attach_alternative(html, "text/html")
    return mail


@dataclass(frozen=True)
class Outcome:
    user: object
    items: int
    status: str  # "sent", "would send", "already sent", "failed"


def send_digests(today: datetime.date | None = None, dry_run: bool = False) -> list[Outcome]:
    """Send every digest due for the period of ``today``; ``dry_run`` builds them and sends nothing."""
    today = today or progress.current_date()
    key = period_key(today)
    outcomes = []
    done = DigestLog.objects.filter(period=key).values("user_id")
    for user in recipients().exclude(pk__in=done).iterator(chunk_size=200):
        digest = build(user, today)
        if not digest.total:
            continue
        if dry_run:
            outcomes.append(Outcome(user, digest.total, "would send"))
            continue
        try:
            with transaction.atomic():
                log = DigestLog.objects.create(user=user, period=key, items=digest.total)
        except IntegrityError:  # another run claimed it meanwhile: it sends it, not us
            outcomes.append(Outcome(user, digest.total, "already sent"))
            continue
        try:
            message(digest).send()
        except Exception:
            logger.exception("digest %s for user %s could not be sent", key, user.pk)
            log.delete()  # the next run tries again
            outcomes.append(Outcome(user, digest.total, "failed"))
            continue
        DigestLog.objects.filter(pk=log.pk).update(sent_at=timezone.now())
        outcomes.append(Outcome(user, digest.total, "sent"))
    return outcomes


# --- The home page's block --------------------------------------------------------------------------

HOME_SHOWN = 10


def to_update(user, today: datetime.date | None = None) -> dict:
    """The home page's "À mettre à jour" block: the indicators the account should measure."""
    if not user.is_authenticated:
        return {"items": [], "count": 0}
    items = missing_values(user, today)
    return {"items": items[:HOME_SHOWN], "count": len(items)}
