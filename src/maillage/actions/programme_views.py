"""The programmes page: each cross-cutting programme with its actions and their statuses; coordinators
create, change and delete programmes and choose their actions."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.accounts.decorators import MANAGE, project_view
from maillage.accounts.forms import DsfrModelForm

from . import programmes
from .models import Programme
from .progress import STATUS_ORDER
from .vocabulary import project_labels


class ProgrammeForm(DsfrModelForm):
    refs = forms.CharField(
        label=gettext_lazy("Actions du programme"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Leurs références, séparées par des virgules ou des retours à la ligne."),
    )

    class Meta:
        model = Programme
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        if self.instance.pk and not self.is_bound:
            self.initial["refs"] = programmes.refs_text(self.instance)

    def clean_refs(self):
        try:
            return programmes.parse_refs(self.project, self.cleaned_data["refs"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


def _crumbs(project, current, with_list=True):
    links = [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}]
    if with_list:
        links.append({"url": reverse("programmes", args=[project.slug]), "title": _("Programmes")})
    return {"links": links, "current": current}


@project_view()
def programme_list(request, project):
    labels = project_labels(project)
    rows = programmes.programmes_of(project)
    for programme in rows:
        programme.statuses = [
            (code, programme.status_counts[code]) for code in STATUS_ORDER if programme.status_counts.get(code)
        ]
    context = {
        "project": project,
        "programmes": rows,
        "labels": labels,
        "shown": programmes.ACTIONS_SHOWN,
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, _("Programmes"), with_list=False),
    }
    return render(request, "actions/programmes.html", context)


@project_view(need=MANAGE, public=None)
def programme_edit(request, project, pk=None):
    programme = get_object_or_404(Programme, project=project, pk=pk) if pk else Programme(project=project)
    form = ProgrammeForm(request.POST or None, instance=programme, project=project)
    if request.method == "POST" and form.is_valid():
        saved = programmes.save(form.save(commit=False), form.cleaned_data["refs"])
        messages.success(request, _("Le programme « %(title)s » est enregistré.") % {"title": saved.title})
        return redirect(reverse("programmes", args=[project.slug]) + f"#programme-{saved.pk}")
    title = _("Modifier « %(title)s »") % {"title": programme.title} if pk else _("Nouveau programme")
    context = {
        "project": project,
        "form": form,
        "form_id": "programme-form",
        "title": title,
        "cancel_url": reverse("programmes", args=[project.slug]),
        "breadcrumb_data": _crumbs(project, title),
    }
    return render(request, "partners/form.html", context, status=422 if form.errors else 200)


@require_POST
@project_view(need=MANAGE, public=None)
def programme_delete(request, project, pk):
    programme = get_object_or_404(Programme, project=project, pk=pk)
    programme.delete()
    messages.success(
        request, _("Le programme « %(title)s » est supprimé ; ses actions restent.") % {"title": programme.title}
    )
    return redirect("programmes", project.slug)
