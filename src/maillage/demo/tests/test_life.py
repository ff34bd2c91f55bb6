"""The demo's fictitious project, Val-de-Lisière: what its three years hold, and every screen of issue 10
showing something of it — indicators, a chart, versions and their comparison, campaigns, the steering
view, the COPIL note, the panorama, a fiche a decision touched, the lead's questionnaires."""

import datetime
import html
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser

import docx
import pdfplumber
import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.accounts.models import Membership, User
from maillage.actions.budget import project_totals
from maillage.actions.models import Action, ActionChange, BudgetLine
from maillage.actions.progress import late_q, with_last_year
from maillage.campaigns.models import Answer, AnswerEvent, Campaign
from maillage.demo.life import SLUG, load_life
from maillage.demo.life.story import COORDINATOR, LEAD, READER
from maillage.demo.loading import DEMO_PASSWORD, ensure_demo_accounts
from maillage.evaluation import progress
from maillage.evaluation.models import Indicator, IndicatorValue
from maillage.governance.models import DecisionChange, Meeting
from maillage.interchange.exporting import export_project
from maillage.interchange.importing import import_document
from maillage.interchange.validation import check
from maillage.partners.models import Person
from maillage.projects.models import Node, Project
from maillage.versions.models import Version

pytestmark = pytest.mark.django_db

D = datetime.date
# The day the story ends: everything it wrote is dated on or before it.
LAST_STEP = D(2026, 11, 25)


class _Text(HTMLParser):
    """The text of an element: the one labelled by ``wanted`` (``aria-labelledby``) or, without one, the
    element of that id — for a heading, the heading and the element that follows it (its list)."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "base", "wbr"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self, wanted, attribute):
        super().__init__()
        self.wanted, self.attribute = wanted, attribute
        self.depth = 0  # of the document
        self.capturing_at = None  # depth of the element being captured
        self.sibling_at = None  # depth at which the heading's next element is awaited
        self.done, self.parts = False, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.depth += 1
        if self.done or self.capturing_at is not None:
            return
        if self.sibling_at == self.depth:
            self.sibling_at = None
            if tag in self.HEADINGS:
                self.done = True
            else:
                self.capturing_at, self.heading = self.depth, False
        elif dict(attrs).get(self.attribute) == self.wanted:
            self.capturing_at, self.heading = self.depth, tag in self.HEADINGS and self.attribute == "id"

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.capturing_at == self.depth:
            self.capturing_at = None
            if self.heading:
                self.sibling_at, self.heading = self.depth, False
            else:
                self.done = True
        elif self.sibling_at is not None and self.depth < self.sibling_at:
            self.sibling_at, self.done = None, True
        self.depth -= 1

    def handle_data(self, data):
        if self.capturing_at is not None:
            self.parts.append(data)


def text_of(response, element_id: str) -> str:
    """The French text a person reads in that part of the page, spaces collapsed."""
    for attribute in ("aria-labelledby", "id"):
        parser = _Text(element_id, attribute)
        parser.feed(response.content.decode())
        text = re.sub(r"\s+", " ", " ".join(parser.parts)).strip()
        if text:
            return text
    raise AssertionError(f"#{element_id} is missing or empty")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def project():
    return Project.objects.get(slug=SLUG)


def signed_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def coordinator(client, demo_db):
    return signed_in(client, COORDINATOR)


def versions():
    return list(Version.objects.filter(project__slug=SLUG).order_by("date"))


def bilan(year):
    return Campaign.objects.get(project__slug=SLUG, first_year=year)


# --- what the project holds -----------------------------------------------------------------------


def test_its_title_and_description_say_it_is_fictitious(demo_db):
    plan = demo_db[SLUG]
    assert plan.title == "Projet social de territoire de Val-de-Lisière (projet fictif de démonstration)"
    assert plan.description.startswith("Ce projet est fictif : il a été inventé pour la démonstration de Maillage.")
    assert plan.published and (plan.first_year, plan.last_year) == (2024, 2027)
    assert all("personne fictive" in person.function for person in Person.objects.filter(project=plan))


def test_a_tree_of_three_axes_and_fifteen_actions_with_leads_partners_and_budgets(demo_db):
    plan = project()
    assert Counter(Node.objects.filter(project=plan).values_list("level__name", flat=True)) == {
        "Axe": 3,
        "Objectif": 7,
    }
    actions = Action.objects.filter(project=plan)
    assert actions.count() == 15 and not actions.filter(leads=None).exists()
    assert actions.filter(partner_roles__isnull=False).distinct().count() == 13
    assert Counter(actions.values_list("status", flat=True)) == {
        "in_progress": 8,
        "continuous": 3,
        "done": 2,
        "postponed": 1,
        "blocked": 1,
    }
    lines = BudgetLine.objects.filter(action__project=plan)
    assert set(lines.values_list("kind", flat=True)) == {"planned", "actual"}
    actual = Counter(lines.filter(kind="actual").values_list("year", "funder__key"))
    assert actual[(2024, "caf")] == 3 and actual[(2025, "departement")] == 3
    totals = project_totals(plan)  # the steering view's table: planned vs actual, by funder and year
    caf = "Caisse d'allocations familiales"
    assert (totals.amount(caf, 2024, "planned"), totals.amount(caf, 2024, "actual")) == (34000, 33000)
    assert totals.amount(caf, 2026, "actual") is None and totals.has("actual")
    late = with_last_year(actions).filter(late_q(D(2026, 12, 2)))
    assert sorted(late.values_list("ref", flat=True)) == ["A1-02", "A2-03", "A2-06"]


def test_indicators_with_baselines_targets_and_values_over_three_years(demo_db):
    plan = project()
    indicators = Indicator.objects.filter(action__project=plan)
    assert indicators.count() == 10
    assert indicators.filter(kind="qualitative").count() == 1
    assert indicators.exclude(baseline=None).count() == 8
    values = IndicatorValue.objects.filter(indicator__action__project=plan)
    assert set(values.values_list("year", flat=True)) == {2024, 2025, 2026}
    café = indicators.get(kind="qualitative")
    assert list(café.values.chronological().values_list("period", flat=True)) == ["juin 2024", "2025", "juin 2026"]
    assert all(value.assessment for value in café.values.all())
    # Missing the last finished year of the plan (2025 on 2 December 2026): the three never measured since 2024.
    missing = indicators.filter(progress.missing_q(plan, D(2026, 12, 2)))
    assert sorted(missing.values_list("action__ref", flat=True)) == ["A1-02", "A2-04", "A3-03"]


def test_two_adopted_versions_whose_comparison_names_what_the_update_changed(demo_db):
    adoption, update = versions()
    assert (adoption.label, adoption.date, adoption.kind) == ("PST 2024-2027 : adoption", D(2024, 1, 25), "adoption")
    assert (update.label, update.date, update.kind) == ("Mise à jour 2025 du PST", D(2025, 6, 30), "update")
    assert adoption.is_adopted and update.is_adopted and update.based_on == adoption
    assert (adoption.summary["actions"], update.summary["actions"]) == (14, 15)
    out = io.StringIO()
    call_command("diff", SLUG, str(adoption.pk), str(update.pk), "--format", "json", stdout=out)
    diff = json.loads(out.getvalue())
    assert [(n["code"], n["title"]) for n in diff["nodes_added"]] == [("3.3", "Prévenir l'isolement des aînés")]
    assert [(a["ref"], a["title"]) for a in diff["actions_added"]] == [
        ("A3-04", "Visites de convivialité chez les aînés isolés")
    ]
    # No action is removed: the coordinator's screens close actions, they do not delete them.
    assert diff["actions_removed"] == [] and diff["nodes_removed"] == []
    assert [a["ref"] for a in diff["actions_moved"]] == ["A2-06"]
    statuses = {change["ref"]: (change["from"], change["to"]) for change in diff["status_changes"]}
    assert statuses["A1-03"] == ("planned", "done")  # closed by the update
    assert statuses["A1-05"] == ("planned", "postponed")  # postponed by the COPIL of June 2025
    for version in (adoption, update):
        assert check(version.read()) == []
    # The adopted plan has no actual spending yet; the update has 2024's.
    spent = [
        sum(1 for a in version.read()["actions"] for line in a.get("budget", []) if line["kind"] == "actual")
        for version in (adoption, update)
    ]
    assert spent == [0, 9]


def test_the_finished_bilan_2025_and_the_open_bilan_2026(demo_db):
    done = bilan(2025)
    assert done.state == "closed" and done.due_date == D(2026, 1, 30)
    assert Counter(done.answers.values_list("state", flat=True)) == {
        "accepted": 7,
        "pending": 5,
        "returned": 1,
        "draft": 1,
    }
    returned = done.answers.get(state="returned")
    assert returned.action.ref == "A1-02" and "permanences tenues en 2025" in returned.review_comment
    assert done.answers.get(state="draft").action.ref == "A2-04"
    # Accepted answers fed the plan, with the campaign named in the history.
    reason = "Bilan annuel 2025 accepté"
    fed = ActionChange.objects.filter(action__project__slug=SLUG, reason=reason)
    assert set(fed.filter(kind="indicator").values_list("action__ref", flat=True)) == {
        "A1-01",
        "A1-04",
        "A2-01",
        "A2-02",
        "A2-06",
        "A3-01",
    }
    assert set(fed.filter(kind="status").values_list("action__ref", flat=True)) == {"A1-01", "A2-05"}
    assert IndicatorValue.objects.filter(indicator__action__project__slug=SLUG, source=done.title).count() == 7
    assert AnswerEvent.objects.filter(answer__campaign=done, kind="returned").count() == 1
    running = bilan(2026)
    assert running.state == "open" and running.answers.count() == 13
    assert list(running.answers.exclude(state="pending").values_list("action__ref", "state")) == [("A1-01", "draft")]


def test_copil_decisions_changed_the_plan_and_one_meeting_is_ahead(demo_db):
    meetings = list(Meeting.objects.filter(project__slug=SLUG).order_by("date"))
    assert [m.date for m in meetings] == [
        D(2024, 3, 14),
        D(2024, 11, 21),
        D(2025, 6, 12),
        D(2026, 3, 19),
        D(2027, 1, 21),
    ]
    changes = DecisionChange.objects.filter(decision__meeting__project__slug=SLUG)
    applied = changes.filter(applied_at__isnull=False)
    assert Counter(applied.values_list("kind", flat=True)) == {
        "status": 10,
        "new_action": 1,
        "postpone": 1,
        "new_node": 1,
    }
    pending = changes.filter(applied_at__isnull=True)
    assert [(c.decision.meeting.date, c.ref, c.status) for c in pending] == [(D(2027, 1, 21), "A2-03", "in_progress")]
    created = applied.get(kind="new_action")
    assert created.action.ref == "A3-04" and created.action.nodes.get().code == "3.3"


def test_every_step_is_dated_on_its_day_never_on_the_day_of_the_load(demo_db):
    plan = project()
    stamps = list(ActionChange.objects.filter(action__project=plan).values_list("at", flat=True))
    assert len(stamps) > 40
    assert min(stamps).date() >= D(2024, 1, 10) and max(stamps).date() <= LAST_STEP
    assert (
        max(
            Answer.objects.filter(campaign__project=plan).exclude(saved_at=None).values_list("saved_at", flat=True)
        ).date()
        == LAST_STEP
    )
    # The update's draft was opened in May, adopted on 30 June.
    assert [(v.taken_at.date(), v.adopted_at.date()) for v in versions()] == [
        (D(2024, 1, 25), D(2024, 1, 25)),
        (D(2025, 5, 19), D(2025, 6, 30)),
    ]
    first_change = ActionChange.objects.filter(action__ref="A1-01", action__project=plan).order_by("at").first()
    assert first_change.reason == "Décision de la réunion « COPIL de lancement du PST » du 14/03/2024"
    assert first_change.at.date() == D(2024, 3, 18) and first_change.author == "Claire Fontaine"


def test_loading_it_again_gives_the_same_plan_history_and_versions(demo_db):
    def state():
        plan = project()
        return {
            "versions": [(v.label, v.date, v.digest) for v in versions()],
            "history": sorted(
                # An indicator's line names it by its id ("indicator-12"), which a new load renumbers.
                (c.action.ref, c.at, c.kind, c.reason, json.dumps([{**x, "field": ""} for x in c.changes]))
                for c in ActionChange.objects.filter(action__project=plan).select_related("action")
            ),
            "answers": sorted(
                Answer.objects.filter(campaign__project=plan).values_list(
                    "campaign__title", "action__ref", "state", "submitted_at", "reviewed_at"
                )
            ),
            "document": export_project(plan),
        }

    before = state()
    load_life()
    assert state() == before


def test_export_import_export_keeps_the_project(demo_db):
    document = export_project(project())
    assert check(document) == []
    assert export_project(import_document(document, replace=True)) == document


# --- the accounts -------------------------------------------------------------------------------------


def test_the_demo_prints_its_coordinator_lead_and_reader(demo_db):
    accounts = {account.username: account for account in ensure_demo_accounts()}
    for username in (COORDINATOR, LEAD, READER):
        assert accounts[username].password == DEMO_PASSWORD
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and not user.is_staff and not user.is_superuser
    roles = dict(Membership.objects.filter(project__slug=SLUG).values_list("user__username", "role"))
    assert roles == {COORDINATOR: "coordinator", LEAD: "contributor", READER: "reader"}
    lead = Person.objects.get(project__slug=SLUG, user__username=LEAD)
    assert lead.name == "Karim Benali" and lead.led_actions.count() == 7
    assert "pilote de 7 actions" in accounts[LEAD].role


# --- every screen of issue 10 -------------------------------------------------------------------------


def test_the_indicators_page_shows_values_shares_and_the_missing_last_period(coordinator):
    response = coordinator.get(reverse("indicator-list", args=[SLUG]))
    assert response.status_code == 200
    expected = progress.expected_year(project())
    assert f"sans valeur pour {expected}" in text_of(response, "indicator-figures")
    permanences = Indicator.objects.get(action__project__slug=SLUG, action__ref="A1-02")
    row = text_of(response, f"indicateur-ligne-{permanences.pk}")
    assert "38 permanences" in row and "93 %" in row and f"Pas de valeur pour {expected}" in row
    rdv = Indicator.objects.get(action__project__slug=SLUG, title="Rendez-vous des droits réalisés")
    assert "262 rendez-vous" in text_of(response, f"indicateur-ligne-{rdv.pk}")
    assert "Atteinte" in text_of(response, f"indicateur-ligne-{rdv.pk}")
    missing = coordinator.get(reverse("indicator-list", args=[SLUG]) + "?manquant=1")
    assert "Jeunes accompagnés vers l'emploi" in text_of(missing, "indicator-table")
    assert "Rendez-vous des droits réalisés" not in text_of(missing, "indicator-table")


def test_an_indicator_page_draws_its_chart_beside_its_tables(coordinator):
    indicator = Indicator.objects.get(action__project__slug=SLUG, action__ref="A1-01")
    response = coordinator.get(reverse("indicator-detail", args=[SLUG, indicator.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<line-chart" in page
    chart = re.search(r"<line-chart[^>]*>", page).group(0)
    assert "540" in chart and "870" in chart and "1200" in chart.replace(" ", "")
    assert "540" in page and "870" in page


def test_the_versions_page_and_the_comparison_name_the_changes(coordinator):
    adoption, update = versions()
    listing = coordinator.get(reverse("versions", args=[SLUG]))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "PST 2024-2027 : adoption" in text and "Mise à jour 2025 du PST" in text
    compare = coordinator.get(reverse("version-compare", args=[SLUG]) + f"?de={adoption.pk}&a={update.pk}")
    assert compare.status_code == 200
    assert "Prévenir l'isolement des aînés" in text_of(compare, "nodes_added")
    assert "Visites de convivialité chez les aînés isolés" in text_of(compare, "actions_added")
    assert "Un conseil local des jeunes" in text_of(compare, "actions_moved")
    changes = text_of(compare, "status_changes")
    assert "Un point numérique au centre social Les Tilleuls" in changes and "Terminée" in changes
    assert text_of(compare, "panorama-postponed") == "1" and text_of(compare, "panorama-new") == "1"
    today = coordinator.get(reverse("version-compare", args=[SLUG]) + f"?de={update.pk}&a=current")
    assert "Bloquée" in text_of(today, "status_changes")


def test_the_campaigns_their_progress_and_the_synthesis(coordinator):
    done, running = bilan(2025), bilan(2026)
    listing = coordinator.get(reverse("campaign-list", args=[SLUG]))
    text = listing.content.decode()
    assert "Bilan annuel 2025" in text and "Bilan annuel 2026" in text and "Clôturée" in text and "Ouverte" in text
    follow = coordinator.get(reverse("campaign-progress", args=[SLUG, done.pk]))
    answers = text_of(follow, "answers-table")
    assert "Renvoyée au pilote" in answers and "Brouillon" in answers and "Acceptée" in answers
    synthesis = coordinator.get(reverse("campaign-detail", args=[SLUG, done.pk]))
    proposals = text_of(synthesis, "synthesis-proposals")
    assert "Toute la campagne 5 1 0 1 7" in proposals  # continue, adapt, stop, done, accepted
    assert "Un bus France services itinérant" in text_of(synthesis, "accepted-answers")
    reader = signed_in(coordinator, READER).get(reverse("campaign-detail", args=[SLUG, done.pk]))
    assert reader.status_code == 200 and "Toute la campagne" in text_of(reader, "synthesis-statuses")
    assert running.is_open


def test_the_steering_view_names_the_late_actions_and_shows_the_budget(coordinator):
    response = coordinator.get(reverse("steering", args=[SLUG]))
    assert response.status_code == 200
    late = text_of(response, "steering-late-table")
    for title in (
        "Un conseil local des jeunes",
        "Permanences d'accès aux droits dans les mairies",
        "Un relais petite enfance itinérant",
    ):
        assert title in late
    assert "Karim Benali" in late and "Sophie Lemaire" in late and "31/12/2025" in late
    budget = text_of(response, "steering-budget-table")
    assert "Caisse d'allocations familiales" in budget and "Conseil départemental" in budget
    assert "2025" in budget
    assert "suspendu tant qu'aucune salle n'est trouvée" in text_of(response, "steering-decision-list")


def test_the_copil_note_of_the_next_meeting_downloads_with_its_decision_to_take(coordinator):
    meeting = Meeting.objects.get(project__slug=SLUG, date=D(2027, 1, 21))
    url = reverse("document-download", args=[SLUG])
    word = coordinator.get(f"{url}?document=copil:{meeting.pk}&format=docx")
    assert word.status_code == 200
    paragraphs = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    tables = "\n".join(
        cell.text for t in docx.Document(io.BytesIO(word.content)).tables for r in t.rows for cell in r.cells
    )
    content = paragraphs + "\n" + tables
    assert "COPIL annuel : bilan 2026" in content
    assert "Reprise du relais petite enfance" in content
    assert "le relais petite enfance reprend dans l'ancienne école" in content
    pdf = coordinator.get(f"{url}?document=copil:{meeting.pk}&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        printed = " ".join((page.extract_text() or "") for page in document.pages)
    assert "COPIL annuel : bilan 2026" in printed and "Un conseil local des jeunes" in re.sub(r"\s+", " ", printed)


def test_the_panorama_page_sorts_the_actions_by_status(coordinator):
    response = coordinator.get(reverse("panorama", args=[SLUG]))
    assert response.status_code == 200
    summary = text_of(response, "panorama-summary-table")
    assert "Terminées 2" in summary and "Reportées 1" in summary and "Bloquées 1" in summary and "Total 15" in summary
    youth = Node.objects.get(project__slug=SLUG, key="obj-2-2")
    column = text_of(response, f"panorama-node-{youth.pk}")
    assert "Terminées (1)" in column and "Chantiers éducatifs d'été" in column
    added = Node.objects.get(project__slug=SLUG, code="3.3")  # the node the COPIL of June 2025 added
    assert "Visites de convivialité chez les aînés isolés" in text_of(response, f"panorama-node-{added.pk}")


def test_a_fiche_shows_the_decision_that_touched_it(coordinator):
    response = coordinator.get(reverse("action-detail", args=[SLUG, "A1-05"]))
    assert response.status_code == 200
    decisions = text_of(response, "action-decisions")
    assert "COPIL de mise à jour du plan" in decisions
    assert "reportée à 2026-2027, fin au 30/06/2027" in decisions and "appliqué le 16/06/2025" in decisions
    assert "Décision de la réunion « COPIL de mise à jour du plan » du 12/06/2025" in text_of(response, "historique")


def test_the_lead_finds_the_open_questionnaires_on_the_home_page(client, demo_db):
    response = signed_in(client, LEAD).get(reverse("home"))
    block = text_of(response, "my-questionnaires")
    assert "Bilan annuel 2026" in block and "À envoyer avant le 29 janvier 2027" in block
    for ref in ("A1-01", "A1-02", "A1-05", "A2-04", "A2-06", "A3-01", "A3-03"):
        assert ref in block
    assert "Brouillon" in block
    assert "Un conseil local des jeunes" in text_of(response, "my-actions")  # late
    reader = signed_in(client, READER).get(reverse("home"))
    assert 'id="my-questionnaires"' not in reader.content.decode()


def test_the_public_page_shows_the_version_in_force_and_says_it_is_fictitious(client, demo_db):
    response = client.get(reverse("public-plan", args=[SLUG]))
    assert response.status_code == 200
    page = page_text(response)
    assert "projet fictif de démonstration" in page and "Mise à jour 2025 du PST" in page
    assert "Karim Benali" not in page  # no personal data for a visitor
