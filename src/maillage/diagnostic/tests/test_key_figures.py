"""The key-figure tables' screens (issue 15 item 14): a table added, its grid of territories, indicators
and cells edited in one form and one transaction, bad input refused in French with nothing changed,
two editors never overwriting each other, who may do it, other projects' ids, bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.diagnostic.keyfigures import NEW_COLUMNS, NEW_ROWS, KeyFigureGridForm, column_territories
from maillage.diagnostic.models import KeyFigureColumn, KeyFigureRow, KeyFigureTable, KeyFigureValue
from maillage.partners.tests.roles import check_every_role, check_refused_posts, login_as, project_with_network
from maillage.territories.models import Territory

pytestmark = pytest.mark.django_db


def _table(project, territories=("Quartier des Tilleuls", "Ville témoin"), rows=("Part des moins de 25 ans",)):
    table = KeyFigureTable.objects.create(project=project, title="Chiffres clés familles", source="Insee", year=2019)
    places = [Territory.objects.create(kind="other", name=name, project=project) for name in territories]
    columns = [KeyFigureColumn.objects.create(table=table, territory=t, position=i) for i, t in enumerate(places)]
    made = [KeyFigureRow.objects.create(table=table, indicator=n, unit="%", position=i) for i, n in enumerate(rows)]
    for row in made:
        for number, column in enumerate(columns):
            KeyFigureValue.objects.create(row=row, column=column, value=f"{30 + number}%")
    return table, columns, made


def _grid(table):
    """What the table holds, as the diagnostic page reads it: territories, then (indicator, unit, cells)."""
    columns = list(KeyFigureColumn.objects.filter(table=table).select_related("territory"))
    cells = {(v.row_id, v.column_id): v.value for v in KeyFigureValue.objects.filter(row__table=table)}
    return [c.territory.name for c in columns], [
        (r.indicator, r.unit, [cells.get((r.pk, c.pk), "") for c in columns])
        for r in KeyFigureRow.objects.filter(table=table)
    ]


def _posted(table):
    """The grid form as the browser sends it back untouched."""
    form = KeyFigureGridForm(table=table, territories=column_territories(table.project))
    return {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_who_reaches_the_table_screens(client, published):
    project = project_with_network(published=published)
    table, *_ = _table(project)
    for name, args in (
        ("tableau-create", [project.slug]),
        ("tableau-edit", [project.slug, table.pk]),
        ("tableau-delete", [project.slug, table.pk]),
        ("tableau-grid", [project.slug, table.pk]),
    ):
        url = reverse(name, args=args)
        assert check_every_role(client, project, url, manage=True, public_redirect=False) == {}, name
        assert check_refused_posts(client, project, url, {"title": "Intrus", "stamp": "x"}) == {}, name
    assert KeyFigureTable.objects.filter(project=project).get().title == "Chiffres clés familles"
    assert _grid(table)[1] == [("Part des moins de 25 ans", "%", ["30%", "31%"])]


def test_a_coordinator_builds_a_table_from_nothing(client):
    project = project_with_network()
    commune = Territory.objects.create(kind="other", name="Genas", project=project)
    login_as(client, project, "coordinator")
    page = client.get(reverse("diagnostic", args=[project.slug])).content.decode()
    assert 'id="add-key-figures"' in page and "administration" not in page
    response = client.post(
        reverse("tableau-create", args=[project.slug]),
        {"title": "Population", "source": "Insee RP", "year": "2020"},
    )
    table = KeyFigureTable.objects.get(project=project)
    assert response["Location"] == reverse("tableau-grid", args=[project.slug, table.pk])
    form = client.get(response["Location"])
    html = form.content.decode()
    assert "Les valeurs du tableau « Population »" in html and "Nouveau territoire" in html
    assert html.count('name="row-n') == NEW_ROWS * 2 and html.count('name="col-n') == NEW_COLUMNS * 2
    data = _posted(table)
    data.update(
        {
            "col-n1-territory": str(commune.pk),
            "col-n2-name": "Métropole de Lyon",
            "row-n1-indicator": "Habitants",
            "cell-n1-n1": "13 000",
            "cell-n1-n2": "1,4 million",
            "row-n2-indicator": "Moins de 25 ans",
            "row-n2-unit": "%",
            "cell-n2-n1": " 31 % ",
        }
    )
    response = client.post(reverse("tableau-grid", args=[project.slug, table.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _grid(table) == (
        ["Genas", "Métropole de Lyon"],
        [("Habitants", "", ["13 000", "1,4 million"]), ("Moins de 25 ans", "%", ["31 %", ""])],
    )
    # The new territory belongs to the project, and is offered to the next tables.
    # (Scoped to the table: the session's demo may hold another « Métropole de Lyon ».)
    made = table.columns.get(territory__name="Métropole de Lyon").territory
    assert made.project == project and made in column_territories(project)
    page = client.get(reverse("diagnostic", args=[project.slug])).content.decode()
    assert '<th scope="col">Métropole de Lyon</th>' in page and "1,4 million" in page
    assert reverse("tableau-grid", args=[project.slug, table.pk]) in page


def test_the_grid_changes_deletes_and_reorders_in_one_save(client):
    project = project_with_network()
    table, (tilleuls, ville), (youth, elders) = _table(project, rows=("Moins de 25 ans", "Plus de 75 ans"))
    login_as(client, project, "coordinator")
    url = reverse("tableau-grid", args=[project.slug, table.pk])
    data = _posted(table)
    # Swap the two columns' territories (the one-column-per-territory rule holds at the end only),
    # delete a row, change a cell, empty another, add a row.
    data[f"col-{tilleuls.pk}-territory"], data[f"col-{ville.pk}-territory"] = (
        str(ville.territory_id),
        str(tilleuls.territory_id),
    )
    data[f"row-{elders.pk}-delete"] = "on"
    data[f"cell-{youth.pk}-{tilleuls.pk}"] = "36%"
    data[f"cell-{youth.pk}-{ville.pk}"] = ""
    data.update({"row-n1-indicator": "Familles monoparentales", "cell-n1-" + str(ville.pk): "nc"})
    assert client.post(url, data).status_code == 302
    assert _grid(table) == (
        ["Ville témoin", "Quartier des Tilleuls"],
        [("Moins de 25 ans", "%", ["36%", ""]), ("Familles monoparentales", "", ["", "nc"])],
    )
    data = _posted(table)
    column = KeyFigureColumn.objects.filter(table=table).first()
    data[f"col-{column.pk}-delete"] = "on"
    assert client.post(url, data).status_code == 302
    assert _grid(table) == (
        ["Quartier des Tilleuls"],
        [("Moins de 25 ans", "%", [""]), ("Familles monoparentales", "", ["nc"])],
    )


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda d, t, c, r: d.update({f"cell-{r[0].pk}-{c[0].pk}": "x" * 51}), "au plus 50 caractères"),
        (lambda d, t, c, r: d.update({f"row-{r[0].pk}-indicator": ""}), "Nommez l’indicateur de la ligne"),
        (lambda d, t, c, r: d.update({"cell-n2-" + str(c[1].pk): "12"}), "Cette nouvelle ligne a des valeurs"),
        (lambda d, t, c, r: d.update({f"cell-{r[0].pk}-n1": "12"}), "Cette nouvelle colonne a des valeurs"),
        (
            lambda d, t, c, r: d.update({"col-n1-territory": str(c[0].territory_id)}),
            "« Quartier des Tilleuls » a déjà sa colonne dans ce tableau.",
        ),
        (
            lambda d, t, c, r: d.update({"col-n1-name": "ville  TÉMOIN"}),
            "« Ville témoin » a déjà sa colonne dans ce tableau.",
        ),
        (
            lambda d, t, c, r: d.update({"col-n1-territory": str(c[0].territory_id), "col-n1-name": "Autre"}),
            "pas les deux",
        ),
        (lambda d, t, c, r: d.update({f"col-{c[0].pk}-territory": "999999"}), "Sélectionnez un choix valide"),
    ],
    ids=["long", "nameless row", "new row unnamed", "new column unnamed", "twice", "twice by name", "both", "forged"],
)
def test_bad_grids_are_refused_in_french_and_change_nothing(client, change, error):
    project = project_with_network()
    table, columns, rows = _table(project)
    before = _grid(table)
    login_as(client, project, "coordinator")
    data = _posted(table)
    # A good change beside the bad one: it must not be saved either.
    data.update({f"cell-{rows[0].pk}-{columns[1].pk}": "99%", "row-n1-indicator": "Nouvelle ligne"})
    change(data, table, columns, rows)
    response = client.post(reverse("tableau-grid", args=[project.slug, table.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le tableau n’est pas enregistré : corrigez les cases signalées ci-dessous." in html
    assert error in html
    assert _grid(table) == before
    assert not Territory.objects.filter(name="Autre").exists()


def test_a_table_with_a_wrong_year_is_refused(client):
    project = project_with_network()
    login_as(client, project, "coordinator")
    response = client.post(reverse("tableau-create", args=[project.slug]), {"title": "Population", "year": "19"})
    assert "Une année de quatre chiffres, comme « 2019 »." in response.content.decode()
    response = client.post(reverse("tableau-create", args=[project.slug]), {"title": "", "year": "2019"})
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not KeyFigureTable.objects.filter(project=project).exists()


def test_the_second_of_two_editors_is_refused(client):
    project = project_with_network()
    table, columns, rows = _table(project)
    login_as(client, project, "coordinator")
    url = reverse("tableau-grid", args=[project.slug, table.pk])
    first, second = _posted(table), _posted(table)
    first[f"cell-{rows[0].pk}-{columns[0].pk}"] = "40%"
    assert client.post(url, first).status_code == 302
    second[f"cell-{rows[0].pk}-{columns[1].pk}"] = "50%"
    response = client.post(url, second)
    refused = response.content.decode()
    assert "Ce tableau a été enregistré par quelqu’un d’autre depuis que vous l’avez ouvert." in refused
    del second["stamp"]  # a form without its fingerprint is as stale
    assert "Ce tableau a été enregistré par quelqu’un" in client.post(url, second).content.decode()
    assert _grid(table)[1] == [("Part des moins de 25 ans", "%", ["40%", "31%"])]


def test_ids_and_territories_of_another_project_are_refused(client):
    project, other = project_with_network(), project_with_network()
    table, columns, rows = _table(project)
    foreign, foreign_columns, _rows = _table(other, territories=("Quartier étranger",))
    login_as(client, project, "coordinator")
    for name in ("tableau-edit", "tableau-delete", "tableau-grid"):
        url = reverse(name, args=[project.slug, foreign.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "Piraté", **_posted(foreign)}).status_code == 404
    assert _grid(foreign) == (["Quartier étranger"], [("Part des moins de 25 ans", "%", ["30%"])])
    # Another project's own territory is not among the choices of this project's columns.
    data = _posted(table)
    data["col-n1-territory"] = str(foreign_columns[0].territory_id)
    data[f"cell-{rows[0].pk}-n1"] = "1"
    response = client.post(reverse("tableau-grid", args=[project.slug, table.pk]), data)
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert len(_grid(table)[0]) == 2


def test_deleting_a_table_says_what_goes_with_it(client):
    project = project_with_network()
    table, *_ = _table(project)
    login_as(client, project, "coordinator")
    url = reverse("tableau-delete", args=[project.slug, table.pk])
    assert (
        "Ses 1 ligne(s), ses 2 colonne(s) et toutes leurs valeurs disparaissent avec lui."
        in client.get(url).content.decode()
    )
    assert client.post(url)["Location"] == reverse("diagnostic", args=[project.slug]) + "#chiffres-cles"
    assert not KeyFigureTable.objects.filter(pk=table.pk).exists()
    assert not KeyFigureValue.objects.filter(row__table_id=table.pk).exists()


def test_the_grid_costs_the_same_queries_for_a_small_or_a_large_table(client, django_assert_max_num_queries):
    project = project_with_network()
    small, *_ = _table(project)
    names = [f"Territoire {i}" for i in range(8)]
    large, *_ = _table(project, territories=names, rows=[f"Indicateur {i}" for i in range(40)])
    login_as(client, project, "coordinator")
    counts = {}
    for table in (small, large):
        url = reverse("tableau-grid", args=[project.slug, table.pk])
        with CaptureQueriesContext(connection) as read:
            assert client.get(url).status_code == 200
        data = _posted(table)
        data.update({k: "7" for k in data if k.startswith("cell-") and "-n" not in k})
        with CaptureQueriesContext(connection) as written:
            assert client.post(url, data).status_code == 302
        counts[table.pk] = (len(read), len(written))
    assert counts[small.pk] == counts[large.pk], counts
    assert all(cell == "7" for _i, _u, cells in _grid(large)[1] for cell in cells)
    with django_assert_max_num_queries(14):
        client.get(reverse("tableau-grid", args=[project.slug, large.pk]))
