"""An action only ever links to its own project's tree, periods, themes and people."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actions.models import ActionNode
from maillage.partners.models import Person
from maillage.projects.models import Theme
from maillage.projects.tests.factories import NodeFactory, PeriodFactory, ProjectFactory

from .factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_an_action_is_attached_to_nodes_of_its_own_project_only():
    action = ActionFactory()
    own, foreign = NodeFactory(project=action.project), NodeFactory(project=ProjectFactory())
    action.nodes.add(own)
    with pytest.raises(ValidationError, match="son propre projet"), transaction.atomic():
        action.nodes.add(foreign)
    with pytest.raises(ValidationError, match="autre projet"), transaction.atomic():
        ActionNode.objects.create(action=action, node=foreign)
    with pytest.raises(ValidationError), transaction.atomic():
        foreign.actions.add(action)
    assert list(action.nodes.all()) == [own]


def test_a_shared_sheet_serves_several_nodes():
    action = ActionFactory()
    first, second = NodeFactory(project=action.project), NodeFactory(project=action.project)
    first.actions.add(action)
    second.actions.add(action)
    assert set(action.nodes.all()) == {first, second}


def test_periods_themes_and_leads_come_from_the_same_project():
    action = ActionFactory()
    other = ProjectFactory()
    period = PeriodFactory(project=other)
    theme = Theme.objects.create(project=other, name="Parentalités")
    person = Person.objects.create(project=other, key="x", name="Camille Hegy")
    for manager, foreign in [(action.periods, period), (action.themes, theme), (action.leads, person)]:
        with pytest.raises(ValidationError), transaction.atomic():
            manager.add(foreign)
    action.periods.add(PeriodFactory(project=action.project))
    assert action.periods.count() == 1


def test_an_action_ends_after_it_starts():
    from datetime import date

    action = ActionFactory.build(start_date=date(2024, 5, 1), end_date=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="date de fin"):
        action.clean()


def test_a_sub_action_belongs_to_the_same_project_and_no_loop():
    parent = ActionFactory()
    child = ActionFactory(project=parent.project, parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError, match="sous-action"):
        parent.clean()
    parent.parent = None
    stranger = ActionFactory(parent=None)
    stranger.parent = parent
    with pytest.raises(ValidationError, match="autre projet"):
        stranger.clean()


def test_budget_years_lie_inside_the_project_period():
    from maillage.actions.models import BudgetLine

    action = ActionFactory(project=ProjectFactory(first_year=2021, last_year=2024))
    line = BudgetLine(action=action, year=2027, amount=1500)
    with pytest.raises(ValidationError, match="période du projet"):
        line.clean()
    BudgetLine(action=action, year=None, amount=1500).clean()
