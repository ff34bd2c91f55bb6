"""The plan's last change: one timestamp per project, moved by every write to what the plan holds.

Public pages and public documents are cached under it (``publication.caching``): a thousand visitors
of a published plan cost one cache lookup each, and the first visit after any change sees it. Saves and
links (``post_save``, ``m2m_changed``) of the models of ``PLAN_MODELS`` are followed by signals, their
path to the project found from their foreign keys, whoever writes (screens, commands, tasks, admin).
Deletes are not: a ``post_delete`` receiver would make Django load every row of a cascade (a project's
million indicator values) to signal it. Instead every successful write request of a project's screens
touches its project (``accounts.decorators.project_view``), and the writes that bypass signals
(``QuerySet.update``) call :func:`touch`. Cached pages also expire after ``publication.caching.TIMEOUT``,
so a write outside all of these (a delete in the admin) heals by itself.
"""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save
from django.utils import timezone

# Everything a plan's pages or documents show. Comments, history, follow-up notes and accounts are
# members' matters: a visitor's pages do not depend on them.
PLAN_MODELS = [
    "projects.Project",
    "projects.Level",
    "projects.Node",
    "projects.Period",
    "projects.Theme",
    "projects.Acronym",
    "projects.VocabularyLabel",
    "actions.Action",
    "actions.ActionNode",
    "actions.ActionPartner",
    "actions.BudgetLine",
    "actions.Programme",
    "actions.ProgrammeAction",
    "actions.ProgrammeObjective",
    "actions.ProgrammeObjectiveAction",
    "evaluation.Indicator",
    "evaluation.IndicatorTarget",
    "evaluation.IndicatorValue",
    "governance.Body",
    "governance.BodyMember",
    "governance.Meeting",
    "governance.Decision",
    "diagnostic.KeyFigureTable",
    "diagnostic.KeyFigureColumn",
    "diagnostic.KeyFigureRow",
    "diagnostic.KeyFigureValue",
    "diagnostic.Finding",
    "diagnostic.Consultation",
    "diagnostic.Enjeu",
    "partners.Organisation",
    "partners.Person",
    "territories.Territory",
    "versions.Version",  # the public pages show the adopted version while an update is being prepared
]

STAMP_KEY = "plan-stamp:{slug}"
# How long a stamp stays in the cache: a renamed slug or a write outside every path heals within it.
STAMP_TIMEOUT = 600


def _path_to_project(model) -> list[str] | None:
    """The foreign keys leading from ``model`` to its project, shortest first: ``["indicator", "action"]``
    for an indicator value (then ``project``); ``[]`` for a model with a ``project`` key itself."""
    project = apps.get_model("projects", "Project")
    if model is project:
        return None
    queue, seen = [(model, [])], {model}
    while queue:
        current, path = queue.pop(0)
        for field in current._meta.concrete_fields:
            target = field.related_model if field.many_to_one else None
            if target is project and field.name == "project":
                return path
        for field in current._meta.concrete_fields:
            target = field.related_model if field.many_to_one else None
            if target is not None and target not in seen and target is not project and len(path) < 3:
                seen.add(target)
                queue.append((target, [*path, field.name]))
    return None


PATHS: dict = {}


def _projects_of(instance):
    """The ids of the projects ``instance`` belongs to, as a query (nothing is read until the update)."""
    project = apps.get_model("projects", "Project")
    model = type(instance)
    if model is project:
        return project.objects.filter(pk=instance.pk)
    path = PATHS.get(model)
    if path is None:
        return project.objects.none()
    if not path:
        return project.objects.filter(pk=getattr(instance, "project_id", None))
    first = model._meta.get_field(path[0])
    lookup = "__".join([*path[1:], "project"])
    return project.objects.filter(
        pk__in=first.related_model.objects.filter(pk=getattr(instance, first.attname)).values(lookup)
    )


def touch(projects) -> None:
    """The plan of these projects (a queryset or a list of ids) has just changed.

    The plans declined from them (at any depth) change too: their public fiches name the
    framework nodes they serve, which a change of the framework may rename or unpublish."""
    project = apps.get_model("projects", "Project")
    if not hasattr(projects, "values_list"):
        projects = project.objects.filter(pk__in=list(projects))
    ids = projects.values("pk")
    from .network import descendants_q

    projects = project.objects.filter(Q(pk__in=ids) | descendants_q(ids))
    found = list(projects.values_list("pk", "slug"))
    if found:
        project.objects.filter(pk__in=[pk for pk, _slug in found]).update(plan_changed_at=timezone.now())
        # Now, and again after the commit: a request served meanwhile would cache the stamp not yet committed.
        keys = [STAMP_KEY.format(slug=slug) for _pk, slug in found]
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def published_stamp(slug: str) -> str:
    """The last change of the published plan ``slug`` as text, "" when no such plan is published: read from
    the cache when it holds it, so that a visitor's cached page costs no query."""
    key = STAMP_KEY.format(slug=slug)
    stamp = cache.get(key)
    if stamp is None:
        project = apps.get_model("projects", "Project")
        changed = project.objects.filter(slug=slug, published=True).values_list("plan_changed_at", flat=True).first()
        stamp = changed.isoformat() if changed else ""
        cache.set(key, stamp, timeout=STAMP_TIMEOUT)
    return stamp


def _saved(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures and restores write rows as they are
    touch(_projects_of(instance))


def _linked(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if type(instance) in PATHS or type(instance) is apps.get_model("projects", "Project"):
        touch(_projects_of(instance))
    elif pk_set and model in PATHS:
        for obj in model.objects.filter(pk__in=pk_set):
            touch(_projects_of(obj))


def connect() -> None:
    """Follow the plan's models (called once, by the projects app when it is ready)."""
    for label in PLAN_MODELS:
        model = apps.get_model(label)
        PATHS[model] = _path_to_project(model)
        post_save.connect(_saved, sender=model, dispatch_uid=f"plan-stamp-save-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _linked, sender=field.remote_field.through, dispatch_uid=f"plan-stamp-m2m-{label}-{field.name}"
            )
