import pytest

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.actions.models import ActionNode
from maillage.actions.tests.factories import ActionFactory
from maillage.projects.models import Level
from maillage.projects.tests.factories import NodeFactory, ProjectFactory

Role = Membership.Role
# The test network's plans: the session database may hold the demo's too.
SLUGS = ["pms", "pst-a", "pst-b", "perimetre-a1", "autre"]
OWNER = {
    "ActionContribution": "action__project",
    "NodeContribution": "node__project",
    "IndicatorReport": "indicator__action__project",
}


def ours(model):
    """The links of the test network's plans only."""
    return model.objects.filter(**{OWNER[model.__name__] + "__slug__in": SLUGS})


class Network:
    """A framework (a PMS with two engagements, the first with a chantier), two PSTs declined from it,
    a perimeter declined from the first PST, and an unrelated plan with its own tree."""

    def __init__(self):
        self.pms = ProjectFactory(slug="pms", title="Projet métropolitain", kind="pms")
        engagement = Level.objects.create(project=self.pms, depth=1, name="Engagement")
        chantier = Level.objects.create(project=self.pms, depth=2, name="Chantier")
        self.e1 = NodeFactory(
            project=self.pms, level=engagement, code="E1", title="Accueillir sans condition", position=1
        )
        self.c11 = NodeFactory(
            project=self.pms, level=chantier, parent=self.e1, code="C1.1", title="Premier accueil", position=2
        )
        self.e2 = NodeFactory(project=self.pms, level=engagement, code="E2", title="Prendre soin", position=3)
        self.pst_a = ProjectFactory(slug="pst-a", title="PST A", parent=self.pms)
        self.pst_b = ProjectFactory(slug="pst-b", title="PST B", parent=self.pms)
        self.perimeter = ProjectFactory(slug="perimetre-a1", title="Périmètre A1", parent=self.pst_a)
        axe = Level.objects.create(project=self.pst_a, depth=1, name="Axe")
        self.axe_a = NodeFactory(project=self.pst_a, level=axe, code="1", title="Parcours usagers")
        self.a1 = ActionFactory(project=self.pst_a, ref="A-1", title="Guichet unique", status="done")
        self.a2 = ActionFactory(project=self.pst_a, ref="A-2", title="Fiche de liaison", status="in_progress")
        ActionNode.objects.create(action=self.a2, node=self.axe_a)
        self.b1 = ActionFactory(project=self.pst_b, ref="B-1", title="Permanence en MDML")
        self.p1 = ActionFactory(project=self.perimeter, ref="P-1", title="Accueil de proximité")
        self.other = ProjectFactory(slug="autre", title="Autre réseau")
        other_level = Level.objects.create(project=self.other, depth=1, name="Axe")
        self.other_node = NodeFactory(project=self.other, level=other_level, code="X", title="Ailleurs")
        self.users = {
            "network_admin": member(self.pms, Role.NETWORK_ADMIN),
            "pms_coordinator": member(self.pms, Role.COORDINATOR),
            "pms_reader": member(self.pms, Role.READER),
            "coordinator_a": member(self.pst_a, Role.COORDINATOR),
            "contributor_a": member(self.pst_a, Role.CONTRIBUTOR),
            "reader_a": member(self.pst_a, Role.READER),
            "coordinator_b": member(self.pst_b, Role.COORDINATOR),
            "other": member(self.other, Role.COORDINATOR),
        }


@pytest.fixture
def network(db):
    return Network()
