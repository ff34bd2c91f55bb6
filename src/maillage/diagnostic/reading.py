"""The diagnostic as the screens read it, in a fixed number of queries: key-figure grids aligned on
their column territories, and for each enjeu the nodes and actions of the tree that answer it."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from maillage.projects.tree import build_tree, walk

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


@dataclass
class Answer:
    enjeu: Enjeu
    nodes: list
    actions: list

    @property
    def unanswered(self) -> bool:
        return not self.actions


def enjeu_answers(project) -> list[Answer]:
    """Every enjeu with the nodes linked to it and the actions placed under those nodes or below them."""
    branches = {branch.node.pk: branch for branch, _depth in walk(build_tree(project))}
    answers = []
    for enjeu in Enjeu.objects.filter(project=project).prefetch_related("nodes"):
        nodes = sorted(enjeu.nodes.all(), key=lambda node: (node.position, node.pk))
        seen, actions = set(), []
        for node in nodes:
            for action in branches[node.pk].all_actions() if node.pk in branches else []:
                if action.pk not in seen:
                    seen.add(action.pk)
                    actions.append(action)
        for node in nodes:
            node.level_name = branches[node.pk].node.level.name if node.pk in branches else ""
        answers.append(Answer(enjeu, nodes, actions))
    return answers
