"""No personal data in any anonymous answer: a walk of every anonymous endpoint of the demo's plans."""

import json

import pytest

from maillage.accounts.models import Membership
from maillage.evaluation.models import FollowUpNote, IndicatorValue
from maillage.interchange.exporting import export_project, to_json
from maillage.interchange.public import public_document
from maillage.partners.models import Person
from maillage.projects.models import Project

PRIVATE_KEYS = {"leads", "elected_referent", "referent", "notes", "budget", "email", "phone", "comment", "source"}


def _personal(projects) -> set[str]:
    """Every name, address, phone, note and private comment of these projects that a visitor must not read."""
    found = set()
    for name, email, phone in Person.objects.filter(project__in=projects).values_list("name", "email", "phone"):
        found |= {name, email, phone}
    for text, author in FollowUpNote.objects.filter(action__project__in=projects).values_list("text", "author"):
        found |= {text, author}
    for comment, source in IndicatorValue.objects.filter(indicator__action__project__in=projects).values_list(
        "comment", "source"
    ):
        found |= {comment, source}
    for member in Membership.objects.filter(project__in=projects).select_related("user"):
        found |= {member.user.email, member.user.get_full_name()}
    return {text for text in found if text and len(text) >= 6}


def _keys(value, found):
    if isinstance(value, dict):
        found |= set(value)
        for item in value.values():
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


@pytest.mark.django_db
def test_no_personal_data_in_any_anonymous_answer_of_the_demo(demo_db, api_client, settings):
    settings.MAILLAGE_API_ANONYMOUS_PER_MINUTE = 100_000  # the walk is one client asking a lot
    client = api_client()
    published = [p for p in demo_db.values() if Project.objects.get(pk=p.pk).published]
    assert published, "the demo publishes plans"
    personal = _personal(published)
    # What the public pages themselves show (``interchange.public.public_document``) is no leak: a seed's
    # node description quotes an author who is also in the directory.
    shown = " ".join(to_json(public_document(export_project(p))) for p in published)
    personal = {text for text in personal if json.dumps(text, ensure_ascii=False)[1:-1] not in shown}
    assert len(personal) > 20  # the demo has people, notes and members: the walk looks for something
    answers, urls, walked = [], ["/api/v1/projects?taille=100"], 0
    for project in published:
        base = f"/api/v1/projects/{project.slug}"
        urls += [base, f"{base}/tree", f"{base}/levels"]
        for listing in ("actions", "organisations"):
            first = client.get(f"{base}/{listing}?taille=100").json()
            urls += [f"{base}/{listing}?taille=100&page={n}" for n in range(1, first["pages"] + 1)]
        refs = []  # a framework (PMS) may have no action of its own
        for page in range(1, client.get(f"{base}/actions?taille=100").json()["pages"] + 1):
            refs += [a["ref"] for a in client.get(f"{base}/actions?taille=100&page={page}").json()["results"]]
        walked += len(refs)
        urls += [f"{base}/actions/{ref}" for ref in refs]
        for private in ("bodies", "meetings", "diagnostic", "versions", "campaigns", "document"):
            response = client.get(f"{base}/{private}")
            assert response.status_code == 401, private
            answers.append(response.content.decode())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" not in response
        text = json.dumps(response.json(), ensure_ascii=False)  # whatever escaping the renderer chose
        leaked = [p for p in personal if json.dumps(p, ensure_ascii=False)[1:-1] in text]
        assert not leaked, (url, leaked[:5])
        assert not _keys(response.json(), set()) & PRIVATE_KEYS, url
        answers.append(text)
    assert walked > 50 and len(answers) > walked


@pytest.mark.django_db
def test_a_visitor_reads_what_the_public_fiche_shows(world, api_client):
    action = api_client().get(f"/api/v1/projects/{world.plan.project.slug}/actions/A1").json()
    assert action["context"] == "Les habitants connaissent mal leurs droits."
    assert action["lead_organisation"] == "centre-social"
    assert action["partners"][0]["name"] == "Centre social des Tilleuls"
    value = action["indicators"][0]["values"][0]
    assert value == {"period": "2025", "date": None, "value": 12, "assessment": "Bon départ"}
    assert "leads" not in action and "notes" not in action and "version" not in action
    member = api_client(world.secrets["coordinator_read"]).get(f"/api/v1/projects/{world.plan.project.slug}/actions/A1")
    body = member.json()
    assert body["leads"] == [{"key": "lea-pilote", "name": "Léa Pilote"}]
    assert body["notes"][0]["text"] == "Note privée"
    assert body["indicators"][0]["values"][0]["comment"] == "Commentaire privé"
    assert "Access-Control-Allow-Origin" not in member


def test_visitors_read_nothing_unadopted_while_an_update_is_prepared(world, api_client):
    """The public pages show the adopted version while an update is prepared; the API shows visitors
    nothing of the live plan meanwhile (409 plan_under_update), members read it as usual."""
    from maillage.versions.taking import take_version

    project = world.plan.project
    url = f"/api/v1/projects/{project.slug}/actions"
    assert api_client().get(url).status_code == 200
    take_version(project, label="Adoptée", adopted=True)
    take_version(project, label="Mise à jour 2027", kind="update")
    answer = api_client().get(url)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "plan_under_update"
    assert "données ouvertes" in answer.json()["error"]["message"]
    assert api_client(world.secrets["coordinator_write"]).get(url).status_code == 200
