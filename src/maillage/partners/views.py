"""The project's directory: organisations with the actions they take part in, and the people it names.

Every page is for the project's members (people's contact details are on them); a visitor of a
published project is sent to the public plan. Coordinators add, change and delete entries."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.accounts.access import member_projects, readable_projects
from maillage.accounts.decorators import MANAGE, project_view
from maillage.actions.vocabulary import project_labels

from . import datainclusion, merging, mobilisation
from .directory import free_key, in_order, organisation_impact, participations, person_impact, role_counts, sorted_ids
from .forms import (
    DataInclusionUploadForm,
    DirectoryFilterForm,
    MergeForm,
    OrganisationForm,
    PeopleFilterForm,
    PersonForm,
    SolicitationForm,
)
from .models import Organisation, Person, Solicitation

PAGE_SIZE = 50


def _crumbs(project, current, *links):
    home = {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}
    return {"links": [home, *links], "current": current}


def _directory_link(project):
    return {"url": reverse("partner-directory", args=[project.slug]), "title": _("Partenaires")}


@project_view()
def directory(request, project):
    form = DirectoryFilterForm(request.GET or None, project=project)
    organisations = Organisation.objects.filter(project=project)
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if form.cleaned_data["domain"]:
            organisations = organisations.filter(domains=form.cleaned_data["domain"])
        if form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=form.cleaned_data["kind"])
    ids = sorted_ids(organisations.values_list("pk", "name", "acronym", "city", "description"), query)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = project_labels(project)["role"]
    entries = in_order(Organisation.objects.prefetch_related("domains"), list(page.object_list))
    counts = role_counts([org.pk for org in entries], labels)
    context = {
        "project": project,
        "form": form,
        "page_obj": page,
        "rows": [(org, counts[org.pk]) for org in entries],
        "total": len(ids),
        "filtered": bool(request.GET.get("q") or request.GET.get("domain") or request.GET.get("kind")),
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, _("Partenaires")),
    }
    return render(request, "partners/directory.html", context)


@project_view(public=None)
def organisation_detail(request, project, pk):
    queryset = (
        Organisation.objects.filter(project=project)
        .select_related("structure")
        .prefetch_related(
            "domains",
            Prefetch("people", queryset=Person.objects.order_by("position", "name")),
            "memberships__body",
        )
    )
    organisation = get_object_or_404(queryset, pk=pk)
    shown, total = participations(organisation, project_labels(project)["role"])
    context = {
        "project": project,
        "organisation": organisation,
        "participations": shown,
        "participations_total": total,
        "elsewhere": _elsewhere(request.user, organisation) if request.access.is_member else [],
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, organisation.name, _directory_link(project)),
    }
    return render(request, "partners/organisation.html", context)


def _elsewhere(user, organisation):
    """(entry, actions, address) of the same organisation in the other plans the user may read: its page
    in the plans they are a member of, the public plan otherwise."""
    entries = merging.shared_elsewhere(organisation, readable_projects(user))
    mine = set(member_projects(user).filter(pk__in=[e.project_id for e, *_r in entries]).values_list("pk", flat=True))
    rows = []
    for entry, count, actions in entries:
        member = entry.project_id in mine or user.is_superuser
        slug = entry.project.slug
        address = (
            reverse("organisation-detail", args=[slug, entry.pk]) if member else reverse("public-plan", args=[slug])
        )
        links = [(a, reverse("action-detail" if member else "public-action", args=[slug, a.ref])) for a in actions]
        rows.append((entry, count, address, links))
    return rows


@project_view(need=MANAGE, public=None)
def organisation_create(request, project):
    return _organisation_form(request, project, Organisation())


@project_view(need=MANAGE, public=None)
def organisation_edit(request, project, pk):
    return _organisation_form(request, project, get_object_or_404(Organisation, project=project, pk=pk))


def _organisation_form(request, project, organisation):
    creating = organisation.pk is None
    form = OrganisationForm(request.POST or None, instance=organisation, project=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if creating:
                form.instance.key = free_key(Organisation, project, form.cleaned_data["name"])
            saved = form.save()
        messages.success(request, _("L'organisation « %(name)s » est enregistrée.") % {"name": saved.name})
        return redirect("organisation-detail", project.slug, saved.pk)
    title = _("Ajouter une organisation") if creating else _("Modifier « %(name)s »") % {"name": organisation.name}
    context = {
        "project": project,
        "form": form,
        "form_id": "organisation-form",
        "title": title,
        "cancel_url": reverse("partner-directory", args=[project.slug])
        if creating
        else reverse("organisation-detail", args=[project.slug, organisation.pk]),
        "breadcrumb_data": _crumbs(project, title, _directory_link(project)),
    }
    return render(request, "partners/form.html", context)


@project_view(need=MANAGE, public=None)
def organisation_delete(request, project, pk):
    organisation = get_object_or_404(Organisation, project=project, pk=pk)
    if request.method == "POST":
        name = organisation.name
        with transaction.atomic():
            organisation.delete()
        messages.success(request, _("L'organisation « %(name)s » est supprimée de l'annuaire.") % {"name": name})
        return redirect("partner-directory", project.slug)
    impact = organisation_impact(organisation)
    labels = project_labels(project)["role"]
    for line in impact["roles"]:
        line.label = labels.get(line.role, line.role)
    context = {
        "project": project,
        "organisation": organisation,
        "impact": impact,
        "breadcrumb_data": _crumbs(
            project, _("Supprimer « %(name)s »") % {"name": organisation.name}, _directory_link(project)
        ),
    }
    return render(request, "partners/organisation_delete.html", context)


@project_view(public=None)
def people(request, project):
    form = PeopleFilterForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    rows = Person.objects.filter(project=project).values_list("pk", "name", "function", "organisation__name")
    ids = sorted_ids(rows, query)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = in_order(Person.objects.select_related("organisation", "user"), list(page.object_list))
    context = {
        "project": project,
        "form": form,
        "page_obj": page,
        "people": entries,
        "total": len(ids),
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, _("Personnes"), _directory_link(project)),
    }
    return render(request, "partners/people.html", context)


@project_view(need=MANAGE, public=None)
def person_create(request, project):
    person = Person()
    organisation = request.GET.get("organisation")
    if organisation and organisation.isdigit():
        person.organisation = Organisation.objects.filter(project=project, pk=organisation).first()
    return _person_form(request, project, person)


@project_view(need=MANAGE, public=None)
def person_edit(request, project, pk):
    return _person_form(request, project, get_object_or_404(Person, project=project, pk=pk))


def _person_form(request, project, person):
    creating = person.pk is None
    form = PersonForm(request.POST or None, instance=person, project=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if creating:
                form.instance.key = free_key(Person, project, form.cleaned_data["name"])
            saved = form.save()
        messages.success(request, _("« %(name)s » est enregistré·e dans l'annuaire.") % {"name": saved.name})
        if saved.organisation_id:
            return redirect("organisation-detail", project.slug, saved.organisation_id)
        return redirect("people-directory", project.slug)
    title = _("Ajouter une personne") if creating else _("Modifier « %(name)s »") % {"name": person.name}
    context = {
        "project": project,
        "form": form,
        "form_id": "person-form",
        "title": title,
        "cancel_url": reverse("people-directory", args=[project.slug]),
        "breadcrumb_data": _crumbs(project, title, _directory_link(project)),
    }
    return render(request, "partners/form.html", context)


@project_view(need=MANAGE, public=None)
def person_delete(request, project, pk):
    person = get_object_or_404(Person, project=project, pk=pk)
    if request.method == "POST":
        name = person.name
        with transaction.atomic():
            person.delete()
        messages.success(request, _("« %(name)s » est supprimé·e de l'annuaire.") % {"name": name})
        return redirect("people-directory", project.slug)
    context = {
        "project": project,
        "person": person,
        "impact": person_impact(person),
        "breadcrumb_data": _crumbs(
            project, _("Supprimer « %(name)s »") % {"name": person.name}, _directory_link(project)
        ),
    }
    return render(request, "partners/person_delete.html", context)


def _exchange_link(project):
    return {"url": reverse("partner-exchange", args=[project.slug]), "title": _("data·inclusion")}


@project_view(public=None)
def exchange(request, project):
    """The directory in and out as data·inclusion: downloads for members, an upload for coordinators."""
    form = DataInclusionUploadForm(request.POST or None, request.FILES or None)
    report = problems = None
    if request.method == "POST":
        if not request.access.can_manage:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                datainclusion.refuse_oversized(upload.size)
                report = datainclusion.import_file(
                    project, upload.read(), upload.name, skip_invalid=form.cleaned_data["skip_invalid"]
                )
                messages.success(
                    request,
                    _("Import terminé : %(created)s créées, %(updated)s mises à jour, %(refused)s refusées.")
                    % {"created": len(report.created), "updated": len(report.updated), "refused": len(report.refused)},
                )
            except datainclusion.BrokenFile as error:
                form.add_error("file", str(error))
                problems = error.problems[:100]
    context = {
        "project": project,
        "form": form,
        "report": report,
        "problems": problems,
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, _("data·inclusion"), _directory_link(project)),
    }
    return render(request, "partners/exchange.html", context, status=400 if problems or form.errors else 200)


@project_view(public=None, changes_plan=False)
def exchange_download(request, project, extension):
    if extension not in ("json", "csv"):
        raise Http404
    content = datainclusion.export_bytes(project, csv_format=extension == "csv")
    response = HttpResponse(
        content, content_type="text/csv; charset=utf-8" if extension == "csv" else "application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-data-inclusion.{extension}"'
    return response


@project_view(need=MANAGE, public=None)
def duplicates(request, project):
    """Entries that look like one organisation, and the form to merge any two."""
    form = MergeForm(request.GET or None, project=project)
    if request.GET and form.is_valid():
        return redirect(
            reverse(
                "organisation-merge", args=[project.slug, form.cleaned_data["kept"].pk, form.cleaned_data["removed"].pk]
            )
        )
    context = {
        "project": project,
        "form": form,
        "suggestions": merging.suggestions(project),
        "merges": merging.trace_of(project),
        "breadcrumb_data": _crumbs(project, _("Doublons"), _directory_link(project)),
    }
    return render(request, "partners/duplicates.html", context)


@project_view(need=MANAGE, public=None)
def organisation_merge(request, project, kept, removed):
    kept = get_object_or_404(Organisation, project=project, pk=kept)
    removed = get_object_or_404(Organisation, project=project, pk=removed)
    if kept.pk == removed.pk:
        messages.error(request, _("Choisissez deux organisations différentes."))
        return redirect("partner-duplicates", project.slug)
    if request.method == "POST":
        merging.merge(kept, removed, user=request.user)
        messages.success(
            request,
            _("« %(removed)s » est fusionnée dans « %(kept)s ».") % {"removed": removed.name, "kept": kept.name},
        )
        return redirect("organisation-detail", project.slug, kept.pk)
    impact = organisation_impact(removed)
    labels = project_labels(project)["role"]
    for line in impact["roles"]:
        line.label = labels.get(line.role, line.role)
    title = _("Fusionner « %(removed)s » dans « %(kept)s »") % {"removed": removed.name, "kept": kept.name}
    context = {
        "project": project,
        "kept": kept,
        "removed": removed,
        "impact": impact,
        "title": title,
        "breadcrumb_data": _crumbs(project, title, _directory_link(project)),
    }
    return render(request, "partners/merge.html", context)


@project_view(public=None)
def mobilisation_page(request, project):
    """Organisations approached, joined and declined, for the project and per body; coordinators record them."""
    form = SolicitationForm(request.POST or None, project=project)
    if request.method == "POST":
        if not request.access.can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            Solicitation.objects.update_or_create(
                project=project,
                organisation=data["organisation"],
                body=data["body"],
                defaults={k: data[k] for k in ("status", "approached_on", "answered_on", "note")},
            )
            messages.success(
                request, _("La sollicitation de « %(name)s » est enregistrée.") % {"name": data["organisation"].name}
            )
            return redirect("partner-mobilisation", project.slug)
    counted = mobilisation.tallies(project)
    overall, by_body = counted
    rows = (
        Solicitation.objects.filter(project=project)
        .select_related("organisation", "body")
        .order_by("body__name", "organisation__name")
    )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "form": form,
        "headline": mobilisation.headline(project, counted),
        "overall": overall,
        "by_body": by_body,
        "page_obj": page,
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, _("Mobilisation"), _directory_link(project)),
    }
    return render(request, "partners/mobilisation.html", context, status=400 if form.errors else 200)
