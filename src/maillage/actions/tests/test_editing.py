"""Editing a sheet: every field, partners and budget together, French errors with nothing saved,
optimistic locking between two people, and the history of every kind of change."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from maillage.actions.models import SECTIONS, Action, ActionChange
from maillage.evaluation.models import FollowUpNote, Indicator
from maillage.partners.models import Organisation


def sheet_data(action, **overrides):
    """What the edit form posts for ``action`` unchanged, with ``overrides`` applied."""
    data = {
        "version": action.version,
        "title": action.title,
        "code": action.code,
        "status": action.status,
        "origin": action.origin,
        "priority": action.priority,
        "participation": action.participation,
        "nodes": [n.pk for n in action.nodes.all()],
        "leads": [p.pk for p in action.leads.all()],
        "periods": [p.pk for p in action.periods.all()],
        "themes": [t.pk for t in action.themes.all()],
        "scale": action.scale,
        "start_date": action.start_date or "",
        "end_date": action.end_date or "",
        "parent": action.parent_id or "",
        "lead_organisation": action.lead_organisation_id or "",
        "elected_referent": action.elected_referent_id or "",
        **{name: getattr(action, name) for name in SECTIONS},
        "partenaires-TOTAL_FORMS": "0",
        "partenaires-INITIAL_FORMS": "0",
        "budget-TOTAL_FORMS": "0",
        "budget-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def edit_url(plan, action):
    return reverse("action-edit", args=[plan.project.slug, action.ref])


def page_version(response) -> int:
    return int(re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1))


def test_a_coordinator_writes_a_whole_sheet(plan, login):
    client = login(plan, "coordinator")
    action = plan.not_led
    data = sheet_data(
        action,
        title="Fête de quartier des Vergnes",
        code="AXE 1 – 02",
        status="in_progress",
        origin="evolution",
        priority="high",
        participation="co_construction",
        parent=plan.led.pk,
        nodes=[plan.node.pk, plan.child_node.pk],
        periods=[plan.period.pk],
        themes=[plan.theme.pk],
        leads=[plan.lead.pk],
        lead_organisation=plan.partner.pk,
        elected_referent=plan.elected.pk,
        scale="communal",
        start_date="2023-05-01",
        end_date="2024-06-30",
        context="Un quartier sans lieu de fête.",
        general_objective="Créer du lien.",
        operational_objectives="Réunir 300 habitants.",
        target_public="Tous les habitants",
        description="Une fête préparée avec les habitants.",
        schedule="Juin chaque année",
        human_means="2 animateurs",
        material_means="Barnums",
        financial_means="Caf, ville",
        partnership="Associations du quartier",
        expected_results="Des habitants impliqués",
        obstacles="Trouver des bénévoles",
        **{
            "partenaires-TOTAL_FORMS": "2",
            "partenaires-0-organisation": plan.partner.pk,
            "partenaires-0-role": "funder",
            "partenaires-1-new_organisation": "Amicale des Vergnes",
            "partenaires-1-role": "operational",
            "partenaires-1-detail": "Buvette",
            "budget-TOTAL_FORMS": "1",
            "budget-0-label": "Animation",
            "budget-0-nature": "operating",
            "budget-0-kind": "planned",
            "budget-0-year": "2024",
            "budget-0-amount": "1 500,50",
            "budget-0-unit": "eur",
            "budget-0-funder": plan.partner.pk,
        },
    )
    response = client.post(edit_url(plan, action), data)
    assert response.status_code == 302, re.findall(
        r"(?:fr-error-text|fr-message--error)[^>]*>([^<]*)", response.content.decode()
    )
    action.refresh_from_db()
    assert action.version == 2
    assert (action.code, action.status, action.origin, action.priority) == (
        "AXE 1 – 02",
        "in_progress",
        "evolution",
        "high",
    )
    assert action.parent == plan.led and action.elected_referent == plan.elected and action.scale == "communal"
    assert set(action.nodes.all()) == {plan.node, plan.child_node}
    assert list(action.leads.all()) == [plan.lead] and list(action.themes.all()) == [plan.theme]
    assert action.obstacles == "Trouver des bénévoles" and str(action.end_date) == "2024-06-30"
    amicale = Organisation.objects.get(project=plan.project, name="Amicale des Vergnes")
    assert [(p.organisation, p.role, p.detail) for p in action.partner_roles.all()] == [
        (plan.partner, "funder", ""),
        (amicale, "operational", "Buvette"),
    ]
    line = action.budget_lines.get()
    assert line.amount == Decimal("1500.50") and line.year == 2024 and line.funder == plan.partner

    entry = action.changes.get()
    assert entry.kind == "edited" and entry.user == plan.users["coordinator"] and entry.version == 2
    changes = {c["label"]: c for c in entry.changes}
    assert changes["Intitulé"] == {
        "field": "title",
        "label": "Intitulé",
        "old": "Fête de quartier",
        "new": "Fête de quartier des Vergnes",
    }
    assert "Statut" not in changes  # unchanged: not in the history
    assert (
        changes["Partenaires"]["new"]
        == "Caf du Puy-de-Dôme — Financeur\nAmicale des Vergnes — Partenaire opérationnel (Buvette)"
    )
    assert (
        changes["Budget"]["new"]
        == "2024 · Fonctionnement · Prévisionnel · 1\xa0500,50 € · Caf du Puy-de-Dôme · Animation"
    )
    assert changes["Date de fin"]["new"] == "30/06/2024"
    assert changes["Nœuds servis"]["new"] == "1 Grandir ensemble\n1.1 Petite enfance"

    page = client.get(reverse("action-detail", args=[plan.project.slug, action.ref])).content.decode()
    for text in (
        "Amicale des Vergnes",
        "Trouver des bénévoles",
        "Jean Élu",
        "1\xa0500,50 €",
        "Historique",
        "Fête de quartier des Vergnes",
    ):
        assert text in page, text


def test_errors_are_french_next_to_their_field_and_nothing_is_saved(plan, login):
    client = login(plan, "coordinator")
    action = plan.not_led
    organisations = Organisation.objects.count()
    data = sheet_data(
        action,
        title="Nouveau titre",
        start_date="2024-06-01",
        end_date="2024-01-01",
        **{
            "partenaires-TOTAL_FORMS": "2",
            "partenaires-0-new_organisation": "Association fantôme",
            "partenaires-0-role": "speaker",
            "partenaires-1-role": "funder",
            "partenaires-1-detail": "sans organisation",
            "budget-TOTAL_FORMS": "1",
            "budget-0-nature": "operating",
            "budget-0-kind": "planned",
            "budget-0-unit": "eur",
            "budget-0-year": "1999",
            "budget-0-amount": "abc",
        },
    )
    response = client.post(edit_url(plan, action), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "La fiche n’a pas été enregistrée" in page
    assert "La date de fin ne peut pas précéder la date de début." in page
    assert "Choisissez une organisation de l&#x27;annuaire ou saisissez le nom d&#x27;une nouvelle." in page
    assert "Saisissez un nombre." in page
    action.refresh_from_db()
    assert action.title == "Fête de quartier" and action.version == 1
    assert Organisation.objects.count() == organisations and not action.partner_roles.exists()
    assert not action.changes.exists()

    # The year alone wrong: still refused, in French, nothing saved.
    data.update({"budget-0-amount": "100", "end_date": "", "partenaires-TOTAL_FORMS": "0"})
    page = client.post(edit_url(plan, action), data).content.decode()
    assert "Les années doivent être comprises dans la période du projet (2023-2026)." in page
    assert not action.budget_lines.exists() and Action.objects.get(pk=action.pk).title == "Fête de quartier"


def test_ids_of_another_project_are_refused_in_the_form(plan, login):
    from maillage.projects.models import Level, Node

    level = Level.objects.create(project=plan.other, depth=1, name="Axe")
    foreign_node = Node.objects.create(project=plan.other, level=level, title="Ailleurs")
    foreign_org = Organisation.objects.create(project=plan.other, key="ailleurs", name="Ailleurs")
    client = login(plan, "coordinator")
    data = sheet_data(
        plan.not_led,
        nodes=[foreign_node.pk],
        parent=plan.foreign.pk,
        **{"partenaires-TOTAL_FORMS": "1", "partenaires-0-organisation": foreign_org.pk, "partenaires-0-role": "lead"},
    )
    page = client.post(edit_url(plan, plan.not_led), data).content.decode()
    assert page.count("Sélectionnez un choix valide") >= 3
    assert not plan.not_led.nodes.exists() and Action.objects.get(pk=plan.not_led.pk).parent is None


def test_the_second_of_two_people_gets_the_conflict_and_can_reapply(plan):
    first, second = Client(), Client()
    first.force_login(plan.users["coordinator"])
    second.force_login(plan.users["contributor"])
    action = plan.led
    url = edit_url(plan, action)
    version_first = page_version(first.get(url))
    version_second = page_version(second.get(url))
    assert version_first == version_second == 1

    saved = first.post(url, sheet_data(action, version=version_first, title="Titre de Chloé", obstacles="Locaux"))
    assert saved.status_code == 302
    refused = second.post(url, sheet_data(action, version=version_second, title="Titre de Camille"))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Quelqu’un a modifié cette fiche pendant que vous la modifiiez" in page
    assert "Vos changements n’ont pas été enregistrés" in page
    table = page[page.index('id="conflict-table"') :]
    assert "Intitulé" in table and "Titre de Chloé" in table and "Titre de Camille" in table
    assert "Freins à lever" in table and "Locaux" in table
    assert plan.users["coordinator"].username in page  # who saved in between
    action.refresh_from_db()
    assert action.title == "Titre de Chloé" and action.version == 2
    # The form keeps Camille's text and now carries the saved version: saving again applies it.
    assert 'value="Titre de Camille"' in page and page_version(refused) == 2
    # Camille keeps Chloé's obstacles (shown in the table) and her own title.
    again = second.post(
        url, sheet_data(action, version=page_version(refused), title="Titre de Camille", obstacles="Locaux")
    )
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.title == "Titre de Camille" and action.obstacles == "Locaux" and action.version == 3
    assert [entry.user for entry in action.changes.all()] == [plan.users["contributor"], plan.users["coordinator"]]


def test_a_quick_status_change_makes_an_open_form_stale(plan, login):
    client = login(plan, "coordinator")
    action = plan.led
    version = page_version(client.get(edit_url(plan, action)))
    other = Client()
    other.force_login(plan.users["contributor"])
    other.post(
        reverse("action-status", args=[plan.project.slug, action.ref]), {"status": "done"}, HTTP_HX_REQUEST="true"
    )
    page = client.post(edit_url(plan, action), sheet_data(action, version=version, status="planned")).content.decode()
    assert "Quelqu’un a modifié cette fiche" in page
    table = page[page.index('id="conflict-table"') :]
    assert "Statut" in table and "Terminée" in table and "À venir" in table
    assert Action.objects.get(pk=action.pk).status == "done"


def test_saving_an_unchanged_form_writes_no_history_and_keeps_the_version(plan, login):
    client = login(plan, "coordinator")
    assert client.post(edit_url(plan, plan.led), sheet_data(plan.led)).status_code == 302
    plan.led.refresh_from_db()
    assert plan.led.version == 1 and not plan.led.changes.exists()


def test_history_of_each_kind_of_change(plan, login):
    client = login(plan, "contributor")
    slug, action = plan.project.slug, plan.led

    client.post(reverse("action-status", args=[slug, action.ref]), {"status": "in_progress"})
    status = action.changes.get(kind="status")
    assert status.changes == [{"field": "status", "label": "Statut", "old": "À venir", "new": "En cours"}]
    assert status.author == plan.users["contributor"].username

    client.post(reverse("action-note-add", args=[slug, action.ref]), {"date": "2024-03-12", "text": "Premier atelier"})
    note = action.changes.get(kind="note")
    assert note.changes[0]["label"] == "Note de suivi" and note.changes[0]["new"] == "12/03/2024 — Premier atelier"
    assert FollowUpNote.objects.get(action=action).author_user == plan.users["contributor"]

    data = {
        "title": "Familles accueillies",
        "kind": "quantitative",
        "unit": "familles",
        "baseline": "10",
        "baseline_year": "2023",
        "cibles-TOTAL_FORMS": "1",
        "cibles-INITIAL_FORMS": "0",
        "cibles-0-year": "2025",
        "cibles-0-value": "40",
        "valeurs-TOTAL_FORMS": "1",
        "valeurs-INITIAL_FORMS": "0",
        "valeurs-0-period": "2024",
        "valeurs-0-value": "22,5",
    }
    response = client.post(reverse("action-indicator-add", args=[slug, action.ref]), data)
    assert response.status_code == 302
    indicator = Indicator.objects.get(action=action)
    assert indicator.values.get().value == Decimal("22.5")
    entry = action.changes.get(kind="indicator")
    assert entry.changes[0]["label"] == "Indicateur « Familles accueillies »"
    assert entry.changes[0]["old"] == ""
    assert "Cibles : 2025 : 40" in entry.changes[0]["new"] and "2024 : 22,5" in entry.changes[0]["new"]

    value = indicator.values.get()
    data.update(
        {
            "cibles-INITIAL_FORMS": "1",
            "cibles-0-id": indicator.targets.get().pk,
            "valeurs-TOTAL_FORMS": "2",
            "valeurs-INITIAL_FORMS": "1",
            "valeurs-0-id": value.pk,
            "valeurs-1-period": "2025",
            "valeurs-1-assessment": "Bonne dynamique",
        }
    )
    url = reverse("action-indicator-edit", args=[slug, action.ref, indicator.pk])
    assert client.post(url, data).status_code == 302
    latest = action.changes.filter(kind="indicator").first()
    assert (
        "2025 : Bonne dynamique" in latest.changes[0]["new"]
        and "2025 : Bonne dynamique" not in latest.changes[0]["old"]
    )

    response = client.post(
        edit_url(plan, action),
        sheet_data(
            Action.objects.get(pk=action.pk),
            **{
                "partenaires-TOTAL_FORMS": "1",
                "partenaires-0-organisation": plan.partner.pk,
                "partenaires-0-role": "lead",
                "budget-TOTAL_FORMS": "1",
                "budget-0-nature": "investment",
                "budget-0-kind": "actual",
                "budget-0-amount": "200",
                "budget-0-unit": "eur",
            },
        ),
    )
    assert response.status_code == 302
    edit = action.changes.get(kind="edited")
    assert {c["label"] for c in edit.changes} == {"Partenaires", "Budget"}

    page = client.get(reverse("action-detail", args=[slug, action.ref])).content.decode()
    history = page[page.index('id="historique"') :]
    kinds = ["Modification de la fiche", "Indicateurs", "Indicateurs", "Note de suivi", "Changement de statut"]
    positions = [history.index(kind, history.index(kinds[i - 1]) + 1 if i else 0) for i, kind in enumerate(kinds)]
    assert positions == sorted(positions)  # newest first


def test_indicator_errors_are_french_and_nothing_is_saved(plan, login):
    client = login(plan, "contributor")
    data = {
        "title": "",
        "kind": "quantitative",
        "cibles-TOTAL_FORMS": "1",
        "cibles-INITIAL_FORMS": "0",
        "cibles-0-year": "2031",
        "cibles-0-value": "4",
        "valeurs-TOTAL_FORMS": "1",
        "valeurs-INITIAL_FORMS": "0",
        "valeurs-0-period": "2024",
    }
    response = client.post(reverse("action-indicator-add", args=[plan.project.slug, plan.led.ref]), data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in page
    assert "Une cible porte sur une année du plan, de 2023 à 2026." in page  # maillage.evaluation.years
    assert "Indiquez une valeur ou une appréciation." in page
    assert not Indicator.objects.filter(action=plan.led).exists() and not plan.led.changes.exists()


def test_notes_and_comments_refuse_empty_text(plan, login):
    client = login(plan, "coordinator")
    slug = plan.project.slug
    response = client.post(reverse("action-note-add", args=[slug, plan.led.ref]), {"date": "12/13/2024", "text": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page and "Saisissez une date valide." in page
    response = client.post(reverse("action-comment-add", args=[slug, plan.led.ref]), {"text": "   "})
    assert response.status_code == 422 and "Ce champ est obligatoire." in response.content.decode()
    assert not plan.led.notes.exists() and not plan.led.comments.exists() and not plan.led.changes.exists()


def test_an_unknown_status_changes_nothing(plan, login):
    client = login(plan, "coordinator")
    url = reverse("action-status", args=[plan.project.slug, plan.led.ref])
    response = client.post(url, {"status": "termine"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Statut inconnu : rien n&#x27;a changé." in response.content.decode()
    plan.led.refresh_from_db()
    assert plan.led.status == "planned" and plan.led.version == 1


def test_creating_a_sheet(plan, login):
    client = login(plan, "coordinator")
    url = reverse("action-create", args=[plan.project.slug])
    page = client.get(url).content.decode()
    assert 'name="ref"' in page and 'value="A3"' in page  # the numbering of the latest sheet, A2, carried on
    sub = client.get(url, {"parent": plan.led.pk}).content.decode()
    assert f'<option value="{plan.led.pk}" selected>' in sub
    data = {
        "ref": "A1",
        "title": "",
        "status": "planned",
        "partenaires-TOTAL_FORMS": "1",
        "partenaires-INITIAL_FORMS": "0",
        "partenaires-0-new_organisation": "Centre social",
        "partenaires-0-role": "lead",
        "budget-TOTAL_FORMS": "0",
        "budget-INITIAL_FORMS": "0",
    }
    page = client.post(url, data).content.decode()
    assert "La référence « A1 » est déjà utilisée dans ce projet." in page and "Ce champ est obligatoire." in page
    assert not Organisation.objects.filter(name="Centre social").exists()
    data.update({"ref": "A3", "title": "Café des parents", "nodes": [plan.child_node.pk]})
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse(
        "action-detail", args=[plan.project.slug, "A3"]
    )
    created = Action.objects.get(project=plan.project, ref="A3")
    assert created.partner_roles.get().organisation.name == "Centre social"
    assert list(created.nodes.all()) == [plan.child_node]
    entry = created.changes.get()
    assert entry.kind == ActionChange.Kind.CREATED
    assert {"field": "title", "label": "Intitulé", "old": "", "new": "Café des parents"} in entry.changes


def test_browser_line_ends_are_not_a_change(plan, login):
    plan.led.description = "Première ligne\nseconde ligne"
    plan.led.save()
    client = login(plan, "coordinator")
    action = Action.objects.get(pk=plan.led.pk)
    data = sheet_data(action, description="Première ligne\r\nseconde ligne")
    assert client.post(edit_url(plan, action), data).status_code == 302
    action.refresh_from_db()
    assert action.description == "Première ligne\nseconde ligne" and not action.changes.exists()


def test_the_note_and_comment_forms_of_a_sheet_each_label_their_own_field(plan, login):
    """Both forms have a ``text`` field: with Django's default ids the comment's label named the note's box."""
    client = login(plan, "coordinator")
    html = client.get(reverse("action-detail", args=[plan.project.slug, plan.led.ref])).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    note_form = html[html.index('id="note-form"') : html.index("</form>", html.index('id="note-form"'))]
    comment_form = html[html.index('id="comment-form"') : html.index("</form>", html.index('id="comment-form"'))]
    assert re.search(r'<label for="note-text"[^>]*>\s*Note de suivi\s*</label>', note_form)
    assert 'id="note-text"' in note_form and 'id="note-date"' in note_form
    assert re.search(r'<label for="commentaire-text"[^>]*>\s*Commentaire\s*</label>', comment_form)
    assert 'id="commentaire-text"' in comment_form


@pytest.mark.parametrize(
    "refs, offered",
    [
        ([], "A01"),
        (["1.1.2-08", "1.1.2-09"], "1.1.2-10"),
        (["AXE 2 – 15"], "AXE 2 – 16"),
        (["A142"], "A143"),
        (["FA-07", "FA-08bis"], "FA-09bis"),
        (["Accueil"], "A02"),
    ],
)
def test_a_new_sheet_is_offered_the_next_reference_of_the_project_numbering(db, refs, offered):
    from maillage.actions.forms import next_free_ref
    from maillage.projects.tests.factories import ProjectFactory

    project = ProjectFactory()
    for n, ref in enumerate(refs):
        Action.objects.create(project=project, ref=ref, title=f"Fiche {n}", position=n)
    assert next_free_ref(project) == offered


def test_the_next_reference_skips_one_already_taken(db):
    from maillage.actions.forms import next_free_ref
    from maillage.projects.tests.factories import ProjectFactory

    project = ProjectFactory()
    Action.objects.create(project=project, ref="B-03", title="Plus loin", position=1)
    Action.objects.create(project=project, ref="B-02", title="La dernière écrite", position=2)
    assert next_free_ref(project) == "B-04"


def test_a_new_sheet_refused_with_a_partner_a_budget_line_and_a_bad_parent_is_drawn_again(plan, login):
    """Found by the forms' fuzzing (issue 16): the partner and budget inline forms of a new sheet whose
    own form is invalid have no action yet, and a parent id that is no number was looked up: both 500."""
    client = login(plan, "coordinator")
    organisation = Organisation.objects.create(project=plan.project, key="caf-essai", name="Caf d'essai")
    data = {
        "ref": "A9",
        "title": "",
        "status": "planned",
        "parent": "\r\n",
        "partenaires-TOTAL_FORMS": "1",
        "partenaires-INITIAL_FORMS": "0",
        "partenaires-0-organisation": str(organisation.pk),
        "partenaires-0-role": "lead",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-nature": "expense",
        "budget-0-year": "2024",
        "budget-0-amount": "100",
    }
    response = client.post(reverse("action-create", args=[plan.project.slug]), data)
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
    assert not Action.objects.filter(project=plan.project, ref="A9").exists()
