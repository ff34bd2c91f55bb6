"""Everything a document needs from the database, read with a number of queries that does not grow
per action.

Actions come with their placements and periods; what only a fiche's own sheet reads (leads, themes,
partners, budget lines, indicators and their values) is read for a few hundred fiches at a time as the
sheets are built (``ProjectData.with_details``), so that the annex of 10,000 fiches never holds every
indicator and partner of the plan at once (it held 0.9 GB of them).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, prefetch_related_objects

from maillage.actions.budget import BudgetTotals, project_totals
from maillage.actions.models import Action, ActionNode, ActionPartner, BudgetLine, Programme, ProgrammeAction
from maillage.actions.vocabulary import project_labels
from maillage.diagnostic.models import Consultation, Enjeu, Finding, KeyFigureTable
from maillage.evaluation.models import Indicator
from maillage.governance.models import Body, BodyMember
from maillage.partners import mobilisation
from maillage.projects.models import Acronym, Node, Period


def actions_queryset(project):
    return (
        Action.objects.filter(project=project)
        .select_related("territory", "lead_organisation", "elected_referent", "parent")
        .prefetch_related(
            Prefetch("placements", queryset=ActionNode.objects.select_related("node").order_by("node__position")),
            Prefetch("periods", queryset=Period.objects.order_by("position", "first_year")),
        )
        .order_by("position", "pk")
    )


# How many fiches' sheet details are held at once.
DETAILS_CHUNK = 200


def _details():
    return (
        "leads",
        "themes",
        Prefetch("partner_roles", queryset=ActionPartner.objects.select_related("organisation")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("funder")),
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values", "targets")),
    )


# The caches those prefetches fill, named once from them (dropped after each chunk).
DETAILS = tuple(getattr(lookup, "prefetch_to", lookup) for lookup in _details())


@dataclass
class Labels:
    """French labels of the vocabularies, with the project's own words where it renamed them."""

    words: dict = field(default_factory=dict)  # vocabulary -> code -> label

    def __call__(self, vocabulary: str, code: str) -> str:
        if not code:
            return ""
        return self.words.get(vocabulary, {}).get(code, code)


def labels_of(project) -> Labels:
    return Labels(project_labels(project))


@dataclass
class ProjectData:
    project: object
    labels: Labels
    levels: dict  # depth -> name
    nodes: list
    children: dict  # node id (None for roots) -> [node]
    actions: list
    actions_of_node: dict  # node id -> [action]
    sub_actions: dict  # action id -> [action]
    periods: list
    acronyms: list = field(default_factory=list)
    enjeux: list = field(default_factory=list)
    programmes: list = field(default_factory=list)
    bodies: list = field(default_factory=list)
    key_figure_tables: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    consultations: list = field(default_factory=list)
    tree_png: bytes | None = None  # the strategy tree diagram; None without cairo or for a filtered list
    budget: BudgetTotals = field(default_factory=BudgetTotals)  # euros by funder × year × kind (full only)
    public: bool = False  # for a visitor: organisations, never people (no leads, referents, chairs, members)
    mobilisation: tuple | None = None  # (whole project, per body) tallies of partners approached (full only)
    mobilisation_headline: object = None

    def with_details(self, actions, chunk: int = DETAILS_CHUNK):
        """``actions`` one by one, each with its sheet's details read (``DETAILS``), ``chunk`` actions per
        round of queries; a round's details are dropped once its actions have been given out."""
        actions = list(actions)
        for start in range(0, len(actions), chunk):
            part = actions[start : start + chunk]
            prefetch_related_objects(part, *_details())
            yield from part
            for action in part:
                for name in DETAILS:
                    action._prefetched_objects_cache.pop(name, None)

    @property
    def nodes_by_id(self) -> dict:
        if not hasattr(self, "_nodes_by_id"):
            self._nodes_by_id = {node.pk: node for node in self.nodes}
        return self._nodes_by_id


def load(project, *, full: bool = True, action=None, actions=None, public: bool = False) -> ProjectData:
    """The tree and all actions (or only ``action`` and its sub-actions, or only ``actions``, the
    QuerySet of a filtered list); ``full`` adds the diagnostic, governance, programmes and acronyms;
    ``public``: the document is for a visitor, and names no person."""
    nodes = list(Node.objects.filter(project=project).select_related("level", "referent").order_by("position", "pk"))
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    queryset = actions_queryset(project)
    if action is not None:
        queryset = queryset.filter(Q(pk=action.pk) | Q(parent=action.pk))
    actions_filter = actions
    if actions is not None:
        queryset = queryset.filter(pk__in=actions.values("pk"))
    actions = list(queryset)
    actions_of_node = defaultdict(list)
    placements = []
    for action in actions:
        for placement in action.placements.all():
            placements.append((placement.node_id, placement.position, action.position, action))
    for node_id, _position, _action_position, action in sorted(placements, key=lambda item: item[:3]):
        actions_of_node[node_id].append(action)
    sub_actions = defaultdict(list)
    for action in actions:
        if action.parent_id:
            sub_actions[action.parent_id].append(action)
    data = ProjectData(
        project=project,
        labels=labels_of(project),
        levels=dict(project.levels.values_list("depth", "name")),
        nodes=nodes,
        children=children,
        actions=actions,
        actions_of_node=actions_of_node,
        sub_actions=sub_actions,
        periods=list(Period.objects.filter(project=project).order_by("position", "first_year")),
        public=public,
    )
    if full:
        data.acronyms = list(Acronym.objects.filter(project=project).order_by("position", "acronym"))
        data.enjeux = list(Enjeu.objects.filter(project=project).prefetch_related("nodes"))
        data.programmes = list(
            Programme.objects.filter(project=project).prefetch_related(
                Prefetch("programmeaction_set", queryset=ProgrammeAction.objects.select_related("action"))
            )
        )
        data.bodies = list(
            Body.objects.filter(project=project)
            .select_related("chair", "node")
            .prefetch_related(Prefetch("members", queryset=BodyMember.objects.select_related("person", "organisation")))
        )
        data.key_figure_tables = list(
            KeyFigureTable.objects.filter(project=project).prefetch_related(
                "columns__territory", "rows__values__column"
            )
        )
        data.findings = list(Finding.objects.filter(project=project))
        data.mobilisation = mobilisation.tallies(project)
        data.mobilisation_headline = mobilisation.headline(project, data.mobilisation)
        data.consultations = list(Consultation.objects.filter(project=project))
        data.budget = project_totals(project, actions_filter)
        if actions_filter is None and nodes:
            data.tree_png = _tree_png(project)
    return data


# The diagram is printed at most about 22 cm tall: 4,000 pixels is 460 dpi there.
TREE_MAX_PIXELS = 4000


def _tree_png(project) -> bytes | None:
    """The tree diagram, once per document. Without cairo the annex keeps its textual tree only; a
    filtered annex has none, since the diagram counts all the project's actions."""
    from maillage.documents.diagram import tree_png
    from maillage.documents.registry import ExportError

    try:
        return tree_png(project, max_height=TREE_MAX_PIXELS)
    except (ImportError, ExportError):
        return None
