"""The shared diagnostic: key figures against comparison territories, findings, consultations and the
enjeux with what answers them. Members read it; coordinators edit findings, consultations, enjeux."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.decorators import MANAGE, project_view
from maillage.actions.vocabulary import project_labels
from maillage.projects.models import Acronym

from .forms import AcronymForm, ConsultationForm, EnjeuForm, FindingForm, KeyFigureTableForm
from .keyfigures import GRID_REFUSED, KeyFigureGridForm, column_territories
from .models import Consultation, Enjeu, Finding, KeyFigureColumn, KeyFigureRow, KeyFigureTable
from .reading import enjeu_answers, key_figure_grids

# What each editable part of the diagnostic is: its model, form, words and the page anchor to return to.
PARTS = {
    "tableau": (KeyFigureTable, KeyFigureTableForm, gettext_lazy("un tableau de chiffres clés"), "chiffres-cles"),
    "constat": (Finding, FindingForm, gettext_lazy("un constat"), "constats"),
    "consultation": (Consultation, ConsultationForm, gettext_lazy("une consultation"), "consultations"),
    "enjeu": (Enjeu, EnjeuForm, gettext_lazy("un enjeu"), "enjeux"),
    "sigle": (Acronym, AcronymForm, gettext_lazy("un sigle"), "sigles"),
}


def _crumbs(project, current=None):
    home = {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}
    if current is None:
        return {"links": [home], "current": _("Diagnostic")}
    return {
        "links": [home, {"url": reverse("diagnostic", args=[project.slug]), "title": _("Diagnostic")}],
        "current": current,
    }


@project_view()
def diagnostic(request, project):
    answers = enjeu_answers(project)
    context = {
        "project": project,
        "grids": key_figure_grids(project),
        "findings": Finding.objects.filter(project=project),
        "consultations": Consultation.objects.filter(project=project),
        "acronyms": Acronym.objects.filter(project=project).order_by("position", "acronym"),
        "answers": answers,
        "unanswered": sum(1 for answer in answers if answer.unanswered),
        "labels": project_labels(project),
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project),
    }
    return render(request, "diagnostic/diagnostic.html", context)


def _back(project, anchor):
    return redirect(reverse("diagnostic", args=[project.slug]) + f"#{anchor}")


@project_view(need=MANAGE, public=None)
def part_create(request, project, part):
    model, _form, _words, _anchor = PARTS[part]
    return _part_form(request, project, part, model())


@project_view(need=MANAGE, public=None)
def part_edit(request, project, part, pk):
    model = PARTS[part][0]
    return _part_form(request, project, part, get_object_or_404(model, project=project, pk=pk))


def _part_form(request, project, part, instance):
    model, form_class, words, anchor = PARTS[part]
    creating = instance.pk is None
    form = form_class(request.POST or None, instance=instance, project=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if creating:
                last = model.objects.filter(project=project).aggregate(m=Max("position"))["m"]
                form.instance.position = (last or 0) + 1
            form.save()
        messages.success(request, _("C'est enregistré."))
        if part == "tableau" and creating:  # a new table is empty: its grid comes next
            return redirect("tableau-grid", project.slug, form.instance.pk)
        return _back(project, anchor)
    title = (_("Ajouter %(what)s") if creating else _("Modifier %(what)s")) % {"what": words}
    context = {
        "project": project,
        "form": form,
        "form_id": f"{part}-form",
        "title": title,
        "cancel_url": reverse("diagnostic", args=[project.slug]) + f"#{anchor}",
        "breadcrumb_data": _crumbs(project, title),
    }
    return render(request, "diagnostic/form.html", context)


@project_view(need=MANAGE, public=None)
def part_delete(request, project, part, pk):
    model, _form, words, anchor = PARTS[part]
    instance = get_object_or_404(model, project=project, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            instance.delete()
        messages.success(request, _("C'est supprimé."))
        return _back(project, anchor)
    lines = []
    if part == "enjeu" and instance.nodes.exists():
        lines.append(_("Les nœuds de l'arborescence et leurs actions restent ; seul leur lien à cet enjeu disparaît."))
    if part == "tableau":
        rows = KeyFigureRow.objects.filter(table=instance).count()
        columns = KeyFigureColumn.objects.filter(table=instance).count()
        lines.append(
            _("Ses %(rows)s ligne(s), ses %(columns)s colonne(s) et toutes leurs valeurs disparaissent avec lui.")
            % {"rows": rows, "columns": columns}
        )
    context = {
        "project": project,
        "what": str(instance)[:120],
        "lines": lines,
        "form_id": f"{part}-delete-form",
        "cancel_url": reverse("diagnostic", args=[project.slug]) + f"#{anchor}",
        "breadcrumb_data": _crumbs(project, _("Supprimer %(what)s") % {"what": words}),
    }
    return render(request, "governance/confirm_delete.html", context)


@project_view(need=MANAGE, public=None)
def table_grid(request, project, pk):
    """The cells of a key-figure table in one form: read and written under a lock on the table, so
    that the fingerprint the form checks is the one it saves over."""
    with transaction.atomic():
        table = get_object_or_404(KeyFigureTable.objects.select_for_update(), project=project, pk=pk)
        form = KeyFigureGridForm(request.POST or None, table=table, territories=column_territories(project))
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("C'est enregistré."))
            return redirect(reverse("diagnostic", args=[project.slug]) + f"#key-figures-{table.pk}")
    title = _("Les valeurs du tableau « %(title)s »") % {"title": table.title}
    context = {
        "project": project,
        "table": table,
        "form": form,
        "refused": GRID_REFUSED if form.is_bound else None,
        "title": title,
        "cancel_url": reverse("diagnostic", args=[project.slug]) + f"#key-figures-{table.pk}",
        "breadcrumb_data": _crumbs(project, title),
    }
    return render(request, "diagnostic/grid.html", context)
