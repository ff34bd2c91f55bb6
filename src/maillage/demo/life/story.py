"""Three years of Val-de-Lisière's plan, step by step, through the functions the screens call.

The plan as adopted in January 2024 is the interchange document ``val-de-lisiere.json``; everything
after is played here, in date order, each step dated on its day (:mod:`.clock`):

- 2024: adoption version; COPIL of March (status changes applied); 2024 values and notes; COPIL of
  November (the transport solidaire, the relais petite enfance and the conseil des jeunes start);
- 2025: the 2024 spending entered on the fiches; the update of the plan opened in May; COPIL of June
  (a new objective and a new action, a postponement) applied; the point numérique closed, two
  continuous actions carried over, the conseil des jeunes moved, the update adopted on 30 June;
  the 2025 bilan opened in November;
- 2026: answers to the bilan (several accepted into the plan, one sent back, one draft), the campaign
  closed; the 2025 spending; COPIL of March (a blocked action, a start); June values; the next COPIL
  programmed for January 2027 with a decision still to take; the 2026 bilan opened in November, a
  first draft written.

No randomness, no date taken from today's: loading twice gives the same plan, versions and history.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation

from maillage.accounts.members import add_member, link_person
from maillage.accounts.models import Membership, User
from maillage.actions.models import Action
from maillage.campaigns.answering import active_questions, save_answer
from maillage.campaigns.models import Answer, Campaign
from maillage.campaigns.opening import close_campaign, create_campaign, open_campaign
from maillage.campaigns.reviewing import accept, send_back
from maillage.evaluation.models import Indicator
from maillage.evaluation.recording import record_value
from maillage.governance import changes
from maillage.interchange.importing import import_document
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node, Period, Project
from maillage.versions.models import Version
from maillage.versions.taking import adopt_update, carry_over, close_actions, start_update, take_version

from .clock import Clock
from .screens import add_comment, add_note, budget_line, edit_sheet, hold_meeting, write_decision

DOCUMENT = Path(__file__).with_name("val-de-lisiere.json")
SLUG = "val-de-lisiere"
D = datetime.date

# The three accounts of the story: (username, first name, last name, role, directory person).
COORDINATOR = "coord-val-de-lisiere"
LEAD = "pilote-val-de-lisiere"
READER = "lecteur-val-de-lisiere"
ACCOUNTS = [
    (COORDINATOR, "Claire", "Fontaine", Membership.Role.COORDINATOR, "claire-fontaine"),
    (LEAD, "Karim", "Benali", Membership.Role.CONTRIBUTOR, "karim-benali"),
    (READER, "Martine", "Roux", Membership.Role.READER, "martine-roux"),
]


def document() -> dict:
    """The plan as adopted in January 2024."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


class Story:
    """The plan being lived: shortcuts to its actions, indicators and people."""

    def __init__(self, project, users):
        self.project = project
        self.coordinator = users[COORDINATOR]
        self.lead = users[LEAD]
        self.reader = users[READER]

    def action(self, ref) -> Action:
        return Action.objects.select_related("project").get(project=self.project, ref=ref)

    def indicator(self, ref, position=0) -> Indicator:
        return Indicator.objects.filter(action__project=self.project, action__ref=ref).order_by("position", "pk")[
            position
        ]

    def organisation(self, key) -> Organisation:
        return Organisation.objects.get(project=self.project, key=key)

    def person(self, key) -> Person:
        return Person.objects.get(project=self.project, key=key)

    def node(self, key) -> Node:
        return Node.objects.get(project=self.project, key=key)

    def period(self, label) -> Period:
        return Period.objects.get(project=self.project, label=label)

    def value(self, ref, period, value=None, *, user, day, assessment="", comment="", source="", position=0):
        return record_value(
            self.indicator(ref, position),
            period=period,
            value=value,
            assessment=assessment,
            comment=comment,
            source=source,
            date=day,
            user=user,
        )

    def decide(self, meeting, text, actions=(), steps=()):
        """A decision of ``meeting`` with its changes: ``steps`` are callables (decision) → change."""
        decision = write_decision(meeting, text, actions)
        for step in steps:
            step(decision)
        return decision


def ensure_users() -> dict[str, User]:
    """The story's accounts, made when missing (without a usable password until ``life_accounts``)."""
    users = {}
    for username, first, last, _role, _person in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_unusable_password()
        user.first_name, user.last_name = first, last
        user.is_staff = user.is_superuser = False
        user.save()
        users[username] = user
    return users


def give_roles(project, users) -> None:
    """Each account's role in the project and its directory person (the members page's two steps)."""
    coordinator = users[COORDINATOR]
    for username, _first, _last, role, person_key in ACCOUNTS:
        membership = Membership.objects.filter(user=users[username], project=project).first()
        if membership is None:
            membership, _invited = add_member(
                project, username, role, inviter=coordinator, base_url=settings.MAILLAGE_BASE_URL
            )
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        link_person(membership, Person.objects.get(project=project, key=person_key))


@transaction.atomic
def load_life() -> Project:
    """(Re)load the fictitious project and play its three years; returns the project."""
    with translation.override("fr"):
        clock = Clock()
        users = ensure_users()
        with clock.at(D(2024, 1, 10), 9):
            project = import_document(document(), replace=True)
            clock.project = project
            give_roles(project, users)
        story = Story(project, users)
        _year_2024(story, clock)
        _year_2025(story, clock)
        _year_2026(story, clock)
    return Project.objects.get(pk=project.pk)


# --- 2024 ---------------------------------------------------------------------------------------------


def _year_2024(s: Story, clock: Clock) -> None:
    coordinator, lead = s.coordinator, s.lead
    with clock.at(D(2024, 1, 25), 19):
        take_version(
            s.project,
            label="PST 2024-2027 : adoption",
            user=coordinator,
            kind=Version.Kind.ADOPTION,
            adopted=True,
            deliberation_date=D(2024, 1, 25),
            reference="Délibération n° 2024-007 (fictive)",
            body="Conseil communautaire de Val-de-Lisière (fictif)",
            note="Le plan tel que voté : 3 axes, 6 objectifs, 14 actions.",
        )

    with clock.at(D(2024, 3, 14), 16, 30):
        launch = hold_meeting(
            s.project,
            "copil",
            title="COPIL de lancement du PST",
            day=D(2024, 3, 14),
            place="Salle du conseil, Lisière-le-Bourg",
            agenda="1. Installation du comité de pilotage\n2. Calendrier des actions 2024\n3. Suivi et évaluation",
            minutes="Le comité s'installe et fixe le calendrier des actions de 2024. Un bilan annuel sera "
            "demandé aux pilotes chaque fin d'année.",
        )
        s.decide(
            launch,
            "Le COPIL lance les actions de l'axe 1 prévues en 2024 : le bus France services et le point numérique.",
            steps=[
                lambda d: changes.status_change(d, s.action("A1-01"), "in_progress"),
                lambda d: changes.status_change(d, s.action("A1-03"), "in_progress"),
            ],
        )
        families = s.decide(
            launch,
            "Le COPIL lance les ateliers parents-enfants, l'accompagnement des jeunes et les chantiers d'été.",
            steps=[
                lambda d: changes.status_change(d, s.action("A2-02"), "in_progress"),
                lambda d: changes.status_change(d, s.action("A2-04"), "in_progress"),
                lambda d: changes.status_change(d, s.action("A2-05"), "in_progress"),
            ],
        )
    with clock.at(D(2024, 3, 18), 9, 15):
        for decision in launch.decisions.order_by("position"):
            changes.apply_decision(decision, coordinator)
    assert families.changes.filter(applied_at__isnull=False).count() == 3

    with clock.at(D(2024, 6, 27), 17):
        s.value(
            "A2-01",
            "juin 2024",
            assessment="Un noyau de huit parents fidèles ; les pères viennent encore peu.",
            source="Bilan de saison du centre social",
            user=coordinator,
            day=D(2024, 6, 27),
        )
    with clock.at(D(2024, 7, 2), 11):
        add_note(
            s.action("A1-02"),
            lead,
            D(2024, 7, 2),
            "Deux mairies ferment leur salle en juillet et août : les permanences y sont suspendues l'été.",
        )

    with clock.at(D(2024, 11, 21), 17):
        autumn = hold_meeting(
            s.project,
            "copil",
            title="COPIL d'étape 2024",
            day=D(2024, 11, 21),
            place="Centre social Les Tilleuls",
            agenda="1. Point d'étape des actions\n2. Démarrages de 2025",
            minutes="Le bus France services a trouvé son public. Le transport solidaire et le relais petite "
            "enfance démarreront en janvier ; le conseil local des jeunes est lancé avec le collège.",
        )
        s.decide(
            autumn,
            "Le transport solidaire et le relais petite enfance itinérant démarrent en janvier 2025 ; le "
            "conseil local des jeunes est lancé.",
            steps=[
                lambda d: changes.status_change(d, s.action("A3-01"), "in_progress"),
                lambda d: changes.status_change(d, s.action("A2-03"), "in_progress"),
                lambda d: changes.status_change(d, s.action("A2-06"), "in_progress"),
            ],
        )
    with clock.at(D(2024, 11, 25), 9):
        for decision in autumn.decisions.all():
            changes.apply_decision(decision, coordinator)


# --- 2025 ---------------------------------------------------------------------------------------------


def _year_2025(s: Story, clock: Clock) -> None:
    coordinator, lead = s.coordinator, s.lead
    with clock.at(D(2025, 1, 15), 10):
        s.value("A1-01", "2024", 540, user=lead, day=D(2025, 1, 15), source="Registre du bus")
        s.value(
            "A1-02", "2024", 38, user=lead, day=D(2025, 1, 15), comment="Pas de permanence l'été dans deux mairies."
        )
        s.value("A2-04", "2024", 41, user=lead, day=D(2025, 1, 15), source="Mission locale")
        s.value("A3-03", "2024", 5, user=lead, day=D(2025, 1, 15), source="Comité d'attribution")
    with clock.at(D(2025, 1, 20), 14):
        s.value("A1-04", "2024", 185, user=coordinator, day=D(2025, 1, 20), source="Caf")
        s.value("A1-04", "2024", 17, user=coordinator, day=D(2025, 1, 20), source="Caf", position=1)
        s.value("A2-02", "2024", 42, user=coordinator, day=D(2025, 1, 20), source="Centre social Les Tilleuls")

    with clock.at(D(2025, 2, 10), 15):
        _spending(s, 2024)

    with clock.at(D(2025, 5, 19), 10):
        update = start_update(
            s.project,
            coordinator,
            label="Mise à jour 2025 du PST",
            note="Le point d'étape à mi-plan : un objectif pour les aînés isolés, le guide des aides reporté.",
        )

    with clock.at(D(2025, 6, 12), 17):
        review = hold_meeting(
            s.project,
            "copil",
            title="COPIL de mise à jour du plan",
            day=D(2025, 6, 12),
            place="Salle du conseil, Lisière-le-Bourg",
            agenda="1. Bilan à mi-parcours\n2. Propositions de mise à jour du plan\n3. Calendrier de la délibération",
            minutes="Le comité retient un nouvel objectif pour les aînés isolés et reporte le guide des aides. "
            "La mise à jour sera soumise au conseil communautaire du 30 juin.",
        )
        axis_3 = s.node("axe-3")
        objective = Level.objects.get(project=s.project, name="Objectif")
        s.decide(
            review,
            "Un objectif « Prévenir l'isolement des aînés » est créé sous l'axe 3, avec des visites de convivialité.",
            steps=[
                lambda d: changes.new_node(
                    d, "Prévenir l'isolement des aînés", objective, code="3.3", parent=axis_3, key="obj-3-3"
                ),
                lambda d: changes.new_action(
                    d,
                    "A3-04",
                    "Visites de convivialité chez les aînés isolés",
                    node_change=d.changes.get(kind="new_node"),
                ),
            ],
        )
        s.decide(
            review,
            "Le guide des aides est reporté à 2026-2027, pour intégrer la réforme des aides locales.",
            steps=[
                lambda d: changes.postponement(
                    d, s.action("A1-05"), period=s.period("2026-2027"), end_date=D(2027, 6, 30)
                )
            ],
        )
        s.decide(review, "Le COPIL valide la mise à jour du plan et la soumet au conseil communautaire du 30 juin.")
    with clock.at(D(2025, 6, 16), 9, 30):
        for decision in review.decisions.order_by("position"):
            if decision.changes.exists():
                changes.apply_decision(decision, coordinator)
        close_actions(
            update, [s.action("A1-03")], "done", coordinator, reason="point numérique intégré au centre social"
        )
        carry_over(
            update,
            [s.action("A2-01"), s.action("A3-02")],
            [s.period("2024-2025"), s.period("2026-2027")],
            coordinator,
        )
    with clock.at(D(2025, 6, 16), 11):
        # The coordinator completes the fiche the decision created, and moves the conseil des jeunes to
        # the engagement of residents (edit form, "Nœuds").
        sophie, ccas = s.person("sophie-lemaire"), s.organisation("ccas-bourg")
        edit_sheet(
            s.action("A3-04"),
            coordinator,
            code="3.3.a",
            origin="new",
            priority="medium",
            participation="concertation",
            leads=[str(sophie.pk)],
            lead_organisation=str(ccas.pk),
            start_date="2025-09-01",
            end_date="2027-12-31",
            periods=[str(s.period("2024-2025").pk), str(s.period("2026-2027").pk)],
            general_objective="Rompre l'isolement des personnes âgées qui ne sortent plus de chez elles.",
            description="Des bénévoles formés rendent visite chaque semaine aux aînés repérés par le CCAS et "
            "les services d'aide à domicile.",
        )
        edit_sheet(s.action("A2-06"), coordinator, nodes=[str(s.node("obj-3-2").pk)])
    with clock.at(D(2025, 6, 30), 20):
        adopt_update(
            update,
            coordinator,
            date=D(2025, 6, 30),
            reference="Délibération n° 2025-041 (fictive)",
            body="Conseil communautaire de Val-de-Lisière (fictif)",
        )

    with clock.at(D(2025, 11, 10), 10):
        bilan = create_campaign(
            s.project,
            kind=Campaign.Kind.ANNUAL,
            first_year=2025,
            last_year=2025,
            due_date=D(2026, 1, 30),
            user=coordinator,
            instructions="Merci de remplir un bilan par action avant le 30 janvier : il sera présenté au "
            "COPIL de mars.",
        )
    with clock.at(D(2025, 11, 17), 9):
        open_campaign(bilan, coordinator, today=D(2025, 11, 17))


def _spending(s: Story, year: int) -> None:
    """The coordinator enters the year's actual spending on the fiches that have a budget."""
    cc, caf, dep, etat = (s.organisation(key) for key in ("cc-val-de-lisiere", "caf", "departement", "etat"))
    actual = {
        2024: {
            "A1-01": [
                budget_line(cc, 2024, 38500, label="Fonctionnement du bus"),
                budget_line(caf, 2024, 20000, label="Fonctionnement du bus"),
                budget_line(etat, 2024, 58200, label="Achat et aménagement du bus", nature="investment"),
            ],
            "A1-04": [budget_line(caf, 2024, 7600, label="Temps d'agents dédiés")],
            "A2-02": [
                budget_line(caf, 2024, 5400, label="Animation des ateliers"),
                budget_line(dep, 2024, 4000, label="Animation des ateliers"),
            ],
            "A2-04": [
                budget_line(dep, 2024, 12000, label="Accompagnement renforcé"),
                budget_line(etat, 2024, 8000, label="Accompagnement renforcé"),
            ],
            "A3-03": [budget_line(cc, 2024, 3900, label="Fonds attribué aux projets")],
        },
        2025: {
            "A1-01": [
                budget_line(cc, 2025, 43100, label="Fonctionnement du bus"),
                budget_line(caf, 2025, 20000, label="Fonctionnement du bus"),
            ],
            "A1-04": [budget_line(caf, 2025, 8000, label="Temps d'agents dédiés")],
            "A2-02": [
                budget_line(caf, 2025, 6000, label="Animation des ateliers"),
                budget_line(dep, 2025, 3000, label="Animation des ateliers"),
            ],
            "A2-04": [
                budget_line(dep, 2025, 11000, label="Accompagnement renforcé"),
                budget_line(etat, 2025, 10000, label="Accompagnement renforcé"),
            ],
            "A3-01": [
                budget_line(cc, 2025, 9800, label="Frais des chauffeurs bénévoles"),
                budget_line(dep, 2025, 6000, label="Lancement du service"),
            ],
            "A3-03": [budget_line(cc, 2025, 5000, label="Fonds attribué aux projets")],
        },
    }[year]
    for ref, lines in actual.items():
        edit_sheet(s.action(ref), s.coordinator, budget=lines)


# --- 2026 ---------------------------------------------------------------------------------------------


def answer_data(
    campaign,
    *,
    done,
    people=None,
    profile="",
    participation="",
    partners="",
    worked="",
    difficulties="",
    proposal="",
    comment="",
    indicators=None,
) -> dict:
    """A questionnaire as a lead fills it (the default questions, found by their French label)."""
    questions = {question.label: question for question in active_questions(campaign)}
    responses = {
        questions["Qu'est-ce qui a été réalisé ?"].key: done,
        questions["Nombre de personnes touchées"].key: "" if people is None else str(people),
        questions["Profil du public touché"].key: profile,
        questions["Partenaires mobilisés"].key: partners,
        questions["Ce qui a fonctionné"].key: worked,
        questions["Les difficultés rencontrées"].key: difficulties,
    }
    return {
        "responses": responses,
        "participation": participation,
        "proposal": proposal,
        "proposal_comment": comment,
        "indicators": {indicator.pk: entry for indicator, entry in (indicators or {}).items()},
    }


def _answer(campaign, ref) -> Answer:
    return Answer.objects.select_related("campaign", "action").get(campaign=campaign, action__ref=ref)


def _year_2026(s: Story, clock: Clock) -> None:
    coordinator, lead = s.coordinator, s.lead
    bilan = Campaign.objects.get(project=s.project, first_year=2025, kind=Campaign.Kind.ANNUAL)

    # The lead's answers, and those the coordinator enters for the leads who have no account.
    with clock.at(D(2025, 12, 8), 18):
        save_answer(
            _answer(bilan, "A1-01"),
            answer_data(
                bilan,
                done="Le bus s'arrête chaque semaine dans les sept communes depuis janvier ; deux conseillers "
                "France services recrutés.",
                people=870,
                profile="Surtout des plus de 60 ans et des familles sans voiture ; un tiers de premières visites.",
                participation="consultation",
                partners="Caf, CCAS de Lisière-le-Bourg, Mission locale (une permanence par mois dans le bus).",
                worked="Les arrêts devant les écoles le mercredi matin.",
                difficulties="Les arrêts d'hiver dans les hameaux, peu fréquentés.",
                proposal="continue",
                comment="Le bus fonctionne désormais sans fin prévue : passer l'action en continu.",
                indicators={s.indicator("A1-01"): {"value": Decimal(870)}},
            ),
            lead,
            submit=True,
        )
    with clock.at(D(2025, 12, 15), 17):
        save_answer(
            _answer(bilan, "A1-02"),
            answer_data(
                bilan,
                done="Les permanences ont repris dans les sept mairies à la rentrée.",
                participation="none",
                proposal="continue",
                indicators={s.indicator("A1-02"): {"comment": "Le décompte des mairies n'est pas encore remonté."}},
            ),
            lead,
            submit=True,
        )
    with clock.at(D(2026, 1, 12), 12):
        save_answer(
            _answer(bilan, "A2-04"),
            answer_data(bilan, done="Permanence de la Mission locale à la MJC tous les mardis."),
            lead,
        )
    with clock.at(D(2026, 1, 20), 18):
        save_answer(
            _answer(bilan, "A2-06"),
            answer_data(
                bilan,
                done="Le conseil s'est réuni cinq fois ; il a choisi d'aménager un espace jeunes au city-stade.",
                people=9,
                participation="initiative",
                proposal="adapt",
                comment="L'ouvrir aux 16-17 ans et se réunir au collège, à l'heure du déjeuner.",
                indicators={s.indicator("A2-06"): {"value": Decimal(9)}},
            ),
            lead,
            submit=True,
        )
    with clock.at(D(2026, 1, 22), 9):
        save_answer(
            _answer(bilan, "A3-01"),
            answer_data(
                bilan,
                done="Douze chauffeurs bénévoles ; le service fonctionne du lundi au vendredi.",
                people=64,
                participation="initiative",
                proposal="continue",
                indicators={s.indicator("A3-01"): {"value": Decimal(455)}},
            ),
            lead,
            submit=True,
        )
    with clock.at(D(2026, 1, 27), 15):
        save_answer(
            _answer(bilan, "A1-04"),
            answer_data(
                bilan,
                done="Rendez-vous des droits tenus deux jours par semaine (bilan transmis par la Caf).",
                proposal="continue",
                indicators={
                    s.indicator("A1-04"): {"value": Decimal(262)},
                    s.indicator("A1-04", 1): {"value": Decimal(13)},
                },
            ),
            coordinator,
            submit=True,
        )
        save_answer(
            _answer(bilan, "A2-01"),
            answer_data(
                bilan,
                done="Onze cafés des parents ; deux séances animées par des parents (bilan transmis par "
                "le centre social).",
                participation="concertation",
                proposal="continue",
                indicators={
                    s.indicator("A2-01"): {
                        "assessment": "Les parents choisissent eux-mêmes les thèmes ; deux pères ont rejoint le groupe."
                    }
                },
            ),
            coordinator,
            submit=True,
        )
        save_answer(
            _answer(bilan, "A2-02"),
            answer_data(
                bilan,
                done="36 ateliers dans trois communes (bilan transmis par le centre social).",
                people=130,
                proposal="continue",
                indicators={s.indicator("A2-02"): {"value": Decimal(47)}},
            ),
            coordinator,
            submit=True,
        )
        save_answer(
            _answer(bilan, "A2-05"),
            answer_data(
                bilan,
                done="Les deux étés prévus ont eu lieu : le lavoir de Lisière-le-Haut et l'aire de jeux des Prés.",
                people=16,
                participation="co_construction",
                proposal="done",
                comment="Objectif atteint ; la MJC reprend les chantiers dans son propre programme.",
            ),
            coordinator,
            submit=True,
        )

    # The review: accepted into the plan, or sent back.
    with clock.at(D(2026, 2, 5), 10):
        accept(_answer(bilan, "A1-01"), coordinator, status="continuous", comment="Merci, bilan complet.")
        send_back(
            _answer(bilan, "A1-02"),
            coordinator,
            "Il manque le nombre de permanences tenues en 2025 : pouvez-vous le demander aux mairies et compléter ?",
        )
    with clock.at(D(2026, 2, 6), 10):
        accept(_answer(bilan, "A2-06"), coordinator)
        accept(_answer(bilan, "A3-01"), coordinator)
    with clock.at(D(2026, 2, 9), 14):
        accept(_answer(bilan, "A1-04"), coordinator)
        accept(_answer(bilan, "A2-01"), coordinator)
        accept(_answer(bilan, "A2-02"), coordinator)
        accept(_answer(bilan, "A2-05"), coordinator, status="done")
    with clock.at(D(2026, 2, 12), 15):
        _spending(s, 2025)
    with clock.at(D(2026, 2, 27), 18):
        close_campaign(bilan)

    with clock.at(D(2026, 3, 19), 17):
        annual = hold_meeting(
            s.project,
            "copil",
            title="COPIL annuel : bilan 2025",
            day=D(2026, 3, 19),
            place="Salle du conseil, Lisière-le-Bourg",
            agenda="1. Bilan annuel 2025 des actions\n2. Le relais petite enfance\n3. Les visites de convivialité",
            minutes="Le bilan 2025 est présenté : 7 actions sur 14 ont répondu et leurs bilans sont acceptés. Le "
            "relais petite enfance n'a plus de salle à Lisière-le-Bas depuis janvier.",
        )
        s.decide(
            annual,
            "Le relais petite enfance itinérant est suspendu tant qu'aucune salle n'est trouvée.",
            steps=[lambda d: changes.status_change(d, s.action("A2-03"), "blocked")],
        )
        s.decide(
            annual,
            "Les visites de convivialité démarrent avec six bénévoles formés par le CCAS.",
            steps=[lambda d: changes.status_change(d, s.action("A3-04"), "in_progress")],
        )
    with clock.at(D(2026, 3, 23), 9):
        for decision in annual.decisions.order_by("position"):
            changes.apply_decision(decision, coordinator)

    # Mid-year measures of the indicators that are levels, not yearly counts (a count at half-year would
    # read as a fall).
    with clock.at(D(2026, 7, 8), 11):
        s.value("A2-06", "juin 2026", 14, user=lead, day=D(2026, 7, 8), comment="Ouvert aux 16-17 ans en mars.")
        s.value("A1-04", "juin 2026", 11, user=coordinator, day=D(2026, 7, 8), source="Caf", position=1)
    with clock.at(D(2026, 7, 9), 16):
        s.value(
            "A2-01",
            "juin 2026",
            assessment="Le café s'est ouvert à Lisière-le-Bas ; les parents animent une séance sur deux.",
            user=coordinator,
            day=D(2026, 7, 9),
            source="Bilan de saison du centre social",
        )
    with clock.at(D(2026, 9, 15), 10):
        add_note(
            s.action("A2-03"),
            coordinator,
            D(2026, 9, 15),
            "La commune de Lisière-le-Bas propose l'ancienne école à partir de février 2027.",
        )
    with clock.at(D(2026, 9, 21), 8, 30):
        add_comment(s.action("A2-03"), s.reader, "À mettre à l'ordre du jour du COPIL de janvier.")

    with clock.at(D(2026, 11, 5), 10):
        next_copil = hold_meeting(
            s.project,
            "copil",
            title="COPIL annuel : bilan 2026",
            day=D(2027, 1, 21),
            place="Salle du conseil, Lisière-le-Bourg",
            agenda="1. Premiers résultats du bilan annuel 2026\n2. Reprise du relais petite enfance\n"
            "3. Préparation de l'évaluation finale",
        )
        s.decide(
            next_copil,
            "Proposition : le relais petite enfance reprend dans l'ancienne école de Lisière-le-Bas.",
            steps=[lambda d: changes.status_change(d, s.action("A2-03"), "in_progress")],
        )

    with clock.at(D(2026, 11, 12), 10):
        bilan_2026 = create_campaign(
            s.project,
            kind=Campaign.Kind.ANNUAL,
            first_year=2026,
            last_year=2026,
            due_date=D(2027, 1, 29),
            user=coordinator,
            instructions="Le bilan 2026 sera présenté au COPIL de mars 2027 : merci de répondre avant le 29 janvier.",
        )
    with clock.at(D(2026, 11, 16), 9):
        open_campaign(bilan_2026, coordinator, today=D(2026, 11, 16))
    with clock.at(D(2026, 11, 25), 18):
        save_answer(
            _answer(bilan_2026, "A1-01"),
            answer_data(bilan_2026, done="Le bus a tenu ses 48 semaines de tournée ; un arrêt ajouté au marché."),
            lead,
        )


def life_accounts():
    """The story's three accounts with the demo password, their roles and people (idempotent)."""
    from maillage.demo.loading import DEMO_PASSWORD, DemoAccount

    project = Project.objects.get(slug=SLUG)
    users = ensure_users()
    for user in users.values():
        user.set_password(DEMO_PASSWORD)
        user.save()
    give_roles(project, users)
    led = Action.objects.filter(project=project, leads__user=users[LEAD]).count()
    title = project.title
    return [
        DemoAccount(COORDINATOR, DEMO_PASSWORD, f"coordination de « {title} »"),
        DemoAccount(
            LEAD, DEMO_PASSWORD, f"pilote de {led} actions de « {title} », questionnaires du bilan 2026 à remplir"
        ),
        DemoAccount(READER, DEMO_PASSWORD, f"lecture et commentaires de « {title} » (élue au COPIL)"),
    ]
