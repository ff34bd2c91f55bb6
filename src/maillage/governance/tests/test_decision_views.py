"""The screens of a decision's changes: writing them down from the meeting page, applying them, the refusals;
every role, other projects' ids, and the decision on the fiche."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.actions.models import Action, ActionChange
from maillage.governance import changes
from maillage.governance.models import DecisionChange
from maillage.partners.tests.roles import check_every_role, check_refused_posts, login_as
from maillage.projects.models import Node

from .conftest import make_steered

pytestmark = pytest.mark.django_db

KINDS = ["statut", "nouvelle-action", "report", "nouveau-noeud"]


def _change_url(steered, kind, decision=None):
    decision = decision or steered.decision
    return reverse("decision-change-add", args=[steered.project.slug, decision.meeting_id, decision.pk, kind])


def _apply_url(steered, decision=None):
    decision = decision or steered.decision
    return reverse("decision-apply", args=[steered.project.slug, decision.meeting_id, decision.pk])


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
@pytest.mark.parametrize("kind", KINDS)
def test_change_forms_are_for_coordinators(client, published, kind):
    steered = make_steered(published=published, network=True)
    url = _change_url(steered, kind)
    assert check_every_role(client, steered.project, url, manage=True, public_redirect=False) == {}


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_changes_and_applying_are_refused_to_non_coordinators(client, published):
    steered = make_steered(published=published, network=True)
    plan = steered.plan
    pending = changes.status_change(steered.decision, plan.actions["permanence"], "done")
    remove = reverse(
        "decision-change-remove",
        args=[steered.project.slug, steered.meeting.pk, steered.decision.pk, pending.pk],
    )
    data = {"action": plan.actions["parents"].pk, "status": "blocked", "ref": "A9", "title": "Intruse"}
    for url in [*(_change_url(steered, kind) for kind in KINDS), remove, _apply_url(steered)]:
        assert check_refused_posts(client, steered.project, url, data) == {}, url
    assert list(
        DecisionChange.objects.filter(decision__meeting__project=steered.project).values_list("pk", "applied_at")
    ) == [(pending.pk, None)]
    assert Action.objects.get(pk=plan.actions["permanence"].pk).status == "in_progress"
    assert not ActionChange.objects.filter(action__project=steered.project).exists()


def test_ids_of_another_project_are_not_found(client, steered):
    other = make_steered(title="Un autre plan")
    theirs = changes.status_change(other.decision, other.plan.actions["permanence"], "done")
    login_as(client, steered.project, "coordinator")
    slug = steered.project.slug
    urls = [
        # Their decision under our slug, under their meeting or ours.
        reverse("decision-change-add", args=[slug, other.meeting.pk, other.decision.pk, "statut"]),
        reverse("decision-change-add", args=[slug, steered.meeting.pk, other.decision.pk, "statut"]),
        reverse("decision-apply", args=[slug, other.meeting.pk, other.decision.pk]),
        reverse("decision-apply", args=[slug, steered.meeting.pk, other.decision.pk]),
        reverse("decision-change-remove", args=[slug, other.meeting.pk, other.decision.pk, theirs.pk]),
        # Their change under our decision.
        reverse("decision-change-remove", args=[slug, steered.meeting.pk, steered.decision.pk, theirs.pk]),
        # A kind of change that does not exist.
        _change_url(steered, "supprimer-tout"),
    ]
    for url in urls:
        assert client.post(url, {"action": other.plan.actions["parents"].pk, "status": "done"}).status_code == 404, url
    assert DecisionChange.objects.get(pk=theirs.pk).applied_at is None
    # Their action, node, period or level in our forms is an invalid choice.
    response = client.post(
        _change_url(steered, "statut"), {"action": other.plan.actions["parents"].pk, "status": "done"}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(
        _change_url(steered, "nouvelle-action"),
        {"ref": "A9", "title": "Intruse", "place": f"n{other.plan.nodes['obj22'].pk}"},
    )
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(
        _change_url(steered, "report"),
        {"action": steered.plan.actions["parents"].pk, "period": other.periods["later"].pk},
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(
        _change_url(steered, "nouveau-noeud"), {"title": "Intrus", "level": other.plan.levels[0].pk, "place": ""}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not DecisionChange.objects.filter(decision=steered.decision).exists()


def test_a_coordinator_writes_changes_down_then_applies_them_from_the_meeting_page(client, steered):
    plan = steered.plan
    slug = steered.project.slug
    user = login_as(client, steered.project, "coordinator")
    meeting_url = reverse("meeting-detail", args=[slug, steered.meeting.pk])
    page = client.get(meeting_url).content.decode()
    for kind in KINDS:
        assert f'id="decision-{steered.decision.pk}-add-{kind}"' in page
    form = client.get(_change_url(steered, "nouvelle-action")).content.decode()
    assert "Placée sous" in form and "Objectif 2.2 — Prévenir l&#x27;isolement" in form

    response = client.post(_change_url(steered, "statut"), {"action": plan.actions["permanence"].pk, "status": "done"})
    assert response.status_code == 302 and response["Location"].endswith(f"#decision-{steered.decision.pk}")
    client.post(
        _change_url(steered, "nouveau-noeud"),
        {"title": "Vieillir chez soi", "code": "2.3", "place": f"n{plan.nodes['axe2'].pk}", "level": ""},
    )
    node_change = DecisionChange.objects.get(decision=steered.decision, kind="new_node")
    assert node_change.level.name == "Objectif"  # the level below the parent's, when left empty
    form = client.get(_change_url(steered, "nouvelle-action")).content.decode()
    assert "Ajouté par cette décision : Objectif 2.3 — Vieillir chez soi" in form
    client.post(
        _change_url(steered, "nouvelle-action"), {"ref": "A9", "title": "Visites", "place": f"c{node_change.pk}"}
    )
    client.post(
        _change_url(steered, "report"),
        {"action": plan.actions["parents"].pk, "period": steered.periods["later"].pk, "end_date": "2026-06-30"},
    )
    assert DecisionChange.objects.filter(decision=steered.decision).count() == 4

    page = client.get(meeting_url).content.decode()
    assert "A2 Permanence d&#x27;accès aux droits : En cours → Terminée" in page
    assert "Nouvelle action A9 « Visites » sous le nouveau nœud « 2.3 Vieillir chez soi »" in page
    assert page.count("à appliquer") == 4 and "Appliquer les 4 changements au plan" in page

    response = client.post(_apply_url(steered), follow=True)
    html = response.content.decode()
    assert "4 changements appliqués au plan, inscrits dans l&#x27;historique des fiches concernées." in html
    assert html.count("appliqué le") == 4 and "Appliquer les" not in html
    visits = Action.objects.get(project=steered.project, ref="A9")
    assert visits.nodes.get() == Node.objects.get(project=steered.project, code="2.3")
    assert ActionChange.objects.get(action=visits).reason.startswith("Décision de la réunion « COPIL de printemps »")
    assert ActionChange.objects.get(action=visits).user == user

    # Applying again: refused in French, nothing redone.
    html = client.post(_apply_url(steered), follow=True).content.decode()
    assert "Les changements de cette décision sont déjà appliqués : rien n&#x27;a été refait." in html
    assert ActionChange.objects.filter(action__project=steered.project).count() == 3


def test_a_refused_decision_says_which_change_and_changes_nothing(client, steered):
    plan = steered.plan
    changes.status_change(steered.decision, plan.actions["permanence"], "done")
    changes.new_action(steered.decision, "A9", "Visites", node=plan.nodes["obj22"])
    Action.objects.create(project=steered.project, ref="A9", title="Prise entre-temps", position=40)
    login_as(client, steered.project, "coordinator")
    html = client.post(_apply_url(steered), follow=True).content.decode()
    assert "Changement n° 2 (Nouvelle action A9 « Visites »" in html
    assert "la référence « A9 » est déjà utilisée dans ce projet. Rien n&#x27;a été appliqué." in html
    assert Action.objects.get(pk=plan.actions["permanence"].pk).status == "in_progress"
    assert not ActionChange.objects.filter(action__project=steered.project).exists()
    assert (
        not DecisionChange.objects.filter(decision__meeting__project=steered.project)
        .filter(applied_at__isnull=False)
        .exists()
    )


def test_a_change_form_refused_shows_the_french_reason(client, steered):
    plan = steered.plan
    login_as(client, steered.project, "coordinator")
    response = client.post(_change_url(steered, "statut"), {"action": plan.actions["guide"].pk, "status": "done"})
    assert response.status_code == 200 and "L&#x27;action a déjà le statut « Terminée »." in response.content.decode()
    response = client.post(_change_url(steered, "report"), {"action": plan.actions["parents"].pk})
    assert "Indiquez la période où l&#x27;action est reportée" in response.content.decode()
    response = client.post(
        _change_url(steered, "nouvelle-action"),
        {"ref": "A1", "title": "Doublon", "place": f"n{plan.nodes['obj22'].pk}"},
    )
    assert "La référence « A1 » est déjà utilisée dans ce projet." in response.content.decode()
    assert not DecisionChange.objects.filter(decision__meeting__project=steered.project).exists()


def test_pending_changes_are_taken_back_applied_ones_stay(client, steered):
    plan = steered.plan
    login_as(client, steered.project, "coordinator")
    first = changes.status_change(steered.decision, plan.actions["permanence"], "done")
    args = [steered.project.slug, steered.meeting.pk, steered.decision.pk]
    client.post(_apply_url(steered))
    second = changes.new_action(steered.decision, "A9", "Visites", node=plan.nodes["obj22"])
    html = client.post(reverse("decision-change-remove", args=[*args, first.pk]), follow=True).content.decode()
    assert "Ce changement est déjà appliqué" in html and DecisionChange.objects.filter(pk=first.pk).exists()
    html = client.post(reverse("decision-change-remove", args=[*args, second.pk]), follow=True).content.decode()
    assert (
        "Le changement est retiré de la décision." in html and not DecisionChange.objects.filter(pk=second.pk).exists()
    )


def test_readers_see_the_changes_but_no_button(client, steered):
    changes.status_change(steered.decision, steered.plan.actions["permanence"], "done")
    login_as(client, steered.project, "reader")
    page = client.get(reverse("meeting-detail", args=[steered.project.slug, steered.meeting.pk])).content.decode()
    assert "A2 Permanence d&#x27;accès aux droits : En cours → Terminée" in page and "à appliquer" in page
    assert "Appliquer le changement" not in page and "-add-statut" not in page and "Retirer" not in page


def test_the_decision_shows_on_every_fiche_it_touches(client, steered):
    plan = steered.plan
    changes.status_change(steered.decision, plan.actions["permanence"], "done")
    changes.postponement(steered.decision, plan.actions["parents"], end_date=datetime.date(2026, 6, 30))
    login_as(client, steered.project, "reader")
    for ref, line in [("A2", "En cours → Terminée"), ("A3", "fin au 30/06/2026")]:
        page = client.get(reverse("action-detail", args=[steered.project.slug, ref])).content.decode()
        assert 'id="action-decisions"' in page and "Le COPIL réoriente l&#x27;axe 2." in page, ref
        assert line in page and "à appliquer" in page, ref
        # The fiche shows only its own changes, not the other action's.
        assert ("fin au" in page) == (ref == "A3")
    changes.apply_decision(steered.decision, plan.users["coordinator"])
    page = client.get(reverse("action-detail", args=[steered.project.slug, "A2"])).content.decode()
    assert "appliqué le" in page
    assert "Décision de la réunion « COPIL de printemps »" in page  # the history's reason
    # A fiche no decision touches has no block.
    page = client.get(reverse("action-detail", args=[steered.project.slug, "A1"])).content.decode()
    assert 'id="action-decisions"' not in page


def test_the_fiche_block_is_bounded(client, steered, django_assert_max_num_queries):
    """Thirty decisions on one action: the fiche shows the five latest, in a fixed number of queries."""
    plan = steered.plan
    login_as(client, steered.project, "reader")
    url = reverse("action-detail", args=[steered.project.slug, "A2"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    few_count = len(few.captured_queries)  # read now: the next request empties the connection's log
    for n in range(30):
        decision = steered.meeting.decisions.create(text=f"Décision {n}", position=n + 1)
        changes.postponement(decision, plan.actions["permanence"], end_date=datetime.date(2026, 6, n % 28 + 1))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert few_count > 10 and len(many.captured_queries) <= few_count + 4
    assert page.count('id="action-decision-') == 5 and "Les 5 plus récentes sur 30" in page
