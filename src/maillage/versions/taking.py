"""Taking versions and updating the plan: plain functions, each in one transaction, for the views, the
command line and scripts (the demo).

While an update is open, the live tables are its working copy: the coordinator carries actions over,
adds axes and actions and closes what ended on the usual screens, and every change goes to the
actions' history with the update named as its reason. Adopting the update freezes the live plan into
the draft version's document; the versions before it are never touched. Members see the live plan;
the public pages show the last adopted version (``maillage.versions.public``) until the update is
adopted.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions.editing import change_status
from maillage.actions.history import display, field_label, record
from maillage.actions.models import Action, ActionChange
from maillage.actions.vocabulary import project_labels
from maillage.interchange.exporting import export_project
from maillage.projects.models import Period, Project
from maillage.webhooks import events as webhooks

from .comparing import Side, compare
from .models import Version
from .reading import Plan

CURRENT = "current"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def take_version(
    project: Project,
    *,
    label: str,
    user=None,
    kind: str = Version.Kind.MANUAL,
    adopted: bool = False,
    date: datetime.date | None = None,
    deliberation_date: datetime.date | None = None,
    reference: str = "",
    body: str = "",
    note: str = "",
    document: dict | None = None,
    taken_by_name: str = "",
) -> Version:
    """Snapshot the live plan (or ``document``, for scripts that rebuild a past state) as a new version.

    An adopted version is dated by its deliberation (``date`` defaults to ``deliberation_date``, then
    to today); a draft one by the day it is taken."""
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Donnez un libellé à la version.")})
    if adopted and date is None:
        date = deliberation_date
    version = Version(
        project=project,
        label=label[:255],
        kind=kind,
        state=Version.State.ADOPTED if adopted else Version.State.DRAFT,
        date=date or timezone.localdate(),
        deliberation_date=deliberation_date,
        deliberation_reference=reference.strip()[:255],
        deliberation_body=body.strip()[:255],
        note=note,
        taken_by=_user(user),
        taken_by_name=taken_by_name or _name(user),
    )
    if adopted:
        version.adopted_by, version.adopted_at = _user(user), timezone.now()
    with transaction.atomic():
        version.store(document if document is not None else export_project(project))
        version.save()
        if adopted:
            webhooks.version_adopted(version)
    return version


def adoption_is_due(project: Project, before_state: str, before_date) -> bool:
    """The settings just marked the plan adopted or recorded its deliberation, and no version says so yet."""
    adopted_now = project.state == Project.State.ADOPTED and before_state != Project.State.ADOPTED
    deliberated_now = project.deliberation_date is not None and before_date is None
    if not (adopted_now or deliberated_now):
        return False
    return not project.versions.filter(kind=Version.Kind.ADOPTION).exists()


def take_adoption_if_due(project: Project, user, *, before_state: str, before_date) -> Version | None:
    """The adoption version, taken when the project's settings record the adoption (once per project)."""
    if not adoption_is_due(project, before_state, before_date):
        return None
    return take_version(
        project,
        label=_("Adoption du plan"),
        user=user,
        kind=Version.Kind.ADOPTION,
        adopted=True,
        date=project.deliberation_date or timezone.localdate(),
        deliberation_date=project.deliberation_date,
        reference=project.deliberation_reference,
        body=project.deliberation_body,
    )


# --- the update of the plan --------------------------------------------------------------------------


def open_update(project: Project) -> Version | None:
    return project.versions.filter(kind=Version.Kind.UPDATE, state=Version.State.DRAFT).first()


def last_adopted(project: Project) -> Version | None:
    return project.versions.adopted().newest_first().first()


def default_update_label(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"Mise à jour {MONTHS[today.month - 1]} {today.year}"


def reason_of(update: Version) -> str:
    """What the history says caused a change made for this update."""
    return _("Mise à jour du plan « %(label)s »") % {"label": update.label}


def start_update(
    project: Project,
    user,
    *,
    label: str = "",
    note: str = "",
    base_date: datetime.date | None = None,
    base_reference: str = "",
) -> Version:
    """Open the draft of an update. It starts from the last adopted version; a plan that has none gets
    one first, from the live plan, dated by ``base_date`` (the deliberation that adopted it)."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()  # one update opens at a time
        if open_update(project) is not None:
            raise ValidationError(_("Une mise à jour du plan est déjà en cours : adoptez-la ou abandonnez-la d'abord."))
        base = last_adopted(project)
        if base is None:
            if base_date is None:
                raise ValidationError(
                    {
                        "base_date": _(
                            "Ce plan n'a pas encore de version adoptée : indiquez la date de la délibération "
                            "qui l'a adopté, la mise à jour partira de cet état."
                        )
                    }
                )
            base = take_version(
                project,
                label=_("Adoption du plan"),
                user=user,
                kind=Version.Kind.ADOPTION,
                adopted=True,
                date=base_date,
                deliberation_date=base_date,
                reference=base_reference or project.deliberation_reference,
                body=project.deliberation_body,
            )
        update = Version(
            project=project,
            label=(label or default_update_label()).strip()[:255],
            kind=Version.Kind.UPDATE,
            state=Version.State.DRAFT,
            date=timezone.localdate(),
            note=note,
            based_on=base,
            taken_by=_user(user),
            taken_by_name=_name(user),
        )
        try:
            with transaction.atomic():
                update.save()
        except IntegrityError as error:  # two coordinators at the same moment
            raise ValidationError(_("Une mise à jour du plan est déjà en cours.")) from error
    return update


def _check_open(update: Version):
    if not update.is_open_update:
        raise ValidationError(_("Cette mise à jour n'est plus en cours : elle a été adoptée ou abandonnée."))


def carry_over(update: Version, actions, periods, user, status: str = "") -> int:
    """Carry the actions over to ``periods`` (the new periods of the updated plan), in one transaction.

    Each action's periods become ``periods``; ``status`` (optional) replaces the status of the postponed
    ones ("planned" when they start again), continuous actions stay continuous. Each change is in the
    action's history with the update as its reason. Returns how many actions changed."""
    _check_open(update)
    project = update.project
    periods = list(periods)
    if not periods:
        raise ValidationError({"periods": _("Choisissez au moins une période où reconduire les actions.")})
    if any(period.project_id != project.pk for period in periods):
        raise ValidationError({"periods": _("Ces périodes ne sont pas celles du projet.")})
    actions = list(actions)
    if not actions:
        raise ValidationError({"actions": _("Cochez au moins une action à reconduire.")})
    if any(action.project_id != project.pk for action in actions):
        raise ValidationError({"actions": _("Ces actions ne sont pas celles du projet.")})
    if status and status not in Action.Status.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    reason = reason_of(update) + " : " + _("action reconduite")
    labels = project_labels(project)
    wanted = sorted(periods, key=lambda p: (p.position, p.first_year))
    changed = set()
    with transaction.atomic():
        for action in (
            Action.objects.select_for_update().filter(pk__in=[a.pk for a in actions]).prefetch_related("periods")
        ):
            before = sorted(action.periods.all(), key=lambda p: (p.position, p.first_year))
            if [p.pk for p in before] != [p.pk for p in wanted]:
                action.periods.set(wanted)
                Action.objects.filter(pk=action.pk).update(version=F("version") + 1, modified_at=timezone.now())
                action.refresh_from_db(fields=["version", "modified_at"])
                record(
                    action,
                    user,
                    ActionChange.Kind.EDITED,
                    [
                        {
                            "field": "periods",
                            "label": field_label("periods"),
                            "old": display("periods", before, labels),
                            "new": display("periods", wanted, labels),
                        }
                    ],
                    reason=reason,
                )
                changed.add(action.pk)
            restarts = status and action.status == Action.Status.POSTPONED  # continuous ones stay continuous
            if restarts and change_status(action, status, user, reason=reason) is not None:
                changed.add(action.pk)
    return len(changed)


def close_actions(update: Version, actions, status: str, user, reason: str = "") -> int:
    """Close what ended (done or abandoned) through ``change_status``, so the history says why."""
    _check_open(update)
    if status not in (Action.Status.DONE, Action.Status.ABANDONED):
        raise ValidationError({"status": _("Une action se clôt terminée ou abandonnée.")})
    actions = list(actions)
    if not actions:
        raise ValidationError({"actions": _("Cochez au moins une action à clore.")})
    if any(action.project_id != update.project_id for action in actions):
        raise ValidationError({"actions": _("Ces actions ne sont pas celles du projet.")})
    why = reason_of(update) + (f" : {reason.strip()}" if reason.strip() else "")
    with transaction.atomic():
        return sum(1 for action in actions if change_status(action, status, user, reason=why) is not None)


def add_period(project: Project, label: str, first_year: int, last_year: int) -> Period:
    """A new period of the plan (the update carries actions over to it); French errors from the model."""
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Donnez un libellé à la période.")})
    if project.periods.filter(label=label).exists():
        raise ValidationError({"label": _("Le projet a déjà une période « %(label)s ».") % {"label": label}})
    position = (project.periods.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    period = Period(project=project, label=label, first_year=first_year, last_year=last_year, position=position)
    period.save()  # Period.save runs clean(): years in order and inside the project's period
    return period


def adopt_update(
    update: Version,
    user,
    *,
    date: datetime.date,
    reference: str,
    body: str = "",
    label: str = "",
) -> Version:
    """The update is adopted: the live plan becomes its document, dated by the deliberation.

    The project's version label and update date follow (they are in the document too); the versions
    taken before are left as they were."""
    if date is None:
        raise ValidationError({"date": _("Indiquez la date de la délibération qui adopte la mise à jour.")})
    if not (reference or "").strip():
        raise ValidationError({"reference": _("Indiquez la référence de la délibération.")})
    with transaction.atomic():
        locked = Version.objects.select_for_update().filter(pk=update.pk).first()
        if locked is None or not locked.is_open_update:
            raise ValidationError(_("Cette mise à jour n'est plus en cours : elle a été adoptée ou abandonnée."))
        project = Project.objects.select_for_update().get(pk=update.project_id)
        label = (label or locked.label).strip()[:255]
        project.version = label
        project.updated_on = date
        project.save(update_fields=["version", "updated_on", "modified_at"])
        locked.label = label
        locked.state = Version.State.ADOPTED
        locked.date = date
        locked.deliberation_date = date
        locked.deliberation_reference = reference.strip()[:255]
        locked.deliberation_body = (body or "").strip()[:255]
        locked.adopted_by = _user(user)
        locked.adopted_at = timezone.now()
        locked.store(export_project(project))
        locked.save()
        webhooks.version_adopted(locked)
    return locked


def abandon_update(update: Version) -> None:
    """Close the draft without adopting it. The changes already made stay in the live plan (and in the
    actions' history): the live tables were the working copy."""
    _check_open(update)
    update.delete()


# --- the two ends of a comparison --------------------------------------------------------------------


def current_side(project: Project) -> Side:
    return Side(CURRENT, _("Le plan aujourd'hui"), timezone.localdate(), CURRENT, Plan(export_project(project)))


def side_of(project: Project, ident: str) -> Side:
    """``current`` or the id of one of the project's versions (an open update reads as the live plan).

    Raises Version.DoesNotExist for an id of another project, or no version at all."""
    if ident == CURRENT:
        return current_side(project)
    if not str(ident).isdigit():
        raise Version.DoesNotExist(ident)
    version = Version.objects.filter(project=project, pk=int(ident)).defer(None).first()  # with its document
    if version is None:
        raise Version.DoesNotExist(ident)
    if version.is_open_update:
        side = current_side(project)
        side.ident, side.label, side.state = str(version.pk), version.label, version.state
        return side
    return Side(str(version.pk), version.label, version.date, version.state, Plan(version.read()))


def comparison_of(project: Project, old: str, new: str):
    return compare(side_of(project, old), side_of(project, new))
