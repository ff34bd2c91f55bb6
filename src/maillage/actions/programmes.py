"""Cross-cutting programmes (projet familles, projet jeunesse…): the actions each gathers from the whole
tree, with their statuses, and the change of a programme's membership from a list of references."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from maillage import keys

from .models import Action, Programme, ProgrammeAction

# A programme's page shows this many of its actions; the actions list filtered on it shows all.
ACTIONS_SHOWN = 50
MAX_REFS = 2000


def programmes_of(project):
    """The project's programmes, each with its number of actions by status and its first actions."""
    programmes = list(Programme.objects.filter(project=project).order_by("position", "pk"))
    counts = (
        ProgrammeAction.objects.filter(programme__in=programmes)
        .values("programme_id", "action__status")
        .annotate(n=Count("pk"))
    )
    by_programme: dict[int, dict[str, int]] = {p.pk: {} for p in programmes}
    for row in counts:
        by_programme[row["programme_id"]][row["action__status"]] = row["n"]
    # The first actions of every programme in one query: ranked within their programme, cut in the database.
    first = (
        ProgrammeAction.objects.filter(programme__in=programmes)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("programme_id"), order_by=[F("position"), F("action__position")])
        )
        .filter(rank__lte=ACTIONS_SHOWN)
        .select_related("action")
        .only(
            "programme_id",
            "action__ref",
            "action__code",
            "action__title",
            "action__status",
            "action__project_id",
        )
        .order_by("programme_id", "rank")
    )
    shown: dict[int, list] = {p.pk: [] for p in programmes}
    for line in first:
        shown[line.programme_id].append(line.action)
    for programme in programmes:
        programme.status_counts = by_programme[programme.pk]
        programme.total = sum(programme.status_counts.values())
        programme.shown = shown[programme.pk]
    return programmes


def parse_refs(project, text: str) -> list[Action]:
    """The actions named by references (commas, semicolons or lines); unknown ones refused in French."""
    refs = [ref.strip() for ref in re.split(r"[,;\n]+", text or "") if ref.strip()]
    if len(refs) > MAX_REFS:
        raise ValidationError(_("Au plus %(n)s références.") % {"n": MAX_REFS})
    refs = list(dict.fromkeys(refs))
    found = {a.ref: a for a in Action.objects.filter(project=project, ref__in=refs).only("pk", "ref")}
    unknown = [ref for ref in refs if ref not in found]
    if unknown:
        raise ValidationError(_("Références inconnues dans ce projet : %(refs)s.") % {"refs": ", ".join(unknown[:20])})
    return [found[ref] for ref in refs]


def refs_text(programme) -> str:
    return ", ".join(programme.actions.order_by("programmeaction__position", "position").values_list("ref", flat=True))


def save(programme: Programme, actions: list[Action]) -> Programme:
    """The programme and exactly these actions, in this order, in one transaction."""
    with transaction.atomic():
        if programme.pk is None:
            programme.key = keys.free_key(
                Programme.objects.filter(project=programme.project), programme.title, default="programme"
            )
            programme.position = Programme.objects.filter(project=programme.project).count()
        programme.save()
        ProgrammeAction.objects.filter(programme=programme).delete()
        ProgrammeAction.objects.bulk_create(
            [ProgrammeAction(programme=programme, action=action, position=n) for n, action in enumerate(actions)]
        )
    return programme
