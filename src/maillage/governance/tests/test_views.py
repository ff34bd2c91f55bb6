"""Governance screens: bodies and members, meetings with attendance (htmx included), minutes and
decisions linked to actions; every role, cross-project ids, French errors, bounded queries, the demo."""

import datetime

import pytest
from django.urls import reverse

from maillage.accounts.models import User
from maillage.actions.models import Action
from maillage.actions.tests.factories import ActionFactory
from maillage.governance.models import Attendance, Body, BodyMember, Decision, Meeting
from maillage.partners.models import Organisation, Person
from maillage.partners.tests.roles import check_every_role, check_refused_posts, login_as, project_with_network
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def governed():
    def make(published=False):
        project = project_with_network(published=published)
        caf = Organisation.objects.create(project=project, key="caf", name="Caisse d'allocations familiales")
        mayor = Person.objects.create(project=project, key="maire", name="Olivier Bianchi", function="Maire")
        copil = Body.objects.create(project=project, key="copil", kind="copil", name="Comité de pilotage", chair=mayor)
        BodyMember.objects.create(body=copil, person=mayor, role="président")
        BodyMember.objects.create(body=copil, organisation=caf, role="administrateurs")
        action = ActionFactory(project=project, ref="A1", title="Accès aux droits numériques")
        past = Meeting.objects.create(
            project=project,
            body=copil,
            title="COPIL de lancement",
            date=TODAY - datetime.timedelta(days=30),
            agenda="Validation des enjeux",
            minutes="Les enjeux sont validés à l'unanimité.",
        )
        Attendance.objects.create(meeting=past, person=mayor, status="present")
        decision = Decision.objects.create(meeting=past, text="Reporter l'action A1 à 2025.")
        decision.actions.add(action)
        upcoming = Meeting.objects.create(
            project=project, body=copil, title="COPIL de mi-parcours", date=TODAY + datetime.timedelta(days=30)
        )
        return project, copil, past, upcoming, decision, mayor, caf, action

    return make


def _urls(project, copil, past, decision):
    attendance = past.attendance.get()
    seat = copil.members.first()
    return {
        "governance": (reverse("governance", args=[project.slug]), False, True),
        "body-detail": (reverse("body-detail", args=[project.slug, copil.pk]), False, False),
        "meeting-detail": (reverse("meeting-detail", args=[project.slug, past.pk]), False, False),
        "body-create": (reverse("body-create", args=[project.slug]), True, False),
        "body-edit": (reverse("body-edit", args=[project.slug, copil.pk]), True, False),
        "body-delete": (reverse("body-delete", args=[project.slug, copil.pk]), True, False),
        "meeting-create": (reverse("meeting-create", args=[project.slug]), True, False),
        "meeting-edit": (reverse("meeting-edit", args=[project.slug, past.pk]), True, False),
        "meeting-delete": (reverse("meeting-delete", args=[project.slug, past.pk]), True, False),
        "decision-create": (reverse("decision-create", args=[project.slug, past.pk]), True, False),
        "decision-edit": (reverse("decision-edit", args=[project.slug, past.pk, decision.pk]), True, False),
        # POST-only endpoints, refused to non-managers (GET is tried as a POST below).
        "body-member-add": (reverse("body-member-add", args=[project.slug, copil.pk]), None, None),
        "body-member-delete": (reverse("body-member-delete", args=[project.slug, copil.pk, seat.pk]), None, None),
        "attendance-add": (reverse("attendance-add", args=[project.slug, past.pk]), None, None),
        "attendance-from-body": (reverse("attendance-from-body", args=[project.slug, past.pk]), None, None),
        "attendance-update": (reverse("attendance-update", args=[project.slug, past.pk, attendance.pk]), None, None),
        "attendance-delete": (reverse("attendance-delete", args=[project.slug, past.pk, attendance.pk]), None, None),
        "decision-delete": (reverse("decision-delete", args=[project.slug, past.pk, decision.pk]), None, None),
    }


PAGES = [
    "governance",
    "body-detail",
    "meeting-detail",
    "body-create",
    "body-edit",
    "body-delete",
    "meeting-create",
    "meeting-edit",
    "meeting-delete",
    "decision-create",
    "decision-edit",
]


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_for_every_role(client, governed, published, name):
    project, copil, past, _upcoming, decision, *_ = governed(published)
    url, manage, public_redirect = _urls(project, copil, past, decision)[name]
    assert check_every_role(client, project, url, manage=manage, public_redirect=public_redirect) == {}


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_every_change_is_refused_to_non_coordinators(client, governed, published):
    project, copil, past, _upcoming, decision, mayor, *_ = governed(published)
    data = {"name": "Intrus", "kind": "other", "title": "Intrus", "date": "2024-01-01", "text": "Intrus"}
    data.update(
        {
            "person": mayor.pk,
            "status": "absent",
            "new-person": mayor.pk,
            f"a{past.attendance.get().pk}-status": "absent",
        }
    )
    for name, (url, _manage, _public) in _urls(project, copil, past, decision).items():
        if name in ("governance", "body-detail", "meeting-detail"):
            continue
        assert check_refused_posts(client, project, url, data) == {}, name
    assert list(Body.objects.filter(project=project).values_list("name", flat=True)) == ["Comité de pilotage"]
    assert copil.members.count() == 2
    assert Meeting.objects.filter(project=project).count() == 2
    assert list(past.attendance.values_list("status", flat=True)) == ["present"]
    assert Decision.objects.get(pk=decision.pk).text == "Reporter l'action A1 à 2025."


def test_readers_see_bodies_meetings_minutes_and_decisions(client, governed):
    project, copil, past, upcoming, decision, *_ = governed()
    login_as(client, project, "reader")
    page = client.get(reverse("governance", args=[project.slug]))
    html = page.content.decode()
    assert [m.title for m in page.context["upcoming"]] == ["COPIL de mi-parcours"]
    assert [m.title for m in page.context["past"]] == ["COPIL de lancement"]
    assert "Comité de pilotage" in html and "présidence : Olivier Bianchi" in html
    assert "administrateurs" in html and "1 décision" in html
    assert 'id="add-body"' not in html and 'id="add-meeting"' not in html
    meeting = client.get(reverse("meeting-detail", args=[project.slug, past.pk])).content.decode()
    assert "Validation des enjeux" in meeting and "Les enjeux sont validés à l&#x27;unanimité." in meeting
    assert "Présent·e" in meeting and "Olivier Bianchi" in meeting
    assert "Reporter l&#x27;action A1 à 2025." in meeting
    assert reverse("action-detail", args=[project.slug, "A1"]) in meeting
    assert 'id="attendance-form"' not in meeting and "hx-post" not in meeting


def test_coordinator_runs_a_meeting(client, governed):
    project, copil, _past, upcoming, _decision, mayor, caf, action = governed()
    login_as(client, project, "coordinator")
    response = client.post(
        reverse("meeting-create", args=[project.slug]),
        {"title": "COTECH", "body": copil.pk, "date": "2024-03-12", "start_time": "14:00", "end_time": "16:00"},
    )
    meeting = Meeting.objects.get(project=project, title="COTECH")
    assert response["Location"] == reverse("meeting-detail", args=[project.slug, meeting.pk])
    # The body's members become the attendance list, then one is marked excused through htmx.
    client.post(reverse("attendance-from-body", args=[project.slug, meeting.pk]))
    rows = list(meeting.attendance.order_by("position"))
    assert [(r.person, r.organisation, r.status) for r in rows] == [(mayor, None, "present"), (None, caf, "present")]
    client.post(reverse("attendance-from-body", args=[project.slug, meeting.pk]))
    assert meeting.attendance.count() == 2  # asking twice adds no one twice
    url = reverse("attendance-update", args=[project.slug, meeting.pk, rows[1].pk])
    fragment = client.post(url, {f"a{rows[1].pk}-status": "excused"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and html.strip().startswith(f'<tr id="attendance-{rows[1].pk}">')
    assert "Excusé·e" in html and "<html" not in html
    assert Attendance.objects.get(pk=rows[1].pk).status == "excused"
    bad = client.post(url, {f"a{rows[1].pk}-status": "en-vacances"}, headers={"HX-Request": "true"})
    assert "Sélectionnez un choix valide" in bad.content.decode()
    assert Attendance.objects.get(pk=rows[1].pk).status == "excused"
    # Minutes and a decision that names the action it changes.
    client.post(
        reverse("meeting-edit", args=[project.slug, meeting.pk]),
        {"title": "COTECH", "body": copil.pk, "date": "2024-03-12", "minutes": "Point d'étape sur les fiches."},
    )
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Point d'étape sur les fiches."
    response = client.post(
        reverse("decision-create", args=[project.slug, meeting.pk]),
        {"text": "L'action A1 passe en cours.", "actions": [action.pk]},
    )
    assert response.status_code == 302
    decision = meeting.decisions.get()
    assert list(decision.actions.all()) == [action]


def test_meeting_and_member_errors_are_french_and_save_nothing(client, governed):
    project, copil, past, *_ = governed()
    login_as(client, project, "coordinator")
    response = client.post(
        reverse("meeting-create", args=[project.slug]),
        {"title": "", "date": "31/02/2024", "start_time": "16:00", "end_time": "15:00"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in html and "Saisissez une date valide." in html
    assert "L&#x27;heure de fin doit suivre l&#x27;heure de début." in html
    response = client.post(reverse("body-member-add", args=[project.slug, copil.pk]), {"role": "observateur"})
    assert "Choisissez une personne, une organisation, ou les deux." in response.content.decode()
    response = client.post(
        reverse("attendance-add", args=[project.slug, past.pk]), {"new-person": past.attendance.get().person_id}
    )
    assert "Cette présence est déjà notée pour la réunion." in response.content.decode()
    response = client.post(reverse("body-create", args=[project.slug]), {"name": "Sans type"})
    assert "Ce champ est obligatoire." in response.content.decode()
    assert Meeting.objects.filter(project=project).count() == 2
    assert copil.members.count() == 2 and past.attendance.count() == 1
    assert Body.objects.filter(project=project).count() == 1


def test_coordinator_manages_bodies_and_members(client, governed):
    project, copil, past, *_ = governed()
    login_as(client, project, "coordinator")
    response = client.post(reverse("body-create", args=[project.slug]), {"name": "Comité technique", "kind": "cotech"})
    cotech = Body.objects.get(project=project, name="Comité technique")
    assert response["Location"] == reverse("body-detail", args=[project.slug, cotech.pk])
    assert cotech.key == "comite-technique"
    partner = Organisation.objects.create(project=project, key="ddsu", name="DDSU")
    client.post(
        reverse("body-member-add", args=[project.slug, cotech.pk]), {"organisation": partner.pk, "role": "direction"}
    )
    seat = cotech.members.get()
    assert seat.organisation == partner and seat.role == "direction"
    client.post(reverse("body-member-delete", args=[project.slug, cotech.pk, seat.pk]))
    assert not cotech.members.exists()
    confirm = client.get(reverse("body-delete", args=[project.slug, copil.pk])).content.decode()
    assert "Ses 2 sièges sont retirés." in confirm and "Ses 2 réunions restent, sans instance." in confirm
    client.post(reverse("body-delete", args=[project.slug, copil.pk]))
    assert not Body.objects.filter(pk=copil.pk).exists()
    assert Meeting.objects.get(pk=past.pk).body is None


def test_ids_of_another_project_are_not_found(client, governed):
    project, copil, past, _upcoming, decision, mayor, caf, action = governed()
    other, o_copil, o_past, _u, o_decision, o_mayor, o_caf, o_action = governed()
    login_as(client, project, "coordinator")
    o_row = o_past.attendance.get()
    o_seat = o_copil.members.first()
    for url in [
        reverse("body-detail", args=[project.slug, o_copil.pk]),
        reverse("body-edit", args=[project.slug, o_copil.pk]),
        reverse("body-delete", args=[project.slug, o_copil.pk]),
        reverse("body-member-add", args=[project.slug, o_copil.pk]),
        reverse("body-member-delete", args=[project.slug, copil.pk, o_seat.pk]),
        reverse("body-member-delete", args=[project.slug, o_copil.pk, o_seat.pk]),
        reverse("meeting-detail", args=[project.slug, o_past.pk]),
        reverse("meeting-edit", args=[project.slug, o_past.pk]),
        reverse("meeting-delete", args=[project.slug, o_past.pk]),
        reverse("attendance-add", args=[project.slug, o_past.pk]),
        reverse("attendance-from-body", args=[project.slug, o_past.pk]),
        reverse("attendance-update", args=[project.slug, past.pk, o_row.pk]),
        reverse("attendance-delete", args=[project.slug, o_past.pk, o_row.pk]),
        reverse("decision-create", args=[project.slug, o_past.pk]),
        reverse("decision-edit", args=[project.slug, past.pk, o_decision.pk]),
        reverse("decision-delete", args=[project.slug, o_past.pk, o_decision.pk]),
    ]:
        assert (
            client.post(url, {"a-status": "absent", "text": "x", "title": "x", "date": "2024-01-01"}).status_code == 404
        ), url
    assert o_copil.members.count() == 2 and o_past.attendance.get().status == "present"
    assert Decision.objects.filter(pk=o_decision.pk).exists()
    # Another project's action, person or body in a form is an invalid choice.
    response = client.post(
        reverse("decision-create", args=[project.slug, past.pk]), {"text": "Piratage", "actions": [o_action.pk]}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(reverse("body-member-add", args=[project.slug, copil.pk]), {"person": o_mayor.pk})
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(
        reverse("meeting-create", args=[project.slug]), {"title": "x", "date": "2024-01-01", "body": o_copil.pk}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Decision.objects.filter(text="Piratage").exists()
    assert not Meeting.objects.filter(project=project, title="x").exists()


def test_governance_queries_do_not_grow_with_the_plan(client, django_assert_max_num_queries):
    project = ProjectFactory()
    actions = Action.objects.bulk_create(
        Action(project=project, ref=f"A{i:03d}", title=f"Action {i}", position=i) for i in range(500)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(project=project, key=f"org-{i}", name=f"Organisation {i}") for i in range(200)
    )
    people = Person.objects.bulk_create(
        Person(project=project, key=f"p-{i}", name=f"Personne {i}", organisation=organisations[i]) for i in range(200)
    )
    bodies = Body.objects.bulk_create(
        Body(project=project, key=f"b-{i}", kind="working_group", name=f"Groupe {i}", chair=people[i])
        for i in range(12)
    )
    BodyMember.objects.bulk_create(
        BodyMember(body=body, person=people[(b * 15 + k) % 200], organisation=organisations[k])
        for b, body in enumerate(bodies)
        for k in range(15)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            project=project, body=bodies[i % 12], title=f"Réunion {i}", date=TODAY + datetime.timedelta(days=i - 30)
        )
        for i in range(60)
    )
    Attendance.objects.bulk_create(Attendance(meeting=m, person=people[k]) for m in meetings[:5] for k in range(40))
    decisions = Decision.objects.bulk_create(Decision(meeting=m, text=f"Décision {i}") for i, m in enumerate(meetings))
    Decision.actions.through.objects.bulk_create(
        Decision.actions.through(decision=d, action=actions[(i * 8 + k) % 500])
        for i, d in enumerate(decisions)
        for k in range(8)
    )
    login_as(client, project, "coordinator")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("governance", args=[project.slug]))
    assert len(page.context["upcoming"]) == 30 and len(page.context["past"]) == 30
    with django_assert_max_num_queries(16):
        page = client.get(reverse("meeting-detail", args=[project.slug, meetings[0].pk]))
    assert len(page.context["rows"]) == 40
    with django_assert_max_num_queries(16):
        assert client.get(reverse("body-detail", args=[project.slug, bodies[0].pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("decision-create", args=[project.slug, meetings[0].pk])).status_code == 200


def test_clermont_sud_governance(client, demo_db):
    client.force_login(User.objects.get(username="lecteur-clermont-sud"))
    page = client.get(reverse("governance", args=["clermont-sud"]))
    html = page.content.decode()
    assert [body.name for body in page.context["bodies"]] == [
        "Comité de pilotage",
        "Comité technique (COTECH)",
        "Équipe de direction du centre social",
        "Groupes territoire",
        "Comité d'usagers",
        "Séminaire annuel des partenaires",
    ]
    assert "6 instances" in html and "parité avec les administrateurs de la CAF" in html
    council = Meeting.objects.get(project__slug="clermont-sud", title__startswith="Conseil municipal")
    assert council in page.context["past"]
    meeting = client.get(reverse("meeting-detail", args=["clermont-sud", council.pk])).content.decode()
    assert "Rapport N° 5" in meeting and "Sondès EL HAFIDHI" in meeting
    assert "adoptées à l&#x27;unanimité" in meeting
