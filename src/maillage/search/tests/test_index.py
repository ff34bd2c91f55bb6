"""The index follows every write: saves, deletions, bulk imports, migrations, the reindex command."""

import pytest
from django.core.management import call_command

from maillage.actions.models import Action
from maillage.backups.contents import backed_up_models
from maillage.governance.models import Meeting
from maillage.interchange.exporting import export_project
from maillage.interchange.importing import import_document
from maillage.projects.models import Node
from maillage.search.engines import engine_for
from maillage.search.indexing import fill_after_migrate
from maillage.search.models import Kind, SearchEntry


def refs(project, query):
    entries = SearchEntry.objects.filter(project=project, kind=Kind.ACTION)
    return [e.action.ref for e in engine_for().search(entries, query).select_related("action")]


def test_every_object_has_its_row(world):
    counts = {kind: SearchEntry.objects.filter(project=world.private, kind=kind).count() for kind in Kind.values}
    assert counts == {"action": 1, "node": 1, "organisation": 1, "meeting": 1, "decision": 1, "finding": 1}
    entry = SearchEntry.objects.get(action=world.actions["private"])
    assert entry.title == "Accueil chez une assistante maternelle" and "agréée" in entry.text
    assert entry.object_id == world.actions["private"].pk


def test_a_save_updates_the_row_and_a_delete_removes_it(world):
    action = world.actions["private"]
    action.title = "Ludothèque itinérante"
    action.save()
    assert refs(world.private, "ludotheques") == ["V1"]
    action.obstacles = "Le camion des ludothécaires"
    action.save(update_fields=["obstacles"])
    assert refs(world.private, "camion") == ["V1"]
    action.delete()
    assert refs(world.private, "ludotheque") == []
    assert not SearchEntry.objects.filter(kind=Kind.ACTION, project=world.private).exists()


def test_a_save_of_fields_the_search_does_not_read_costs_no_query_of_the_index(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action = world.actions["private"]
    with CaptureQueriesContext(connection) as status_only:
        action.save(update_fields=["status"])
    assert status_only.captured_queries and not any("search_entry" in q["sql"] for q in status_only.captured_queries)
    with CaptureQueriesContext(connection) as title:
        action.save(update_fields=["title"])
    assert sum("search_entry" in q["sql"] for q in title.captured_queries) == 2  # one object, two queries


def test_deleting_a_meeting_removes_its_decisions_and_renaming_it_follows(world):
    meeting = Meeting.objects.get(project=world.private)
    meeting.title = "Conseil d'orientation"
    meeting.save()
    decision = SearchEntry.objects.get(kind=Kind.DECISION, project=world.private)
    assert decision.title.startswith("Conseil d'orientation — 12/03/2025")
    meeting.delete()
    assert not SearchEntry.objects.filter(project=world.private, kind__in=[Kind.MEETING, Kind.DECISION]).exists()


def test_nodes_deleted_with_their_project(world):
    Node.objects.filter(project=world.private).delete()
    assert not SearchEntry.objects.filter(project=world.private, kind=Kind.NODE).exists()
    world.hidden.delete()
    assert not SearchEntry.objects.filter(project_id=world.hidden.pk).exists()


def test_an_interchange_import_fills_the_index_of_the_project_it_writes(world):
    document = export_project(world.private)
    project = import_document(document, replace=True)
    assert refs(project, "assistantes maternelles") == ["V1"]
    kinds = set(SearchEntry.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds == set(Kind.values)
    assert SearchEntry.objects.filter(project=project).count() == 6


def test_the_reindex_command_and_the_migration_hook_rebuild_it(world, capsys):
    def ours():  # the session database may hold the demo's entries too
        return SearchEntry.objects.filter(project__slug__in=["pst-publie", "pst-prive", "pst-cache"]).count()

    Action.objects.filter(pk=world.actions["private"].pk).update(title="Écrit sans signal")  # no save()
    assert refs(world.private, "signal") == []
    call_command("reindex", "pst-prive")
    assert refs(world.private, "signal") == ["V1"]
    SearchEntry.objects.all().delete()
    call_command("reindex")
    assert "entrées écrites" in capsys.readouterr().out
    assert ours() == 17  # 3 actions, 2 nodes, 3 × (organisation, meeting, decision, finding)
    SearchEntry.objects.all().delete()
    fill_after_migrate(None)  # after a restore, or the index's first migration on an existing database
    assert ours() == 17
    fill_after_migrate(None)  # an index already filled is left as it is
    assert ours() == 17


def test_an_unknown_project_is_refused_by_the_command(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Projet inconnu : nulle-part"):
        call_command("reindex", "nulle-part")


def test_backups_keep_the_index_and_a_restore_fills_the_engines_from_it():
    # Restored rows go in by bulk insert: SQLite's triggers and PostgreSQL's trigger index them again.
    assert SearchEntry in backed_up_models()
