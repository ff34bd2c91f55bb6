"""data·inclusion in and out: files built from the schema package's own models, a round trip into an
empty project, broken and schema-invalid files refused with nothing written, deduplication by SIRET."""

import json
from datetime import date

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.partners import datainclusion
from maillage.partners.models import Organisation, Structure
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _structure(**values):
    base = {"source": "dora", "id": "dora--1", "nom": "Centre social Les Tilleuls", "date_maj": date(2026, 3, 1)}
    return v1.Structure(**(base | values))


def _file(structures, services=()):
    return json.dumps(
        {
            "structures": [json.loads(s.model_dump_json(exclude_none=True)) for s in structures],
            "services": [json.loads(s.model_dump_json(exclude_none=True)) for s in services],
        }
    ).encode()


@pytest.fixture
def structures():
    tilleuls = _structure(
        siret="13003013300016",
        commune="Clermont-Ferrand",
        code_postal="63000",
        code_insee="63113",
        adresse="12 rue des Tilleuls",
        latitude=45.77,
        longitude=3.08,
        site_web="https://tilleuls.example.org/",
        description="Accueil de loisirs et accompagnement des familles.",
    )
    mission = _structure(id="dora--2", nom="Mission locale Clermont Métropole", commune="Clermont-Ferrand")
    service = v1.Service(
        source="dora",
        structure_id="dora--1",
        id="dora--s1",
        nom="Accompagnement numérique",
        description="Aide aux démarches en ligne.",
        date_maj=date(2026, 3, 1),
        thematiques={v1.Thematique("numerique--acceder-a-des-services-en-ligne")},
        publics={v1.Public("familles")},
    )
    return [tilleuls, mission], [service]


def test_import_creates_entries_and_structures_from_package_models(structures):
    project = ProjectFactory(slug="di-import")
    report = datainclusion.import_file(project, _file(*structures), "structures.json")
    assert sorted(report.created) == ["Centre social Les Tilleuls", "Mission locale Clermont Métropole"]
    entry = Organisation.objects.get(project=project, name="Centre social Les Tilleuls")
    assert (entry.address, entry.postal_code, entry.city) == ("12 rue des Tilleuls", "63000", "Clermont-Ferrand")
    s = entry.structure
    assert (s.siret, s.siren, s.insee_code) == ("13003013300016", "130030133", "63113")
    assert (s.latitude, s.longitude, s.geo_source) == (45.77, 3.08, Structure.GeoSource.IMPORTED)
    assert s.thematiques == ["numerique--acceder-a-des-services-en-ligne"] and s.publics == ["familles"]


def test_second_import_updates_and_a_plan_naming_the_same_siret_shares_the_structure(structures):
    first, second = ProjectFactory(slug="di-one"), ProjectFactory(slug="di-two")
    datainclusion.import_file(first, _file(*structures), "a.json")
    again = datainclusion.import_file(first, _file(*structures), "a.json")
    assert again.created == [] and len(again.updated) == 2
    assert Organisation.objects.filter(project=first).count() == 2
    renamed = _structure(nom="CS Les Tilleuls", siret="13003013300016")
    datainclusion.import_file(second, _file([renamed]), "b.json")
    theirs = Organisation.objects.get(project=second)
    ours = Organisation.objects.get(project=first, name="Centre social Les Tilleuls")
    assert theirs.structure_id == ours.structure_id


def test_round_trip_into_an_empty_project_gives_the_same_organisations(structures):
    source, target = ProjectFactory(slug="di-source"), ProjectFactory(slug="di-target")
    datainclusion.import_file(source, _file(*structures), "a.json")
    exported = datainclusion.export_bytes(source)
    document = json.loads(exported)
    for item in document["structures"]:
        v1.Structure.model_validate(item)
    for item in document["services"]:
        v1.Service.model_validate(item)
    # Into a fresh instance's view: the target project has no entries; structures are matched again.
    datainclusion.import_file(target, exported, "export.json")

    def seen(project):
        return sorted(
            (
                o.name,
                o.address,
                o.postal_code,
                o.city,
                o.website,
                o.description,
                o.structure.siret,
                o.structure.insee_code,
                o.structure.latitude,
                o.structure.longitude,
                tuple(o.structure.thematiques),
                tuple(o.structure.publics),
            )
            for o in Organisation.objects.filter(project=project).select_related("structure")
        )

    assert seen(target) == seen(source)


def test_export_has_no_person_and_no_contact_details(structures):
    project = ProjectFactory(slug="di-private")
    Organisation.objects.create(
        project=project, key="asso", name="Association Rencontre", email="marie.dupont@example.org", phone="0601020304"
    )
    text = datainclusion.export_bytes(project).decode()
    assert "marie.dupont" not in text and "0601020304" not in text
    assert "Association Rencontre" in text


def test_csv_round_trip(structures):
    source, target = ProjectFactory(slug="di-csv"), ProjectFactory(slug="di-csv-target")
    datainclusion.import_file(source, _file(*structures), "a.json")
    content = datainclusion.export_bytes(source, csv_format=True)
    report = datainclusion.import_file(target, content, "export.csv")
    assert len(report.created) == 2
    assert Organisation.objects.get(project=target, name="Centre social Les Tilleuls").structure.siret


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "JSON illisible"),
        (b'{"structures": 3}', "liste de structures"),
        (b"[]", "aucune structure"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_broken_file_refused_in_french_with_nothing_written(content, message):
    project = ProjectFactory(slug="di-broken")
    before = Structure.objects.count()
    with pytest.raises(datainclusion.BrokenFile, match=message):
        datainclusion.import_file(project, content, "broken.json")
    assert Organisation.objects.filter(project=project).count() == 0 and Structure.objects.count() == before


def test_schema_invalid_row_refuses_the_whole_file_unless_asked_to_skip(structures):
    project = ProjectFactory(slug="di-invalid")
    good = json.loads(_file(*structures))
    good["structures"].append({"source": "dora", "id": "dora--3", "nom": "X", "date_maj": "2026-01-01", "siret": "12"})
    content = json.dumps(good).encode()
    with pytest.raises(datainclusion.BrokenFile) as refused:
        datainclusion.import_file(project, content, "bad.json")
    assert "rien n'a été importé" in str(refused.value)
    assert any("siret" in p for p in refused.value.problems) and any("nom" in p for p in refused.value.problems)
    assert Organisation.objects.filter(project=project).count() == 0
    report = datainclusion.import_file(project, content, "bad.json", skip_invalid=True)
    assert len(report.created) == 2 and len(report.refused) == 1


def test_oversized_file_refused_before_parsing(settings, monkeypatch):
    monkeypatch.setattr(datainclusion, "MAX_BYTES", 100)
    with pytest.raises(datainclusion.BrokenFile, match="dépasse"):
        datainclusion.read(b"[" + b" " * 200 + b"]", "big.json")


def test_commands_import_and_export(tmp_path, structures, capsys):
    project = ProjectFactory(slug="di-command")
    source = tmp_path / "in.json"
    source.write_bytes(_file(*structures))
    call_command("partners", "import", str(source), "--project", project.slug, "--format", "data-inclusion")
    assert "Créées : 2" in capsys.readouterr().out
    out = tmp_path / "out.json"
    call_command("partners", "export", project.slug, "--format", "data-inclusion", "-o", str(out))
    assert len(json.loads(out.read_text())["structures"]) == 2
    (tmp_path / "bad.json").write_text("[{}]")
    with pytest.raises(CommandError, match="schéma data·inclusion"):
        call_command("partners", "import", str(tmp_path / "bad.json"), "--project", project.slug)
    with pytest.raises(CommandError, match="introuvable"):
        call_command("partners", "export", "nope")


def test_exchange_screen_roles_upload_and_download(client, structures):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from .roles import check_every_role, check_refused_posts, login_as, project_with_network

    project = project_with_network(slug="di-screen")
    url = reverse("partner-exchange", args=[project.slug])
    assert check_every_role(client, project, url, public_redirect=False) == {}
    assert check_refused_posts(client, project, url) == {}
    login_as(client, project, "coordinator")
    upload = SimpleUploadedFile("structures.json", _file(*structures), content_type="application/json")
    page = client.post(url, {"file": upload}).content.decode()
    assert "2 créées, 0 mises à jour, 0 refusées" in page
    broken = SimpleUploadedFile("broken.json", b"[{}]", content_type="application/json")
    response = client.post(url, {"file": broken})
    assert response.status_code == 400 and "Rien n’a été importé" in response.content.decode()
    assert Organisation.objects.filter(project=project).count() == 2
    login_as(client, project, "reader")
    download = client.get(reverse("partner-exchange-download", args=[project.slug, "json"]))
    assert len(json.loads(download.content)["structures"]) == 2
    assert client.get(reverse("partner-exchange-download", args=[project.slug, "xml"])).status_code == 404
    other = project_with_network(slug="di-screen-other")
    login_as(client, other, "coordinator")
    assert client.get(reverse("partner-exchange-download", args=[project.slug, "json"])).status_code == 403


def test_imported_entries_are_searchable_and_the_plan_moves_on(structures):
    """Entries inserted in bulk (no post_save) still get their search rows, and the plan's stamp moves
    so visitors' cached pages go."""
    from maillage.projects.models import Project
    from maillage.search.models import SearchEntry

    project = ProjectFactory(slug="di-search")
    before = Project.objects.get(pk=project.pk).plan_changed_at
    datainclusion.import_file(project, _file(*structures), "a.json")
    ids = set(Organisation.objects.filter(project=project).values_list("pk", flat=True))
    assert set(SearchEntry.objects.filter(organisation__in=ids).values_list("organisation_id", flat=True)) == ids
    assert Project.objects.get(pk=project.pk).plan_changed_at > before


def test_import_costs_the_same_queries_for_ten_or_a_hundred_structures(django_assert_max_num_queries):
    def content(n):
        items = [_structure(id=f"dora--{i}", nom=f"Structure {i}", commune="Lyon") for i in range(n)]
        return _file(items)

    for n, slug in ((10, "di-ten"), (100, "di-hundred")):
        project = ProjectFactory(slug=slug)
        with django_assert_max_num_queries(25):
            assert len(datainclusion.import_file(project, content(n), "a.json").created) == n
