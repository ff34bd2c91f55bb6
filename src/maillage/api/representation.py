"""What the API says of each object, for a member and for a visitor of a published plan.

Members get every field their role reads; a visitor gets what the public pages show, by the rules of the
public profile of the interchange document (``maillage.interchange.public``: ``PUBLIC_ACTION_FIELDS``,
``PUBLIC_PARTNER_FIELDS``, ``PUBLIC_NODE_FIELDS``, ``PUBLIC_PROJECT_FIELDS`` and the public action):
organisations are named, people never; no note, budget, history, value comment or source.
The dict of a member is built first, then cut down for a visitor, so a field added for members stays
private until it is added to those public rules.
"""

from django.db.models import Prefetch

from maillage.actions.models import SECTIONS, Action, ActionPartner, BudgetLine
from maillage.actions.progress import is_late
from maillage.evaluation.models import FollowUpNote, Indicator
from maillage.interchange.exporting import plain_number
from maillage.interchange.public import (
    PUBLIC_ACTION_FIELDS,
    PUBLIC_NODE_FIELDS,
    PUBLIC_PARTNER_FIELDS,
    PUBLIC_PROJECT_FIELDS,
    _public_action,
)
from maillage.partners.models import Person

# The API's own fields of an action besides the document's: where it sits and how it goes (all public:
# the public fiche shows its place in the tree, its sub-actions and whether it is late).
PUBLIC_EXTRAS = ["nodes", "children", "late"]
# The API's own fields besides the document's: ids and depth (a node), the years (a project's ``period``),
# parent, children and publication (a project) — where things sit, nothing personal.
API_NODE_FIELDS = [*PUBLIC_NODE_FIELDS, "id", "parent", "depth"]
API_PROJECT_FIELDS = [*PUBLIC_PROJECT_FIELDS, "first_year", "last_year", "parent", "children", "published"]


def _date(value):
    return value.isoformat() if value else None


def _person(person):
    return {"key": person.key, "name": person.name} if person else None


# --- projects ----------------------------------------------------------------------------------


def project(p, children, public: bool) -> dict:
    data = {
        "slug": p.slug,
        "title": p.title,
        "subtitle": p.subtitle,
        "kind": p.kind,
        "first_year": p.first_year,
        "last_year": p.last_year,
        "state": p.state,
        "version": p.version,
        "updated_on": _date(p.updated_on),
        "territory": p.territory.name if p.territory_id else None,
        "parent": p.parent.slug if p.parent_id and p.parent else None,
        "children": [child.slug for child in children],
        "published": p.published,
        "description": p.description,
    }
    return {k: v for k, v in data.items() if k in API_PROJECT_FIELDS} if public else data


def level(lv) -> dict:
    return {"depth": lv.depth, "name": lv.name}


def node(n, actions: list[str], public: bool) -> dict:
    data = {
        "id": n.pk,
        "parent": n.parent_id,
        "key": n.key,
        "code": n.code,
        "title": n.title,
        "level": n.level.name,
        "depth": n.level.depth,
        "description": n.description,
        "referent": _person(n.referent),
        "actions": actions,
    }
    return {k: v for k, v in data.items() if k in API_NODE_FIELDS} if public else data


# --- actions -----------------------------------------------------------------------------------

# What a page of the list reads for each action, fetched for the page's ids only (after pagination).
SUMMARY_PREFETCH = ["periods", "nodes", Prefetch("leads", queryset=Person.objects.only("pk", "key", "name"))]


def action_summary(a, public: bool) -> dict:
    data = {
        "ref": a.ref,
        "code": a.code,
        "title": a.title,
        "status": a.status,
        "origin": a.origin or None,
        "priority": a.priority or None,
        "parent": a.parent.ref if a.parent_id else None,
        "start_date": _date(a.start_date),
        "end_date": _date(a.end_date),
        "periods": [p.label for p in a.periods.all()],
        "nodes": [n.pk for n in a.nodes.all()],
        "leads": [_person(p) for p in a.leads.all()],
        "late": is_late(a),
        "version": a.version,
    }
    return _public(data) if public else data


def detail_queryset():
    return Action.objects.select_related(
        "parent", "territory", "lead_organisation", "elected_referent", "project"
    ).prefetch_related(
        "periods",
        "themes",
        "nodes",
        Prefetch("children", queryset=Action.objects.only("pk", "ref", "parent_id", "position")),
        Prefetch("leads", queryset=Person.objects.only("pk", "key", "name")),
        Prefetch("partner_roles", queryset=ActionPartner.objects.select_related("organisation")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("funder")),
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets", "values")),
        Prefetch("notes", queryset=FollowUpNote.objects.order_by("-date", "-position")),
    )


def indicator(i) -> dict:
    return {
        "id": i.pk,
        "kind": i.kind,
        "title": i.title,
        "unit": i.unit,
        "baseline": plain_number(i.baseline),
        "baseline_year": i.baseline_year,
        "targets": [{"year": t.year, "value": plain_number(t.value)} for t in i.targets.all()],
        "values": [
            {
                "id": v.pk,
                "period": v.period,
                "date": _date(v.date),
                "value": plain_number(v.value),
                "assessment": v.assessment,
                "comment": v.comment,
                "source": v.source,
            }
            for v in i.values.all()
        ],
    }


def action_detail(a, public: bool) -> dict:
    data = {
        "ref": a.ref,
        "code": a.code,
        "title": a.title,
        "status": a.status,
        "origin": a.origin or None,
        "priority": a.priority or None,
        "participation": a.participation or None,
        "parent": a.parent.ref if a.parent_id else None,
        "children": [child.ref for child in a.children.all()],
        "nodes": [n.pk for n in a.nodes.all()],
        "scale": a.scale or None,
        "territory": a.territory.name if a.territory_id else None,
        "periods": [p.label for p in a.periods.all()],
        "start_date": _date(a.start_date),
        "end_date": _date(a.end_date),
        **{name: getattr(a, name) for name in SECTIONS},
        "leads": [_person(p) for p in a.leads.all()],
        "lead_organisation": a.lead_organisation.key if a.lead_organisation_id else None,
        "elected_referent": _person(a.elected_referent),
        "themes": [t.name for t in a.themes.all()],
        "partners": [
            {"partner": r.organisation.key, "name": r.organisation.name, "role": r.role, "detail": r.detail}
            for r in a.partner_roles.all()
        ],
        "budget": [
            {
                "label": line.label,
                "nature": line.nature,
                "kind": line.kind,
                "year": line.year,
                "amount": plain_number(line.amount),
                "unit": line.unit,
                "funder": line.funder.key if line.funder_id else None,
            }
            for line in a.budget_lines.all()
        ],
        "indicators": [indicator(i) for i in a.indicators.all()],
        "notes": [{"date": _date(n.date), "author": n.author, "text": n.text} for n in a.notes.all()],
        "late": is_late(a),
        "version": a.version,
    }
    return _public(data) if public else data


def _public(data: dict) -> dict:
    """An action as the public fiche shows it: ``interchange.public``'s rule, plus the API's public extras."""
    kept = _public_action(data)
    for key in PUBLIC_EXTRAS:
        if key in data:
            kept[key] = data[key]
    return kept


# --- the directory -----------------------------------------------------------------------------


def organisation(o, public: bool) -> dict:
    data = {
        "key": o.key,
        "name": o.name,
        "acronym": o.acronym,
        "kind": o.kind,
        "description": o.description,
        "address": o.address,
        "postal_code": o.postal_code,
        "city": o.city,
        "website": o.website,
        "email": o.email,
        "phone": o.phone,
        "domains": [d.name for d in o.domains.all()],
    }
    if public:
        return {k: v for k, v in data.items() if k in PUBLIC_PARTNER_FIELDS}
    s = o.structure
    if s is not None:
        data |= {"siret": s.siret, "insee_code": s.insee_code, "thematiques": s.thematiques, "publics": s.publics}
        if s.located:
            data["location"] = {
                "latitude": s.latitude,
                "longitude": s.longitude,
                "source": s.geo_source,
                "score": s.geo_score,
            }
    return data


__all__ = ["PUBLIC_ACTION_FIELDS", "action_detail", "action_summary", "organisation", "project"]
