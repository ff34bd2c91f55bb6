"""The XLSX of ``maillage export`` re-imports into the same project: tree, actions, statuses, sections, partners."""

import pytest
from django.core.management import call_command

from maillage.actions.models import SECTIONS
from maillage.documents.registry import What
from maillage.documents.tabular import write_xlsx
from maillage.projects.models import Project

pytestmark = pytest.mark.django_db


def _tree(project):
    labels = {}

    def label(node):
        return f"{node.code} {node.title}".strip()

    nodes = list(project.nodes.select_related("level", "parent"))
    for node in nodes:
        chain, current = [], node
        while current is not None:
            chain.append(label(current))
            current = next((n for n in nodes if n.pk == current.parent_id), None)
        labels[tuple(reversed(chain))] = node.level.name
    return labels


def _actions(project):
    result = {}
    for action in project.actions.prefetch_related("periods", "partner_roles__organisation", "placements__node"):
        result[action.ref] = {
            "title": action.title,
            "code": action.code,
            "status": action.status,
            "origin": action.origin,
            "priority": action.priority,
            "scale": action.scale,
            "periods": sorted(p.label for p in action.periods.all()),
            "sections": {name: getattr(action, name).strip() for name in SECTIONS},
            "partners": sorted((r.organisation.name, r.role) for r in action.partner_roles.all()),
            "nodes": sorted(f"{p.node.code} {p.node.title}".strip() for p in action.placements.all()),
            "dates": (action.start_date, action.end_date),
        }
    return result


@pytest.mark.parametrize("slug", ["clermont-sud", "genas-pset-2", "pays-du-gier-ctg-p3", "gea-orientations-cst"])
def test_exported_xlsx_reimports_as_the_same_project(demo_db, tmp_path, slug):
    original = Project.objects.get(slug=slug)
    path = tmp_path / f"{slug}.xlsx"
    path.write_bytes(write_xlsx(original, What("project")))
    call_command("import", str(path), slug=f"{slug}-copie", title="Copie")
    copy = Project.objects.get(slug=f"{slug}-copie")
    assert list(copy.levels.values_list("name", flat=True)) == list(original.levels.values_list("name", flat=True))
    assert _tree(copy) == _tree(original)
    assert _actions(copy) == _actions(original)


def test_exported_xlsx_merged_into_its_own_project_changes_nothing(demo_db, tmp_path):
    project = Project.objects.get(slug="clermont-sud")
    before_tree, before_actions = _tree(project), _actions(project)
    path = tmp_path / "clermont.xlsx"
    path.write_bytes(write_xlsx(project, What("project")))
    call_command("import", str(path), into="clermont-sud")
    assert _tree(project) == before_tree
    assert _actions(project) == before_actions


def test_exported_csv_reimports_the_same_actions(demo_db, tmp_path):
    from maillage.documents.tabular import write_csv

    original = Project.objects.get(slug="pays-du-gier-ctg-p3")
    path = tmp_path / "gier.csv"
    path.write_bytes(write_csv(original, What("project")))
    call_command("import", str(path), slug="gier-csv", title="Copie CSV")
    assert _actions(Project.objects.get(slug="gier-csv")) == _actions(original)
