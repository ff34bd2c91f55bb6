"""Generated data at the size of a country's network, built by bulk insert (minutes, not hours).

``generate(actions, projects)`` spreads ``actions`` over ``projects`` plans, each furnished as the
seeds' plans are: a three-level tree, a directory, members of every role, governance, a diagnostic,
and per action a placement, two partner roles, a lead, an indicator with a target and
``values_per_action`` values, a budget line and a follow-up note. Used by ``bench/scale_bench.py``
and, at a small size, by the growth tests of ``make test``.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from maillage.accounts.models import Membership, User
from maillage.actions.models import Action, ActionNode, ActionPartner, BudgetLine
from maillage.diagnostic.models import Enjeu, Finding
from maillage.evaluation.models import FollowUpNote, Indicator, IndicatorTarget, IndicatorValue
from maillage.french import normalise
from maillage.governance.models import Body, Decision, Meeting
from maillage.partners.models import Organisation, Person
from maillage.projects.models import Level, Node, Period, Project
from maillage.search.indexing import reindex_project

STATUSES = ["planned", "in_progress", "continuous", "postponed", "blocked", "done", "abandoned"]
ROLES = ["lead", "operational", "relay", "speaker", "funder", "to_approach"]
BATCH = 2000
PASSWORD = "bench-maillage"


@dataclass
class Generated:
    projects: list = field(default_factory=list)  # slugs, in order
    users: dict = field(default_factory=dict)  # slug -> {role: username}
    actions: int = 0
    values: int = 0


def _bulk(model, objects):
    return model.objects.bulk_create(objects, batch_size=BATCH)


def _password_hash():
    user = User(username="x")
    user.set_password(PASSWORD)
    return user.password


def generate(actions: int, projects: int, values_per_action: int = 10, prefix: str = "echelle") -> Generated:
    """``actions`` actions in ``projects`` published projects (the first one takes the remainder)."""
    result = Generated()
    today = datetime.date.today()
    hashed = _password_hash()
    share, extra = divmod(actions, projects)
    for index in range(projects):
        count = share + (extra if index == 0 else 0)
        slug = f"{prefix}-{index:04d}"
        project = Project.objects.create(
            slug=slug,
            title=f"Projet social de territoire n° {index} ({count} actions)",
            kind="pst",
            first_year=2023,
            last_year=2027,
            published=True,
        )
        result.projects.append(slug)
        _furnish(project, count, values_per_action, today, hashed, result)
        reindex_project(project)  # bulk inserts send no signal: the search index is filled as imports fill it
    return result


def _furnish(project, count, values_per_action, today, hashed, result):
    levels = _bulk(Level, [Level(project=project, depth=d, name=n) for d, n in enumerate(["Axe", "Objectif"], 1)])
    axes = [Node(project=project, level=levels[0], code=f"{a + 1}", title=f"Axe {a + 1}", position=a) for a in range(5)]
    _bulk(Node, axes)
    objectives = _bulk(
        Node,
        [
            Node(project=project, level=levels[1], parent=axe, code=f"{a + 1}.{o + 1}", title=f"Objectif {a}.{o}")
            for a, axe in enumerate(axes)
            for o in range(4)
        ],
    )
    periods = _bulk(
        Period,
        [
            Period(project=project, label=f"{y}-{y + 1}", first_year=y, last_year=y + 1, position=y)
            for y in (2023, 2025)
        ],
    )
    organisations = _bulk(
        Organisation,
        [
            Organisation(project=project, key=f"org-{o}", name=f"Organisation partenaire {o:02d}", position=o)
            for o in range(20)
        ],
    )
    users = _bulk(
        User,
        [User(username=f"{project.slug}-{role}", password=hashed) for role in ("coordinator", "contributor", "reader")],
    )
    _bulk(Membership, [Membership(user=u, project=project, role=u.username.rsplit("-", 1)[1]) for u in users])
    result.users[project.slug] = {u.username.rsplit("-", 1)[1]: u.username for u in users}
    people = _bulk(
        Person,
        [
            Person(
                project=project,
                key=f"personne-{p}",
                name=f"Personne {p:02d}",
                email=f"personne{p}@exemple.fr",
                organisation=organisations[p],
                user=users[1] if p == 0 else None,
            )
            for p in range(10)
        ],
    )
    bodies = _bulk(
        Body, [Body(project=project, key=k, kind=k, name=n) for k, n in (("copil", "COPIL"), ("cotech", "COTECH"))]
    )
    meetings = _bulk(
        Meeting,
        [
            Meeting(
                project=project,
                body=bodies[m % 2],
                title=f"Réunion {m}",
                date=today + datetime.timedelta(days=30 * (m - 2)),
            )
            for m in range(4)
        ],
    )
    enjeux = _bulk(Enjeu, [Enjeu(project=project, code=f"E{e}", title=f"Enjeu {e}", position=e) for e in range(3)])
    for enjeu, axe in zip(enjeux, axes, strict=False):
        enjeu.nodes.add(axe)
    _bulk(Finding, [Finding(project=project, theme="Constats", text=f"Constat {f}", position=f) for f in range(5)])
    made = _bulk(
        Action,
        [
            Action(
                project=project,
                ref=f"A{n:05d}",
                title=f"Action d'essai numéro {n}",
                search_text=normalise(f"A{n:05d} Action d'essai numéro {n}"),
                title_key=normalise(f"Action d'essai numéro {n}"),
                status=STATUSES[n % len(STATUSES)],
                context="Un constat partagé par les partenaires du territoire.",
                end_date=today + datetime.timedelta(days=(n % 400) - 200),
                position=n,
            )
            for n in range(count)
        ],
    )
    _bulk(
        ActionNode, [ActionNode(action=a, node=objectives[n % len(objectives)], position=n) for n, a in enumerate(made)]
    )
    _bulk(
        ActionPartner,
        [
            ActionPartner(
                action=a, organisation=organisations[(n + k) % 20], role=ROLES[(n + k) % len(ROLES)], position=k
            )
            for n, a in enumerate(made)
            for k in range(2)
        ],
    )
    _bulk(
        Action.leads.through,
        [Action.leads.through(action_id=a.pk, person_id=people[n % 10].pk) for n, a in enumerate(made)],
    )
    _bulk(
        Action.periods.through,
        [Action.periods.through(action_id=a.pk, period_id=periods[n % 2].pk) for n, a in enumerate(made)],
    )
    indicators = _bulk(
        Indicator, [Indicator(action=a, kind="quantitative", title="Personnes touchées", baseline=10) for a in made]
    )
    _bulk(IndicatorTarget, [IndicatorTarget(indicator=i, year=2027, value=100) for i in indicators])
    _bulk(
        IndicatorValue,
        [
            IndicatorValue(indicator=i, period=f"T{v % 4 + 1} {2023 + v // 4}", value=10 + v * 5, position=v)
            for i in indicators
            for v in range(values_per_action)
        ],
    )
    _bulk(
        BudgetLine,
        [
            BudgetLine(action=a, year=2023 + n % 5, amount=1000 + n, funder=organisations[n % 20])
            for n, a in enumerate(made)
        ],
    )
    _bulk(
        FollowUpNote,
        [FollowUpNote(action=a, date=today, text="Point d'étape", author="Personne 00") for a in made[::5]],
    )
    decisions = _bulk(Decision, [Decision(meeting=meetings[0], text=f"Décision {d}", position=d) for d in range(2)])
    for decision, action in zip(decisions, made, strict=False):
        decision.actions.add(action)
    result.actions += count
    result.values += count * values_per_action


def pages(project, action_ref, organisation_pk) -> tuple[list, list]:
    """(name, address) of the member pages and of the public pages of ``project`` that the benchmark
    measures and the growth test of the generated data checks."""
    slug = project.slug

    def url(name, *args, **query):
        address = reverse(name, args=args)
        return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    member = [
        ("dashboard", url("project-dashboard", slug)),
        ("tree", url("project-tree", slug)),
        ("actions list", url("action-list", slug)),
        ("actions search", url("action-list", slug, q="essai", statut="in_progress")),
        ("fiche", url("action-detail", slug, action_ref)),
        ("fiche edit", url("action-edit", slug, action_ref)),
        ("new fiche", url("action-create", slug)),
        ("directory", url("partner-directory", slug)),
        ("organisation", url("organisation-detail", slug, organisation_pk)),
        ("governance", url("governance", slug)),
        ("diagnostic", url("diagnostic", slug)),
        ("documents", url("project-documents", slug)),
        ("home (member)", url("home")),
    ]
    public = [
        ("home (visitor)", url("home")),
        ("published plans", url("public-projects")),
        ("public plan", url("public-plan", slug)),
        ("public fiche", url("public-action", slug, action_ref)),
    ]
    return member, public
