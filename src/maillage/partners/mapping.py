"""The map of the actors: the located structures of a project's directory — or of a network, its
parent showing the organisations of the projects declined from it — filtered by domain, role and action.

One function (:func:`map_data`) gives the page, its accessible table and its JSON endpoint the same
rows; what it fetches is bounded by what the map shows (``MAX_POINTS`` structures, the outlines of
their communes), never by the rest of the database. Organisations only: no person is named, so the
public plan shows the same map.
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm

from maillage.accounts.access import readable_projects
from maillage.actions.models import Action, ActionPartner
from maillage.actions.vocabulary import project_labels
from maillage.projects.network import descendants_q
from maillage.territories import cog

from .directory import role_counts
from .models import Domain, Organisation, Structure

MAX_POINTS = 1000  # structures drawn on one map; more is said, not drawn
MAX_OUTLINES = 300  # communes outlined (the located ones first)


class MapFilterForm(DsfrBaseForm):
    """The map's filters, in the URL so that a filtered map can be shared."""

    domain = forms.ModelChoiceField(
        label=gettext_lazy("Domaine d'intervention"), queryset=Domain.objects.none(), required=False
    )
    role = forms.ChoiceField(label=gettext_lazy("Rôle dans les actions"), required=False)
    action = forms.ModelChoiceField(label=gettext_lazy("Action"), queryset=Action.objects.none(), required=False)

    def __init__(self, *args, project, project_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = Domain.objects.filter(organisation__project_id__in=project_ids).distinct()
        self.fields["domain"].empty_label = gettext_lazy("Tous les domaines")
        labels = project_labels(project)["role"]
        self.fields["role"].choices = [("", _("Tous les rôles"))] + [
            (code, labels.get(code, label)) for code, label in ActionPartner.Role.choices
        ]
        self.fields["action"].queryset = Action.objects.filter(project=project, parent__isnull=True).only(
            "pk", "ref", "code", "title", "project_id"
        )
        self.fields["action"].empty_label = gettext_lazy("Toutes les actions")
        self.fields["action"].label_from_instance = lambda action: f"{action.code or action.ref} — {action.title}"[:120]


@dataclass
class MapRow:
    """One located structure as the map and its table show it."""

    structure_id: int
    name: str
    acronym: str
    commune: str
    insee_code: str
    latitude: float
    longitude: float
    source: str
    source_label: str
    roles: list = field(default_factory=list)  # (label, number of actions)
    projects: list = field(default_factory=list)  # titles, for a network's map
    url: str = ""


@dataclass
class MapData:
    rows: list[MapRow]
    total: int  # entries matching the filters, located or not
    located: int  # located structures matching (rows may stop at MAX_POINTS)
    located_entries: int  # entries matching whose structure is located
    network: bool
    outlines: dict

    @property
    def truncated(self) -> bool:
        return self.located > len(self.rows)

    @property
    def unlocated(self) -> int:
        return self.total - self.located_entries

    def as_json(self) -> dict:
        return {
            "tiles": tiles(),
            "outlines": self.outlines,
            "points": [
                {
                    "lat": row.latitude,
                    "lon": row.longitude,
                    "title": row.name,
                    "lines": [row.commune, *(f"{label} ({n})" for label, n in row.roles), *row.projects],
                    "url": row.url,
                    "centroid": row.source == Structure.GeoSource.CENTROID,
                }
                for row in self.rows
            ],
            "total": self.total,
            "located": self.located,
            "truncated": self.truncated,
        }


def tiles() -> dict:
    return {"url": settings.MAILLAGE_MAP_TILES_URL, "attribution": settings.MAILLAGE_MAP_TILES_ATTRIBUTION}


def network_ids(project, user) -> list[int]:
    """The project and the projects declined from it that the user may read (published ones for a
    visitor): a network's parent shows its children's organisations, never a private child's to outsiders."""
    children = readable_projects(user).filter(descendants_q([project.pk])).values_list("pk", flat=True)
    return [project.pk, *children]


def filtered_entries(project_ids, cleaned: dict):
    entries = Organisation.objects.filter(project_id__in=project_ids)
    if cleaned.get("domain"):
        entries = entries.filter(domains=cleaned["domain"])
    role, action = cleaned.get("role"), cleaned.get("action")
    if role or action:
        taking_part = ActionPartner.objects.all()
        if role:
            taking_part = taking_part.filter(role=role)
        if action:
            taking_part = taking_part.filter(Q(action=action) | Q(action__parent=action))
        condition = Q(pk__in=taking_part.values("organisation_id"))
        if role in ("", None, ActionPartner.Role.LEAD):
            leading = Action.objects.all()
            if action:
                leading = leading.filter(Q(pk=action.pk) | Q(parent=action))
            condition |= Q(pk__in=leading.values("lead_organisation_id"))
        entries = entries.filter(condition)
    return entries


def map_data(project, user, cleaned: dict | None = None, *, public: bool = False) -> MapData:
    """The located structures of the project (and of its readable network) matching the filters."""
    cleaned = cleaned or {}
    project_ids = network_ids(project, user)
    entries = filtered_entries(project_ids, cleaned)
    total = entries.count()
    located_q = Q(structure__latitude__isnull=False, structure__longitude__isnull=False)
    located_entries = entries.filter(located_q)
    chosen = list(
        located_entries.select_related("structure", "project")
        .only(
            "pk",
            "name",
            "acronym",
            "city",
            "project__id",
            "project__title",
            "project__slug",
            "structure__id",
            "structure__insee_code",
            "structure__latitude",
            "structure__longitude",
            "structure__geo_source",
            "structure__geo_label",
        )
        .order_by("structure_id", "project_id", "position")[: MAX_POINTS * 3]
    )
    labels = project_labels(project)["role"]
    counts = role_counts([entry.pk for entry in chosen], labels)
    rows: dict[int, MapRow] = {}
    for entry in chosen:
        structure = entry.structure
        row = rows.get(structure.pk)
        if row is None:
            if len(rows) >= MAX_POINTS:
                continue
            commune = cog.commune(structure.insee_code) if structure.insee_code else None
            row = rows[structure.pk] = MapRow(
                structure_id=structure.pk,
                name=entry.name,
                acronym=entry.acronym,
                commune=commune.name if commune else (entry.city or structure.geo_label),
                insee_code=commune.code if commune else "",
                latitude=structure.latitude,
                longitude=structure.longitude,
                source=structure.geo_source,
                source_label=structure.get_geo_source_display(),
                url="" if public else reverse("organisation-detail", args=[entry.project.slug, entry.pk]),
            )
        merged = dict(row.roles)
        for label, n in counts.get(entry.pk, []):
            merged[label] = merged.get(label, 0) + n
        row.roles = list(merged.items())
        if len(project_ids) > 1 and entry.project.title not in row.projects:
            row.projects.append(entry.project.title)
    ordered = sorted(rows.values(), key=lambda row: (row.commune, row.name.lower()))
    located = located_entries.values("structure_id").distinct().count() if len(chosen) >= MAX_POINTS else len(rows)
    return MapData(
        rows=ordered,
        total=total,
        located=located,
        located_entries=located_entries.count() if total else 0,
        network=len(project_ids) > 1,
        outlines=commune_outlines([row.insee_code for row in ordered] + plan_codes(project)),
    )


def plan_codes(project) -> list[str]:
    """The INSEE codes of the plan's own communes (outlined even with no organisation located there)."""
    from maillage.territories.locating import plan_communes

    return [commune.code for commune in plan_communes(project)]


def commune_outlines(codes) -> dict:
    """A GeoJSON FeatureCollection of the outlines of these communes (the COG file, offline)."""
    features, seen = [], set()
    for code in codes:
        if not code or code in seen or len(seen) >= MAX_OUTLINES:
            continue
        seen.add(code)
        commune = cog.commune(code)
        feature = cog.outline_feature(commune) if commune else None
        if feature:
            features.append(feature)
    return {"type": "FeatureCollection", "features": features}
