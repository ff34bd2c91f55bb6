"""Framework links in the interchange document, and across a replace of the framework itself.

A link names a framework node by its plan's slug and the node's code, else its key, else its title
(``{"project": "lyon-pms", "code": "E4"}``), and a common indicator by its plan's slug and its key:
names that survive an export and an import, where database ids do not. The same names carry the
links of the child plans across a ``--replace`` of their framework: the new tree has new ids.
"""

from maillage.projects.models import Node, Project

from .models import ActionContribution, FrameworkIndicator, IndicatorReport, NodeContribution
from .rules import same_unit

NAMES = ("code", "key", "title")  # how a node is named, first found first


def own_reference(node) -> dict:
    """The node's name within its plan: {"code": …}, else {"key": …}, else {"title": …}."""
    for name in NAMES:
        if getattr(node, name):
            return {name: getattr(node, name)}
    return {"title": node.title}


def node_reference(node, slug: str) -> dict:
    return {"project": slug, **own_reference(node)}


class NodeIndex:
    """Nodes by their names, for one or several plans: ``find(slug, reference)`` → pk, or a French reason."""

    def __init__(self, rows):
        self.names: dict[tuple, list[int]] = {}
        for pk, slug, code, key, title in rows:
            for name, value in (("code", code), ("key", key), ("title", title)):
                if value:
                    self.names.setdefault((slug, name, value), []).append(pk)

    @classmethod
    def of_projects(cls, project_ids):
        rows = Node.objects.filter(project_id__in=project_ids).values_list(
            "pk", "project__slug", "code", "key", "title"
        )
        return cls(rows)

    def find(self, slug: str, reference: dict):
        name = next(name for name in NAMES if reference.get(name))
        found = self.names.get((slug, name, reference[name]), [])
        if len(found) == 1:
            return found[0], None
        label = {"code": "de code", "key": "de clé", "title": "intitulé"}[name]
        if not found:
            return None, f"aucun nœud {label} « {reference[name]} » dans « {slug} »."
        return None, f"plusieurs nœuds {label} « {reference[name]} » dans « {slug} » : nommez-le par son code."


class FrameworkResolver:
    """The framework names of a document, against the plans its project will be declined from."""

    def __init__(self, parent_slug: str | None):
        self.plans: dict[str, int] = {}
        current = (
            Project.objects.filter(slug=parent_slug).only("pk", "slug", "parent_id").first() if parent_slug else None
        )
        while current is not None and current.slug not in self.plans:
            self.plans[current.slug] = current.pk
            current = Project.objects.filter(pk=current.parent_id).only("pk", "slug", "parent_id").first()
        self.nodes = NodeIndex.of_projects(list(self.plans.values())) if self.plans else NodeIndex([])
        self.indicators = {
            (slug, key): (pk, unit)
            for pk, slug, key, unit in FrameworkIndicator.objects.filter(
                project_id__in=self.plans.values()
            ).values_list("pk", "project__slug", "key", "unit")
        }

    def _outside(self, slug):
        return f"« {slug} » n'est pas un cadre dont ce projet est décliné (son parent, le parent de son parent…)."

    def node(self, reference: dict):
        """(pk, None) or (None, a French reason)."""
        if reference["project"] not in self.plans:
            return None, self._outside(reference["project"])
        return self.nodes.find(reference["project"], reference)

    def indicator(self, reference: dict, indicator: dict):
        """(pk, None) or (None, a French reason), checking the kind and the unit of ``indicator``."""
        if reference["project"] not in self.plans:
            return None, self._outside(reference["project"])
        found = self.indicators.get((reference["project"], reference["indicator"]))
        if found is None:
            return None, f"aucun indicateur commun de clé « {reference['indicator']} » dans « {reference['project']} »."
        pk, unit = found
        if indicator["kind"] != "quantitative":
            return None, "seul un indicateur quantitatif peut se rapporter à un indicateur commun."
        if not same_unit(indicator.get("unit", ""), unit):
            return None, f"l'indicateur est en « {indicator.get('unit', '')} », l'indicateur commun en « {unit} »."
        return pk, None


def problems(document) -> list[tuple[str, str]]:
    """(path, reason) for every framework name of ``document`` that does not resolve."""
    wanted = _has_links(document)
    if not wanted:
        return []
    resolver = FrameworkResolver(document["project"].get("parent"))
    found = []

    def nodes(entries, path):
        for index, entry in enumerate(entries):
            here = f"{path}[{index}]"
            for number, reference in enumerate(entry.get("serves", [])):
                if (reason := resolver.node(reference)[1]) is not None:
                    found.append((f"{here}.serves[{number}]", reason))
            nodes(entry["children"], f"{here}.children")

    nodes(document["nodes"], "$.nodes")
    for index, action in enumerate(document.get("actions", [])):
        for number, reference in enumerate(action.get("serves", [])):
            if (reason := resolver.node(reference)[1]) is not None:
                found.append((f"$.actions[{index}].serves[{number}]", reason))
        for number, indicator in enumerate(action.get("indicators", [])):
            if "reports_to" in indicator and (reason := resolver.indicator(indicator["reports_to"], indicator)[1]):
                found.append((f"$.actions[{index}].indicators[{number}].reports_to", reason))
    return found


def _has_links(document) -> bool:
    def in_nodes(entries):
        return any(entry.get("serves") or in_nodes(entry["children"]) for entry in entries)

    return in_nodes(document["nodes"]) or any(
        action.get("serves") or any("reports_to" in i for i in action.get("indicators", []))
        for action in document.get("actions", [])
    )


# --- across a replace of the framework ------------------------------------------------------------


def incoming(project) -> dict:
    """The links other plans hold to ``project``'s nodes and common indicators, by name."""
    nodes = {node.pk: own_reference(node) for node in Node.objects.filter(project=project).only("code", "key", "title")}
    return {
        "nodes": [
            (node, nodes[target])
            for node, target in NodeContribution.objects.filter(framework_node__project=project)
            .exclude(node__project=project)
            .values_list("node_id", "framework_node_id")
        ],
        "actions": [
            (action, nodes[target])
            for action, target in ActionContribution.objects.filter(framework_node__project=project)
            .exclude(action__project=project)
            .values_list("action_id", "framework_node_id")
        ],
        "reports": list(
            IndicatorReport.objects.filter(framework_indicator__project=project).values_list(
                "indicator_id", "framework_indicator__key"
            )
        ),
    }


def restore(links: dict, project) -> None:
    """Write again the links of :func:`incoming` to the nodes and indicators of the same names in the
    new ``project``; a name the new document no longer holds drops its links (the framework changed)."""
    index = NodeIndex.of_projects([project.pk])
    slug = project.slug

    def target(reference):
        return index.find(slug, reference)[0]

    NodeContribution.objects.bulk_create(
        [
            NodeContribution(node_id=node, framework_node_id=pk)
            for node, reference in links["nodes"]
            if (pk := target(reference)) is not None
        ],
        ignore_conflicts=True,
    )
    ActionContribution.objects.bulk_create(
        [
            ActionContribution(action_id=action, framework_node_id=pk)
            for action, reference in links["actions"]
            if (pk := target(reference)) is not None
        ],
        ignore_conflicts=True,
    )
    keys = dict(FrameworkIndicator.objects.filter(project=project).values_list("key", "pk"))
    IndicatorReport.objects.bulk_create(
        [
            IndicatorReport(indicator_id=indicator, framework_indicator_id=keys[key])
            for indicator, key in links["reports"]
            if key in keys
        ],
        ignore_conflicts=True,
    )


def framework_links(project) -> tuple[dict, dict, dict]:
    """The links of ``project``'s nodes, actions and indicators by name, for its export (3 queries, none
    for a plan without parent):
    node id → [framework node names], action id → [names], indicator id → common indicator name."""

    def named(rows):
        result = {}
        for owner, slug, code, key, title in rows:
            result.setdefault(owner, []).append(node_reference(Node(code=code, key=key, title=title), slug))
        for references in result.values():
            references.sort(key=lambda reference: (reference["project"], *(str(reference.get(n, "")) for n in NAMES)))
        return result

    if not project.parent_id:
        return {}, {}, {}  # only a plan declined from another serves a framework
    columns = ("framework_node__project__slug", "framework_node__code", "framework_node__key", "framework_node__title")
    nodes = named(NodeContribution.objects.filter(node__project=project).values_list("node_id", *columns))
    actions = named(ActionContribution.objects.filter(action__project=project).values_list("action_id", *columns))
    reports = {
        indicator: {"project": slug, "indicator": key}
        for indicator, slug, key in IndicatorReport.objects.filter(indicator__action__project=project).values_list(
            "indicator_id", "framework_indicator__project__slug", "framework_indicator__key"
        )
    }
    return nodes, actions, reports
