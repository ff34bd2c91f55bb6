"""A plan with a COPIL meeting and a decision to write changes on (build_plan: two axes, four actions)."""

import datetime
from dataclasses import dataclass

import pytest

from maillage.governance.models import Body, Decision, Meeting
from maillage.projects.models import Period
from maillage.projects.tests.conftest import Plan, build_plan
from maillage.projects.tests.factories import ProjectFactory

TODAY = datetime.date.today()


@dataclass
class Steered:
    plan: Plan
    body: Body
    meeting: Meeting
    decision: Decision
    periods: dict

    @property
    def project(self):
        return self.plan.project


def make_steered(title="Projet social de territoire de Trifouillis", published=False, network=False) -> Steered:
    """``network``: the project is declined from a network project, so that a network admin reaches it."""
    plan = build_plan(title=title, published=published)
    project = plan.project
    if network:
        project.parent = ProjectFactory(kind="pms")
        project.save(update_fields=["parent"])
    periods = {
        "first": Period.objects.create(project=project, label="2023-2024", first_year=2023, last_year=2024, position=0),
        "later": Period.objects.create(project=project, label="2025-2026", first_year=2025, last_year=2026, position=1),
    }
    body = Body.objects.create(project=project, key="copil", kind="copil", name="Comité de pilotage")
    meeting = Meeting.objects.create(
        project=project,
        body=body,
        title="COPIL de printemps",
        date=TODAY - datetime.timedelta(days=3),
        agenda="- Point d'étape\n- Report de la permanence",
    )
    decision = Decision.objects.create(meeting=meeting, text="Le COPIL réoriente l'axe 2.")
    return Steered(plan, body, meeting, decision, periods)


@pytest.fixture
def steered(db):
    return make_steered()
