"""The COPIL note of a meeting in DOCX, PDF and ODT: opened and read; from the command line and the meeting
page; only for members; another project's meeting is not found."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maillage.actions.models import BudgetLine
from maillage.documents.registry import ExportError, parse_what
from maillage.documents.tests.test_annex import docx_of, docx_tables, text_of
from maillage.governance import changes
from maillage.governance.models import Attendance, Decision, Meeting
from maillage.partners.models import Organisation, Person
from maillage.partners.tests.roles import check_every_role, login_as

from .conftest import TODAY, make_steered

pytestmark = pytest.mark.django_db


def _meeting_to_prepare():
    steered = make_steered(network=True)
    project, plan = steered.project, steered.plan
    mayor = Person.objects.create(project=project, key="maire", name="Daniel Valéro", function="Maire")
    steered.body.chair = mayor
    steered.body.save()
    upcoming = Meeting.objects.create(
        project=project,
        body=steered.body,
        title="COPIL annuel",
        date=TODAY + datetime.timedelta(days=14),
        start_time=datetime.time(18, 30),
        place="Salle du conseil",
        agenda="- Bilan de l'année\n- Les actions en retard\n- Report du café des parents",
    )
    Attendance.objects.create(meeting=upcoming, person=mayor)
    Meeting.objects.create(project=project, title="Séminaire des partenaires", date=TODAY + datetime.timedelta(days=60))
    to_take = Decision.objects.create(meeting=upcoming, text="Reporter le café des parents à 2025-2026.")
    changes.postponement(to_take, plan.actions["parents"], period=steered.periods["later"])
    changes.status_change(steered.decision, plan.actions["permanence"], "blocked")  # the earlier meeting's
    caf = Organisation.objects.create(project=project, key="caf", name="CAF du Rhône")
    BudgetLine.objects.create(
        action=plan.actions["guide"], kind="planned", year=2025, amount=Decimal(12000), funder=caf
    )
    BudgetLine.objects.create(action=plan.actions["guide"], kind="actual", year=2025, amount=Decimal(9000), funder=caf)
    return steered, upcoming


def _note(project, meeting, format):
    target = parse_what(project, f"copil:{meeting.pk}")
    from maillage.documents.registry import write

    return write(format, project, target)


@pytest.mark.parametrize("format", ["docx", "pdf", "odt"])
def test_the_note_holds_the_agenda_the_steering_view_and_the_decisions_to_take(format):
    steered, meeting = _meeting_to_prepare()
    text = text_of(format, _note(steered.project, meeting, format))
    for expected in (
        "Note de séance — COPIL annuel",
        "Salle du conseil",
        "Daniel Valéro",
        "Ordre du jour",
        "Bilan de l'année",
        "Report du café des parents",
        "Tableau de pilotage au",
        "Actions en retard, les plus en retard d'abord",
        "Permanence d'accès aux droits",  # the late action, named
        "30 jours",
        "Avancement des indicateurs",
        "Guides distribués",
        "Budget prévu et réalisé, par financeur et par année",
        "CAF du Rhône",
        "75 %",
        "Dernières décisions",
        "Le COPIL réoriente l'axe 2.",
        "A2 Permanence d'accès aux droits : En cours → Bloquée (à appliquer)",
        "Prochaines réunions",
        "Séminaire des partenaires",  # after the meeting (build_plan's COPIL, before it, is not "next")
        "Décisions à prendre",
        "Reporter le café des parents à 2025-2026.",
        "A3 Café des parents : reportée à 2025-2026 (à appliquer)",
    ):
        assert expected in text, (format, expected)
    # The meeting itself is not among its "next meetings", nor its decisions among the "last" ones.
    last = text[text.index("Dernières décisions") : text.index("Prochaines réunions")]
    assert "Reporter le café" not in last
    upcoming = text[text.index("Prochaines réunions") : text.index("Décisions à prendre")]
    assert "COPIL annuel" not in upcoming


def test_the_note_docx_tables_read_as_tables():
    steered, meeting = _meeting_to_prepare()
    word = docx_of(_note(steered.project, meeting, "docx"))
    tables = docx_tables(word)
    late = next(table for table in tables if table[0] == ["Réf.", "Action", "Pilote", "Échéance", "Retard"])
    assert late[1][:2] == ["A2", "Permanence d'accès aux droits"] and late[1][2] == "Aucun pilote"
    budget = next(table for table in tables if table[0][0] == "Financeur")
    assert budget[1] == ["CAF du Rhône", "2025", "12\u202f000 €", "9\u202f000 €", "75 %"]
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Ordre du jour", "Présences", "Tableau de pilotage au " + headings[2].split(" au ", 1)[1]]


def test_the_note_from_the_command_line(tmp_path, capsys):
    steered, meeting = _meeting_to_prepare()
    target = tmp_path / "note.pdf"
    call_command("export", steered.project.slug, "--format", "pdf", "--what", f"copil:{meeting.pk}", "-o", str(target))
    assert "Note de séance — COPIL annuel" in text_of("pdf", target.read_bytes())
    other = make_steered(title="Ailleurs")
    for what, message in [
        ("copil", "Précisez la réunion : --what copil:ID"),
        ("copil:abc", "Réunion « abc » introuvable"),
        (f"copil:{other.meeting.pk}", f"Réunion « {other.meeting.pk} » introuvable dans le projet"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("export", steered.project.slug, "--format", "docx", "--what", what, "-o", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="ne produit pas le document « copil »"):
        call_command("export", steered.project.slug, "--format", "csv", "--what", f"copil:{meeting.pk}")
    assert not (tmp_path / "x").exists()


def test_parse_what_names_the_note_by_its_meeting():
    steered, meeting = _meeting_to_prepare()
    target = parse_what(steered.project, f"copil:{meeting.pk}")
    assert target.kind == "copil" and target.subject == meeting and target.suffix == f"copil-{meeting.pk}"
    with pytest.raises(ExportError, match="ce document ne se précise pas"):
        parse_what(steered.project, "panorama:3")


@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
def test_the_note_is_for_members_only(client, published):
    steered = make_steered(published=published, network=True)
    url = f"{reverse('document-download', args=[steered.project.slug])}?document=copil:{steered.meeting.pk}&format=pdf"
    wrong = {}
    for role in ["coordinator", "contributor", "reader", "network_admin", "stranger", "anonymous"]:
        login_as(client, steered.project, role)
        response = client.get(url)
        want = 200 if role not in ("stranger", "anonymous") else (403 if role == "stranger" or published else 302)
        if response.status_code != want:
            wrong[role] = (response.status_code, want)
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            assert (
                f'filename="{steered.project.slug}-copil-{steered.meeting.pk}.pdf"' in response["Content-Disposition"]
            )
    assert wrong == {}


def test_another_projects_meeting_is_not_found(client):
    steered = make_steered()
    other = make_steered(title="Ailleurs")
    login_as(client, steered.project, "coordinator")
    url = f"{reverse('document-download', args=[steered.project.slug])}?document=copil:{other.meeting.pk}&format=pdf"
    response = client.get(url)
    assert response.status_code == 404 and "introuvable" in response.content.decode()


def test_the_meeting_page_offers_the_note(client):
    steered, meeting = _meeting_to_prepare()
    login_as(client, steered.project, "reader")
    page = client.get(reverse("meeting-detail", args=[steered.project.slug, meeting.pk])).content.decode()
    for format in ("pdf", "docx", "odt"):
        assert f"document=copil%3A{meeting.pk}&amp;format={format}" in page, format


def test_the_meeting_page_is_still_for_members(client):
    steered = make_steered(published=True, network=True)
    url = reverse("meeting-detail", args=[steered.project.slug, steered.meeting.pk])
    assert check_every_role(client, steered.project, url, public_redirect=False) == {}
