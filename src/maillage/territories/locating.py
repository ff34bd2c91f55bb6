"""Place a project's directory on the map: each entry's structure gets coordinates, their source and score.

An entry with a street address is sent to the geocoder (``geocoding``, by CSV batches); its result is
kept when its score reaches the threshold. Otherwise — no address, a score too low, no answer, the
service unreachable or not configured — the structure goes to its commune's centre from the offline
COG file, marked ``geo_source="centroid"``: its commune is its INSEE code, else the entry's city (and
postal code) found in the COG, else the plan's own commune when the plan covers exactly one. Coordinates
typed by hand or brought by an import are never overwritten.

``run_geocoding`` is the body of the background task, with progress on a :class:`GeocodingRun`.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.jobs.heartbeat import beating
from maillage.partners.models import Organisation, Structure

from . import cog
from .geocoding import Geocoder, GeocoderUnavailable, Query, configured
from .models import GeocodingRun, Territory

logger = logging.getLogger(__name__)
KEPT_SOURCES = (Structure.GeoSource.MANUAL, Structure.GeoSource.IMPORTED)
FIELDS = ["latitude", "longitude", "geo_source", "geo_score", "geo_label", "geocoded_at", "insee_code"]


@dataclass
class Counts:
    total: int = 0
    located: int = 0
    centred: int = 0
    low_score: int = 0
    unlocated: int = 0
    kept: int = 0
    unavailable: bool = False
    done: int = 0
    seconds: float = 0.0
    details: list = field(default_factory=list)


def plan_communes(project) -> list[cog.Commune]:
    """The COG communes of the plan's territory: itself, or the members of its perimeter (two levels);
    when that names none (a perimeter of QPV), the communes its diagnostic compares (« ville »)."""
    territory = project.territory
    found, seen = [], set()
    layer = [territory] if territory is not None else []
    for _depth in range(3):
        next_layer = []
        for item in layer:
            if item.pk in seen:
                continue
            seen.add(item.pk)
            if item.kind == Territory.Kind.COMMUNE and (commune := cog.commune(item.code)):
                found.append(commune)
            next_layer.append(item)
        if not next_layer:
            break
        layer = list(Territory.objects.filter(perimeters__in=next_layer).exclude(pk__in=seen).distinct())
    if not found:
        from maillage.diagnostic.models import KeyFigureColumn

        codes = KeyFigureColumn.objects.filter(table__project=project, territory__kind=Territory.Kind.COMMUNE)
        for code in codes.values_list("territory__code", flat=True).distinct()[:50]:
            if commune := cog.commune(code):
                found.append(commune)
    return list({c.code: c for c in found}.values())


def commune_of(structure: Structure, entry: Organisation, fallback: cog.Commune | None, shared_elsewhere=False):
    """(commune, how it was found): the structure's INSEE code, the entry's city, or the plan's commune —
    the last only when every plan naming the structure has that one commune (``shared_elsewhere`` False):
    a structure a Lyon PST shares with the metropolitan framework is not guessed to be in Villeurbanne."""
    if structure.insee_code and (found := cog.commune(structure.insee_code)):
        return found, "code"
    if entry.city or entry.postal_code:
        found = cog.find(entry.city, postal_code=entry.postal_code)
        if found:
            return found, "city"
    if fallback is not None and not shared_elsewhere:
        return fallback, "plan"
    return None, ""


MAX_OTHER_PLANS = 50  # other plans looked at to allow the plan's-commune guess; beyond, no guess


def _shared_elsewhere(project, structure_ids, fallback) -> set[int]:
    """The structures also named by a plan whose own commune is not ``fallback`` (or is unknown)."""
    if fallback is None or not structure_ids:
        return set()
    rows = (
        Organisation.objects.filter(structure_id__in=structure_ids)
        .exclude(project=project)
        .values_list("structure_id", "project_id")
        .distinct()
    )
    by_project: dict[int, set[int]] = {}
    for structure_id, project_id in rows:
        by_project.setdefault(project_id, set()).add(structure_id)
    from maillage.projects.models import Project

    refused = set()
    others = Project.objects.filter(pk__in=list(by_project)[:MAX_OTHER_PLANS]).select_related("territory")
    seen = set()
    for other in others:
        seen.add(other.pk)
        communes = plan_communes(other)
        if len(communes) != 1 or communes[0].code != fallback.code:
            refused |= by_project[other.pk]
    for project_id, structures in by_project.items():
        if project_id not in seen:
            refused |= structures
    return refused


def _centre(structure: Structure, commune: cog.Commune | None, how: str, now) -> bool:
    if commune is None or not commune.located:
        return False
    structure.latitude, structure.longitude = commune.latitude, commune.longitude
    structure.geo_source = Structure.GeoSource.CENTROID
    structure.geo_score = None
    if how == "plan":
        structure.geo_label = _("%(commune)s (commune du plan : adresse et commune inconnues)") % {
            "commune": commune.name
        }
    else:
        structure.geo_label = _("%(commune)s (centre de la commune)") % {"commune": commune.name}
    structure.geocoded_at = now
    if not structure.insee_code and how != "plan":
        structure.insee_code = commune.code
    return True


def locate_directory(project, geocoder: Geocoder | None = None, progress=None) -> Counts:
    """Place every structure of the project's directory; ``geocoder`` None: the COG centres only
    (offline: the demo, a server without MAILLAGE_GEOCODER_URL). ``progress(done, total)`` is called
    after each batch."""
    started = timezone.now()
    entries = {}
    for entry in (
        Organisation.objects.filter(project=project, structure__isnull=False)
        .select_related("structure")
        .order_by("position", "pk")
    ):
        entries.setdefault(entry.structure_id, entry)  # one entry per structure: the plan's first
    counts = Counts(total=len(entries))
    communes = plan_communes(project)
    fallback = communes[0] if len(communes) == 1 else None
    unguessable = _shared_elsewhere(
        project, [pk for pk, e in entries.items() if not e.city and not e.postal_code], fallback
    )
    now = timezone.now()
    changed, to_geocode = [], []
    for entry in entries.values():
        structure = entry.structure
        if structure.geo_source in KEPT_SOURCES and structure.located:
            counts.kept += 1
            counts.done += 1
            continue
        commune, how = commune_of(structure, entry, fallback, structure.pk in unguessable)
        if geocoder is not None and entry.address.strip():
            to_geocode.append((entry, structure, commune, how))
            continue
        if _centre(structure, commune, how, now):
            counts.centred += 1
            changed.append(structure)
        else:
            counts.unlocated += 1
        counts.done += 1
    _save(changed)
    if progress:
        progress(counts.done, counts.total)
    size = max(1, settings.MAILLAGE_GEOCODER_BATCH_SIZE)
    for start in range(0, len(to_geocode), size):
        chunk = to_geocode[start : start + size]
        answers = {}
        if not counts.unavailable:
            queries = [
                Query(
                    str(structure.pk),
                    entry.address.strip(),
                    entry.postal_code.strip(),
                    entry.city.strip(),
                    commune.code if commune is not None and how != "plan" else "",
                )
                for entry, structure, commune, how in chunk
            ]
            try:
                answers = geocoder.batch(queries)
            except GeocoderUnavailable as error:
                logger.warning("Geocoder unavailable for %s: %s", project.slug, error)
                counts.unavailable = True  # the rest go to their commune's centre without asking again
        changed = []
        now = timezone.now()
        for _entry, structure, commune, how in chunk:
            answer = answers.get(str(structure.pk))
            if answer is not None and answer.hit is not None:
                hit = answer.hit
                structure.latitude, structure.longitude = hit.latitude, hit.longitude
                structure.geo_source = hit.source
                structure.geo_score = hit.score
                structure.geo_label = hit.label
                structure.geocoded_at = now
                if not structure.insee_code and hit.citycode and cog.commune(hit.citycode):
                    structure.insee_code = hit.citycode
                counts.located += 1
                changed.append(structure)
                continue
            if answer is not None and answer.too_low:
                counts.low_score += 1
            if _centre(structure, commune, how, now):
                counts.centred += 1
                changed.append(structure)
            else:
                counts.unlocated += 1
        _save(changed)
        counts.done += len(chunk)
        if progress:
            progress(counts.done, counts.total)
    counts.seconds = (timezone.now() - started).total_seconds()
    return counts


def _save(structures) -> None:
    if structures:
        Structure.objects.bulk_update(structures, FIELDS, batch_size=500)


# --- the background run --------------------------------------------------------------------------------


def start_run(project, user=None) -> GeocodingRun:
    """Queue a run for the project, or give back the one already waiting or running."""
    from .tasks import geocode_directory

    with transaction.atomic():
        current = (
            GeocodingRun.objects.select_for_update()
            .filter(project=project, status__in=(GeocodingRun.Status.QUEUED, GeocodingRun.Status.RUNNING))
            .first()
        )
        if current is not None:
            return current
        run = GeocodingRun.objects.create(
            project=project, requested_by=user if user is not None and user.is_authenticated else None
        )
    geocode_directory.enqueue(str(run.pk))
    run.refresh_from_db()
    return run


def run_geocoding(run_id) -> GeocodingRun | None:
    run = GeocodingRun.objects.select_related("project").filter(pk=run_id).first()
    if run is None or run.status != GeocodingRun.Status.QUEUED:
        return run
    now = timezone.now()
    GeocodingRun.objects.filter(pk=run.pk).update(status=GeocodingRun.Status.RUNNING, started=now, heartbeat=now)
    rows = GeocodingRun.objects.filter(pk=run.pk, status=GeocodingRun.Status.RUNNING)

    def progress(done, total):
        rows.update(done=done, total=total, heartbeat=timezone.now())

    try:
        with beating(rows):
            geocoder = Geocoder() if configured() else None
            counts = locate_directory(run.project, geocoder, progress)
    except Exception as error:
        rows.update(
            status=GeocodingRun.Status.FAILED,
            error=_("La géolocalisation a échoué. Réessayez ; si l'échec se répète, signalez-le."),
            finished=timezone.now(),
        )
        raise error
    rows.update(
        status=GeocodingRun.Status.DONE,
        done=counts.total,
        total=counts.total,
        located=counts.located,
        centred=counts.centred,
        low_score=counts.low_score,
        unlocated=counts.unlocated,
        kept=counts.kept,
        unavailable=counts.unavailable,
        finished=timezone.now(),
    )
    run.refresh_from_db()
    return run


def fail_stale_runs(now=None, only=None) -> int:
    """Runs whose worker stopped beating, or queued too long with no worker: failed with a French message."""
    from maillage.jobs.staleness import fail_task_rows

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.MAILLAGE_JOB_STALE_SECONDS)
    queued = now - timedelta(seconds=settings.MAILLAGE_JOB_QUEUE_TIMEOUT)
    reasons = [
        (
            Q(status=GeocodingRun.Status.RUNNING) & (Q(heartbeat__lt=stale) | Q(heartbeat__isnull=True)),
            _("La géolocalisation s'est interrompue : le travailleur des tâches de fond s'est arrêté. Relancez-la."),
        ),
        (
            Q(status=GeocodingRun.Status.QUEUED, created__lt=queued),
            _("La géolocalisation n'a pas commencé : aucun travailleur des tâches de fond ne l'a prise en charge."),
        ),
    ]
    failed = []
    for condition, message in reasons:
        runs = GeocodingRun.objects.filter(condition)
        if only is not None:
            runs = runs.filter(pk=only)
        ids = list(runs.values_list("pk", flat=True))
        GeocodingRun.objects.filter(pk__in=ids).update(status=GeocodingRun.Status.FAILED, error=message, finished=now)
        failed += ids
    if failed:
        fail_task_rows("maillage.territories.tasks.geocode_directory", failed)
    return len(failed)
