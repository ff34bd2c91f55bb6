"""What the public pages show of the versions: the version in force, when the plan was updated, and —
while an update is being prepared — the last adopted version itself instead of the working copy.

Without an open update the public pages read the live plan (its progress is public); with one, they
read the adopted version's stored document, stripped of everything personal by
:func:`maillage.versions.reading.public_document` before it reaches a template.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Version
from .reading import Plan, public_document


@dataclass
class PublicState:
    version: Version | None  # the adopted version in force
    updating: bool  # an update is being prepared: the pages show ``version``, not the live plan
    updated_on: object = None
    plan: Plan | None = field(default=None, repr=False)


def under_update(project) -> bool:
    """An update of an adopted plan is being prepared: visitors read the adopted version, not the live
    plan (two small queries)."""
    return _drafting_update(project) and Version.objects.filter(project=project, state=Version.State.ADOPTED).exists()


def _drafting_update(project) -> bool:
    return Version.objects.filter(project=project, kind=Version.Kind.UPDATE, state=Version.State.DRAFT).exists()


def public_state(project) -> PublicState:
    """Two small queries (the document is read only while an update is open)."""
    adopted = (
        Version.objects.filter(project=project, state=Version.State.ADOPTED)
        .newest_first()
        .only("pk", "label", "kind", "date", "deliberation_date", "deliberation_reference", "deliberation_body")
        .first()
    )
    updating = _drafting_update(project)
    dates = [project.updated_on]  # adopting an update sets it; an import may bring a later one
    if adopted is not None and adopted.kind == Version.Kind.UPDATE:
        dates.append(adopted.date)
    updated_on = max((d for d in dates if d), default=None)
    state = PublicState(adopted, updating and adopted is not None, updated_on)
    if state.updating:
        stored = Version.objects.only("pk", "document").get(pk=adopted.pk)
        state.plan = Plan(public_document(stored.read()))
    return state


# The public plan template (publication/plan.html) reads nodes and actions as model objects; these
# stand-ins carry the same attribute names, filled from the stored document.
@dataclass
class _Level:
    name: str


@dataclass
class _Node:
    level: _Level
    code: str
    title: str


@dataclass
class _Action:
    ref: str
    code: str
    title: str
    status: str


@dataclass
class _Branch:
    node: _Node
    actions: list


def _action(raw: dict) -> _Action:
    return _Action(raw["ref"], raw.get("code", ""), raw["title"], raw["status"])


def plan_context(plan: Plan) -> dict:
    """The context ``publication/plan.html`` needs, from a stored (public) document."""
    branches = [
        (_Branch(_Node(_Level(node.level), node.code, node.title), [_action(a) for a in actions]), depth)
        for node, depth, actions in plan.branches()
    ]
    counts = plan.status_rows()
    total = sum(n for _code, _label, n in counts)
    done = plan.status_counts()["done"]
    return {
        "branches": branches,
        "unplaced": [_action(a) for a in plan.unplaced()],
        "labels": plan.labels,
        "counts": counts,
        "total": total,
        "done_share": round(100 * done / total) if total else 0,
    }


def snapshot_action(request, project, state: PublicState, ref: str):
    """The public fiche of an action as the adopted version holds it (404 when it holds no such action)."""
    fiche = state.plan.fiche(ref, public=True)
    if fiche is None:
        raise Http404
    context = {
        "project": project,
        "fiche": fiche,
        "public_version": state,
        "breadcrumb_data": {
            "links": [
                {"url": reverse("public-projects"), "title": _("Plans publiés")},
                {"url": reverse("public-plan", args=[project.slug]), "title": project.title},
            ],
            "current": f"{ref} — {fiche['action']['title']}"[:80],
        },
    }
    return render(request, "versions/public_action.html", context)
