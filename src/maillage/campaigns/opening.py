"""Preparing and opening a campaign: its default questionnaire, the actions it covers, and the snapshot
of what was asked of whom, taken once when it opens.

Plain functions, so that a script (the demo's illustrative project) can run a campaign as the pages do.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage import keys
from maillage.actions.models import Action
from maillage.actions.vocabulary import Status
from maillage.projects.models import Node

from .models import Answer, Campaign, Question

Kind = Question.Kind

# The questionnaire a campaign starts with (issue 10; the Clermont-Ferrand seed's self-evaluation asked
# the same: participants and their profile, what worked, partners, whether to carry the action on).
DEFAULT_QUESTIONS = [
    {
        "kind": Kind.TEXT,
        "label": gettext_lazy("Qu'est-ce qui a été réalisé ?"),
        "help_text": gettext_lazy(
            "Les activités menées pendant la période, les temps forts, ce qui n'a pas pu se faire."
        ),
        "required": True,
    },
    {
        "kind": Kind.NUMBER,
        "label": gettext_lazy("Nombre de personnes touchées"),
        "help_text": gettext_lazy("Personnes différentes touchées pendant la période, si possible."),
        "unit": gettext_lazy("personnes"),
    },
    {
        "kind": Kind.TEXT,
        "label": gettext_lazy("Profil du public touché"),
        "help_text": gettext_lazy("Âges, familles, quartiers d'habitation, nouveaux publics…"),
    },
    {
        "kind": Kind.PARTICIPATION,
        "label": gettext_lazy("Participation des habitants"),
        "help_text": gettext_lazy(
            "De la simple information à l'initiative portée par les habitants eux-mêmes : le premier critère de la CAF."
        ),
    },
    {
        "kind": Kind.TEXT,
        "label": gettext_lazy("Partenaires mobilisés"),
        "help_text": gettext_lazy("Qui a participé, avec quel rôle ; les partenaires sollicités qui n'ont pas suivi."),
    },
    {
        "kind": Kind.INDICATORS,
        "label": gettext_lazy("Valeurs des indicateurs pour la période"),
        "help_text": gettext_lazy(
            "Un nombre pour les indicateurs quantitatifs, une appréciation pour les qualitatifs ; "
            "laissez vide ce qui n'a pas été mesuré et dites-le en commentaire."
        ),
    },
    {"kind": Kind.TEXT, "label": gettext_lazy("Ce qui a fonctionné")},
    {"kind": Kind.TEXT, "label": gettext_lazy("Les difficultés rencontrées")},
    {
        "kind": Kind.PROPOSAL,
        "label": gettext_lazy("Proposition pour la suite de l'action"),
        "help_text": gettext_lazy("Poursuivre, adapter, arrêter ou déclarer l'action terminée, avec vos raisons."),
        "required": True,
    },
]


def default_title(kind: str, first_year: int, last_year: int) -> str:
    period = str(first_year) if first_year == last_year else f"{first_year}-{last_year}"
    return f"{Campaign.Kind(kind).label} {period}"


def free_key(project, title: str, exclude_pk=None) -> str:
    """The slug of the title, numbered when the project already has a campaign of that key."""
    campaigns = Campaign.objects.filter(project=project).exclude(pk=exclude_pk)
    return keys.free_key(campaigns, title, length=50, default="campagne")


def add_default_questions(campaign: Campaign) -> list[Question]:
    """The default questionnaire, in French (it is the project's document, whatever the coordinator's language)."""
    start = (campaign.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    with translation.override("fr"):
        questions = [
            Question(
                campaign=campaign,
                kind=spec["kind"],
                label=str(spec["label"]),
                help_text=str(spec.get("help_text", "")),
                unit=str(spec.get("unit", "")),
                required=spec.get("required", False),
                position=start + index,
            )
            for index, spec in enumerate(DEFAULT_QUESTIONS)
        ]
    return Question.objects.bulk_create(questions)


def create_campaign(project, *, kind, first_year, last_year, due_date, user=None, title="", **options) -> Campaign:
    """A campaign in preparation with the default questionnaire. ``options``: scope, node, programme,
    include_sub_actions, skip_closed, instructions. French ValidationError on a bad field."""
    campaign = Campaign(
        project=project,
        kind=kind,
        first_year=first_year,
        last_year=last_year,
        due_date=due_date,
        title=title.strip() or default_title(kind, first_year, last_year),
        created_by=user if user is not None and user.is_authenticated else None,
        **options,
    )
    with transaction.atomic():
        campaign.key = free_key(project, campaign.title)
        campaign.full_clean()
        campaign.save()
        add_default_questions(campaign)
    return campaign


def branch_ids(project, node) -> list[int]:
    """The node and all its descendants (the tree is read once: it is the project's, not the database's)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Node.objects.filter(project=project).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [node.pk]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def covered_actions(campaign: Campaign):
    """The actions the campaign asks about, in the order of the actions list (a QuerySet, nothing loaded)."""
    actions = Action.objects.filter(project=campaign.project)
    if campaign.scope == Campaign.Scope.NODE and campaign.node_id:
        chosen = actions.filter(placements__node_id__in=branch_ids(campaign.project, campaign.node))
    elif campaign.scope == Campaign.Scope.PROGRAMME and campaign.programme_id:
        chosen = actions.filter(programmes=campaign.programme_id)
    elif campaign.scope == Campaign.Scope.ALL:
        chosen = actions
    else:
        return actions.none()
    if campaign.include_sub_actions:
        picked = chosen.values("pk")
        selected = actions.filter(Q(pk__in=picked) | Q(parent_id__in=picked))
    else:
        selected = actions.filter(pk__in=chosen.filter(parent__isnull=True).values("pk"))
    if campaign.skip_closed:
        selected = selected.exclude(status__in=[Status.DONE, Status.ABANDONED])
    return selected.order_by("position", "pk")


def describe_scope(campaign: Campaign) -> str:
    """The campaign's perimeter in words, as it is when the campaign opens."""
    if campaign.scope == Campaign.Scope.NODE and campaign.node_id:
        node = campaign.node
        text = _("La branche « %(node)s »") % {"node": f"{node.code} {node.title}".strip()}
    elif campaign.scope == Campaign.Scope.PROGRAMME and campaign.programme_id:
        text = _("Le programme « %(programme)s »") % {"programme": campaign.programme.title}
    else:
        text = _("Toutes les actions du projet")
    details = [_("avec les sous-actions") if campaign.include_sub_actions else _("sans les sous-actions")]
    if campaign.skip_closed:
        details.append(_("hors actions terminées ou abandonnées"))
    return f"{text} ({', '.join(details)})"[:600]


def open_campaign(campaign: Campaign, user=None, today=None) -> Campaign:
    """Open the campaign: one answer per covered action with its expected leads, written once; the leads
    are then told by e-mail (after the commit, in the background). French ValidationError, nothing
    written, when it cannot open."""
    today = today or timezone.localdate()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(of=("self",)).select_related("node", "programme").get(pk=campaign.pk)
        )
        if not campaign.is_draft:
            raise ValidationError(_("Cette campagne est déjà ouverte."))
        campaign.full_clean()
        if campaign.due_date < today:
            raise ValidationError(
                {"due_date": _("La date limite de réponse est passée : choisissez une date à venir avant d'ouvrir.")}
            )
        if not campaign.questions.filter(removed_at__isnull=True).exists():
            raise ValidationError(_("Le questionnaire n'a aucune question."))
        rows = list(covered_actions(campaign).values_list("pk", "parent_id"))
        if not rows:
            raise ValidationError(
                _("Aucune action ne correspond au périmètre choisi : il n'y a personne à interroger.")
            )
        answers = Answer.objects.bulk_create(
            Answer(campaign=campaign, action_id=pk, position=index) for index, (pk, _parent) in enumerate(rows)
        )
        answer_of = {answer.action_id: answer.pk for answer in answers}
        # The leads of each action, and for a sub-action the leads of its parent (as access_for reads it).
        asked_about = {pk for pk, _parent in rows} | {parent for _pk, parent in rows if parent}
        leads: dict[int, set[int]] = {}
        for action_id, person_id in Action.leads.through.objects.filter(action_id__in=asked_about).values_list(
            "action_id", "person_id"
        ):
            leads.setdefault(action_id, set()).add(person_id)
        links = []
        for pk, parent in rows:
            for person_id in sorted(leads.get(pk, set()) | leads.get(parent, set())):
                links.append(Answer.respondents.through(answer_id=answer_of[pk], person_id=person_id))
        Answer.respondents.through.objects.bulk_create(links, batch_size=1000)
        campaign.state = Campaign.State.OPEN
        campaign.opened_at = timezone.now()
        campaign.opened_by = user if user is not None and user.is_authenticated else None
        campaign.scope_label = describe_scope(campaign)
        campaign.save(update_fields=["state", "opened_at", "opened_by", "scope_label"])
        from .tasks import send_campaign_mails

        transaction.on_commit(lambda: send_campaign_mails.enqueue(campaign.pk, "opened"))
    return campaign


def close_campaign(campaign: Campaign) -> Campaign:
    """No more answers; what was sent can still be reviewed."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.is_open:
            raise ValidationError(_("Seule une campagne ouverte peut être clôturée."))
        campaign.state = Campaign.State.CLOSED
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["state", "closed_at"])
    return campaign


def reopen_campaign(campaign: Campaign) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != Campaign.State.CLOSED:
            raise ValidationError(_("Seule une campagne clôturée peut être rouverte."))
        campaign.state = Campaign.State.OPEN
        campaign.closed_at = None
        campaign.save(update_fields=["state", "closed_at"])
    return campaign
