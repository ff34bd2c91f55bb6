"""The diagnostic screen: accessible key-figure tables, findings, consultations, enjeux with the nodes
and actions that answer them; who may edit; French errors; cross-project ids; bounded queries; the demo."""

import pytest
from django.urls import reverse

from maillage.accounts.models import User
from maillage.actions.models import Action, ActionNode
from maillage.actions.tests.factories import ActionFactory
from maillage.diagnostic.models import (
    Consultation,
    Enjeu,
    Finding,
    KeyFigureColumn,
    KeyFigureRow,
    KeyFigureTable,
    KeyFigureValue,
)
from maillage.diagnostic.reading import ANSWER_SHOWN
from maillage.partners.tests.roles import check_every_role, check_refused_posts, login_as, project_with_network
from maillage.projects.tests.factories import LevelFactory, NodeFactory, ProjectFactory
from maillage.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnosed():
    def make(published=False):
        project = project_with_network(published=published)
        axe = LevelFactory(project=project, depth=1, name="Axe")
        objectif = LevelFactory(project=project, depth=2, name="Objectif")
        droits = NodeFactory(project=project, level=axe, code="AXE 1", title="Accéder à ses droits")
        numerique = NodeFactory(project=project, level=objectif, parent=droits, code="1.1", title="Inclusion numérique")
        lonely = NodeFactory(project=project, level=axe, code="AXE 2", title="Grandir")
        action = ActionFactory(project=project, ref="A1", title="Ateliers numériques", status="in_progress")
        ActionNode.objects.create(action=action, node=numerique)
        answered = Enjeu.objects.create(project=project, code="Enjeu n° 1", title="Favoriser l'accès aux droits")
        answered.nodes.add(droits)
        orphan = Enjeu.objects.create(project=project, code="Enjeu n° 2", title="Accompagner les parents", position=1)
        orphan.nodes.add(lonely)
        qpv = Territory.objects.create(kind="neighbourhood", name="Quartier des Tilleuls", project=project)
        city = Territory.objects.create(kind="commune", name="Ville témoin", project=project)
        table = KeyFigureTable.objects.create(
            project=project, title="Chiffres clés familles", source="Insee", year=2019
        )
        columns = [
            KeyFigureColumn.objects.create(table=table, territory=t, position=i) for i, t in enumerate([qpv, city])
        ]
        row = KeyFigureRow.objects.create(table=table, indicator="Part des moins de 25 ans", unit="%")
        KeyFigureValue.objects.create(row=row, column=columns[0], value="36%")
        KeyFigureValue.objects.create(row=row, column=columns[1], value="31%")
        finding = Finding.objects.create(
            project=project, theme="Portrait", title="Un quartier jeune", text="Indice jeunesse de 1,7."
        )
        consultation = Consultation.objects.create(project=project, title="Enquête habitants", residents=373, young=92)
        return project, finding, consultation, answered, orphan, droits, lonely, action

    return make


def _pages(project, finding, consultation, enjeu):
    pages = {"diagnostic": (reverse("diagnostic", args=[project.slug]), False, True)}
    for part, obj in (("constat", finding), ("consultation", consultation), ("enjeu", enjeu)):
        pages[f"{part}-create"] = (reverse(f"{part}-create", args=[project.slug]), True, False)
        pages[f"{part}-edit"] = (reverse(f"{part}-edit", args=[project.slug, obj.pk]), True, False)
        pages[f"{part}-delete"] = (reverse(f"{part}-delete", args=[project.slug, obj.pk]), True, False)
    return pages


PAGES = ["diagnostic"] + [
    f"{p}-{a}" for p in ("constat", "consultation", "enjeu") for a in ("create", "edit", "delete")
]


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_for_every_role(client, diagnosed, published, name):
    project, finding, consultation, enjeu, *_ = diagnosed(published)
    url, manage, public_redirect = _pages(project, finding, consultation, enjeu)[name]
    assert check_every_role(client, project, url, manage=manage, public_redirect=public_redirect) == {}


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_changes_are_refused_to_non_coordinators(client, diagnosed, published):
    project, finding, consultation, enjeu, *_ = diagnosed(published)
    data = {"title": "Intrus", "text": "Intrus"}
    for name, (url, manage, _public) in _pages(project, finding, consultation, enjeu).items():
        if manage:
            assert check_refused_posts(client, project, url, data) == {}, name
    assert list(Finding.objects.filter(project=project).values_list("title", flat=True)) == ["Un quartier jeune"]
    assert Consultation.objects.filter(project=project).count() == 1
    assert Enjeu.objects.filter(project=project).count() == 2


def test_the_page_shows_tables_findings_consultations_and_answers(client, diagnosed):
    project, finding, consultation, answered, orphan, droits, lonely, action = diagnosed()
    login_as(client, project, "reader")
    page = client.get(reverse("diagnostic", args=[project.slug]))
    html = page.content.decode()
    # A real table: caption, one column header per territory, the indicator as the row header.
    assert "<caption>Chiffres clés familles" in html and "Source : Insee (2019)" in html
    assert '<th scope="col">Quartier des Tilleuls</th>' in html and '<th scope="col">Ville témoin</th>' in html
    assert '<th scope="row">Part des moins de 25 ans</th>' in html
    assert html.index("36%") < html.index("31%")
    assert "Un quartier jeune" in html and "Indice jeunesse de 1,7." in html
    assert "373 habitants interrogés" in html and "dont 92 jeunes" in html
    answers = {a.enjeu.code: a for a in page.context["answers"]}
    assert [a.ref for a in answers["Enjeu n° 1"].actions] == ["A1"]  # placed under a child of the linked node
    assert answers["Enjeu n° 2"].actions == [] and answers["Enjeu n° 2"].unanswered
    assert "Aucune action ne répond à cet enjeu" in html and html.count("enjeu-unanswered") == 1
    assert "2 enjeux — 1 sans action qui y réponde" in html
    assert reverse("action-detail", args=[project.slug, "A1"]) in html
    assert "AXE 2 — Grandir" in html and "Axe AXE" not in html  # the level named once
    assert 'id="add-enjeu"' not in html and 'id="add-finding"' not in html


def test_coordinator_edits_findings_consultations_and_enjeux(client, diagnosed):
    project, finding, consultation, answered, orphan, droits, lonely, action = diagnosed()
    login_as(client, project, "coordinator")
    page = client.get(reverse("diagnostic", args=[project.slug])).content.decode()
    assert 'id="add-enjeu"' in page and 'id="add-finding"' in page and 'id="add-consultation"' in page
    response = client.post(
        reverse("constat-create", args=[project.slug]),
        {"theme": "Santé", "title": "Peu de médecins", "text": "Deux généralistes."},
    )
    assert response["Location"] == reverse("diagnostic", args=[project.slug]) + "#constats"
    created = Finding.objects.get(project=project, title="Peu de médecins")
    assert created.position == 1
    client.post(
        reverse("consultation-edit", args=[project.slug, consultation.pk]),
        {
            "title": "Enquête habitants",
            "residents": 400,
            "young": 100,
            "start_date": "2020-07-01",
            "end_date": "2020-10-31",
        },
    )
    consultation.refresh_from_db()
    assert (consultation.residents, consultation.young) == (400, 100)
    # The parents' enjeu is now answered by linking it to the node holding A1.
    client.post(
        reverse("enjeu-edit", args=[project.slug, orphan.pk]),
        {
            "code": "Enjeu n° 2",
            "title": "Accompagner les parents",
            "nodes": [lonely.pk, droits.pk],
            "validated_on": "2021-04-06",
        },
    )
    assert set(orphan.nodes.all()) == {lonely, droits}
    html = client.get(reverse("diagnostic", args=[project.slug])).content.decode()
    assert "Aucune action ne répond à cet enjeu" not in html and "validé le 6 avril 2021" in html
    confirm = client.get(reverse("enjeu-delete", args=[project.slug, orphan.pk])).content.decode()
    assert "seul leur lien à cet enjeu disparaît" in confirm
    client.post(reverse("enjeu-delete", args=[project.slug, orphan.pk]))
    assert not Enjeu.objects.filter(pk=orphan.pk).exists() and Action.objects.filter(pk=action.pk).exists()
    client.post(reverse("constat-delete", args=[project.slug, finding.pk]))
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_bad_input_gets_french_errors_and_saves_nothing(client, diagnosed):
    project, finding, consultation, answered, *_ = diagnosed()
    other_node = NodeFactory(project=ProjectFactory())
    login_as(client, project, "coordinator")
    response = client.post(reverse("constat-create", args=[project.slug]), {"title": "Sans texte"})
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(
        reverse("consultation-edit", args=[project.slug, consultation.pk]),
        {
            "title": "Enquête",
            "residents": 10,
            "young": 20,
            "start_date": "2020-10-01",
            "end_date": "2020-09-01",
            "partners": -3,
        },
    )
    html = response.content.decode()
    assert "La date de fin ne peut pas précéder la date de début." in html
    assert "Les jeunes interrogés font partie des habitants : pas plus de 10." in html
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in html
    response = client.post(
        reverse("enjeu-edit", args=[project.slug, answered.pk]), {"title": "Piraté", "nodes": [other_node.pk]}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Finding.objects.filter(project=project).count() == 1
    consultation.refresh_from_db()
    assert (consultation.title, consultation.residents, consultation.young) == ("Enquête habitants", 373, 92)
    answered.refresh_from_db()
    assert answered.title == "Favoriser l'accès aux droits" and list(answered.nodes.values_list("code", flat=True)) == [
        "AXE 1"
    ]


def test_ids_of_another_project_are_not_found(client, diagnosed):
    project, *_ = diagnosed()
    _other, o_finding, o_consultation, o_enjeu, *_rest = diagnosed()
    login_as(client, project, "coordinator")
    for part, obj in (("constat", o_finding), ("consultation", o_consultation), ("enjeu", o_enjeu)):
        for action in ("edit", "delete"):
            url = reverse(f"{part}-{action}", args=[project.slug, obj.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"title": "Piraté", "text": "Piraté"}).status_code == 404
    assert Finding.objects.get(pk=o_finding.pk).title == "Un quartier jeune"
    assert Enjeu.objects.filter(pk=o_enjeu.pk).exists()


def test_diagnostic_queries_do_not_grow_with_the_plan(client, django_assert_max_num_queries):
    project = ProjectFactory()
    level = LevelFactory(project=project, depth=1, name="Axe")
    nodes = [NodeFactory(project=project, level=level, code=f"{i}", title=f"Axe {i}") for i in range(20)]
    actions = Action.objects.bulk_create(
        Action(project=project, ref=f"A{i:03d}", title=f"Action {i}", position=i) for i in range(500)
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=nodes[i % 20]) for i, a in enumerate(actions))
    for i in range(15):
        Enjeu.objects.create(project=project, title=f"Enjeu {i}", position=i).nodes.add(nodes[i], nodes[(i + 1) % 20])
    territories = [Territory.objects.create(kind="other", name=f"Territoire {i}", project=project) for i in range(4)]
    for t in range(5):
        table = KeyFigureTable.objects.create(project=project, title=f"Tableau {t}", position=t)
        columns = KeyFigureColumn.objects.bulk_create(
            KeyFigureColumn(table=table, territory=x, position=i) for i, x in enumerate(territories)
        )
        rows = KeyFigureRow.objects.bulk_create(
            KeyFigureRow(table=table, indicator=f"Indicateur {r}", position=r) for r in range(10)
        )
        KeyFigureValue.objects.bulk_create(KeyFigureValue(row=r, column=c, value="1") for r in rows for c in columns)
    Finding.objects.bulk_create(Finding(project=project, text=f"Constat {i}", position=i) for i in range(60))
    login_as(client, project, "reader")
    # The grids and findings in a fixed number of queries, then one query an enjeu (its first actions
    # with their total): the page shows every enjeu, never every action.
    with django_assert_max_num_queries(16 + 15):  # 16: the table of acronyms is one more
        page = client.get(reverse("diagnostic", args=[project.slug]))
    assert [(a.count, len(a.actions)) for a in page.context["answers"]] == [(50, ANSWER_SHOWN)] * 15
    assert "et 40 autres, dans la liste des actions" in page.content.decode()
    assert len(page.context["grids"]) == 5 and all(len(g.rows) == 10 for g in page.context["grids"])
    login_as(client, project, "coordinator")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("enjeu-create", args=[project.slug])).status_code == 200


def test_clermont_sud_diagnostic(client, demo_db):
    client.force_login(User.objects.get(username="lecteur-clermont-sud"))
    page = client.get(reverse("diagnostic", args=["clermont-sud"]))
    html = page.content.decode()
    assert [g.table.title for g in page.context["grids"]] == [
        'Indicateurs clefs "familles" complémentaires',
        "Les chiffres clefs des 2 quartiers « politique de la ville »",
        "Chiffres clefs du QPV de Saint-Jacques nord comparés à la métropole clermontoise",
        "Chiffres clefs du QPV de La Fontaine du Bac comparés à la métropole clermontoise",
    ]
    families = page.context["grids"][0]
    assert [c.territory.name for c in families.columns] == [
        "Saint-Jacques Nord",
        "La Fontaine du Bac",
        "Clermont-Ferrand",
        "Clermont Auvergne Métropole",
    ]
    assert families.rows[0][1] == ["36%", "38%", "35%", "31%"]
    assert families.rows[5][1] == ["28%", "nc", "18%", "13%"]
    assert '<th scope="col">Clermont Auvergne Métropole</th>' in html
    answers = page.context["answers"]
    assert len(answers) == 9 and answers[0].enjeu.code == "Enjeu n° 1"
    assert "Favoriser l&#x27;accès aux droits et accompagner vers l&#x27;autonomie" in html
    assert all(answer.actions for answer in answers), [a.enjeu.code for a in answers if not a.actions]
    assert "A1-01" in {a.ref for a in answers[0].actions}
    assert "373 habitants interrogés" in html and "dont 92 jeunes" in html and "69 partenaires impliqués" in html
    assert len(page.context["findings"]) == 57


def test_the_table_of_acronyms_has_its_screens(client):
    """Acronyms were editable in the Django admin only (issue 15 item 14): coordinators add, change and
    delete them on the diagnostic page; a duplicate (accents and case aside) is refused; other projects'
    ids are not found."""
    from maillage.accounts.models import Membership, User
    from maillage.projects.models import Acronym
    from maillage.projects.tests.factories import ProjectFactory

    project, other = ProjectFactory(slug="sigles"), ProjectFactory(slug="sigles-autre")
    coordinator = User.objects.create(username="sigles-coord")
    Membership.objects.create(user=coordinator, project=project, role="coordinator")
    reader = User.objects.create(username="sigles-lecteur")
    Membership.objects.create(user=reader, project=project, role="reader")
    foreign = Acronym.objects.create(project=other, acronym="CAF", expansion="Caisse d'allocations familiales")
    client.force_login(coordinator)
    create = reverse("sigle-create", args=[project.slug])
    assert client.post(create, {"acronym": "CTG", "expansion": "Convention territoriale globale"}).status_code == 302
    refused = client.post(create, {"acronym": "ctg", "expansion": "Doublon"})
    assert refused.status_code == 200 and "Ce sigle est déjà dans la table du projet." in refused.content.decode()
    ctg = Acronym.objects.get(project=project)
    edit = reverse("sigle-edit", args=[project.slug, ctg.pk])
    client.post(edit, {"acronym": "CTG", "expansion": "Convention territoriale globale (Caf)"})
    ctg.refresh_from_db()
    assert ctg.expansion == "Convention territoriale globale (Caf)"
    page = client.get(reverse("diagnostic", args=[project.slug])).content.decode()
    assert "Sigles et abréviations" in page and "Convention territoriale globale (Caf)" in page
    assert client.get(reverse("sigle-edit", args=[project.slug, foreign.pk])).status_code == 404
    assert client.post(reverse("sigle-delete", args=[project.slug, foreign.pk])).status_code == 404
    client.force_login(reader)
    assert client.post(create, {"acronym": "QPV", "expansion": "Quartier prioritaire"}).status_code == 403
    assert 'id="add-acronym"' not in client.get(reverse("diagnostic", args=[project.slug])).content.decode()
    client.force_login(coordinator)
    assert client.post(reverse("sigle-delete", args=[project.slug, ctg.pk])).status_code == 302
    assert not Acronym.objects.filter(project=project).exists() and Acronym.objects.filter(pk=foreign.pk).exists()
