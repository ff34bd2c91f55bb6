"""The REST API, /api/v1/: serialisation and HTTP only.

Who may read or write what is decided by ``accounts.access`` (``access_for`` with the token's scope);
filters by ``actions.filtering``; what a visitor sees by ``representation`` (the public pages' rules);
saves by ``actions.editing`` through ``writing``; the interchange document by ``interchange``.
"""

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import TypeAdapter

from maillage.accounts.access import access_for, member_projects, readable_projects
from maillage.actions.filtering import filter_actions
from maillage.actions.models import Action, ActionNode
from maillage.campaigns.models import Campaign
from maillage.diagnostic.models import KeyFigureTable
from maillage.evaluation.models import Indicator
from maillage.governance.models import Body, BodyMember, Decision, Meeting
from maillage.interchange.exporting import export_project, to_json
from maillage.interchange.replacing import HasHistory, replace_plan
from maillage.interchange.validation import InvalidDocument, Problem, parse
from maillage.partners.models import Organisation
from maillage.projects.models import Node, Project
from maillage.projects.stamp import published_stamp, touch
from maillage.versions.models import Version
from maillage.versions.public import under_update

from . import representation as rep
from . import schemas, writing
from .errors import ApiError, validation_details
from .throttling import throttle_anonymous, throttle_token
from .tokens import Refused, find

logger = logging.getLogger(__name__)

PAGE_SIZE = 50  # as the actions list (docs/actions.md)
MAX_PAGE_SIZE = 100
ERRORS = {
    401: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    409: schemas.Error,  # a visitor, while an update of the plan is prepared (plan_under_update)
    422: schemas.Error,
    429: schemas.Error,
}
WRITE_ERRORS = {**ERRORS, 409: schemas.Error, 412: schemas.Error, 428: schemas.Error}


@dataclass
class Caller:
    user: object
    token: object = None

    @property
    def anonymous(self) -> bool:
        return self.token is None

    @property
    def writes(self) -> bool:
        return self.token is not None and self.token.writes


class TokenAuth(HttpBearer):
    """``Authorization: Bearer mlg_…``: a personal token (``api.tokens``). A request without the header
    goes on as anonymous (the next scheme); a wrong, expired or revoked token is refused, never ignored."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            raise ApiError("token_invalid")
        return self.authenticate(request, secret)

    def authenticate(self, request, token):
        try:
            found = find(token)
        except Refused as refused:
            raise ApiError(refused.code) from None
        throttle_token(found)
        return Caller(found.user, found)


def anonymous(request):
    throttle_anonymous(request)
    return Caller(AnonymousUser())


class Utf8Json(JSONRenderer):
    """French text as it is written (« é », not « \\u00e9 »)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Maillage",
    version="1",
    description=(
        "Les plans publiés en lecture pour tous ; pour les membres, avec un jeton personnel, ce que leur rôle "
        "leur permet de lire et d'écrire. Voir docs/api.md."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # our own page (api/docs/): the stock one loads its scripts from a CDN
    auth=[TokenAuth(), anonymous],
    renderer=Utf8Json(),
)


# --- errors --------------------------------------------------------------------------------------


def error_response(error: ApiError) -> JsonResponse:
    response = JsonResponse(error.body(), status=error.status, json_dumps_params={"ensure_ascii": False})
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error_response(exc)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return error_response(ApiError("invalid_request", details=validation_details(exc.errors)))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(ApiError("authentication_required"))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(ApiError("not_found"))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    code = {404: "not_found", 405: "method_not_allowed", 401: "authentication_required", 403: "forbidden"}
    return error_response(ApiError(code.get(exc.status_code, "invalid_request")))


@api.exception_handler(Exception)
def _crash(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(ApiError("internal_error"))


# --- access --------------------------------------------------------------------------------------


def _project(request, slug):
    """The project and the caller's access; 404 for a project they may not read (its existence is not told)."""
    project = Project.objects.select_related("territory", "parent").filter(slug=slug).first()
    if project is None:
        raise Http404
    caller = request.auth
    access = access_for(caller.user, project, writable=caller.writes)
    if not access.can_read:
        raise Http404
    if not access.is_member and under_update(project):
        # The public pages show the adopted version meanwhile; the API shows visitors nothing unadopted.
        raise ApiError("plan_under_update")
    return project, access


def _private(request, access):
    """Members' matters: a visitor is asked for a token, a non-member with one is refused."""
    if not access.can_read_private:
        raise ApiError("authentication_required" if request.auth.anonymous else "forbidden")


def _may_write(request, allowed: bool):
    if request.auth.anonymous:
        raise ApiError("authentication_required")
    if not request.auth.writes:
        raise ApiError("read_only_token")
    if not allowed:
        raise ApiError("forbidden")


def _expected(request, current: str, *, required: bool, state=None) -> str | None:
    """The If-Match value, checked against the current ETag: 428 without it (when required), 412 when stale."""
    sent = request.headers.get("If-Match")
    if sent is None:
        if required:
            raise ApiError("precondition_required")
        return None
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in sent.split(",")]
    if current.strip('"') not in tags:
        raise ApiError("version_conflict", current=state() if state else None, headers={"ETag": current})
    return current


def _page(queryset, page: int, size: int) -> tuple[list[int], dict]:
    """The primary keys of one page (the page is cut before anything is prefetched) and the page's facts."""
    count = queryset.count()
    pages = max(1, math.ceil(count / size))
    start = (page - 1) * size
    pks = list(queryset.values_list("pk", flat=True)[start : start + size]) if start < count else []
    return pks, {"count": count, "page": page, "pages": pages, "page_size": size}


def _in_order(model_queryset, pks):
    by_pk = {obj.pk: obj for obj in model_queryset.filter(pk__in=pks)}
    return [by_pk[pk] for pk in pks if pk in by_pk]


PageNumber = Query(1, ge=1, le=1_000_000, description="Numéro de page, à partir de 1.")
PageSize = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Éléments par page (100 au plus).")
IfMatch = Header(None, alias="If-Match", description="L'ETag lu avec la ressource (obligatoire pour PUT et PATCH).")


# --- visitors' answers from the cache ---------------------------------------------------------------

VISITORS_TIMEOUT = 600  # the key holds the plan's stamp: a change is seen at once; this bounds an entry's life


def for_visitors(shape):
    """Serve an anonymous read of a published plan from the cache, under the plan's stamp
    (``projects.stamp``, as ``publication.caching`` serves the public pages): every visitor reads the same
    answer, rendered once per change of the plan. The rate limit and the token check ran before (auth)."""
    adapter = TypeAdapter(shape)

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not request.auth.anonymous:
                return view(request, slug, *args, **kwargs)
            stamp = published_stamp(slug)
            if not stamp:  # not a published plan: the view answers (404)
                return view(request, slug, *args, **kwargs)
            raw = f"api|{request.get_full_path()}|{stamp}"
            key = "api:visitors:" + hashlib.sha256(raw.encode()).hexdigest()
            body = cache.get(key)
            if body is None:
                result = view(request, slug, *args, **kwargs)
                data = adapter.dump_python(adapter.validate_python(result), mode="json", exclude_unset=True)
                body = json.dumps(data, ensure_ascii=False)
                cache.set(key, body, timeout=VISITORS_TIMEOUT)
            return HttpResponse(body, content_type="application/json; charset=utf-8")

        return wrapper

    return decorator


# --- projects -------------------------------------------------------------------------------------

router = Router()


def _children(user, parents) -> dict[int, list]:
    """The declined projects the caller may read, for each of ``parents`` (one query)."""
    children: dict[int, list] = {p.pk: [] for p in parents}
    found = readable_projects(user).filter(parent__in=[p.pk for p in parents]).only("pk", "slug", "parent_id")
    for child in found.order_by("title", "pk"):
        children[child.parent_id].append(child)
    return children


@router.get("/projects", response={200: schemas.ProjectPage, **ERRORS}, exclude_unset=True, tags=["projets"])
def list_projects(request, page: int = PageNumber, taille: int = PageSize):
    """Les projets que vous pouvez lire : les plans publiés, et avec un jeton ceux dont vous êtes membre."""
    user = request.auth.user
    pks, facts = _page(readable_projects(user).order_by("title", "pk"), page, taille)
    projects = _in_order(Project.objects.select_related("territory", "parent"), pks)
    children = _children(user, projects)
    member = set(member_projects(user).filter(pk__in=pks).values_list("pk", flat=True))
    return {**facts, "results": [rep.project(p, children[p.pk], p.pk not in member) for p in projects]}


@router.get("/projects/{slug}", response={200: schemas.Project, **ERRORS}, exclude_unset=True, tags=["projets"])
@for_visitors(schemas.Project)
def get_project(request, slug: str):
    """Un projet, avec son projet parent et ses projets déclinés."""
    project, access = _project(request, slug)
    children = _children(request.auth.user, [project])[project.pk]
    return rep.project(project, children, not access.is_member)


@router.get("/projects/{slug}/tree", response={200: schemas.Tree, **ERRORS}, exclude_unset=True, tags=["projets"])
@for_visitors(schemas.Tree)
def get_tree(request, slug: str):
    """Les niveaux de l'arborescence et tous ses nœuds, avec les actions placées sous chacun."""
    project, access = _project(request, slug)
    placed: dict[int, list[str]] = {}
    for node_id, ref in (
        ActionNode.objects.filter(node__project=project)
        .order_by("position", "pk")
        .values_list("node_id", "action__ref")
    ):
        placed.setdefault(node_id, []).append(ref)
    nodes = Node.objects.filter(project=project).select_related("level", "referent").order_by("position", "pk")
    ordered = _parents_first(list(nodes))
    public = not access.is_member
    return {
        "levels": [rep.level(lv) for lv in project.levels.order_by("depth")],
        "nodes": [rep.node(n, placed.get(n.pk, []), public) for n in ordered],
    }


def _parents_first(nodes):
    children: dict[int | None, list] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    known = {n.pk for n in nodes}
    out, stack = [], [n for n in nodes if n.parent_id not in known][::-1]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(reversed(children.get(n.pk, [])))
    return out


@router.get("/projects/{slug}/levels", response={200: list[schemas.Level], **ERRORS}, tags=["projets"])
@for_visitors(list[schemas.Level])
def get_levels(request, slug: str):
    """Les niveaux de l'arborescence du projet (« Axe », « Objectif »…), du plus haut au plus bas."""
    project, _access = _project(request, slug)
    return [rep.level(lv) for lv in project.levels.order_by("depth")]


# --- actions --------------------------------------------------------------------------------------


class ActionFilters(schemas.Schema):
    """The actions list's parameters (docs/actions.md), read by ``actions.filtering``: unknown values are
    ignored, as on the list's page."""

    statut: list[str] = []
    origine: list[str] = []
    priorite: list[str] = []
    echelon: list[str] = []
    noeud: list[str] = []
    pilote: list[str] = []
    partenaire: list[str] = []
    theme: list[str] = []
    periode: list[str] = []
    annee: list[str] = []
    retard: str | None = None
    sans: list[str] = []
    q: str | None = None
    tri: str | None = None


@router.get(
    "/projects/{slug}/actions", response={200: schemas.ActionPage, **ERRORS}, exclude_unset=True, tags=["actions"]
)
@for_visitors(schemas.ActionPage)
def list_actions(request, slug: str, filters: Query[ActionFilters], page: int = PageNumber, taille: int = PageSize):
    """Les fiches actions du projet, filtrées et triées avec les paramètres de la liste des actions."""
    project, access = _project(request, slug)
    params = request.GET.copy()
    for name in ("q",):
        if name in params:
            params[name] = params[name][:200]
    pks, facts = _page(filter_actions(project, params), page, taille)
    shown = _in_order(Action.objects.select_related("parent").prefetch_related(*rep.SUMMARY_PREFETCH), pks)
    public = not access.is_member
    return {**facts, "results": [rep.action_summary(a, public) for a in shown]}


def _action(project, ref):
    action = rep.detail_queryset().filter(project=project, ref=ref).first()
    if action is None:
        raise Http404
    return action


def _target(project, ref):
    """The action a write changes: its row alone (the whole fiche is read once, for the answer)."""
    action = Action.objects.filter(project=project, ref=ref).first()
    if action is None:
        raise Http404
    action.project = project
    return action


def _etag(action) -> str:
    return f'"{action.version}"'


def _member_state(project, ref):
    return lambda: rep.action_detail(_action(project, ref), public=False)


@router.get(
    "/projects/{slug}/actions/{ref}", response={200: schemas.Action, **ERRORS}, exclude_unset=True, tags=["actions"]
)
@for_visitors(schemas.Action)
def get_action(request, slug: str, ref: str, response: HttpResponse):
    """Une fiche action entière : sections, partenaires et rôles, budget, indicateurs avec cibles et
    valeurs, notes de suivi. Pour un membre, l'en-tête ETag porte sa version."""
    project, access = _project(request, slug)
    action = _action(project, ref)
    if access.is_member:
        response["ETag"] = _etag(action)
    return rep.action_detail(action, not access.is_member)


@router.patch(
    "/projects/{slug}/actions/{ref}",
    response={200: schemas.Action, **WRITE_ERRORS},
    exclude_unset=True,
    tags=["actions"],
)
def patch_action(
    request, slug: str, ref: str, payload: schemas.ActionPatch, response: HttpResponse, if_match: str = IfMatch
):
    """Change le statut, l'intitulé ou des sections de la fiche. If-Match obligatoire (l'ETag lu) ;
    une version périmée reçoit 412 avec l'état actuel. L'historique nomme le titulaire du jeton."""
    project, access = _project(request, slug)
    action = _target(project, ref)
    _may_write(request, access.can_edit_action(action))
    _expected(request, _etag(action), required=True, state=_member_state(project, ref))
    changes = payload.dict(exclude_unset=True)
    if any(value is None for value in changes.values()):
        nulls = [{"path": f"$.{k}", "message": _("valeur obligatoire")} for k, v in changes.items() if v is None]
        raise ApiError("invalid_request", details=nulls)
    try:
        writing.patch_action(action, changes, request.auth.user, action.version)
    except writing.editing.Conflict:
        raise ApiError("version_conflict", current=_member_state(project, ref)()) from None
    touch([project.pk])
    saved = _action(project, ref)
    response["ETag"] = _etag(saved)
    return rep.action_detail(saved, public=False)


@router.post("/projects/{slug}/actions/{ref}/notes", response={201: schemas.Note, **WRITE_ERRORS}, tags=["actions"])
def add_note(request, slug: str, ref: str, payload: schemas.NoteIn):
    """Ajoute une note de suivi, signée du titulaire du jeton (et gardée dans l'historique)."""
    project, access = _project(request, slug)
    action = _target(project, ref)
    _may_write(request, access.can_edit_action(action))
    _expected(request, _etag(action), required=False, state=_member_state(project, ref))
    note = writing.add_note(action, payload.dict(), request.auth.user)
    return Status(201, {"date": note.date, "author": note.author, "text": note.text})


@router.post(
    "/projects/{slug}/actions/{ref}/indicators/{indicator_id}/values",
    response={200: schemas.Indicator, 201: schemas.Indicator, **WRITE_ERRORS},
    tags=["actions"],
)
def set_value(request, slug: str, ref: str, indicator_id: int, payload: schemas.ValueIn):
    """Enregistre la valeur d'un indicateur pour une période : remplace celle de la même période (200)
    ou l'ajoute (201). If-Match facultatif (la version de la fiche)."""
    project, access = _project(request, slug)
    action = _target(project, ref)
    _may_write(request, access.can_edit_action(action))
    _expected(request, _etag(action), required=False, state=_member_state(project, ref))
    indicator = Indicator.objects.filter(action=action, pk=indicator_id).first()
    if indicator is None:
        raise Http404
    added = writing.set_value(action, indicator, payload.dict(), request.auth.user)
    touch([project.pk])
    saved = Indicator.objects.prefetch_related("targets", "values").get(pk=indicator.pk)
    return Status(201 if added else 200, rep.indicator(saved))


# --- directory, governance, diagnostic, versions, campaigns -------------------------------------


@router.get(
    "/projects/{slug}/organisations",
    response={200: schemas.OrganisationPage, **ERRORS},
    exclude_unset=True,
    tags=["annuaire"],
)
@for_visitors(schemas.OrganisationPage)
def list_organisations(request, slug: str, page: int = PageNumber, taille: int = PageSize):
    """L'annuaire du projet : les organisations (un visiteur n'en lit que le nom, le sigle et le type)."""
    project, access = _project(request, slug)
    pks, facts = _page(Organisation.objects.filter(project=project).order_by("position", "pk"), page, taille)
    shown = _in_order(Organisation.objects.select_related("structure").prefetch_related("domains"), pks)
    public = not access.is_member
    return {**facts, "results": [rep.organisation(o, public) for o in shown]}


@router.get("/projects/{slug}/bodies", response={200: list[schemas.Body], **ERRORS}, tags=["gouvernance"])
def list_bodies(request, slug: str):
    """Les instances (COPIL, COTECH, groupes de travail) avec présidence et membres. Membres seulement."""
    project, access = _project(request, slug)
    _private(request, access)
    bodies = (
        Body.objects.filter(project=project)
        .select_related("chair")
        .prefetch_related(Prefetch("members", queryset=BodyMember.objects.select_related("person", "organisation")))
    )
    return [
        {
            "key": b.key,
            "kind": b.kind,
            "name": b.name,
            "description": b.description,
            "frequency": b.frequency,
            "chair": rep._person(b.chair),
            "members": [
                {
                    "person": rep._person(m.person),
                    "organisation": m.organisation.key if m.organisation_id else None,
                    "role": m.role,
                }
                for m in b.members.all()
            ],
        }
        for b in bodies.order_by("position", "pk")
    ]


@router.get("/projects/{slug}/meetings", response={200: schemas.MeetingPage, **ERRORS}, tags=["gouvernance"])
def list_meetings(request, slug: str, page: int = PageNumber, taille: int = PageSize):
    """Les réunions, les plus récentes d'abord, avec leurs décisions et les actions qu'elles concernent."""
    project, access = _project(request, slug)
    _private(request, access)
    pks, facts = _page(Meeting.objects.filter(project=project).order_by("-date", "-pk"), page, taille)
    decisions = Prefetch("decisions", queryset=Decision.objects.prefetch_related("actions").order_by("position", "pk"))
    shown = _in_order(Meeting.objects.select_related("body").prefetch_related(decisions), pks)
    results = [
        {
            "id": m.pk,
            "title": m.title,
            "date": m.date,
            "start_time": m.start_time.strftime("%H:%M") if m.start_time else None,
            "end_time": m.end_time.strftime("%H:%M") if m.end_time else None,
            "place": m.place,
            "body": m.body.key if m.body_id else None,
            "agenda": m.agenda,
            "minutes": m.minutes,
            "decisions": [{"text": d.text, "actions": [a.ref for a in d.actions.all()]} for d in m.decisions.all()],
        }
        for m in shown
    ]
    return {**facts, "results": results}


@router.get("/projects/{slug}/diagnostic", response={200: schemas.Diagnostic, **ERRORS}, tags=["diagnostic"])
def get_diagnostic(request, slug: str):
    """Le diagnostic partagé : tableaux d'indicateurs, constats, consultations, enjeux. Membres seulement."""
    project, access = _project(request, slug)
    _private(request, access)
    tables = KeyFigureTable.objects.filter(project=project).prefetch_related(
        "columns__territory", "rows__values__column"
    )
    out_tables = []
    for table in tables:
        columns = list(table.columns.all())
        rows = []
        for row in table.rows.all():
            by_column = {v.column_id: v.value for v in row.values.all()}
            rows.append(
                {"indicator": row.indicator, "unit": row.unit, "values": [by_column.get(c.pk, "") for c in columns]}
            )
        out_tables.append(
            {
                "title": table.title,
                "source": table.source,
                "year": table.year,
                "columns": [c.territory.name for c in columns],
                "rows": rows,
            }
        )
    return {
        "tables": out_tables,
        "findings": [
            {"theme": f.theme, "title": f.title, "text": f.text, "source": f.source} for f in project.findings.all()
        ],
        "consultations": [
            {
                "title": c.title,
                "method": c.method,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "residents": c.residents,
                "responses": c.responses,
                "description": c.description,
            }
            for c in project.consultations.all()
        ],
        "enjeux": [
            {
                "code": e.code,
                "title": e.title,
                "theme": e.theme,
                "description": e.description,
                "validated_on": e.validated_on,
            }
            for e in project.enjeux.all()
        ],
    }


@router.get("/projects/{slug}/versions", response={200: list[schemas.Version], **ERRORS}, tags=["versions"])
def list_versions(request, slug: str):
    """Les versions du plan (adoptées, en préparation). Membres seulement."""
    project, access = _project(request, slug)
    _private(request, access)
    versions = Version.objects.filter(project=project).defer("document").newest_first()
    return [
        {
            "id": v.pk,
            "label": v.label,
            "kind": v.kind,
            "state": v.state,
            "date": v.date,
            "deliberation_date": v.deliberation_date,
            "deliberation_reference": v.deliberation_reference,
            "deliberation_body": v.deliberation_body,
        }
        for v in versions
    ]


@router.get("/projects/{slug}/campaigns", response={200: list[schemas.Campaign], **ERRORS}, tags=["évaluation"])
def list_campaigns(request, slug: str):
    """Les campagnes d'évaluation du projet. Membres seulement."""
    project, access = _project(request, slug)
    _private(request, access)
    return [
        {
            "key": c.key,
            "title": c.title,
            "kind": c.kind,
            "first_year": c.first_year,
            "last_year": c.last_year,
            "due_date": c.due_date,
            "state": c.state,
            "scope": c.scope,
        }
        for c in Campaign.objects.filter(project=project).order_by("-created_at", "-pk")
    ]


# --- the interchange document --------------------------------------------------------------------


def _document(project) -> tuple[str, str]:
    text = to_json(export_project(project))
    return text, f'"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'


DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "description": "Un document maillage/project@1 (schemas/ du dépôt) décrivant ce projet.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.get("/projects/{slug}/document", response={200: dict, **ERRORS}, tags=["document d'échange"])
def get_document(request, slug: str):
    """Le projet entier en document d'échange maillage/project@1 ; l'ETag sert au remplacement. Membres seulement."""
    project, access = _project(request, slug)
    _private(request, access)
    text, etag = _document(project)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    return response


@router.put(
    "/projects/{slug}/document",
    response={200: schemas.Replaced, **WRITE_ERRORS},
    openapi_extra=DOCUMENT_BODY,
    tags=["document d'échange"],
)
def put_document(request: HttpRequest, slug: str, response: HttpResponse, if_match: str = IfMatch):
    """Remplace tout le projet par un document d'échange validé, en une transaction (coordination). Les
    membres et leurs liens à l'annuaire sont gardés. If-Match obligatoire (l'ETag du document lu)."""
    project, access = _project(request, slug)
    _may_write(request, access.can_replace_plan())
    if request.headers.get("If-Match") is None:
        raise ApiError("precondition_required")
    limit = settings.MAILLAGE_IMPORT_MAX_BYTES
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        problem = [{"path": "$", "message": _("document trop lourd (%(n)s octets au plus)") % {"n": limit}}]
        raise ApiError("invalid_document", details=problem)
    _text, etag = _document(project)
    _expected(request, etag, required=True)
    try:
        document = parse(request.read(limit + 1))
        replaced = replace_plan(project, document)
    except InvalidDocument as invalid:
        raise ApiError("invalid_document", details=[_problem(p) for p in invalid.problems[:50]]) from None
    except HasHistory:
        raise ApiError("plan_has_history") from None
    response["ETag"] = _document(replaced)[1]
    return {"slug": replaced.slug, "actions": replaced.actions.count()}


def _problem(problem: Problem) -> dict:
    return {"path": problem.path, "message": problem.message}


api.add_router("", router)
