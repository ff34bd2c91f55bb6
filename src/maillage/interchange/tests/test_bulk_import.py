"""The importer in bulk: same fidelity as one save() per row, queries that do not grow with the document,
the model rules checked before anything is written, and the two schema validators in agreement."""

import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from maillage.actions.models import ProgrammeObjective
from maillage.french import normalise
from maillage.interchange.exporting import export_project, to_json
from maillage.interchange.importing import import_document
from maillage.interchange.validation import FAST, VALIDATOR, InvalidDocument, _describe, check, schema_problems
from maillage.projects.models import Node, Project

from .documents import minimal
from .generated import large_document

pytestmark = pytest.mark.django_db


def rows_in_database() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}


# --- fidelity -----------------------------------------------------------------------------------------


def test_a_generated_document_of_1000_actions_comes_back_byte_for_byte():
    document = large_document(1000)
    project = import_document(document)
    assert to_json(export_project(project)) == to_json(document)
    again = import_document(export_project(project), replace=True)
    assert to_json(export_project(again)) == to_json(document)
    assert Project.objects.filter(slug=document["project"]["slug"]).count() == 1


def test_computed_columns_are_what_save_writes():
    project = import_document(large_document(60))
    for action in project.actions.all():
        assert action.search_text == action.computed_search_text() != ""
        assert action.title_key == normalise(action.title)[:500]
        assert action.version == 1 and action.created_at and action.modified_at
        before = (action.search_text, action.title_key)
        action.save()
        assert (action.search_text, action.title_key) == before


def test_indicator_values_are_placed_in_time_as_save_places_them():
    """A value's year and end date are derived from its free-text period: the import writes them too."""
    from maillage.evaluation.models import IndicatorValue

    project = import_document(large_document(30))
    values = list(IndicatorValue.objects.filter(indicator__action__project=project))
    assert values and all(value.year is not None for value in values)
    for value in values:
        before = (value.year, value.sort_date)
        value.save()
        assert (value.year, value.sort_date) == before


def _written(project):
    """What an import writes beyond the export: positions, versions, computed columns, tree links."""
    return {
        "actions": list(
            project.actions.order_by("position").values_list(
                "ref", "position", "version", "search_text", "title_key", "parent__ref"
            )
        ),
        "nodes": list(Node.objects.filter(project=project).values_list("code", "title", "position", "parent__title")),
        "objectives": list(
            ProgrammeObjective.objects.filter(programme__project=project)
            .order_by("programme__position", "position")
            .values_list("title", "position", "parent__title")
        ),
    }


def test_the_fast_path_writes_what_bulk_create_writes(monkeypatch):
    fast = import_document(large_document(120, slug="rapide"))
    monkeypatch.setattr(connection, "vendor", "autre")  # bulk.insert falls back on bulk_create
    slow = import_document(large_document(120, slug="lent"))
    monkeypatch.undo()
    assert _written(fast) == _written(slow)
    exported = [export_project(project) for project in (fast, slow)]
    exported[1]["project"]["slug"] = "rapide"
    assert to_json(exported[0]) == to_json(exported[1])


def test_primary_keys_are_new_ones_after_a_replace():
    """Ids of deleted rows are not handed out again (SQLite AUTOINCREMENT, PostgreSQL sequences)."""
    first = import_document(minimal())
    old_ids = set(first.actions.values_list("pk", flat=True))
    second = import_document(minimal(), replace=True)
    assert not old_ids & set(second.actions.values_list("pk", flat=True))


def test_domains_and_shared_territories_are_reused():
    document = minimal()
    document["territories"].append({"key": "genas", "kind": "commune", "name": "Genas", "code": "69277"})
    document["territories"][0]["members"].append("genas")
    import_document(document)
    counts = rows_in_database()
    import_document({**document, "project": {**document["project"], "slug": "autre"}})
    after = rows_in_database()
    assert after["partners.Domain"] == counts["partners.Domain"]
    assert after["territories.Territory"] == counts["territories.Territory"] + 2  # the two without a code


def test_duplicated_leads_are_added_once_as_add_does():
    document = minimal(**{"people": [{"key": "karl-picot", "name": "Karl PICOT"}]})
    document["actions"][0]["leads"] = ["karl-picot", "karl-picot"]
    project = import_document(document)
    assert project.actions.get().leads.count() == 1


# --- queries ----------------------------------------------------------------------------------------


def _queries(document) -> int:
    with CaptureQueriesContext(connection) as queries:
        import_document(document)
    return len(queries)


def test_the_queries_of_an_import_do_not_grow_with_the_document():
    """A small version of bench/interchange_import_bench.py: counts only, no timing.

    A first import creates the shared communes and domains, which the next ones look up."""
    import_document(large_document(10))
    small, large = _queries(large_document(100)), _queries(large_document(1000))
    assert small == large
    assert large < 135  # of which about 15 rebuild the project's search index (a constant number)


def test_replace_stays_within_a_few_hundred_queries():
    import_document(large_document(300))
    with CaptureQueriesContext(connection) as queries:
        import_document(large_document(300), replace=True)
    assert len(queries) < 600


def test_progress_is_reported_per_step_until_done():
    calls = []
    import_document(large_document(50), progress=lambda done, total: calls.append((done, total)))
    total = calls[-1][1]
    assert [done for done, _total in calls] == list(range(1, total + 1))
    assert {t for _done, t in calls} == {total} and total > 15


def test_the_import_command_shows_the_writing(tmp_path, capsys):
    path = tmp_path / "grand.json"
    path.write_text(to_json(large_document(30)), encoding="utf-8")
    call_command("import", str(path), "--progress")
    captured = capsys.readouterr()
    assert "Écriture : 1 / " in captured.err and captured.err.endswith("\n")
    assert "30 actions" in captured.out


# --- the model rules, checked before writing ---------------------------------------------------------


def _loop(document):
    document["actions"].append({"ref": "A2", "title": "Sous-action", "status": "planned", "parent": "A1"})
    document["actions"][0]["parent"] = "A2"
    return document


def _deeper(document):
    document["nodes"][0]["children"][0]["level"] = "Axe"
    return document


def _unknown_level(document):
    document["nodes"][0]["level"] = "Visée"
    return document


def _seven_levels(document):
    document["levels"] = ["N1", "N2", "N3", "N4", "N5", "N6", "N7"]
    return document


def _twice_in_programme(document):
    document["programmes"] = [{"key": "familles", "title": "Projet familles", "actions": ["A1", "A1"]}]
    return document


BROKEN = {
    "dates out of order": (minimal(**{"actions.0.start_date": "2024-05-01", "actions.0.end_date": "2024-01-01"}), "$.actions[0].end_date"),  # noqa: E501
    "consultation dates out of order": (minimal(**{"diagnostic.consultations": [{"title": "Enquête", "start_date": "2024-05-01", "end_date": "2024-01-01"}]}), "$.diagnostic.consultations[0].end_date"),  # noqa: E501
    "project period reversed": (minimal(**{"project.period": {"start": 2026, "end": 2023}}), "$.project.period"),
    "period reversed": (minimal(**{"periods.0.start": 2024, "periods.0.end": 2023}), "$.periods[0]"),
    "period outside the project": (minimal(**{"periods.0.end": 2030}), "$.periods[0]"),
    "budget year outside the project": (minimal(**{"actions.0.budget.0.year": 2030}), "$.actions[0].budget[0].year"),
    "target year outside the project": (minimal(**{"actions.0.indicators.0.targets.0.year": 2019}), "$.actions[0].indicators[0].targets[0].year"),  # noqa: E501
    "node not deeper than its parent": (_deeper(minimal()), "$.nodes[0].children[0].level"),
    "node level unknown": (_unknown_level(minimal()), "$.nodes[0].level"),
    "more than six levels": (_seven_levels(minimal()), "$.levels"),
    "loop of parent actions": (_loop(minimal()), "$.actions[0].parent"),
    "period of another project": (minimal(**{"actions.0.periods": ["2019-2020"]}), "$.actions[0].periods[0]"),
    "theme of another project": (minimal(**{"actions.0.themes": ["Jeunesse"]}), "$.actions[0].themes[0]"),
    "lead of another project": (minimal(**{"actions.0.leads": ["inconnu"]}), "$.actions[0].leads[0]"),
    "partner of another project": (minimal(**{"actions.0.partners.0.partner": "ailleurs"}), "$.actions[0].partners[0].partner"),  # noqa: E501
    "node of another project": (minimal(**{"bodies.0.node": "ailleurs"}), "$.bodies[0].node"),
    "action of another project in a node": (minimal(**{"nodes.0.actions": ["B7"]}), "$.nodes[0].actions[0]"),
    "action listed twice in a programme": (_twice_in_programme(minimal()), "$.programmes[0].actions[1]"),
    "value without value or assessment": (minimal(**{"actions.0.indicators.0.values.0.value": None}), "$.actions[0].indicators[0].values[0]"),  # noqa: E501
}  # fmt: skip


@pytest.mark.parametrize("name", BROKEN)
def test_a_document_breaking_a_model_rule_is_refused_with_nothing_written(name):
    document, where = BROKEN[name]
    import_document(minimal(**{"project.slug": "deja-la"}))
    before = rows_in_database()
    with pytest.raises(InvalidDocument) as error:
        import_document(document)
    assert where in [problem.path for problem in error.value.problems], error.value.report()
    assert rows_in_database() == before


def test_replace_refuses_a_parent_declined_from_the_replaced_project():
    import_document(minimal(**{"project.slug": "pms"}))
    import_document(minimal(**{"project.slug": "pst", "project.parent": "pms"}))
    before = rows_in_database()
    with pytest.raises(InvalidDocument, match="« pst » est décliné de « pms »"):
        import_document(minimal(**{"project.slug": "pms", "project.parent": "pst"}), replace=True)
    assert rows_in_database() == before


def test_a_failure_while_writing_leaves_nothing(monkeypatch):
    before = rows_in_database()

    def broken(*args):
        raise RuntimeError("panne")

    monkeypatch.setattr("maillage.interchange.importing._Importer.write_enjeux", broken)
    with pytest.raises(RuntimeError):
        import_document(large_document(30))
    assert rows_in_database() == before


# --- the two validators --------------------------------------------------------------------------------


def _reference(document):
    """What the reference validator alone says, described as check() describes it."""
    problems = {}
    for error in VALIDATOR.iter_errors(document):
        problem = _describe(error)
        problems.setdefault(problem.path, problem)
    return sorted(problems.values(), key=lambda problem: problem.path)


SPACES_PYTHON_ONLY = ["\x1c", "\x1d", "\x1e", "\x1f", "\x85"]


@pytest.mark.parametrize("value", [*SPACES_PYTHON_ONLY, "\ufeff", "A1\n", "\ud800", "0000-01-01", "2023-02-29"])
@pytest.mark.parametrize(
    "field", ["actions.0.title", "actions.0.ref", "levels.0", "meetings.0.date", "actions.0.start_date"]
)  # noqa: E501
def test_what_the_validators_read_differently_is_decided_by_the_reference(field, value):
    document = minimal(**{field: value})
    assert schema_problems(document) == _reference(document)


def test_a_title_of_control_spaces_is_refused_with_the_french_message():
    problems = check(minimal(**{"actions.0.title": "\x1f"}))
    assert [str(p) for p in problems] == [
        "$.actions[0].title : ne doit pas être vide ni commencer ou finir par une espace."
    ]


PLACES = ["actions.0.title", "actions.0.ref", "actions.0.code", "levels.0", "themes.0", "partners.0.key",
          "meetings.0.date", "meetings.0.start_time", "actions.0.budget.0.amount", "actions.0.status",
          "project.period.start", "nodes.0.title", "diagnostic.tables.0.rows.0.values.0"]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x3000), max_size=4),
    st.sampled_from(["2024-02-29", "2023-02-29", "0000-01-01", "24:00", "12.50", "-3", "1,5", "done", "finie"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=3), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(PLACES), value=VALUES)
@example(place="actions.0.title", value="\x1c")
@example(place="levels.0", value="\x85")
@example(place="meetings.0.date", value="0000-01-01")
def test_the_fast_validator_never_accepts_what_the_reference_refuses(place, value):
    document = minimal(**{place: value})
    try:
        fast = FAST.is_valid(document)
    except (ValueError, TypeError, OverflowError):
        fast = None
    reference = _reference(document)
    if fast:
        assert reference == []
    assert schema_problems(document) == reference


def test_one_typo_in_a_large_document_is_described_from_its_place_only():
    document = large_document(300)
    document["actions"][150]["status"] = "finie"
    document["actions"][151]["budget"][0]["amount"] = "mille"
    assert schema_problems(document) == _reference(document)
    assert [p.path for p in schema_problems(document)] == [
        "$.actions[150].status",
        "$.actions[151].budget[0].amount",
    ]


def test_the_schema_given_to_others_is_a_copy():
    from maillage.interchange.validation import schema

    copy = schema()
    copy["properties"].clear()
    assert json.loads(json.dumps(schema()))["properties"]


def test_replace_leaves_exactly_what_one_import_leaves():
    import_document(large_document(80))
    once = rows_in_database()
    import_document(large_document(80), replace=True)
    assert rows_in_database() == once


def test_replace_leaves_to_django_the_tables_a_delete_signal_listens_to():
    from django.db.models.signals import post_delete

    from maillage.actions.models import Action

    import_document(large_document(30))
    deleted = []

    def listen(sender, instance, **kwargs):
        deleted.append(instance.ref)

    post_delete.connect(listen, sender=Action)
    try:
        import_document(large_document(30), replace=True)
    finally:
        post_delete.disconnect(listen, sender=Action)
    assert len(deleted) == 30
