"""The diagnostic as the screens read it: key-figure grids aligned on their column territories, in a
fixed number of queries, and for each enjeu the nodes and actions of the tree that answer it (one
query an enjeu, whatever the number of actions)."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Window

from maillage.actions.models import Action, ActionNode
from maillage.projects.tree import skeleton, walk

from .models import Enjeu, KeyFigureColumn, KeyFigureRow, KeyFigureTable


@dataclass
class Grid:
    table: KeyFigureTable
    columns: list
    rows: list = field(default_factory=list)  # (row, [value text per column])


def key_figure_grids(project) -> list[Grid]:
    """Each table with its cells in column order; a missing cell is an empty string."""
    tables = KeyFigureTable.objects.filter(project=project).prefetch_related(
        Prefetch("columns", queryset=KeyFigureColumn.objects.select_related("territory")),
        Prefetch("rows", queryset=KeyFigureRow.objects.prefetch_related("values")),
    )
    grids = []
    for table in tables:
        columns = list(table.columns.all())
        grid = Grid(table, columns)
        for row in table.rows.all():
            cells = {value.column_id: value.value for value in row.values.all()}
            grid.rows.append((row, [cells.get(column.pk, "") for column in columns]))
        grids.append(grid)
    return grids


# An enjeu lists this many of the actions that answer it; the list of actions, filtered on its nodes,
# shows them all.
ANSWER_SHOWN = 10


@dataclass
class Answer:
    enjeu: Enjeu
    nodes: list
    actions: list
    count: int = 0

    @property
    def unanswered(self) -> bool:
        return not self.count

    @property
    def more(self) -> int:
        return self.count - len(self.actions)


def enjeu_answers(project) -> list[Answer]:
    """Every enjeu with the nodes linked to it and the actions placed under those nodes or below them:
    their number, counted in the database, and the first ``ANSWER_SHOWN`` of them."""
    _roots, branches = skeleton(project)
    answers = []
    for enjeu in Enjeu.objects.filter(project=project).prefetch_related("nodes"):
        nodes = sorted(enjeu.nodes.all(), key=lambda node: (node.position, node.pk))
        subtree = set()
        for node in nodes:
            if node.pk in branches:
                subtree.update(branch.node.pk for branch, _depth in walk([branches[node.pk]]))
                node.numbered_label = branches[node.pk].node.numbered  # the level named once (Node.numbered)
            else:
                node.numbered_label = node.code
        placed = ActionNode.objects.filter(node_id__in=subtree, action__parent__isnull=True).values("action_id")
        shown = list(
            Action.objects.filter(pk__in=placed)
            .only("pk", "ref", "code", "title", "status", "project_id")
            .annotate(answering=Window(Count("pk")))  # how many in all, on each of the rows read
            .order_by("position", "pk")[:ANSWER_SHOWN]
        )
        answers.append(Answer(enjeu, nodes, shown, shown[0].answering if shown else 0))
    return answers
