"""The versions screens: the list, one version read-only, the comparison and the renewal bilan for every
member; taking a version and the whole update of the plan for coordinators.

Every version is found through its project (``_version``): the id of another project's version is a
404. The rules are in ``taking``; the views turn their French ValidationErrors into form errors.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import MANAGE, project_view
from maillage.actions.models import Action
from maillage.actions.vocabulary import project_labels
from maillage.projects.forms import apply_errors

from . import taking
from .comparing import renewal_bilan, update_panorama
from .forms import AdoptForm, CarryOverForm, CloseForm, PeriodForm, StartUpdateForm, TakeVersionForm
from .models import Version
from .reading import Plan
from .taking import CURRENT

FORMATS = [("docx", "DOCX"), ("odt", "ODT"), ("pdf", "PDF")]
LIST_FIELDS = [
    "pk",
    "project_id",
    "label",
    "kind",
    "state",
    "date",
    "deliberation_date",
    "deliberation_reference",
    "deliberation_body",
    "note",
    "based_on_id",
    "size",
    "summary",
    "taken_by_name",
    "taken_at",
]


def _crumbs(project, current=None, *links):
    home = {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}
    if current is None:
        return {"links": [home], "current": _("Versions")}
    versions = {"url": reverse("versions", args=[project.slug]), "title": _("Versions")}
    return {"links": [home, versions, *links], "current": current}


def _version(project, pk, document=False) -> Version:
    """The project's version (404 for any other id), with its document only when asked."""
    fields = [*LIST_FIELDS, "document"] if document else LIST_FIELDS
    version = Version.objects.filter(project=project, pk=pk).only(*fields).first()
    if version is None:
        raise Http404
    return version


def _choices(versions):
    return [(CURRENT, _("Le plan aujourd'hui"))] + [
        (str(v.pk), f"{v.label} — {v.date:%d/%m/%Y} ({v.get_state_display().lower()})") for v in versions
    ]


# --- reading ----------------------------------------------------------------------------------------


@project_view()
def versions(request, project, take_form=None):
    listed = list(Version.objects.filter(project=project).only(*LIST_FIELDS).newest_first())
    update = next((v for v in listed if v.is_open_update), None)
    adopted = [v for v in listed if v.is_adopted]
    previous = {}
    for index, version in enumerate(listed):
        older = next((v for v in listed[index + 1 :] if not v.is_open_update), None)
        previous[version.pk] = version.based_on_id or (older.pk if older else None)
    rows = [(version, previous.get(version.pk)) for version in listed]
    context = {
        "project": project,
        "rows": rows,
        "update": update,
        "in_force": adopted[0] if adopted else None,
        "choices": _choices(listed),
        "default_from": str(adopted[0].pk) if adopted else (str(listed[0].pk) if listed else ""),
        "can_manage": request.access.can_manage,
        "take_form": take_form or (TakeVersionForm() if request.access.can_manage else None),
        "breadcrumb_data": _crumbs(project),
    }
    return render(request, "versions/versions.html", context, status=400 if take_form else 200)


@project_view(public=None)
def version_detail(request, project, pk):
    version = _version(project, pk, document=True)
    if version.is_open_update:
        return redirect("update", project.slug)
    plan = Plan(version.read())
    context = {
        "project": project,
        "version": version,
        "plan": plan,
        "branches": list(plan.branches()),
        "unplaced": plan.unplaced(),
        "statuses": plan.status_rows(),
        "based_on": _version(project, version.based_on_id) if version.based_on_id else None,
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, version.label),
    }
    return render(request, "versions/version.html", context)


@project_view(public=None)
def version_action(request, project, pk, ref):
    version = _version(project, pk, document=True)
    if version.is_open_update:
        return redirect("action-detail", project.slug, ref)
    plan = Plan(version.read())
    fiche = plan.fiche(ref)
    if fiche is None:
        raise Http404
    context = {
        "project": project,
        "version": version,
        "fiche": fiche,
        "live_exists": Action.objects.filter(project=project, ref=ref).exists(),
        "breadcrumb_data": _crumbs(
            project,
            f"{ref} — {fiche['action']['title']}"[:80],
            {"url": reverse("version-detail", args=[project.slug, version.pk]), "title": version.label},
        ),
    }
    return render(request, "versions/version_action.html", context)


@require_safe
@project_view(public=None)
def version_document(request, project, pk):
    """The stored interchange document, as exported at that moment (members only: it names people)."""
    version = _version(project, pk, document=True)
    if version.is_open_update:
        raise Http404
    text = version.json_text()
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    name = f"{project.slug}-version-{version.pk}-{version.date.isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pair(request, project, listed):
    """The (from, to) of a comparison asked in the query string; defaults: the version in force → today."""
    known = {str(v.pk) for v in listed} | {CURRENT}
    adopted = [v for v in listed if v.is_adopted]
    default_from = str(adopted[0].pk) if adopted else (str(listed[0].pk) if listed else CURRENT)
    old = request.GET.get("de") or default_from
    new = request.GET.get("a") or CURRENT
    if old not in known or new not in known:
        raise Http404
    return old, new


def _comparison_page(request, project, template, build):
    listed = list(Version.objects.filter(project=project).only(*LIST_FIELDS).newest_first())
    old, new = _pair(request, project, listed)
    comparison = taking.comparison_of(project, old, new)
    argument = f"{old}:{new}"
    context = {
        "project": project,
        "comparison": comparison,
        "choices": _choices(listed),
        "old": old,
        "new": new,
        "argument": argument,
        "formats": FORMATS,
        **build(comparison),
    }
    return render(request, template, context)


@require_safe
@project_view()
def compare(request, project):
    def build(comparison):
        return {
            "panorama": update_panorama(comparison),
            "breadcrumb_data": _crumbs(project, _("Comparer deux versions")),
        }

    return _comparison_page(request, project, "versions/compare.html", build)


@require_safe
@project_view()
def bilan(request, project):
    def build(comparison):
        return {"bilan": renewal_bilan(comparison), "breadcrumb_data": _crumbs(project, _("Bilan du plan précédent"))}

    return _comparison_page(request, project, "versions/bilan.html", build)


# --- taking a version by hand ---------------------------------------------------------------------------


@require_POST
@project_view(need=MANAGE, public=None)
def version_take(request, project):
    form = TakeVersionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = taking.take_version(
                project,
                label=data["label"],
                user=request.user,
                adopted=data["adopted"],
                date=data["deliberation_date"],
                deliberation_date=data["deliberation_date"],
                reference=data["reference"],
                body=data["body"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("La version « %(label)s » est enregistrée.") % {"label": version.label})
            return redirect("version-detail", project.slug, version.pk)
    return versions.__wrapped__(request, project, take_form=form)


@require_POST
@project_view(need=MANAGE, public=None)
def version_delete(request, project, pk):
    version = _version(project, pk)
    if version.kind != Version.Kind.MANUAL or version.is_adopted:
        messages.error(request, _("Seule une version prise à la main et non adoptée peut être supprimée."))
        return redirect("version-detail", project.slug, version.pk)
    label = version.label
    version.delete()
    messages.success(request, _("La version « %(label)s » est supprimée.") % {"label": label})
    return redirect("versions", project.slug)


# --- the update of the plan -----------------------------------------------------------------------------


@project_view(need=MANAGE, public=None)
def update_start(request, project):
    if taking.open_update(project) is not None:
        messages.info(request, _("Une mise à jour est déjà en cours : la voici."))
        return redirect("update", project.slug)
    needs_base = taking.last_adopted(project) is None
    initial = {"label": taking.default_update_label()}
    if needs_base:
        initial.update({"base_date": project.deliberation_date, "base_reference": project.deliberation_reference})
    form = StartUpdateForm(request.POST if request.method == "POST" else None, initial=initial, needs_base=needs_base)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = taking.start_update(
                project,
                request.user,
                label=data["label"],
                note=data["note"],
                base_date=data.get("base_date"),
                base_reference=data.get("base_reference", ""),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("La mise à jour « %(label)s » est ouverte : le plan en est la copie de travail.")
                % {"label": update.label},
            )
            return redirect("update", project.slug)
    context = {
        "project": project,
        "form": form,
        "needs_base": needs_base,
        "breadcrumb_data": _crumbs(project, _("Démarrer une mise à jour")),
    }
    return render(request, "versions/update_start.html", context, status=400 if form.errors else 200)


def _open_update_or_redirect(request, project):
    update = taking.open_update(project)
    if update is None:
        messages.info(request, _("Aucune mise à jour n'est en cours : démarrez-en une."))
    return update


@project_view(need=MANAGE, public=None)
def update_screen(request, project, **forms):
    update = _open_update_or_redirect(request, project)
    if update is None:
        return redirect("versions", project.slug)
    top = (
        Action.objects.filter(project=project, parent__isnull=True)
        .only("pk", "ref", "code", "title", "status", "position", "project_id")
        .prefetch_related(Prefetch("periods"))
        .order_by("position", "pk")
    )
    actions = list(top)
    carry = [a for a in actions if a.status in (Action.Status.POSTPONED, Action.Status.CONTINUOUS)]
    closable = [a for a in actions if a.status not in (Action.Status.DONE, Action.Status.ABANDONED)]
    base = _version(project, update.based_on_id) if update.based_on_id else None
    comparison = taking.comparison_of(project, str(base.pk), CURRENT) if base else None
    context = {
        "project": project,
        "update": update,
        "base": base,
        "comparison": comparison,
        "labels": project_labels(project),
        "carry": carry,
        "closable": closable,
        "periods": list(project.periods.all()),
        "carry_form": forms.get("carry_form") or CarryOverForm(project=project),
        "close_form": forms.get("close_form") or CloseForm(project=project),
        "period_form": forms.get("period_form") or PeriodForm(),
        "adopt_form": forms.get("adopt_form") or AdoptForm(initial={"label": update.label}),
        "breadcrumb_data": _crumbs(project, update.label),
    }
    return render(request, "versions/update.html", context, status=400 if forms else 200)


def _on_update(request, project, name, form, apply, success):
    """Run one step of the update from its form; on error, the screen again with the form's errors."""
    update = _open_update_or_redirect(request, project)
    if update is None:
        return redirect("versions", project.slug)
    if form.is_valid():
        try:
            result = apply(update, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success(result))
            return redirect(reverse("update", args=[project.slug]) + f"#{name}")
    return update_view(request, project, **{f"{name}_form": form})


def update_view(request, project, **forms):
    return update_screen.__wrapped__(request, project, **forms)


@require_POST
@project_view(need=MANAGE, public=None)
def update_carry_over(request, project):
    form = CarryOverForm(request.POST, project=project)

    def apply(update, data):
        return taking.carry_over(update, data["actions"], data["periods"], request.user, status=data["status"])

    def success(n):
        return _("%(n)s action(s) reconduite(s).") % {"n": n}

    return _on_update(request, project, "carry", form, apply, success)


@require_POST
@project_view(need=MANAGE, public=None)
def update_close(request, project):
    form = CloseForm(request.POST, project=project)

    def apply(update, data):
        return taking.close_actions(update, data["actions"], data["status"], request.user, reason=data["reason"])

    def success(n):
        return _("%(n)s action(s) close(s) ; l'historique de chacune nomme la mise à jour.") % {"n": n}

    return _on_update(request, project, "close", form, apply, success)


@require_POST
@project_view(need=MANAGE, public=None)
def update_period(request, project):
    form = PeriodForm(request.POST)

    def apply(update, data):
        return taking.add_period(project, data["label"], data["first_year"], data["last_year"])

    def success(period):
        return _("La période « %(label)s » est ajoutée au plan.") % {"label": period.label}

    return _on_update(request, project, "period", form, apply, success)


@require_POST
@project_view(need=MANAGE, public=None)
def update_adopt(request, project):
    form = AdoptForm(request.POST)
    update = _open_update_or_redirect(request, project)
    if update is None:
        return redirect("versions", project.slug)
    if form.is_valid():
        data = form.cleaned_data
        try:
            adopted = taking.adopt_update(
                update,
                request.user,
                date=data["date"],
                reference=data["reference"],
                body=data["body"],
                label=data["label"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("La mise à jour « %(label)s » est adoptée : la version est enregistrée, la précédente reste lisible.")
                % {"label": adopted.label},
            )
            url = reverse("version-compare", args=[project.slug])
            return redirect(f"{url}?de={adopted.based_on_id or ''}&a={adopted.pk}" if adopted.based_on_id else url)
    return update_view(request, project, adopt_form=form)


@require_POST
@project_view(need=MANAGE, public=None)
def update_abandon(request, project):
    update = _open_update_or_redirect(request, project)
    if update is None:
        return redirect("versions", project.slug)
    label = update.label
    taking.abandon_update(update)
    messages.success(
        request,
        _(
            "La mise à jour « %(label)s » est abandonnée. Les changements déjà faits restent dans le plan et dans "
            "l'historique des actions."
        )
        % {"label": label},
    )
    return redirect("versions", project.slug)
