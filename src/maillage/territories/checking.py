"""A project's territories as its pages show them: perimeters with their communes, each commune checked
against the COG (its code known, its name the COG's, or a code the COG suggests for a name), and the
actions counted by territory for the map.

Queries are bounded by the project: its own territories, its territory, those of its actions, and two
levels of members, whatever else the database holds.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from maillage.actions.models import Action

from . import cog
from .models import Territory

MAX_LISTED_ACTIONS = 12  # actions named under a territory on the map; the rest are counted


@dataclass
class CommuneCheck:
    territory: Territory
    commune: cog.Commune | None  # the COG's commune for the code, or the one suggested by the name
    status: str  # "ok", "renamed" (code fine, name differs), "unknown" (code not in the COG),
    # "suggested" (no code, the COG knows one commune of that name), "missing" (no code, nothing found)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "renamed")

    @property
    def message(self) -> str:
        if self.status == "ok":
            return _("Conforme au COG")
        if self.status == "renamed":
            return _("Code conforme ; le COG écrit « %(name)s »") % {"name": self.commune.name}
        if self.status == "unknown":
            return _("Code inconnu du COG")
        if self.status == "suggested":
            return _("Sans code : le COG propose %(code)s (%(name)s)") % {
                "code": self.commune.code,
                "name": self.commune.name,
            }
        return _("Sans code, et aucune commune unique de ce nom dans le COG")


@dataclass
class Perimeter:
    territory: Territory
    others: list = field(default_factory=list)  # members that are not communes (QPV, sub-perimeters)
    communes: list = field(default_factory=list)  # CommuneCheck of every commune inside, sub-perimeters too


MAX_DEPTH = 4  # perimeters of perimeters of communes…: one query a level
MAX_TERRITORIES = 2000


class Graph:
    """The project's territories and everything inside them, loaded level by level (one query a level,
    ``MAX_DEPTH`` levels at most): walking members then costs nothing."""

    def __init__(self, roots):
        self.nodes = {t.pk: t for t in roots}
        self.children: dict[int, list[int]] = {}
        Through = Territory.members.through
        layer = set(self.nodes)
        for _depth in range(MAX_DEPTH):
            if not layer or len(self.nodes) > MAX_TERRITORIES:
                break
            links = list(
                Through.objects.filter(from_territory_id__in=layer).values_list("from_territory_id", "to_territory_id")
            )
            for parent, child in links:
                self.children.setdefault(parent, []).append(child)
            missing = {child for _parent, child in links} - set(self.nodes)
            for territory in Territory.objects.filter(pk__in=missing):
                self.nodes[territory.pk] = territory
            layer = missing

    def members(self, territory) -> list[Territory]:
        return sorted(
            (self.nodes[pk] for pk in self.children.get(territory.pk, []) if pk in self.nodes), key=lambda t: t.name
        )

    def walk(self, territories):
        seen, stack = set(), list(territories)
        while stack:
            territory = stack.pop()
            if territory.pk in seen:
                continue
            seen.add(territory.pk)
            yield territory
            stack.extend(self.members(territory))


def project_territories(project) -> list[Territory]:
    """The project's territories: its own, its territory, its actions' and its diagnostic's."""
    ids = set(project.own_territories.values_list("pk", flat=True))
    ids |= set(Action.objects.filter(project=project, territory__isnull=False).values_list("territory_id", flat=True))
    if project.territory_id:
        ids.add(project.territory_id)
    from maillage.diagnostic.models import KeyFigureColumn

    ids |= set(KeyFigureColumn.objects.filter(table__project=project).values_list("territory_id", flat=True))
    return list(Territory.objects.filter(pk__in=ids).order_by("kind", "name", "pk"))


def departements_of(graph: Graph) -> set[str]:
    """The départements of the coded communes among these territories and their members: where a
    commune written by name is looked for (Châteauneuf is in several)."""
    found = set()
    for territory in graph.nodes.values():
        if territory.kind == Territory.Kind.COMMUNE and (commune := cog.commune(territory.code)):
            found.add(commune.departement)
    return found


def check(territory: Territory, departements: set[str]) -> CommuneCheck:
    if territory.code:
        commune = cog.commune(territory.code)
        if commune is None:
            return CommuneCheck(territory, None, "unknown")
        same = cog.name_key(commune.name) == cog.name_key(territory.name)
        return CommuneCheck(territory, commune, "ok" if same else "renamed")
    commune = cog.find(territory.name, departements=departements)
    return CommuneCheck(territory, commune, "suggested" if commune else "missing")


def overview(project) -> dict:
    """Perimeters with their communes, the communes outside any perimeter, and the other territories."""
    territories = project_territories(project)
    graph = Graph(territories)
    departements = departements_of(graph)
    checks: dict[int, CommuneCheck] = {}

    def checked(territory):
        if territory.pk not in checks:
            checks[territory.pk] = check(territory, departements)
        return checks[territory.pk]

    perimeters, in_perimeter, others = [], set(), []
    for territory in territories:
        members = graph.members(territory)
        if not members:
            continue
        perimeter = Perimeter(territory)
        for member in members:
            if member.kind != Territory.Kind.COMMUNE:
                perimeter.others.append(member)
            in_perimeter.add(member.pk)
        for inner in graph.walk([territory]):
            if inner.kind == Territory.Kind.COMMUNE:
                perimeter.communes.append(checked(inner))
                in_perimeter.add(inner.pk)
        perimeter.communes.sort(key=lambda c: c.territory.name)
        perimeters.append(perimeter)
    communes = [checked(t) for t in territories if t.kind == Territory.Kind.COMMUNE and t.pk not in in_perimeter]
    for territory in territories:
        if territory.kind != Territory.Kind.COMMUNE and not graph.members(territory):
            others.append(territory)
    all_checks = list(checks.values())
    return {
        "territories": territories,
        "graph": graph,
        "perimeters": perimeters,
        "communes": communes,
        "others": others,
        "checks": all_checks,
        "suggested": [c for c in all_checks if c.status == "suggested" and c.territory.project_id == project.pk],
        "problems": sum(1 for c in all_checks if not c.ok),
    }


@transaction.atomic
def complete_codes(project) -> tuple[int, list[str]]:
    """Give the project's own communes written without a code the one the COG suggests.

    When the official (shared) commune of that code already exists, the project's own one is merged
    into it: its perimeters, actions, diagnostic columns and the project point to the shared one. A code
    held by another project's own commune is left for a person to settle (returned by name)."""
    info = overview(project)
    filled, skipped = 0, []
    for item in info["suggested"]:
        code = item.commune.code
        holder = Territory.objects.filter(kind=Territory.Kind.COMMUNE, code=code).first()
        if holder is None:
            Territory.objects.filter(pk=item.territory.pk, code="").update(code=code)
        elif holder.project_id is None:
            merge_into(item.territory, holder)
        else:
            skipped.append(item.territory.name)
            continue
        filled += 1
    return filled, skipped


def merge_into(own: Territory, shared: Territory) -> None:
    """Point everything that names ``own`` at ``shared``, then delete ``own``."""
    through = Territory.members.through
    for column in ("from_territory", "to_territory"):
        other = "to_territory" if column == "from_territory" else "from_territory"
        already = through.objects.filter(**{column: shared}).values_list(f"{other}_id", flat=True)
        through.objects.filter(**{column: own, f"{other}_id__in": list(already)}).delete()
        through.objects.filter(**{column: own}).update(**{column: shared})
    for relation in Territory._meta.get_fields(include_hidden=True):
        if relation.one_to_many and relation.auto_created and relation.related_model is not through:
            name = relation.field.name
            relation.related_model._base_manager.filter(**{name: own}).update(**{name: shared})
    own.delete()


def actions_by_territory(project, graph: Graph | None = None) -> dict:
    """For the map of actions: each territory with actions, its count, its first actions and the outline
    of its communes; the actions with no territory are counted on the plan's territory."""
    from maillage.partners.mapping import commune_outlines, tiles

    graph = graph if graph is not None else Graph(project_territories(project))
    by_pk = graph.nodes
    actions = Action.objects.filter(project=project, parent__isnull=True)
    counts = {
        row["territory_id"]: row["n"] for row in actions.values("territory_id").annotate(n=Count("pk")).order_by()
    }
    unplaced = counts.pop(None, 0)
    if unplaced and project.territory_id:
        counts[project.territory_id] = counts.get(project.territory_id, 0) + unplaced
    listed = {}
    for pk in counts:
        condition = Q(territory_id=pk)
        if pk == project.territory_id and unplaced:
            condition |= Q(territory__isnull=True)
        subset = actions.filter(condition)
        listed[pk] = list(subset.order_by("position", "pk").values_list("ref", "title")[:MAX_LISTED_ACTIONS])
    layers, codes = [], []
    for pk, n in sorted(counts.items(), key=lambda item: -item[1]):
        territory = by_pk.get(pk)
        if territory is None:
            continue
        inner = [t.code for t in graph.walk([territory]) if t.kind == Territory.Kind.COMMUNE and t.code]
        if not inner and pk == project.territory_id:
            # A perimeter of QPV or neighbourhoods has no commune of its own: draw the plan's (its
            # diagnostic's « ville »), the outlines shipped being communes'.
            from .locating import plan_communes

            inner = [commune.code for commune in plan_communes(project)]
        codes += inner
        layers.append(
            {
                "name": territory.name,
                "kind": territory.get_kind_display(),
                "count": n,
                "communes": inner,
                "actions": [f"{ref} — {title}"[:140] for ref, title in listed[pk]],
                "own": pk != project.territory_id or not unplaced,
            }
        )
    outlines = commune_outlines(codes)
    owner = {}
    for layer in layers:
        for code in layer["communes"]:
            owner.setdefault(code, layer)
    for feature in outlines["features"]:
        layer = owner.get(feature["properties"]["code"])
        if layer:
            feature["properties"]["label"] = layer["name"]
            feature["properties"]["count"] = layer["count"]
    return {"tiles": tiles(), "outlines": outlines, "layers": layers, "points": [], "unplaced": unplaced}
