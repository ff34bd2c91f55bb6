"""The upload form of the import page."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.accounts.access import managed_projects
from maillage.projects.creation import free_slug
from maillage.projects.models import Project

from .reading import _megabytes, max_bytes
from .running import ACCEPTED


class UploadForm(DsfrBaseForm):
    file = forms.FileField(
        label=_("Fichier du plan"),
        help_text=_(
            "Le document où vit le plan aujourd'hui (Word, OpenDocument, PDF, texte, Markdown) ou un tableur "
            "(une ligne par action : XLSX, ODS, CSV)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
        error_messages={"empty": _("Le fichier est vide."), "required": _("Choisissez le fichier à importer.")},
    )
    title = forms.CharField(
        label=_("Titre du projet à créer"),
        required=False,
        max_length=255,
        help_text=_("Laissez vide pour reprendre le nom du fichier."),
    )
    into = forms.ModelChoiceField(
        label=_("Ou compléter un projet existant"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("— Créer un nouveau projet —"),
        help_text=_("Les actions sont reconnues par leur référence ou leur intitulé ; rien n'est supprimé."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["into"].queryset = managed_projects(user).order_by("title")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ACCEPTED:
            raise forms.ValidationError(
                _("Format non pris en charge : %(suffix)s. Formats acceptés : %(formats)s.")
                % {"suffix": suffix or _("sans extension"), "formats": ", ".join(ACCEPTED)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("Le fichier pèse %(size)s, au-delà de la limite de %(limit)s.")
                % {"size": _megabytes(upload.size), "limit": _megabytes(max_bytes())}
            )
        return upload

    def project_slug(self) -> str:
        """A free identifier derived from the title (or the file name)."""
        return free_slug(self.project_title())

    def project_title(self) -> str:
        return self.cleaned_data.get("title") or Path(self.cleaned_data["file"].name).stem.replace("_", " ")
