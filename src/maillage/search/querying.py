"""What a search shows to one user: entries of the projects they may read, grouped, ranked, paginated.

The permission is part of the SQL of every group's query (never a filter in Python over rows):

- a member of a project (any role, or network admin above it) finds everything of it;
- anyone finds the actions and nodes of a *published* project, as its public pages show them — but
  not while an update of the plan is being written there, since the public pages then show the
  adopted version rather than the draft the index reads;
- a superuser finds everything.

Organisations, meetings, decisions and findings are never public (their pages are for members), so
nothing personal reaches a visitor.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.accounts.access import member_projects
from maillage.versions.models import Version

from .engines import MAX_QUERY, engine_for
from .highlight import extract, marked, query_stems
from .models import PUBLIC_KINDS, Kind, SearchEntry

PAGE_SIZE = 10


@dataclass(frozen=True)
class Group:
    key: str  # the page parameter is ``page-<key>``
    kinds: tuple
    label: str


GROUPS = [
    Group("actions", (Kind.ACTION,), _("Fiches actions")),
    Group("noeuds", (Kind.NODE,), _("Axes et objectifs")),
    Group("organisations", (Kind.ORGANISATION,), _("Organisations")),
    Group("instances", (Kind.MEETING, Kind.DECISION), _("Réunions et décisions")),
    Group("constats", (Kind.FINDING,), _("Constats du diagnostic")),
]


def _updating_projects():
    """Projects whose public pages show an adopted version while an update is drafted."""
    adopted = Version.objects.filter(state=Version.State.ADOPTED).values("project_id")
    return Version.objects.filter(kind=Version.Kind.UPDATE, state=Version.State.DRAFT, project_id__in=adopted).values(
        "project_id"
    )


def public_q() -> Q:
    return Q(project__published=True, kind__in=PUBLIC_KINDS) & ~Q(project_id__in=_updating_projects())


def visible_entries(user):
    """The entries ``user`` may find, as one QuerySet (the condition is in its SQL)."""
    entries = SearchEntry.objects.all()
    if user.is_authenticated and user.is_superuser:
        return entries
    if user.is_authenticated:
        return entries.filter(Q(project_id__in=member_projects(user).values("pk")) | public_q())
    return entries.filter(public_q())


@dataclass
class Result:
    entry: SearchEntry
    title: str
    extract: str
    url: str
    label: str = ""


@dataclass
class GroupPage:
    group: Group
    page: object
    results: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def parameter(self) -> str:
        return f"page-{self.group.key}"


def clean_query(query) -> str:
    return " ".join(str(query or "").split())[:MAX_QUERY]


def search(user, query, pages=None) -> list[GroupPage]:
    """One page of each group, for ``query``; ``pages`` maps a group's key to the page asked for.
    Two queries per group (its count and its page) and one for the user's memberships."""
    query = clean_query(query)
    pages = pages or {}
    engine = engine_for()
    visible = visible_entries(user)
    wanted = query_stems(query)
    groups = []
    for group in GROUPS:
        ranked = engine.search(visible.filter(kind__in=group.kinds), query).select_related(
            "project", "action", "node", "organisation", "meeting", "decision__meeting", "finding"
        )
        page = Paginator(ranked, PAGE_SIZE).get_page(pages.get(group.key))
        groups.append(GroupPage(group, page))
    members = _member_ids(user, {e.project_id for g in groups for e in g.page.object_list})
    for group in groups:
        group.results = [_result(entry, query, wanted, entry.project_id in members) for entry in group.page]
    return groups


def _member_ids(user, project_ids) -> set[int]:
    if not project_ids or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(project_ids)
    return set(member_projects(user).filter(pk__in=project_ids).values_list("pk", flat=True))


def link(entry, member: bool) -> str:
    """The page of a found object: the member's page, or the public one for a visitor."""
    slug = entry.project.slug
    if entry.kind == Kind.ACTION:
        return reverse("action-detail" if member else "public-action", args=[slug, entry.action.ref])
    if entry.kind == Kind.NODE:
        if member:
            return reverse("project-tree", args=[slug]) + f"#noeud-{entry.node_id}"
        return reverse("public-branch", args=[slug, entry.node_id])
    if entry.kind == Kind.ORGANISATION:
        return reverse("organisation-detail", args=[slug, entry.organisation_id])
    if entry.kind == Kind.MEETING:
        return reverse("meeting-detail", args=[slug, entry.meeting_id])
    if entry.kind == Kind.DECISION:
        return reverse("meeting-detail", args=[slug, entry.decision.meeting_id]) + f"#decision-{entry.decision_id}"
    return reverse("diagnostic", args=[slug]) + f"#constat-{entry.finding_id}"


def _label(entry) -> str:
    if entry.kind == Kind.ACTION:
        return entry.action.ref
    if entry.kind == Kind.NODE:
        return entry.node.code
    if entry.kind == Kind.DECISION:
        return str(_("Décision"))
    if entry.kind == Kind.MEETING:
        return f"{entry.meeting.date:%d/%m/%Y}"
    return ""


def _result(entry, query, wanted, member) -> Result:
    return Result(
        entry=entry,
        title=marked(entry.title, query, wanted),
        extract=extract(entry.text, query, wanted),
        url=link(entry, member),
        label=_label(entry),
    )
