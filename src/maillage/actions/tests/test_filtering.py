"""The list's filters, one by one and together, the accent-free search, the sort, and the query bound."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse

from maillage.actions.filtering import filter_actions
from maillage.actions.models import Action, ActionNode, ActionPartner
from maillage.evaluation.models import Indicator
from maillage.french import normalise
from maillage.partners.models import Person
from maillage.projects.models import Level, Node, Period, Theme
from maillage.search.indexing import reindex_project


def refs(project, query):
    return sorted(filter_actions(project, QueryDict(query)).values_list("ref", flat=True))


@pytest.fixture
def many(plan):
    """Actions differing in one thing each, beside A1 (led by Camille, under 1.1) and A2."""
    p = plan.project
    make = lambda ref, **kw: Action.objects.create(project=p, ref=ref, title=kw.pop("title", f"Fiche {ref}"), **kw)  # noqa: E731
    plan.a3 = make("A3", status="blocked", origin="new", priority="high", scale="communal")
    plan.a4 = make("A4", status="done", origin="existing", priority="low", end_date=datetime.date(2020, 6, 30))
    plan.a5 = make(
        "A5", status="in_progress", end_date=datetime.date(2020, 12, 31), start_date=datetime.date(2020, 1, 1)
    )
    plan.a6 = make("A6", title="Sortie", description="Une sortie à la médiathèque pour les ÉCOLES du quartier")
    plan.a7 = make("A7", parent=plan.led)  # sub-action: serves the nodes of its parent
    plan.a5.themes.add(plan.theme)
    plan.a3.periods.add(plan.period)
    ActionPartner.objects.create(action=plan.a3, organisation=plan.partner, role="funder")
    plan.a4.lead_organisation = plan.partner
    plan.a4.save()
    plan.node.actions.add(plan.a6)
    Indicator.objects.create(action=plan.a3, kind="quantitative", title="Familles accueillies")
    return plan


def test_each_filter_alone(many):
    p = many.project
    assert refs(p, "") == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    assert refs(p, "statut=blocked") == ["A3"]
    assert refs(p, "statut=blocked&statut=done") == ["A3", "A4"]
    assert refs(p, "origine=new") == ["A3"]
    assert refs(p, "priorite=low") == ["A4"]
    assert refs(p, "echelon=communal") == ["A3"]
    assert refs(p, f"pilote={many.lead.pk}") == ["A1"]
    assert refs(p, f"partenaire={many.partner.pk}") == ["A3", "A4"]  # partner role or lead organisation
    assert refs(p, f"theme={many.theme.pk}") == ["A5"]
    assert refs(p, f"periode={many.period.pk}") == ["A3"]
    assert refs(p, "annee=2024") == ["A3"]  # by its period 2023-2024
    assert refs(p, "annee=2020") == ["A4", "A5"]  # by their dates
    assert refs(p, "retard=1") == ["A3", "A5"]  # A3 by its period (over), A5 by its end date; A4 is done
    assert refs(p, "sans=indicateur") == ["A1", "A2", "A4", "A5", "A6", "A7"]
    assert refs(p, "sans=partenaire") == ["A1", "A2", "A4", "A5", "A6", "A7"]
    assert refs(p, "sans=pilote") == ["A2", "A3", "A5", "A6", "A7"]  # A4 has a lead organisation


def test_a_node_filter_includes_its_descendants_and_sub_actions(many):
    p = many.project
    assert refs(p, f"noeud={many.child_node.pk}") == ["A1", "A7"]
    assert refs(p, f"noeud={many.node.pk}") == ["A1", "A6", "A7"]


def test_filters_combine(many):
    p = many.project
    assert refs(p, f"partenaire={many.partner.pk}&statut=done") == ["A4"]
    assert refs(p, f"noeud={many.node.pk}&q=ecole") == ["A1", "A6"]
    assert refs(p, "sans=indicateur&sans=pilote&statut=done&statut=in_progress") == ["A2", "A5"]
    assert refs(p, "annee=2020&retard=1") == ["A5"]


def test_search_ignores_accents_and_case(many):
    p = many.project
    assert refs(p, "q=ecole") == ["A1", "A6"]  # « École » in A1's title, « ÉCOLES » in A6's description
    assert refs(p, "q=ÉCOLE") == ["A1", "A6"]
    assert refs(p, "q=mediatheque ecoles") == ["A6"]  # every word must match
    assert refs(p, "q=quartier+jeune") == ["A1"]  # a section (context)
    assert refs(p, "q=introuvable") == []


def test_search_text_follows_every_save(plan):
    plan.not_led.obstacles = "Manque de bénévoles à Œuvre commune"
    plan.not_led.save(update_fields=["obstacles"])
    assert refs(plan.project, "q=benevoles oeuvre") == ["A2"]


def test_bad_values_and_other_projects_ids_are_ignored_or_match_nothing(many):
    p = many.project
    assert refs(p, "statut=inconnu&noeud=abc&annee=deux-mille") == refs(p, "")
    level = Level.objects.create(project=many.other, depth=1, name="Axe")
    foreign_node = Node.objects.create(project=many.other, level=level, title="Ailleurs")
    ActionNode.objects.create(action=many.foreign, node=foreign_node)
    assert refs(p, f"noeud={foreign_node.pk}") == []
    assert refs(p, f"pilote={Person.objects.create(project=many.other, key='x', name='X').pk}") == []
    # a dict works as well as a QueryDict (exports call it so)
    assert list(filter_actions(p, {"statut": ["blocked", "done"]}).values_list("ref", flat=True)) == ["A3", "A4"]


def test_sort(many):
    p = many.project
    assert list(filter_actions(p, {"tri": "-fin"}).values_list("ref", flat=True))[:2] == ["A5", "A4"]
    assert list(filter_actions(p, {"tri": "fin"}).values_list("ref", flat=True))[:2] == ["A4", "A5"]
    titles = list(filter_actions(p, {"tri": "titre"}).values_list("title", flat=True))
    assert titles == sorted(titles, key=normalise)  # « Fête » before « Fiche », as in a French index


def test_the_list_page_shows_filters_in_the_url(many, login):
    client = login(many, "reader")
    url = reverse("action-list", args=[many.project.slug])
    page = client.get(url, {"q": "école", "statut": "planned"}).content.decode()
    assert "Accueil des familles" in page and "Sortie" in page and "Fête de quartier" not in page
    assert "2 actions" in page and "Effacer les filtres" in page
    assert 'value="école"' in page


@pytest.fixture
def big(plan):
    """500 actions with leads, periods and nodes, built in bulk."""
    p = plan.project
    people = Person.objects.bulk_create(Person(project=p, key=f"p{i}", name=f"Personne {i}") for i in range(20))
    actions = Action.objects.bulk_create(
        Action(
            project=p,
            ref=f"G{i:03d}",
            title=f"Action générée {i}",
            status=["planned", "in_progress", "done"][i % 3],
            end_date=datetime.date(2020, 1, 1) if i % 7 == 0 else None,
            search_text=f"action generee {i}",
            position=i,
        )
        for i in range(500)
    )
    Action.leads.through.objects.bulk_create(
        Action.leads.through(action_id=a.pk, person_id=people[i % 20].pk) for i, a in enumerate(actions)
    )
    Action.periods.through.objects.bulk_create(
        Action.periods.through(action_id=a.pk, period_id=plan.period.pk) for a in actions
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=plan.child_node) for a in actions)
    Theme.objects.create(project=p, name="Jeunesse")
    Period.objects.create(project=p, label="2025-2026", first_year=2025, last_year=2026)
    reindex_project(p)  # bulk_create sends no signal: the search index is rebuilt as every bulk path does
    return plan


@pytest.mark.parametrize("query", ["", "tri=-fin&page=3", "statut=planned&retard=1", "q=generee&noeud={node}"])
def test_the_list_runs_a_bounded_number_of_queries(big, login, django_assert_max_num_queries, query):
    client = login(big, "coordinator")
    url = reverse("action-list", args=[big.project.slug]) + "?" + query.format(node=big.node.pk)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('id="action-row-') == 50


def test_the_migration_fills_the_search_text_of_existing_actions(plan):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("maillage.actions.migrations.0004_action_search_text")
    # The column is no longer what the list's q= reads (maillage.search is), but it is still filled.
    Action.objects.filter(project=plan.project).update(search_text="")
    migration.fill_search_text(apps, None)
    assert "ecole" in Action.objects.get(pk=plan.led.pk).search_text
    assert Action.objects.get(pk=plan.led.pk).search_text == plan.led.computed_search_text()


def test_title_sort_ignores_accents_and_case(plan):
    p = plan.project
    for ref, title in (("Z1", "Zumba pour tous"), ("E1", "École ouverte"), ("E2", "entraide"), ("A9", "Atelier")):
        Action.objects.create(project=p, ref=ref, title=title)
    ordered = [a.title for a in filter_actions(p, {"tri": "titre"}) if a.ref in {"Z1", "E1", "E2", "A9"}]
    assert ordered == ["Atelier", "École ouverte", "entraide", "Zumba pour tous"]
