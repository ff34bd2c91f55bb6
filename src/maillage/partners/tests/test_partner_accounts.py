"""Partner accounts: a partner sees only the actions of their organisation (their public sections), never
another project nor the private side; proposes corrections the coordinator decides; adds events that reach
the calendar feed marked as theirs; writes notes where their organisation leads or operates."""

import datetime

import pytest
from django.urls import reverse

from maillage.accounts import access as rules
from maillage.accounts.models import Membership, User
from maillage.actions.models import ActionPartner
from maillage.actions.tests.factories import ActionFactory
from maillage.documents.ical import project_calendar
from maillage.evaluation.models import FollowUpNote
from maillage.partners.models import EntryProposal, Organisation, PartnerEvent
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    project = ProjectFactory(slug="partenaires-a")
    other = ProjectFactory(slug="partenaires-b")
    ours = Organisation.objects.create(project=project, key="asso", name="Association Passerelle")
    theirs = Organisation.objects.create(project=project, key="mjc", name="MJC du Centre")
    led = ActionFactory(project=project, ref="P1", title="Forum des associations", lead_organisation=ours)
    operated = ActionFactory(project=project, ref="P2", title="Accompagnement scolaire")
    funded = ActionFactory(project=project, ref="P3", title="Fonds de participation")
    foreign = ActionFactory(project=project, ref="P4", title="Action de la MJC")
    ActionPartner.objects.create(action=operated, organisation=ours, role="operational")
    ActionPartner.objects.create(action=funded, organisation=ours, role="funder")
    ActionPartner.objects.create(action=foreign, organisation=theirs, role="lead")
    elsewhere = ActionFactory(project=other, ref="P1", title="Action d'un autre projet")
    partner = User.objects.create(username="passerelle", email="contact@passerelle.example")
    Membership.objects.create(user=partner, project=project, role=Membership.Role.PARTNER, organisation=ours)
    coordinator = User.objects.create(username="coord-a")
    Membership.objects.create(user=coordinator, project=project, role=Membership.Role.COORDINATOR)
    return {
        "project": project,
        "other": other,
        "ours": ours,
        "theirs": theirs,
        "led": led,
        "operated": operated,
        "funded": funded,
        "foreign": foreign,
        "elsewhere": elsewhere,
        "partner": partner,
        "coordinator": coordinator,
    }


def test_access_rules(world):
    access = rules.access_for(world["partner"], world["project"])
    assert access.is_partner and not access.is_member and not access.can_comment and not access.can_contribute
    assert not access.can_read  # the project is not published: nothing outside the space
    assert set(rules.partner_actions(access).values_list("ref", flat=True)) == {"P1", "P2", "P3"}
    assert rules.may_partner_note(access, world["led"]) and rules.may_partner_note(access, world["operated"])
    assert not rules.may_partner_note(access, world["funded"]) and not rules.may_partner_note(
        access, world["elsewhere"]
    )
    assert rules.may_propose_entry(access, world["ours"]) and not rules.may_propose_entry(access, world["theirs"])
    assert world["project"] not in rules.member_projects(world["partner"])
    assert world["project"] not in rules.readable_projects(world["partner"])
    assert list(rules.partner_projects(world["partner"])) == [world["project"]]
    assert rules.access_for(world["partner"], world["other"]).role is None


def test_the_space_lists_only_the_organisations_actions(client, world):
    client.force_login(world["partner"])
    page = client.get(reverse("partner-space", args=["partenaires-a"])).content.decode()
    assert "Forum des associations" in page and "Accompagnement scolaire" in page and "Fonds de participation" in page
    assert "Action de la MJC" not in page
    fiche = client.get(reverse("partner-action", args=["partenaires-a", "P2"]))
    assert fiche.status_code == 200 and "Accompagnement scolaire" in fiche.content.decode()
    assert client.get(reverse("partner-action", args=["partenaires-a", "P4"])).status_code == 404
    # Another project, with an id that exists there: refused.
    assert client.get(reverse("partner-space", args=["partenaires-b"])).status_code == 403
    assert client.get(reverse("partner-action", args=["partenaires-b", "P1"])).status_code == 403


def test_every_other_page_sends_the_partner_back_to_the_space(client, world):
    client.force_login(world["partner"])
    space = reverse("partner-space", args=["partenaires-a"])
    for url in (
        reverse("project-dashboard", args=["partenaires-a"]),
        reverse("action-detail", args=["partenaires-a", "P1"]),
        reverse("action-edit", args=["partenaires-a", "P1"]),
        reverse("people-directory", args=["partenaires-a"]),
        reverse("action-list", args=["partenaires-a"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == space, url
    # A write elsewhere is refused, whatever the action.
    response = client.post(reverse("action-edit", args=["partenaires-a", "P1"]), {"title": "Piraté"})
    assert response.status_code == 403
    world["led"].refresh_from_db()
    assert world["led"].title == "Forum des associations"


def test_notes_where_the_organisation_leads_or_operates(client, world):
    client.force_login(world["partner"])
    today = datetime.date.today().isoformat()
    for ref, wanted in (("P1", 302), ("P2", 302), ("P3", 403), ("P4", 404)):
        url = reverse("partner-note-add", args=["partenaires-a", ref])
        response = client.post(url, {"date": today, "text": f"Point d'étape {ref}"})
        assert response.status_code == wanted, ref
    assert set(FollowUpNote.objects.filter(author_user=world["partner"]).values_list("action__ref", flat=True)) == {
        "P1",
        "P2",
    }
    empty = client.post(reverse("partner-note-add", args=["partenaires-a", "P1"]), {"date": today, "text": ""})
    assert empty.status_code == 422


def test_a_proposal_is_applied_only_when_the_coordinator_accepts(client, world):
    client.force_login(world["partner"])
    url = reverse("partner-propose", args=["partenaires-a"])
    assert client.get(url).status_code == 200
    client.post(url, {"website": "https://passerelle.example", "phone": "04 00 00 00 00", "message": "Nouveau site"})
    proposal = EntryProposal.objects.get(organisation=world["ours"])
    world["ours"].refresh_from_db()
    assert world["ours"].website == "" and proposal.changes == {
        "website": "https://passerelle.example",
        "phone": "04 00 00 00 00",
    }
    # The partner cannot decide; a coordinator of another project cannot either.
    decide = reverse("partner-proposals", args=["partenaires-a"])
    assert client.post(decide, {"proposal": proposal.pk, "decision": "accept"}).status_code == 403
    stranger = User.objects.create(username="coord-b")
    Membership.objects.create(user=stranger, project=world["other"], role=Membership.Role.COORDINATOR)
    client.force_login(stranger)
    response = client.post(
        reverse("partner-proposals", args=["partenaires-b"]), {"proposal": proposal.pk, "decision": "accept"}
    )
    assert response.status_code == 404
    client.force_login(world["coordinator"])
    page = client.get(decide).content.decode()
    assert "https://passerelle.example" in page and "Nouveau site" in page
    client.post(decide, {"proposal": proposal.pk, "decision": "accept"})
    world["ours"].refresh_from_db()
    assert world["ours"].website == "https://passerelle.example"
    assert EntryProposal.objects.get(pk=proposal.pk).state == EntryProposal.State.ACCEPTED


def test_events_reach_the_calendar_marked_as_the_partners(client, world):
    client.force_login(world["partner"])
    url = reverse("partner-event-add", args=["partenaires-a"])
    response = client.post(
        url,
        {
            "title": "Portes ouvertes",
            "date": "2027-01-15",
            "start_time": "14:00",
            "end_time": "17:00",
            "place": "Salle des fêtes",
        },
    )
    assert response.status_code == 302
    event = PartnerEvent.objects.get(project=world["project"])
    assert event.organisation == world["ours"]
    ics = project_calendar(world["project"]).decode()
    assert "SUMMARY:Portes ouvertes (Association Passerelle)" in ics
    assert "Événements des partenaires" in ics and "X-MAILLAGE-PARTNER:Association Passerelle" in ics
    bad = client.post(url, {"title": "Sans fin", "date": "2027-01-15", "start_time": "17:00", "end_time": "14:00"})
    assert bad.status_code == 422
    # Another partner cannot remove it; its own partner and the coordinator can.
    other_partner = User.objects.create(username="mjc")
    Membership.objects.create(
        user=other_partner, project=world["project"], role="partner", organisation=world["theirs"]
    )
    client.force_login(other_partner)
    delete = reverse("partner-event-delete", args=["partenaires-a", event.pk])
    remove = reverse("partner-event-remove", args=["partenaires-a", event.pk])
    assert client.post(delete).status_code == 403 and client.post(remove).status_code == 403
    assert PartnerEvent.objects.filter(pk=event.pk).exists()
    client.force_login(world["partner"])
    assert client.post(remove).status_code == 403  # the coordinator's door
    assert client.post(delete).status_code == 302
    assert not PartnerEvent.objects.filter(pk=event.pk).exists()
    again = PartnerEvent.objects.create(
        project=world["project"], organisation=world["ours"], title="Forum", date=event.date
    )
    client.force_login(world["coordinator"])
    assert client.post(reverse("partner-event-remove", args=["partenaires-a", again.pk])).status_code == 302
    assert not PartnerEvent.objects.filter(pk=again.pk).exists()


def test_the_coordinator_invites_a_partner_with_their_organisation(client, world):
    client.force_login(world["coordinator"])
    url = reverse("project-members", args=["partenaires-a"])
    response = client.post(url, {"identifier": "benevole@passerelle.example", "role": "partner"})
    assert response.status_code == 400 and "Choisissez l’organisation" in response.content.decode()
    foreign = Organisation.objects.create(project=world["other"], key="x", name="Ailleurs")
    response = client.post(
        url, {"identifier": "benevole@passerelle.example", "role": "partner", "organisation": foreign.pk}
    )
    assert response.status_code == 400
    response = client.post(
        url, {"identifier": "benevole@passerelle.example", "role": "partner", "organisation": world["ours"].pk}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="benevole@passerelle.example")
    assert (membership.role, membership.organisation) == ("partner", world["ours"])
    assert "Partenaire pour Association Passerelle" in client.get(url).content.decode()


def test_a_partner_of_a_published_project_reads_its_public_pages_without_the_private_side(client, world):
    world["project"].published = True
    world["project"].save()
    access = rules.access_for(world["partner"], world["project"])
    assert access.can_read and access.is_public and not access.is_member
    client.force_login(world["partner"])
    assert client.get(reverse("public-plan", args=["partenaires-a"])).status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert "Mes espaces partenaires" in home and reverse("partner-space", args=["partenaires-a"]) in home


def test_the_partner_pages_read_the_same_rows_when_other_projects_grow(client, world, fetched):
    """The space and a fiche read their own project only: ten other projects, each with its partner
    organisation, actions, events and proposals, change nothing of what they fetch."""
    client.force_login(world["partner"])
    urls = [reverse("partner-space", args=["partenaires-a"]), reverse("partner-action", args=["partenaires-a", "P1"])]

    def measure():
        seen = {}
        for url in urls:
            client.get(url)
            with fetched() as counted:
                assert client.get(url).status_code == 200
            seen[url] = (counted.rows, counted.instances)
        return seen

    before = measure()
    for n in range(10):
        other = ProjectFactory(slug=f"partenaires-autre-{n}")
        asso = Organisation.objects.create(project=other, key="asso", name="Association Passerelle")
        for i in range(5):
            ActionPartner.objects.create(
                action=ActionFactory(project=other, ref=f"P{i}"), organisation=asso, role="lead"
            )
        PartnerEvent.objects.create(project=other, organisation=asso, title="Forum", date=datetime.date(2027, 1, 1))
        EntryProposal.objects.create(organisation=asso, changes={"website": "https://x.example"})
    assert measure() == before
