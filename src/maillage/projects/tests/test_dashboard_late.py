"""The dashboard's first screen names its late actions (issue 15, item 12): the most overdue, with lead
and due date, and a link to all of them in the list."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from maillage.accounts.models import Membership
from maillage.actions.models import Action
from maillage.actions.tests.test_growth import _grow_elsewhere
from maillage.partners.models import Person
from maillage.projects.dashboard import LATE_SHOWN, figures

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_the_dashboard_names_the_most_overdue_actions(client, plan):
    project = plan.project
    lead = Person.objects.get(project=project, key="lea-pilote")
    for n in range(8):
        action = Action.objects.create(
            project=project,
            ref=f"R{n}",
            title=f"En retard de {n + 2} mois",
            end_date=TODAY - datetime.timedelta(days=61 * (n + 1)),
            position=20 + n,
        )
        if n == 7:
            action.leads.add(lead)
    client.force_login(plan.users[Membership.Role.READER])
    page = client.get(reverse("project-dashboard", args=[project.slug])).content.decode()
    table = page[page.index('id="dashboard-late"') : page.index("</table>", page.index('id="dashboard-late"'))]
    assert table.count("<tr>") == 1 + LATE_SHOWN
    worst = [row.action.title for row in figures(project).most_late]
    assert worst[0] == "En retard de 9 mois" and len(worst) == LATE_SHOWN
    positions = [table.index(escape(title)) for title in worst]
    assert positions == sorted(positions)
    assert "Léa Pilote" in table and (TODAY - datetime.timedelta(days=61 * 8)).strftime("%d/%m/%Y") in table
    assert "Permanence" not in table  # 30 days late: not among the five worst
    assert f'href="/projets/{project.slug}/actions/?retard=1&amp;tri=fin">Voir les 9 actions en retard</a>' in page
    # It comes before the charts: the first screen says who is late.
    assert page.index('id="dashboard-late"') < page.index('id="par-statut"')


def test_no_late_action_no_list(client, plan):
    Action.objects.filter(pk=plan.actions["permanence"].pk).update(status="done")
    client.force_login(plan.users[Membership.Role.READER])
    page = client.get(reverse("project-dashboard", args=[plan.project.slug])).content.decode()
    assert 'id="dashboard-late"' not in page and "0 %" in page


def test_the_dashboard_reads_the_same_rows_when_other_projects_grow(client, big_plan, fetched):
    client.force_login(big_plan.users[Membership.Role.COORDINATOR])
    url = reverse("project-dashboard", args=[big_plan.project.slug])
    client.get(url)
    with fetched() as before:
        assert client.get(url).status_code == 200
    _grow_elsewhere()
    with fetched() as after:
        assert client.get(url).status_code == 200
    assert (after.rows, after.instances) == (before.rows, before.instances), f"{before} → {after}"
    assert before.by_model.get("actions.Action", 0) <= 8 + LATE_SHOWN  # the recent ones and the late ones named
