"""« Reprendre dans mon projet »: a copy of another project's action into a project the user coordinates.

What is copied: the title, the twelve sections of the sheet, the residents' participation and the
scale; the structure pilote and the partners with their roles (each organisation matched in the
target's directory by its normalised name, else created there with its public details — never its
people); the indicators with their targets (years outside the target's plan dropped), never their
values nor their baseline, which measure the source's territory. What is not: the status (the copy is
« à venir »), dates, periods, leads, elected referent, budget, sub-actions, comments, notes and history
— they belong to the source's plan. The themes of the source are tagged when the target has a theme of
the same name.

The copy gets the target's next reference (``actions.forms.next_free_ref``), its place under a chosen
node of the target (or none), a history entry naming its source, and a :class:`Provenance` that keeps
the source's texts. Everything in one transaction; nothing of the source is written.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage.accounts.access import access_for
from maillage.actions.forms import next_free_ref
from maillage.actions.history import diff, record, snapshot
from maillage.actions.models import SECTIONS, Action, ActionChange, ActionNode, ActionPartner
from maillage.actions.vocabulary import project_labels
from maillage.evaluation.models import Indicator, IndicatorTarget
from maillage.evaluation.years import YearRule
from maillage.french import normalise
from maillage.partners.directory import free_key
from maillage.partners.models import Organisation

from .models import Provenance

COPIED_FIELDS = ["title", "participation", "scale", *SECTIONS]
ORGANISATION_FIELDS = ["name", "acronym", "kind", "description", "address", "postal_code", "city", "website"]


def may_copy_into(user, project) -> bool:
    """A copy goes only into a project the user coordinates (``Access.can_manage``)."""
    return access_for(user, project).can_manage


class Directory:
    """The target's directory, read once, matching organisations by their normalised name."""

    def __init__(self, project):
        self.project = project
        self.by_name = {}
        for organisation in Organisation.objects.filter(project=project).only("pk", "name", "acronym", "key"):
            self.by_name.setdefault(normalise(organisation.name), organisation)
        self.created = []
        self.matched = []

    def match(self, source: Organisation) -> Organisation:
        found = self.by_name.get(normalise(source.name))
        if found is not None:
            if found not in self.matched and found not in self.created:
                self.matched.append(found)
            return found
        values = {name: getattr(source, name) for name in ORGANISATION_FIELDS}
        organisation = Organisation.objects.create(
            project=self.project, key=free_key(Organisation, self.project, source.name), position=999, **values
        )
        organisation.domains.set(source.domains.all())
        self.by_name[normalise(source.name)] = organisation
        self.created.append(organisation)
        return organisation


def copy_action(source: Action, target, user, node=None) -> tuple[Action, Directory, int]:
    """Copy ``source`` into ``target`` (under ``node`` when given); returns the copy, the directory
    matches and the number of targets left out because their year is outside the target's plan."""
    if not may_copy_into(user, target):
        raise PermissionDenied
    if target.pk == source.project_id:
        raise ValidationError(_("L'action est déjà dans ce projet."))
    if node is not None and node.project_id != target.pk:
        raise ValidationError(_("Ce nœud appartient à un autre projet."))
    try:
        with transaction.atomic():
            return _copy(source, target, user, node)
    except IntegrityError as error:
        raise ValidationError(_("La copie n'a pas pu être enregistrée : réessayez.")) from error


def _copy(source, target, user, node):
    copy = Action(project=target, ref=next_free_ref(target), version=1, status=Action.Status.PLANNED)
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(source, name))
    copy.position = (target.actions.aggregate(last=Max("position"))["last"] or 0) + 1
    directory = Directory(target)
    if source.lead_organisation_id:
        copy.lead_organisation = directory.match(source.lead_organisation)
    copy.save()
    if node is not None:
        last = ActionNode.objects.filter(node=node).aggregate(last=Max("position"))["last"]
        ActionNode.objects.create(action=copy, node=node, position=0 if last is None else last + 1)
    names = {normalise(theme.name) for theme in source.themes.all()}
    copy.themes.set([theme for theme in target.themes.all() if normalise(theme.name) in names])
    for line in source.partner_roles.select_related("organisation").order_by("position", "pk"):
        organisation = directory.match(line.organisation)
        ActionPartner.objects.get_or_create(
            action=copy,
            organisation=organisation,
            role=line.role,
            defaults={"detail": line.detail, "position": line.position},
        )
    dropped = _copy_indicators(source, copy, target)
    Provenance.objects.create(
        action=copy,
        source=source,
        source_project_title=source.project.title[:255],
        source_project_slug=source.project.slug[:100],
        source_ref=source.ref[:50],
        source_title=source.title[:500],
        copied_by=user if user.is_authenticated else None,
    )
    reason = _("Reprise de la fiche %(ref)s « %(title)s » du projet « %(project)s »") % {
        "ref": source.ref,
        "title": source.title,
        "project": source.project.title,
    }
    record(copy, user, ActionChange.Kind.CREATED, diff({}, snapshot(copy, project_labels(target))), reason=reason)
    return copy, directory, dropped


def _copy_indicators(source, copy, target) -> int:
    rule = YearRule.of(target)
    dropped = 0
    for indicator in source.indicators.prefetch_related("targets").order_by("position", "pk"):
        new = Indicator.objects.create(
            action=copy, kind=indicator.kind, title=indicator.title, unit=indicator.unit, position=indicator.position
        )
        kept = []
        for line in indicator.targets.all():
            if rule.target_problem(line.year):
                dropped += 1
            else:
                kept.append(IndicatorTarget(indicator=new, year=line.year, value=line.value))
        IndicatorTarget.objects.bulk_create(kept)
    return dropped
