"""Open data of the published plans: the public JSON (valid against the public schema, nothing
personal), the actions and the tree as CSV, the DCAT-AP catalogue, their caching and their refusals."""

import csv
import datetime
import io
import json
import re
import time

import pytest
import rdflib
from django.urls import reverse
from django.utils.html import escape

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.actions.models import SECTIONS, Action
from maillage.actions.tests.factories import ActionFactory
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorValue
from maillage.interchange.exporting import export_project
from maillage.interchange.public import public_problems
from maillage.interchange.validation import check
from maillage.partners.models import Person
from maillage.projects.models import Project
from maillage.projects.tests.conftest import build_plan
from maillage.projects.tests.factories import ProjectFactory
from maillage.publication import opendata
from maillage.territories.models import Territory
from maillage.versions import taking

pytestmark = pytest.mark.django_db

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
SECRETS = ("Nadia Joignable", "nadia@exemple.fr", "04 73 00 00 00", "Note interne à ne pas publier", "Commentaire")


def _url(slug, name):
    return reverse("public-open-data", args=[slug, name])


def _rows(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())  # UTF-8 with BOM: French Excel reads the accents
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.fixture
def published():
    """A published plan whose directory, notes and values hold everything a visitor must not read."""
    plan = build_plan(title="Plan ouvert de Trifouillis", published=True)
    project = plan.project
    commune = Territory.objects.create(kind="commune", name="Trifouillis-les-Oies", code="99123")
    Project.objects.filter(pk=project.pk).update(territory=commune, first_year=2024, last_year=2027)
    project.refresh_from_db()
    nadia = Person.objects.create(
        project=project, key="nadia", name="Nadia Joignable", email="nadia@exemple.fr", phone="04 73 00 00 00"
    )
    guide = plan.actions["guide"]
    guide.leads.add(nadia)
    guide.elected_referent = nadia
    guide.context = "Un guide écrit avec les habitants ; « = » n'est pas une formule"
    guide.save()
    FollowUpNote.objects.create(action=guide, date="2024-01-15", text="Note interne à ne pas publier")
    indicator = Indicator.objects.filter(action=guide).first() or Indicator.objects.create(
        action=guide, kind="quantitative", title="Guides distribués"
    )
    IndicatorValue.objects.create(indicator=indicator, period="2024", value=120, comment="Commentaire interne")
    return plan


# --- the public JSON ----------------------------------------------------------------------------------


def _texts(value, path="$"):
    """(JSON path, text) of every text of a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _texts(item, f"{path}[{n}]")
    elif isinstance(value, str):
        yield path, value


# The free texts a project writes and publishes as they are (its presentation, its nodes' descriptions,
# shown by the public search, its fiches' sections): a person the seed quotes by name ("Le mot de …",
# a signed quotation) stays quoted there, exactly as on the public pages. Nowhere else.
FREE_TEXT = re.compile(
    r"^\$\.(project\.description|nodes(\[\d+\]\.children)*\[\d+\]\.description|actions\[(\d+)\]\.("
    + "|".join(SECTIONS)
    + "))$"
)


def test_every_published_demo_plan_gives_a_public_json_valid_against_the_public_schema(client, demo_db):
    """Each demo plan: the public schema accepts it, it is a valid interchange document (it imports), and
    no e-mail, phone or follow-up note of the project appears anywhere in it or in its CSV files; a name
    of its directory only inside a free text the public pages show word for word."""
    checked = quoted = 0
    for slug, project in demo_db.items():
        if not project.published:
            continue
        response = client.get(_url(slug, "plan.json"))
        assert response.status_code == 200, slug
        assert response["Content-Type"] == "application/json; charset=utf-8"
        document = json.loads(response.content)
        assert public_problems(document) == [], slug
        assert check(document) == [], slug
        assert public_problems(export_project(project)) != [], slug  # the full document is not public
        assert {a["ref"] for a in document["actions"]} == set(project.actions.values_list("ref", flat=True))
        texts = list(_texts(document))
        csvs = b"".join(client.get(_url(slug, name)).content for name in ("actions.csv", "arbre.csv")).decode(
            "utf-8-sig"
        )
        people = Person.objects.filter(project=project).values_list("name", "email", "phone")
        contacts = {value for _name, email, phone in people for value in (email, phone) if value}
        contacts |= set(FollowUpNote.objects.filter(action__project=project).values_list("text", flat=True))
        for secret in contacts:
            assert not any(secret in text for _path, text in texts), (slug, secret)
            assert secret not in csvs, (slug, secret)
        for name in {name for name, _email, _phone in people}:
            for path, text in texts:
                if name not in text:
                    continue
                found = FREE_TEXT.match(path)
                assert found, (slug, name, path)
                quoted += 1
                if path == "$.project.description":
                    page = client.get(reverse("public-plan", args=[slug])).content.decode()
                elif found.group(3) is not None:
                    ref = document["actions"][int(found.group(3))]["ref"]
                    page = client.get(reverse("public-action", args=[slug, ref])).content.decode()
                else:
                    continue  # a node's description: the public search shows it
                assert escape(name) in page, (slug, name, path)
        checked += 1
    assert checked >= 14 and quoted < 10


def test_the_public_json_holds_the_plan_and_nothing_personal(client, published):
    response = client.get(_url(published.project.slug, "plan.json"))
    document = json.loads(response.content)
    assert document["schema"] == "maillage/project@1"
    schema = reverse("public-schema", args=["project-1-public.schema.json"])
    assert response["Link"] == f'<{schema}>; rel="describedby"; type="application/schema+json"'
    assert client.get(_url(published.project.slug, "plan.json"))["Link"] == response["Link"]  # from the cache
    assert document["project"]["title"] == "Plan ouvert de Trifouillis"
    territory = next(t for t in document["territories"] if t["key"] == document["project"]["territory"])
    assert territory["code"] == "99123"
    assert [node["code"] for node in document["nodes"]] == ["1", "2"]
    guide = next(a for a in document["actions"] if a["ref"] == "A1")
    assert guide["context"].startswith("Un guide écrit")
    assert guide["indicators"][0]["values"] == [{"period": "2024", "value": 120}]
    for key in ("people", "bodies", "meetings", "diagnostic", "programmes", "acronyms"):
        assert key not in document
    for key in ("leads", "elected_referent", "notes", "budget"):
        assert key not in guide
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, secret
    assert public_problems(document) == []


def test_the_public_schema_refuses_personal_data_and_what_the_main_schema_refuses(client, published):
    document = json.loads(client.get(_url(published.project.slug, "plan.json")).content)
    with_people = {**document, "people": [{"key": "nadia", "name": "Nadia Joignable"}]}
    assert any("people" in problem for problem in public_problems(with_people))
    led = json.loads(json.dumps(document))
    led["actions"][0]["leads"] = ["nadia"]
    assert any("leads" in problem for problem in public_problems(led))
    noted = json.loads(json.dumps(document))
    noted["actions"][0]["indicators"] = [
        {"kind": "quantitative", "title": "x", "values": [{"period": "2024", "comment": "c"}]}
    ]
    assert any("comment" in problem for problem in public_problems(noted))
    wrong = json.loads(json.dumps(document))
    wrong["actions"][0]["status"] = "perdue"  # refused by the main schema, which the public one refers to
    assert public_problems(wrong)


def test_during_an_update_the_open_data_is_the_adopted_version(client, published):
    """The same rule as the public pages: while an update is prepared, the adopted version is served."""
    project = published.project
    taking.take_version(
        project, label="Plan adopté", kind="adoption", adopted=True, deliberation_date=datetime.date(2024, 1, 10)
    )
    taking.start_update(project, None, label="Mise à jour 2025")
    Action.objects.create(project=project, ref="A9", title="Une action en préparation", status="planned")
    document = json.loads(client.get(_url(project.slug, "plan.json")).content)
    assert "A9" not in {a["ref"] for a in document["actions"]}
    assert "A1" in {a["ref"] for a in document["actions"]}
    assert public_problems(document) == []
    assert "Une action en préparation" not in client.get(_url(project.slug, "actions.csv")).content.decode()
    for secret in SECRETS:
        assert secret not in json.dumps(document, ensure_ascii=False)


# --- the CSV files ------------------------------------------------------------------------------------


def test_the_actions_csv_reads_back_one_row_per_action(client, published):
    response = client.get(_url(published.project.slug, "actions.csv"))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response.content)
    document = json.loads(client.get(_url(published.project.slug, "plan.json")).content)
    assert [row["Référence"] for row in rows] == [a["ref"] for a in document["actions"]]
    guide = next(row for row in rows if row["Référence"] == "A1")
    assert guide["Intitulé"] == "Écrire le guide"
    assert guide["Statut"] == "Terminée" and guide["Code du statut"] == "done"
    assert guide["Contexte"].startswith("Un guide écrit")
    assert "Niveau 1 : Axe" in rows[0] and "Nœuds" in rows[0]
    for secret in SECRETS:
        assert secret not in response.content.decode("utf-8-sig")


def test_the_tree_csv_rebuilds_the_tree(client, published):
    rows = _rows(client.get(_url(published.project.slug, "arbre.csv")).content)
    by_ident = {row["Identifiant"]: row for row in rows}
    assert len(rows) == published.project.nodes.count() == len(by_ident)
    assert by_ident["1"]["Intitulé"] == "Accéder à ses droits" and by_ident["1"]["Niveau"] == "Axe"
    assert by_ident["1.1.1"]["Identifiant du parent"] == "1.1" and by_ident["1.1.1"]["Profondeur"] == "3"
    for row in rows:  # every parent comes before its children
        parent = row["Identifiant du parent"]
        assert not parent or list(by_ident).index(parent) < list(by_ident).index(row["Identifiant"])


def test_a_formula_typed_in_a_title_stays_text_in_the_csv(client, published):
    Action.objects.filter(pk=published.actions["guide"].pk).update(title='=HYPERLINK("http://x")')
    published.project.save()  # the plan's stamp moves: the cached file is written again
    rows = _rows(client.get(_url(published.project.slug, "actions.csv")).content)
    assert next(row for row in rows if row["Référence"] == "A1")["Intitulé"] == '\'=HYPERLINK("http://x")'


# --- refusals, caching -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan.json", "actions.csv", "arbre.csv"])
def test_unpublished_and_unknown_plans_are_404(client, name):
    private = ProjectFactory(published=False, title="Plan en cours d'écriture")
    ActionFactory(project=private, ref="A1")
    assert client.get(_url(private.slug, name)).status_code == 404
    assert client.get(_url("plan-qui-n-existe-pas", name)).status_code == 404
    coordinator = member(private, Membership.Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(_url(private.slug, name)).status_code == 404  # open data is for published plans only


def test_an_unknown_file_is_404_in_french(client, published):
    response = client.get(_url(published.project.slug, "personnes.csv"))
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_open_data_is_read_only(client, published):
    assert client.post(_url(published.project.slug, "plan.json")).status_code == 405


def test_files_carry_validators_and_a_second_visit_costs_a_304(client, published, django_assert_num_queries):
    url = _url(published.project.slug, "actions.csv")
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert first["ETag"] and first["Last-Modified"] and first["Access-Control-Allow-Origin"] == "*"
    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    cached = client.get(url)  # from the cache: the same headers as the first answer
    assert cached.content == first.content and cached["ETag"] == first["ETag"]
    assert (
        cached["Access-Control-Allow-Origin"] == "*" and cached["Content-Disposition"] == first["Content-Disposition"]
    )
    assert cached["Content-Type"] == "text/csv; charset=utf-8"
    published.project.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200  # the plan changed


def test_a_plan_file_costs_the_same_queries_whatever_the_size_of_the_plan(client, django_assert_max_num_queries):
    small, large = build_plan(published=True), build_plan(published=True)
    for n in range(60):
        ActionFactory(project=large.project, ref=f"X{n}", title=f"Action {n}")
    counts = []
    for plan in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(plan.project.slug, "plan.json")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_three_files_of_a_plan_cost_one_export(client, published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for name in ("plan.json", "actions.csv", "arbre.csv"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(published.project.slug, name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] > 20 and counts[1] < 10 and counts[2] < 10, counts  # the export once, then the project row
    Action.objects.create(project=published.project, ref="A8", title="Une action de plus", status="planned")
    # A change of the plan moves its stamp: the document is exported again, the new action in it.
    assert "A8" in {row["Référence"] for row in _rows(client.get(_url(published.project.slug, "actions.csv")).content)}


def test_visitors_arriving_together_wait_for_one_writing(published, monkeypatch):
    """Four requests for a plan whose document is not written yet: one export, four answers."""
    import threading

    from maillage.projects.stamp import published_stamp

    published_stamp(published.project.slug)  # in the cache: the threads read no database
    calls = []

    def slow_public_plan(project):
        calls.append(project.slug)
        time.sleep(0.5)
        return {"schema": "maillage/project@1", "written": len(calls)}

    monkeypatch.setattr(opendata, "public_plan", slow_public_plan)
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(opendata.shared_public_plan(published.project)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [published.project.slug]
    assert answers == [{"schema": "maillage/project@1", "written": 1}] * 4


# --- the catalogue ------------------------------------------------------------------------------------


def _catalogue(client, **params):
    response = client.get(reverse("public-catalogue"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    return response


def _datasets(document):
    return {entry["dct:identifier"]: entry for entry in document["dcat:dataset"]}


def test_the_catalogue_describes_each_published_plan(client, published):
    private = ProjectFactory(published=False)
    document = json.loads(_catalogue(client).content)
    assert "dcat:Catalog" in document["@type"]
    datasets = _datasets(document)
    assert private.slug not in datasets
    entry = datasets[published.project.slug]
    assert entry["dct:title"] == "Plan ouvert de Trifouillis"
    assert entry["dct:spatial"]["dct:identifier"] == "99123"
    assert entry["dct:spatial"]["skos:prefLabel"] == "Trifouillis-les-Oies"
    assert entry["dct:type"]["skos:notation"] == published.project.kind
    assert entry["dct:temporal"]["dcat:startDate"]["@value"] == "2024-01-01"
    assert entry["dct:temporal"]["dcat:endDate"]["@value"] == "2027-12-31"
    published.project.refresh_from_db()
    assert entry["dct:modified"]["@value"] == published.project.plan_changed_at.isoformat()
    assert entry["dcat:landingPage"]["@id"] == "http://testserver" + reverse(
        "public-plan", args=[published.project.slug]
    )
    urls = {d["dct:title"]: d["dcat:downloadURL"]["@id"] for d in entry["dcat:distribution"]}
    assert len(urls) == 3
    for url in urls.values():  # every URL of the catalogue answers
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url
    json_file = next(d for d in entry["dcat:distribution"] if d["dcat:mediaType"] == "application/json")
    schema = client.get(json_file["dct:conformsTo"]["@id"].removeprefix("http://testserver"))
    assert schema.status_code == 200 and json.loads(schema.content)["$ref"] == "project-1.schema.json"


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib 7
def test_the_catalogue_is_rdf_that_a_dcat_harvester_reads(client, published):
    """Parsed as JSON-LD by rdflib (as data.gouv.fr's harvester does): datasets, titles, distributions."""
    graph = rdflib.Graph().parse(data=_catalogue(client).content, format="json-ld")
    landing = rdflib.URIRef("http://testserver" + reverse("public-plan", args=[published.project.slug]))
    assert (landing, rdflib.RDF.type, DCAT.Dataset) in graph
    assert (landing, DCT.title, rdflib.Literal("Plan ouvert de Trifouillis")) in graph
    catalogue = rdflib.URIRef("http://testserver" + reverse("public-catalogue"))
    assert (catalogue, DCAT.dataset, landing) in graph
    downloads = set(graph.objects(None, DCAT.downloadURL))
    assert rdflib.URIRef("http://testserver" + _url(published.project.slug, "plan.json")) in downloads
    assert list(graph.objects(None, HYDRA.first))


def test_the_catalogue_costs_one_query_whatever_the_size_of_the_plans(client, published, django_assert_num_queries):
    for n in range(30):
        ActionFactory(project=published.project, ref=f"Y{n}")
    with django_assert_num_queries(1):
        _catalogue(client)
    for _ in range(3):
        build_plan(published=True)
    with django_assert_num_queries(1):
        _catalogue(client)


def test_the_catalogue_is_paged_for_the_harvester(client, monkeypatch):
    monkeypatch.setattr(opendata, "CATALOGUE_PAGE_SIZE", 2)
    mine = {ProjectFactory(published=True).slug for _ in range(5)}
    seen, url, pages = set(), reverse("public-catalogue"), 0
    while url:
        document = json.loads(client.get(url).content)
        assert len(document["dcat:dataset"]) <= 2
        seen |= set(_datasets(document))
        following = document["hydra:view"].get("hydra:next")
        url = following["@id"].removeprefix("http://testserver") if following else None
        pages += 1
        assert pages < 100
    assert mine <= seen
    assert client.get(reverse("public-catalogue"), {"page": pages + 1}).status_code == 404
    for wrong in ("0", "abc", "-1", "99999999999"):
        assert client.get(reverse("public-catalogue"), {"page": wrong}).status_code == 404, wrong


def test_the_catalogue_and_the_files_are_in_french_whatever_the_visitor_reads(client, published, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Open data" in client.get(reverse("public-plan", args=[published.project.slug])).content.decode()
    entry = _datasets(json.loads(_catalogue(client).content))[published.project.slug]
    assert entry["dct:type"]["skos:prefLabel"] == "Projet social de territoire (PST)"
    rows = _rows(client.get(_url(published.project.slug, "actions.csv")).content)
    assert "Intitulé" in rows[0] and next(r for r in rows if r["Référence"] == "A1")["Statut"] == "Terminée"


def test_the_catalogue_answers_304_when_nothing_changed(client, published):
    first = _catalogue(client)
    assert first["ETag"] and first["Access-Control-Allow-Origin"] == "*"
    assert client.get(reverse("public-catalogue"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    build_plan(published=True)
    assert client.get(reverse("public-catalogue"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_schema_files_are_served(client):
    for name in ("project-1.schema.json", "project-1-public.schema.json"):
        response = client.get(reverse("public-schema", args=[name]))
        assert response.status_code == 200 and response["Content-Type"] == "application/schema+json"
        assert json.loads(response.content)["$schema"].startswith("https://json-schema.org/")
    assert client.get(reverse("public-schema", args=["autre.json"])).status_code == 404


def test_the_public_plan_page_links_its_open_data(client, published):
    page = client.get(reverse("public-plan", args=[published.project.slug])).content.decode()
    assert "Données ouvertes" in page
    for name in ("plan.json", "actions.csv", "arbre.csv"):
        assert _url(published.project.slug, name) in page
    assert reverse("public-catalogue") in page
    assert reverse("public-catalogue") in client.get(reverse("public-projects")).content.decode()
