"""Project screens for its members: dashboard, creation, settings and members, the strategy tree.

Views are thin: the figures come from ``dashboard``, the tree rules from ``editing``, creation and
levels from ``creation``, members from ``maillage.accounts.members``. Tree changes answer an htmx
request with the re-drawn tree (or the form with its errors), and a plain form post with a redirect.
"""

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from maillage.accounts import members
from maillage.accounts.access import may_read_network
from maillage.accounts.decorators import MANAGE, project_view
from maillage.accounts.models import Membership
from maillage.actions.models import Action
from maillage.actions.progress import STATUS_ORDER
from maillage.actions.vocabulary import project_labels
from maillage.partners import mobilisation
from maillage.partners.models import Person
from maillage.versions.taking import take_adoption_if_due

from . import editing
from .creation import create_project, free_slug, set_level_names
from .dashboard import action_list_url, figures
from .forms import (
    LevelNamesForm,
    MemberAddForm,
    MemberPersonForm,
    MemberRoleForm,
    NodeDeleteForm,
    NodeEditForm,
    NodeForm,
    NodeMoveForm,
    PlaceActionForm,
    ProjectCreateForm,
    ProjectSettingsForm,
    apply_errors,
    node_of,
)
from .models import Level, Node
from .network_views import neighbours
from .stamp import touch
from .tree import branch_page, build_tree, tree_page, walk


def _posted(request):
    """The posted data, or None for a GET: an empty post (a delete button alone) is still a post."""
    return request.POST if request.method == "POST" else None


def _crumbs(project, current, *links):
    return {
        "links": [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}, *links],
        "current": current,
    }


# Dashboard ------------------------------------------------------------------------------------


@project_view()
def dashboard(request, project):
    labels = project_labels(project)
    numbers = figures(project)
    list_url = action_list_url(project)
    statuses = [(code, labels["status"][code], numbers.counts[code]) for code in STATUS_ORDER]
    shown = [code for code, _label, n in statuses if n]
    chart = {
        "status_x": json.dumps([[label for code, label, n in statuses if n]]),
        "status_y": json.dumps([[n for code, label, n in statuses if n]]),
        "status_names": json.dumps([_("Actions")]),
        "nodes_x": json.dumps([[str(root.node) for root in numbers.roots]]),
        "nodes_y": json.dumps([[root.counts[code] for root in numbers.roots] for code in shown]),
        "nodes_names": json.dumps([labels["status"][code] for code in shown]),
    }
    node_rows = [(root, [root.counts[code] for code in shown], root.total) for root in numbers.roots]
    completeness = [
        ("sans-pilote", _("Actions sans pilote"), numbers.without_lead, f"{list_url}?sans=pilote"),
        ("sans-indicateur", _("Actions sans indicateur"), numbers.without_indicator, f"{list_url}?sans=indicateur"),
        ("sans-partenaire", _("Actions sans partenaire"), numbers.without_partner, f"{list_url}?sans=partenaire"),
    ]
    context = {
        "project": project,
        "labels": labels,
        "figures": numbers,
        "statuses": statuses,
        "shown_statuses": shown,
        "chart": chart,
        "node_rows": node_rows,
        "list_url": list_url,
        "completeness": completeness,
        "mobilisation": mobilisation.headline(project),
        "can_manage": request.access.can_manage,
        "can_read_network": may_read_network(request.access),
        **neighbours(request.user, project),
        "breadcrumb_data": {"current": project.title},
    }
    return render(request, "projects/dashboard.html", context)


# Creation and settings ------------------------------------------------------------------------


@login_required
def create(request):
    form = ProjectCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = create_project(
                request.user,
                kind=data["kind"],
                title=data["title"],
                slug=data["slug"] or free_slug(data["title"]),
                first_year=data["first_year"],
                last_year=data["last_year"],
                level_names=data["levels"],
                territory=data["territory"],
                territory_name=data["territory_name"],
                owner_name=data["owner_name"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Le projet « %(title)s » est créé. Construisez maintenant son arborescence.") % data
            )
            return redirect("project-tree", project.slug)
    context = {"form": form, "breadcrumb_data": {"current": _("Nouveau projet")}}
    return render(request, "projects/create.html", context)


def _settings_context(request, project, **forms):
    from .network_views import network_context

    levels = list(Level.objects.filter(project=project).order_by("depth"))
    return {
        **network_context(request, project, forms.get("parent_form")),
        "project": project,
        "form": forms.get("form") or ProjectSettingsForm(instance=project),
        "levels_form": forms.get("levels_form") or LevelNamesForm(levels=levels),
        "levels": levels,
        "breadcrumb_data": _crumbs(project, _("Paramètres")),
    }


@project_view(need=MANAGE, public=None)
def settings(request, project):
    before_state, before_date = project.state, project.deliberation_date
    form = ProjectSettingsForm(_posted(request), instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Les paramètres du projet sont enregistrés."))
        # Recording the adoption takes the plan's first version (maillage.versions).
        if take_adoption_if_due(project, request.user, before_state=before_state, before_date=before_date):
            messages.info(request, _("Le plan adopté est enregistré comme version : voir la page Versions."))
        return redirect("project-settings", project.slug)
    return render(request, "projects/settings.html", _settings_context(request, project, form=form))


@project_view(need=MANAGE, public=None)
@require_POST
def levels(request, project):
    current = list(Level.objects.filter(project=project).order_by("depth"))
    form = LevelNamesForm(request.POST, levels=current)
    if form.is_valid():
        try:
            set_level_names(project, form.names(), form.cleaned_data.get("new_level", ""))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Les niveaux de l'arborescence sont enregistrés."))
            return redirect(reverse("project-settings", args=[project.slug]) + "#niveaux")
    context = _settings_context(request, project, levels_form=form)
    return render(request, "projects/settings.html", context, status=400)


@project_view(need=MANAGE, public=None)
@require_POST
def publish(request, project):
    wanted = request.POST.get("published")
    if wanted not in ("1", "0"):
        messages.error(request, _("Demande de publication incomplète : rien n'a changé."))
        return redirect("project-settings", project.slug)
    project.published = wanted == "1"
    project.save(update_fields=["published", "modified_at"])
    # The public pages of its parent and children name the published projects of the network.
    touch([*project.children.values_list("pk", flat=True), *([project.parent_id] if project.parent_id else [])])
    if project.published:
        messages.success(
            request,
            _("Le plan est publié : chacun peut le lire sur %(url)s.")
            % {"url": reverse("public-plan", args=[project.slug])},
        )
    else:
        messages.success(request, _("Le plan n'est plus public : seuls les membres du projet le voient."))
    return redirect(reverse("project-settings", args=[project.slug]) + "#publication")


# Members --------------------------------------------------------------------------------------


def _member_of(project, membership_id) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "project"), project=project, pk=membership_id)


def _check_may_change(request, membership):
    """Only someone holding the network admin role may change or remove a network admin's role."""
    roles = dict(members.grantable_roles(request.access))
    if membership.role not in roles:
        raise PermissionDenied


def _members_context(request, project, **forms):
    roles = members.grantable_roles(request.access)
    people = Prefetch(
        "user__people", queryset=Person.objects.filter(project=project).order_by("name"), to_attr="linked"
    )
    memberships = (
        Membership.objects.filter(project=project)
        .select_related("user", "organisation")
        .prefetch_related(people)
        .order_by("user__username")
    )
    return {
        "project": project,
        "memberships": memberships,
        "add_form": forms.get("add_form") or MemberAddForm(roles=roles, project=project),
        "roles": roles,
        "role_codes": [code for code, _label in roles],
        "people": list(project.people.order_by("name")),
        "breadcrumb_data": _crumbs(
            project,
            _("Membres"),
            {"url": reverse("project-settings", args=[project.slug]), "title": _("Paramètres")},
        ),
    }


@project_view(need=MANAGE, public=None)
def members_view(request, project):
    form = None
    if request.method == "POST":
        form = MemberAddForm(request.POST, roles=members.grantable_roles(request.access), project=project)
        if form.is_valid():
            try:
                membership, invited = members.add_member(
                    project,
                    form.cleaned_data["identifier"],
                    form.cleaned_data["role"],
                    inviter=request.user,
                    base_url=request.build_absolute_uri("/"),
                    organisation=form.cleaned_data.get("organisation"),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                name = membership.user.get_username()
                if invited:
                    messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": membership.user.email})
                else:
                    messages.success(request, _("%(name)s rejoint le projet.") % {"name": name})
                return redirect("project-members", project.slug)
    context = _members_context(request, project, add_form=form)
    return render(request, "projects/members.html", context, status=400 if form else 200)


def _member_action_done(request, project, error=None, notice=""):
    if error is not None:
        messages.error(request, " ".join(error.messages))
    elif notice:
        messages.success(request, notice)
    return redirect("project-members", project.slug)


@project_view(need=MANAGE, public=None)
@require_POST
def member_role(request, project, membership_id):
    membership = _member_of(project, membership_id)
    _check_may_change(request, membership)
    form = MemberRoleForm(request.POST, roles=members.grantable_roles(request.access))
    if not form.is_valid():
        return _member_action_done(request, project, ValidationError(_("Choisissez un rôle de la liste.")))
    try:
        members.change_role(membership, form.cleaned_data["role"])
    except ValidationError as error:
        return _member_action_done(request, project, error)
    notice = _("%(name)s : rôle « %(role)s ».") % {
        "name": membership.user.get_username(),
        "role": membership.get_role_display(),
    }
    return _member_action_done(request, project, notice=notice)


@project_view(need=MANAGE, public=None)
@require_POST
def member_remove(request, project, membership_id):
    membership = _member_of(project, membership_id)
    _check_may_change(request, membership)
    try:
        members.remove_member(membership)
    except ValidationError as error:
        return _member_action_done(request, project, error)
    notice = _("%(name)s ne fait plus partie du projet.") % {"name": membership.user.get_username()}
    return _member_action_done(request, project, notice=notice)


@project_view(need=MANAGE, public=None)
@require_POST
def member_person(request, project, membership_id):
    membership = _member_of(project, membership_id)
    unlink = request.POST.get("unlink")
    if unlink:
        if not unlink.isdigit():
            raise Http404
        person = get_object_or_404(Person, project=project, pk=unlink)
        members.unlink_person(membership, person)
        return _member_action_done(request, project, notice=_("Lien avec « %(person)s » retiré.") % {"person": person})
    form = MemberPersonForm(request.POST, project=project)
    if not form.is_valid():
        return _member_action_done(request, project, ValidationError(_("Choisissez une personne de l'annuaire.")))
    person = form.cleaned_data["person"]
    members.link_person(membership, person)
    notice = _("%(name)s est lié·e à « %(person)s » : ses actions pilotées lui sont ouvertes.") % {
        "name": membership.user.get_username(),
        "person": person,
    }
    return _member_action_done(request, project, notice=notice)


# Strategy tree --------------------------------------------------------------------------------

PANEL = re.compile(r"^[a-z0-9-]{1,80}$")


def _tree_actions(project):
    """The actions the tree shows: top-level ones (sub-actions are on their parent's fiche)."""
    return Action.objects.filter(project=project, parent__isnull=True).only(
        "pk", "ref", "code", "title", "status", "project_id", "position"
    )


def _tree_context(request, project, notice=""):
    drawn = tree_page(project, _tree_actions(project))
    branches = list(walk(drawn.roots))
    _attach_referents([branch.node for branch, _depth in branches])
    levels = list(Level.objects.filter(project=project).order_by("depth"))
    deepest = levels[-1].depth if levels else 0
    return {
        "project": project,
        "branches": branches,
        "unplaced": drawn.unplaced,
        "unplaced_count": drawn.unplaced_count,
        "levels": levels,
        "deepest": deepest,
        "child_level": {level.depth - 1: level for level in levels},
        "labels": project_labels(project),
        "can_manage": request.access.can_manage,
        "notice": notice,
        "root_form": NodeForm(auto_id="racine-%s"),
        "breadcrumb_data": _crumbs(project, _("Arborescence")),
    }


def _attach_referents(nodes) -> None:
    """The nodes' elected referents in one query (the tree's skeleton reads the nodes alone)."""
    wanted = {node.referent_id for node in nodes if node.referent_id}
    people = Person.objects.filter(pk__in=wanted).only("pk", "name", "function", "project_id") if wanted else []
    by_pk = {person.pk: person for person in people}
    for node in nodes:
        if node.referent_id in by_pk:
            node.referent = by_pk[node.referent_id]


def _tree_answer(request, project, notice, anchor=""):
    """After a change: the re-drawn tree for htmx, a redirect to the tree page otherwise."""
    if request.htmx:
        return render(request, "projects/tree/_tree.html", _tree_context(request, project, notice))
    messages.success(request, notice)
    return redirect(reverse("project-tree", args=[project.slug]) + (f"#{anchor}" if anchor else ""))


def _panel(request, default):
    value = request.POST.get("panneau") or request.GET.get("panneau") or ""
    return value if PANEL.match(value) else default


def _form_answer(request, project, template_context, status=200):
    """A tree form: inline in its panel for htmx, as a page of its own otherwise."""
    context = {"project": project, "inline": bool(request.htmx), **template_context}
    if request.htmx:
        response = render(request, "projects/tree/_panel_form.html", context)
        if request.method == "POST":  # errors: show the form again where it was, not in place of the tree
            response = reswap(retarget(response, f"#{context['panel']}"), "outerHTML")
        return response
    context["breadcrumb_data"] = _crumbs(
        project, context["heading"], {"url": reverse("project-tree", args=[project.slug]), "title": _("Arborescence")}
    )
    return render(request, "projects/tree/form_page.html", context, status=status)


@project_view()
def tree(request, project):
    if request.htmx:
        return render(request, "projects/tree/_tree.html", _tree_context(request, project))
    return render(request, "projects/tree/tree.html", _tree_context(request, project))


@require_safe
@project_view()
def node_actions(request, project, node_id):
    """A node's actions, a page at a time: opened in the tree of a large plan (htmx), or as a page."""
    node = _node(project, node_id)
    page = branch_page(project, node, _tree_actions(project), request.GET.get("page"))
    context = {
        "project": project,
        "node": node,
        "page": page,
        "url": reverse("node-actions", args=[project.slug, node.pk]),
        "item": "projects/tree/_tree_action.html",
        "labels": project_labels(project),
        "can_manage": request.access.can_manage,
        "continued": bool(request.GET.get("suite")),
    }
    if request.htmx:
        return render(request, "projects/tree/_branch_actions.html", context)
    context["back_url"] = reverse("project-tree", args=[project.slug])
    context["back_label"] = _("Retour à l'arborescence")
    context["breadcrumb_data"] = _crumbs(
        project, str(node)[:80], {"url": context["back_url"], "title": _("Arborescence")}
    )
    return render(request, "projects/tree/branch.html", context)


def _node(project, node_id) -> Node:
    if not str(node_id).isdigit():
        raise Http404
    return get_object_or_404(Node.objects.select_related("level", "parent__level"), project=project, pk=node_id)


@project_view(need=MANAGE, public=None)
def node_add(request, project):
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    parent = _node(project, parent_id) if parent_id else None
    form = NodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            node = editing.add_node(project, parent, form.cleaned_data["title"], form.cleaned_data["code"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _tree_answer(request, project, _("« %(node)s » est ajouté.") % {"node": node}, f"noeud-{node.pk}")
    if parent:
        level = Level.objects.filter(project=project, depth=parent.level.depth + 1).first()
        heading = _("Ajouter sous « %(node)s »") % {"node": parent}
        if level:
            heading = _("Ajouter un niveau « %(level)s » sous « %(node)s »") % {"level": level, "node": parent}
    else:
        heading = _("Ajouter un nœud à la racine")
    context = {
        "form": form,
        "heading": heading,
        "action_url": reverse("node-add", args=[project.slug]),
        "hidden": {"parent": parent.pk} if parent else {},
        "submit": _("Ajouter"),
        "form_id": f"form-ajout-{parent.pk if parent else 'racine'}",
        "panel": _panel(request, f"noeud-{parent.pk}-panneau" if parent else "racine-panneau"),
    }
    return _form_answer(request, project, context, status=400 if request.method == "POST" else 200)


@project_view(need=MANAGE, public=None)
def node_rename(request, project, node_id):
    node = _node(project, node_id)
    form = NodeEditForm(
        _posted(request),
        project=project,
        node=node,
        initial={"title": node.title, "code": node.code, "referent": node.referent_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            editing.rename_node(node, data["title"], data["code"], data["referent"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _tree_answer(request, project, _("« %(node)s » est modifié.") % {"node": node}, f"noeud-{node.pk}")
    context = {
        "form": form,
        "heading": _("Modifier « %(node)s »") % {"node": node},
        "action_url": reverse("node-rename", args=[project.slug, node.pk]),
        "submit": _("Enregistrer"),
        "form_id": f"form-renommer-{node.pk}",
        "panel": _panel(request, f"noeud-{node.pk}-panneau"),
    }
    return _form_answer(request, project, context, status=400 if request.method == "POST" else 200)


@project_view(need=MANAGE, public=None)
def node_move(request, project, node_id):
    node = _node(project, node_id)
    branch = editing.subtree_ids(node)
    roots = build_tree(project, Action.objects.none())
    form = NodeMoveForm(
        _posted(request), roots=roots, node=node, branch=branch, initial={"parent": node.parent_id or ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            editing.move_node(node, node_of(project, form.cleaned_data["parent"]))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _tree_answer(request, project, _("« %(node)s » est déplacé.") % {"node": node}, f"noeud-{node.pk}")
    context = {
        "form": form,
        "heading": _("Déplacer « %(node)s »") % {"node": node},
        "intro": _("Le nœud garde son niveau (« %(level)s ») et emmène ses sous-nœuds et ses actions.")
        % {"level": node.level},
        "action_url": reverse("node-move", args=[project.slug, node.pk]),
        "submit": _("Déplacer"),
        "form_id": f"form-deplacer-{node.pk}",
        "panel": _panel(request, f"noeud-{node.pk}-panneau"),
    }
    return _form_answer(request, project, context, status=400 if request.method == "POST" else 200)


@project_view(need=MANAGE, public=None)
@require_POST
def node_reorder(request, project, node_id):
    node = _node(project, node_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise PermissionDenied
    moved = editing.reorder_node(node, direction)
    if not moved:
        notice = _("« %(node)s » est déjà à cette extrémité.") % {"node": node}
    elif direction == "up":
        notice = _("« %(node)s » monte d'un rang.") % {"node": node}
    else:
        notice = _("« %(node)s » descend d'un rang.") % {"node": node}
    return _tree_answer(request, project, notice, f"noeud-{node.pk}")


@project_view(need=MANAGE, public=None)
def node_delete(request, project, node_id):
    node = _node(project, node_id)
    branch = editing.subtree_ids(node)
    placed = Action.objects.filter(project=project, placements__node_id__in=branch).distinct()
    n_actions = placed.count()
    roots = build_tree(project, Action.objects.none())
    form = NodeDeleteForm(
        _posted(request), roots=roots, branch=branch, has_actions=bool(n_actions), has_children=len(branch) > 1
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = node_of(project, form.cleaned_data.get("actions_to"))
            moved = editing.delete_node(
                node, actions_to=target, branch_confirmed=form.cleaned_data.get("confirm_branch", False)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            notice = _("« %(node)s » est supprimé.") % {"node": node}
            if moved:
                notice += " " + _("%(n)s action(s) placée(s) sous « %(target)s ».") % {"n": moved, "target": target}
            elif n_actions:
                notice += " " + _("Ses actions restent dans le projet, non placées si elles n'avaient que ce nœud.")
            return _tree_answer(request, project, notice)
    intro = []
    if len(branch) > 1:
        intro.append(_("Ce nœud a %(n)s sous-nœud(s), supprimés avec lui.") % {"n": len(branch) - 1})
    if n_actions:
        intro.append(_("%(n)s action(s) y sont placées : dites où elles vont.") % {"n": n_actions})
    context = {
        "form": form,
        "heading": _("Supprimer « %(node)s »") % {"node": node},
        "intro": " ".join(intro) or _("Ce nœud n'a ni sous-nœud ni action."),
        "action_url": reverse("node-delete", args=[project.slug, node.pk]),
        "submit": _("Supprimer"),
        "danger": True,
        "form_id": f"form-supprimer-{node.pk}",
        "panel": _panel(request, f"noeud-{node.pk}-panneau"),
    }
    return _form_answer(request, project, context, status=400 if request.method == "POST" else 200)


@project_view(need=MANAGE, public=None)
def action_place(request, project, action_id):
    action = get_object_or_404(Action, project=project, pk=action_id)
    placed = set(action.placements.values_list("node_id", flat=True))
    roots = build_tree(project, Action.objects.none())
    form = PlaceActionForm(_posted(request), roots=roots, placed=placed)
    if request.method == "POST" and form.is_valid():
        try:
            node = node_of(project, form.cleaned_data["node"])
            editing.place_action(action, node)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            notice = _("« %(action)s » est aussi placée sous « %(node)s ».") % {"action": action.ref, "node": node}
            return _tree_answer(request, project, notice, f"noeud-{node.pk}")
    context = {
        "form": form,
        "heading": _("Placer « %(action)s » sous un autre nœud") % {"action": action},
        "intro": _("Une fiche peut servir plusieurs objectifs : elle apparaît alors sous chacun."),
        "action_url": reverse("action-place", args=[project.slug, action.pk]),
        "submit": _("Placer"),
        "form_id": f"form-placer-{action.pk}",
        "panel": _panel(request, f"action-{action.pk}-panneau"),
    }
    return _form_answer(request, project, context, status=400 if request.method == "POST" else 200)


@project_view(need=MANAGE, public=None)
@require_POST
def action_unplace(request, project, action_id, node_id):
    action = get_object_or_404(Action, project=project, pk=action_id)
    node = _node(project, node_id)
    if editing.unplace_action(action, node):
        notice = _("« %(action)s » n'est plus sous « %(node)s ».") % {"action": action.ref, "node": node}
    else:
        notice = _("« %(action)s » n'était pas sous « %(node)s ».") % {"action": action.ref, "node": node}
    return _tree_answer(request, project, notice)
