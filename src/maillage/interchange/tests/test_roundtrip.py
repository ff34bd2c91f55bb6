"""Export → import → export gives the same document, for every demo project; exports match the schema."""

import json

import pytest
from django.core.management import call_command

from maillage.demo.loading import demo_documents
from maillage.interchange.exporting import export_project, to_json
from maillage.interchange.importing import import_document
from maillage.interchange.validation import VALIDATOR, check
from maillage.projects.models import Project

from .documents import minimal

DEMO_SLUGS = [document["project"]["slug"] for document in demo_documents()]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_demo_project_round_trip(demo_db, slug):
    first = export_project(Project.objects.get(slug=slug))
    assert list(VALIDATOR.iter_errors(first)) == []
    assert check(first) == []
    import_document(first, replace=True)
    second = export_project(Project.objects.get(slug=slug))
    assert to_json(second) == to_json(first)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_demo_documents_import_without_loss(demo_db, slug):
    """The shipped documents are canonical: the export of the loaded project is the shipped file itself.

    Imported again here because the demo accounts add a demo action lead to one project after loading.
    """
    shipped = next(d for d in demo_documents() if d["project"]["slug"] == slug)
    import_document(shipped, replace=True)
    assert to_json(export_project(Project.objects.get(slug=slug))) == to_json(shipped)


@pytest.mark.django_db
def test_minimal_document_round_trip_keeps_everything():
    project = import_document(minimal())
    exported = export_project(project)
    assert exported["actions"][0]["budget"][0]["amount"] == 1500.5
    assert exported["actions"][0]["indicators"][0]["values"] == [{"period": "2023", "value": 0}]
    assert exported["territories"] == [
        {"key": "lhorme", "kind": "commune", "name": "L'Horme"},
        {"key": "perimetre-1", "kind": "perimeter", "name": "Périmètre 1", "members": ["lhorme"]},
    ]
    assert exported["diagnostic"]["tables"][0]["columns"] == ["perimetre-1", "lhorme"]
    assert exported["nodes"][0]["referent"] == "karl-picot"
    project.delete()
    again = import_document(exported)
    assert to_json(export_project(again)) == to_json(exported)


@pytest.mark.django_db
def test_replace_keeps_the_projects_declined_from_it():
    import_document(minimal(**{"project.slug": "pms"}))
    import_document(minimal(**{"project.slug": "pst", "project.parent": "pms"}))
    import_document(minimal(**{"project.slug": "pms", "project.title": "PMS révisé"}), replace=True)
    assert Project.objects.get(slug="pst").parent.title == "PMS révisé"


@pytest.mark.django_db
def test_shared_territories_are_reused_own_ones_go_with_their_project():
    document = minimal()
    document["territories"].append({"key": "genas", "kind": "commune", "name": "Genas", "code": "69277"})
    document["project"]["territory"] = "genas"
    first = import_document(document)
    second = import_document({**document, "project": {**document["project"], "slug": "autre"}})
    assert first.territory_id == second.territory_id
    assert first.own_territories.count() == 2
    first.delete()
    assert second.own_territories.count() == 2
    assert Project.objects.get(slug="autre").territory.code == "69277"


@pytest.mark.django_db
def test_export_command_writes_stdout_or_a_file(tmp_path, capsys):
    import_document(minimal())
    call_command("export", "essai", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["project"]["slug"] == "essai"
    target = tmp_path / "essai.json"
    call_command("export", "essai", "--format", "json", "-o", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == printed


@pytest.mark.django_db
def test_export_command_errors_are_french():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Projet « inconnu » introuvable"):
        call_command("export", "inconnu")
    import_document(minimal())
    with pytest.raises(CommandError, match="Format « rtf » non pris en charge"):
        call_command("export", "essai", "--format", "rtf")


@pytest.mark.django_db
def test_projects_command_lists_slug_kind_title(capsys):
    import_document(minimal())
    import_document(minimal(**{"project.slug": "autre", "project.kind": "ctg", "project.title": "CTG"}))
    call_command("projects")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{p.slug}\t{p.kind}\t{p.title}" for p in Project.objects.order_by("slug")]
    assert "autre\tctg\tCTG" in lines and "essai\tpst\tProjet social d'essai" in lines


@pytest.mark.django_db
def test_import_command_replace(tmp_path, capsys):
    path = tmp_path / "essai.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    call_command("import", str(path))
    assert "Projet « essai » importé : 2 nœuds, 1 actions." in capsys.readouterr().out
    call_command("import", str(path), "--replace")
    assert Project.objects.filter(slug="essai").count() == 1
