"""The network screens: the parent chosen in the settings, requests accepted or refused, the roll-up.

Thin views over ``joining`` (the changes), ``accounts.access`` (who may) and ``rollup`` (the figures).
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts import access
from maillage.accounts.decorators import MANAGE, MEMBER, project_view
from maillage.actions.progress import STATUS_ORDER
from maillage.actions.vocabulary import project_labels

from . import joining
from .forms import ParentForm, apply_errors
from .models import NetworkRequest, Project
from .network import descendants_q
from .rollup import SORTS, rollup

ROWS_SHOWN = 100  # declined projects per page of the roll-up
HISTORY_SHOWN = 10


def parent_candidates(user, project):
    """Frameworks the settings offer: the user's own projects (any role) and the current parent, not the
    project nor one declined from it. Not every published plan: the list must not grow with the database."""
    mine = access.member_projects(user).values("pk")
    return (
        Project.objects.filter(Q(pk__in=mine) | Q(pk=project.parent_id or 0))
        .exclude(pk=project.pk)
        .exclude(descendants_q([project.pk]))
        .order_by("title", "pk")
    )


def network_context(request, project, parent_form=None) -> dict:
    """What the settings page shows of the network: the parent form, requests waiting, the history."""
    user = request.user
    mine = NetworkRequest.objects.filter(Q(child=project) | Q(parent=project)).select_related(
        "child", "parent", "requested_by", "decided_by"
    )
    received = []
    if access.is_network_admin(user, project):
        received = list(mine.filter(parent=project, state=NetworkRequest.State.PENDING))
    return {
        "parent_form": parent_form or ParentForm(project=project, candidates=parent_candidates(user, project)),
        "pending_request": mine.filter(child=project, state=NetworkRequest.State.PENDING).first(),
        "received_requests": received,
        "network_history": list(mine.exclude(state=NetworkRequest.State.PENDING)[:HISTORY_SHOWN]),
        "children": list(project.children.order_by("title").only("pk", "slug", "title", "published", "parent_id")),
    }


@project_view(need=MANAGE, public=None)
@require_POST
def set_parent(request, project):
    from .views import _settings_context

    form = ParentForm(request.POST, project=project, candidates=parent_candidates(request.user, project))
    if form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            if parent is not None and parent.pk == project.parent_id:
                raise ValidationError(
                    {"parent": _("Ce projet est déjà décliné de « %(parent)s ».") % {"parent": parent}}
                )
            if parent is None and project.parent_id is None:
                raise ValidationError({"parent": _("Ce projet n'est décliné d'aucun cadre.")})
            if parent is None:
                done = joining.detach(project, request.user)
            elif access.may_attach(request.user, project, parent):
                done = joining.attach(project, parent, request.user)
            else:
                done = joining.request_attach(project, parent, request.user, form.cleaned_data["message"])
        except PermissionDenied:
            form.add_error("parent", _("Vous ne pouvez pas rattacher ce projet à ce cadre."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if done.kind == NetworkRequest.Kind.DETACH:
                notice = _("Le projet n'est plus décliné de « %(parent)s ».")
            elif done.state == NetworkRequest.State.ACCEPTED:
                notice = _("Le projet est maintenant décliné de « %(parent)s ».")
            else:
                notice = _("Demande envoyée : l'administration du réseau de « %(parent)s » doit l'accepter.")
            messages.success(request, notice % {"parent": done.parent.title})
            return redirect(reverse("project-settings", args=[project.slug]) + "#reseau")
    context = _settings_context(request, project, parent_form=form)
    return render(request, "projects/settings.html", context, status=400)


def _request_of(project, pk, **where) -> NetworkRequest:
    return get_object_or_404(NetworkRequest.objects.select_related("child", "parent"), pk=pk, **where)


@project_view(need=MEMBER, public=None)
@require_POST
def decide_request(request, project, request_id, decision):
    """Accept or refuse a request to join ``project`` (its network admin), or withdraw one of ``project``'s."""
    if decision == "retirer":
        asked = _request_of(project, request_id, child=project)
        operation, notice = joining.cancel, _("La demande de rattachement à « %(parent)s » est retirée.")
    elif decision in ("accepter", "refuser"):
        asked = _request_of(project, request_id, parent=project)
        if decision == "accepter":
            operation, notice = joining.accept, _("« %(child)s » est maintenant décliné de « %(parent)s ».")
        else:
            operation, notice = joining.refuse, _("La demande de « %(child)s » est refusée.")
    else:
        raise Http404
    try:
        operation(asked, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, notice % {"child": asked.child.title, "parent": asked.parent.title})
    return redirect(reverse("project-settings", args=[project.slug]) + "#reseau")


# --- the roll-up ------------------------------------------------------------------------------------


def _readable_ids(user, project) -> set[int] | None:
    """The declined projects the viewer may open; None for all (the network's admins, superusers)."""
    if access.is_network_admin(user, project):
        return None
    return set(access.readable_projects(user).filter(descendants_q([project.pk])).values_list("pk", flat=True))


def sort_links(request, current: str) -> dict:
    """For each column, the URL that sorts by it (the other way round when it is the current order)."""
    links = {}
    for name in SORTS:
        wanted = f"-{name}" if current == name else name
        links[name] = f"?tri={wanted}"
    return links


@require_safe
@project_view(need=MEMBER)
def network_rollup(request, project):
    if not access.may_read_network(request.access):
        raise PermissionDenied
    readable = _readable_ids(request.user, project)
    network = rollup(project, readable=readable)
    if not network.rows:
        messages.info(request, _("Aucun projet n'est décliné de ce projet : il n'a pas de tableau de réseau."))
        return redirect("project-dashboard", project.slug)
    sort = request.GET.get("tri", "titre")
    if sort.lstrip("-") not in SORTS:
        sort = "titre"
    page = Paginator(network.sorted(sort), ROWS_SHOWN).get_page(request.GET.get("page"))
    labels = project_labels(project)
    shown = [code for code in STATUS_ORDER if network.total.counts.get(code)]
    rows = list(page.object_list)
    chart = {
        "x": json.dumps([[row.project.title for row in rows]]),
        "y": json.dumps([[row.figures.counts.get(code, 0) for row in rows] for code in shown]),
        "names": json.dumps([labels["status"][code] for code in shown]),
        "shares_y": json.dumps([[row.figures.done_share for row in rows], [row.figures.late_share for row in rows]]),
        "shares_names": json.dumps([_("Part terminée (%)"), _("Part en retard (%)")]),
    }

    def cells(figures):
        return [figures.counts.get(code, 0) for code in shown]

    totals = [
        (
            "total-declines",
            _("Total des projets déclinés"),
            network.children,
            cells(network.children),
            network.projects,
        ),
        ("total-cadre", _("Le cadre lui-même"), network.own, cells(network.own), ""),
        ("total-reseau", _("Tout le réseau"), network.total, cells(network.total), network.projects),
    ]
    context = {
        "project": project,
        "network": network,
        "rows": rows,
        "table": [(row, cells(row.figures)) for row in rows],
        "totals": totals,
        "page_obj": page,
        "sort": sort,
        "sort_name": sort.lstrip("-"),
        "descending": sort.startswith("-"),
        "sort_links": sort_links(request, sort),
        "statuses": [(code, labels["status"][code]) for code in shown],
        "labels": labels,
        "chart": chart,
        "breadcrumb_data": {
            "links": [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}],
            "current": _("Réseau"),
        },
    }
    return render(request, "projects/network.html", context)


def neighbours(user, project: Project, public: bool = False) -> dict:
    """The parent and the direct children a page names: for a visitor only published ones; for a member
    the parent (linked when readable) and the children (``access.may_read_network``)."""
    parent = project.parent if project.parent_id else None
    children = project.children.order_by("title", "pk").only("pk", "slug", "title", "published", "kind", "parent_id")
    if public:
        return {
            "network_parent": parent if parent is not None and parent.published else None,
            "network_children": list(children.filter(published=True)[:ROWS_SHOWN]),
        }
    shown = list(children[:ROWS_SHOWN])
    if not shown and parent is None:
        return {}
    wanted = [child.pk for child in shown] + ([parent.pk] if parent is not None else [])
    readable = set(access.readable_projects(user).filter(pk__in=wanted).values_list("pk", flat=True))
    return {
        "network_parent": parent,
        "network_parent_readable": parent is not None and parent.pk in readable,
        "network_children": shown,
        "network_children_readable": readable,
        "network_children_count": len(shown) if len(shown) < ROWS_SHOWN else project.children.count(),
    }
