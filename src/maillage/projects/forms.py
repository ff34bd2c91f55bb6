"""Forms of the project screens: creation, settings, levels, members, and the tree's node forms."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from maillage.accounts.forms import DsfrModelForm
from maillage.partners.models import Person
from maillage.territories.models import Territory

from .creation import RESERVED_SLUGS, check_level_names, split_level_names
from .listing import searched
from .models import Node, Project
from .tree import walk


def apply_errors(form, error: ValidationError):
    """Put a domain ValidationError on the form: under its field when the form has it, on top otherwise."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _year_field(label):
    return forms.IntegerField(label=label, min_value=1990, max_value=2100)


def one_line(value: str) -> str:
    """A title is one line: a line break (which no title field lets anyone type) is refused, not kept."""
    if value and any(char in value for char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise forms.ValidationError(_("Le titre tient sur une ligne : retirez le retour à la ligne."))
    return value


class ProjectCreateForm(DsfrBaseForm):
    kind = forms.ChoiceField(label=_("Type de projet"), choices=Project.Kind.choices)
    title = forms.CharField(label=_("Titre du projet"), max_length=255)
    slug = forms.SlugField(
        label=_("Identifiant dans les adresses"),
        max_length=100,
        required=False,
        help_text=_("Lettres sans accent, chiffres et tirets. Laissé vide, il est tiré du titre."),
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("— Choisir un territoire officiel —"),
        help_text=_("Un territoire officiel (commune, EPCI, QPV…), ou bien saisissez un nom ci-dessous."),
    )
    territory_name = forms.CharField(
        label=_("Ou nom d'un autre territoire"),
        max_length=255,
        required=False,
        help_text=_("Un périmètre propre au projet, par exemple « Quartiers Sud »."),
    )
    owner_name = forms.CharField(
        label=_("Structure porteuse"),
        max_length=255,
        required=False,
        help_text=_("La commune, l'EPCI, le centre social… Elle entre dans l'annuaire du projet."),
    )
    first_year = _year_field(_("Première année"))
    last_year = _year_field(_("Dernière année"))
    levels = forms.CharField(
        label=_("Niveaux de l'arborescence"),
        max_length=1600,
        initial="Axe, Objectif, Sous-objectif",
        help_text=_("De 1 à 6 noms, du plus haut au plus fin, séparés par des virgules."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(project__isnull=True).exclude(code="")
        year = datetime.date.today().year
        self.fields["first_year"].initial = year
        self.fields["last_year"].initial = year + 3

    def clean_title(self):
        return one_line(self.cleaned_data.get("title", ""))

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("Cet identifiant est réservé : choisissez-en un autre."))
        if slug and Project.objects.filter(slug=slug).exists():
            raise ValidationError(_("Un projet a déjà cet identifiant : choisissez-en un autre."))
        return slug

    def clean_levels(self):
        return check_level_names(split_level_names(self.cleaned_data["levels"]))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and first > last:
            self.add_error(
                "last_year",
                _("La dernière année ne peut pas précéder la première année (%(first)s).") % {"first": first},
            )
        if data.get("territory") and data.get("territory_name", "").strip():
            self.add_error("territory_name", _("Choisissez un territoire officiel ou saisissez un nom, pas les deux."))
        if data.get("title") and not data.get("slug") and not slugify(data["title"]):
            self.add_error("slug", _("Le titre ne donne pas d'identifiant : saisissez-en un."))
        return data


class ProjectSettingsForm(DsfrModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "subtitle",
            "description",
            "first_year",
            "last_year",
            "state",
            "deliberation_date",
            "deliberation_reference",
            "deliberation_body",
        ]
        widgets = {"deliberation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_title(self):
        return one_line(self.cleaned_data.get("title", ""))

    def clean_subtitle(self):
        return one_line(self.cleaned_data.get("subtitle", ""))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and self.instance.pk:
            outside = self.instance.periods.exclude(first_year__gte=first, last_year__lte=last).first()
            if outside:
                self.add_error(
                    None,
                    _("La période « %(period)s » sortirait de la période du projet : modifiez-la d'abord.")
                    % {"period": outside.label},
                )
        return data


class LevelNamesForm(DsfrBaseForm):
    """One field per existing level, plus an optional deeper level."""

    new_level = forms.CharField(
        label=_("Ajouter un niveau plus fin"),
        max_length=255,
        required=False,
        help_text=_("Par exemple « Objectif opérationnel ». Laissez vide pour ne rien ajouter."),
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = levels
        named = {}
        for level in levels:
            named[f"level_{level.depth}"] = forms.CharField(
                label=_("Niveau %(depth)s") % {"depth": level.depth}, max_length=255, initial=level.name
            )
        self.fields = {**named, **self.fields}
        if len(levels) >= 6:
            del self.fields["new_level"]

    def names(self) -> dict[int, str]:
        return {level.depth: self.cleaned_data[f"level_{level.depth}"] for level in self.levels}


class MemberAddForm(DsfrBaseForm):
    identifier = forms.CharField(
        label=_("Identifiant ou adresse électronique"),
        max_length=254,
        help_text=_("Sans compte à cette adresse, la personne reçoit une invitation pour choisir son mot de passe."),
    )
    role = forms.ChoiceField(label=_("Rôle"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation (pour un partenaire)"),
        queryset=None,
        required=False,
        help_text=_(
            "Un partenaire voit les actions de son organisation, propose des corrections de sa fiche "
            "et ajoute ses événements."
        ),
    )

    def __init__(self, *args, roles, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["organisation"].queryset = project.organisations.order_by("name")


class MemberRoleForm(DsfrBaseForm):
    role = forms.ChoiceField(label=_("Rôle"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles


class MemberPersonForm(DsfrBaseForm):
    person = forms.ModelChoiceField(
        label=_("Personne de l'annuaire"),
        queryset=None,
        help_text=_("Ce membre pourra modifier les actions que cette personne pilote."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = project.people.select_related("organisation").order_by("name")


class NodeForm(DsfrBaseForm):
    code = forms.CharField(label=_("Code"), max_length=50, required=False, help_text=_("Par exemple « 1.2 »."))
    title = forms.CharField(label=_("Intitulé"), max_length=500)


class NodeEditForm(NodeForm):
    """A node's code, title and elected referent (the *élu·e de référence* of an axe or an objective)."""

    referent = forms.ModelChoiceField(
        label=_("Élu·e référent·e"),
        queryset=None,
        required=False,
        empty_label=_("(Aucun·e)"),
        help_text=_("Un·e élu·e de l’annuaire du projet (une personne marquée « élu·e »)."),
    )

    def __init__(self, *args, project, node, **kwargs):
        super().__init__(*args, **kwargs)
        elected = Q(elected=True) | Q(pk=node.referent_id) if node.referent_id else Q(elected=True)
        self.fields["referent"].queryset = Person.objects.filter(elected, project=project).order_by("name", "pk")


def node_choices(nodes, *, exclude=(), empty=None):
    """Choices of nodes drawn as an indented outline (the tree order, with their level names)."""
    choices = [("", empty)] if empty else []
    for branch, depth in walk(nodes):
        if branch.node.pk in exclude:
            continue
        label = f"{'— ' * (depth - 1)}{branch.node.level.name} : {branch.node}"
        choices.append((str(branch.node.pk), label))
    return choices


class NodeMoveForm(DsfrBaseForm):
    parent = forms.ChoiceField(label=_("Nouveau parent"), required=False)

    def __init__(self, *args, roots, node, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = node_choices(roots, exclude=branch, empty=_("(Aucun : à la racine)"))


class NodeDeleteForm(DsfrBaseForm):
    actions_to = forms.ChoiceField(
        label=_("Où vont ses actions ?"),
        required=False,
        help_text=_(
            "Les actions ne sont jamais supprimées : placez-les sous un autre nœud ou laissez-les non placées."
        ),
    )
    confirm_branch = forms.BooleanField(label=_("Je confirme la suppression de toute la branche"), required=False)

    def __init__(self, *args, roots, branch, has_actions, has_children, **kwargs):
        super().__init__(*args, **kwargs)
        if has_actions:
            self.fields["actions_to"].choices = node_choices(roots, exclude=branch, empty=_("Les laisser non placées"))
        else:
            del self.fields["actions_to"]
        if not has_children:
            del self.fields["confirm_branch"]


class PlaceActionForm(DsfrBaseForm):
    node = forms.ChoiceField(label=_("Placer aussi sous"))

    def __init__(self, *args, roots, placed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = node_choices(roots, exclude=placed, empty=_("— Choisir un nœud —"))


def node_of(project, value) -> Node | None:
    """The project's node chosen in a form (None for an empty choice); another project's id is refused."""
    if not value:
        return None
    node = Node.objects.filter(project=project, pk=value).select_related("level").first()
    if node is None:
        raise ValidationError(_("Ce nœud n'existe pas dans ce projet."))
    return node


class ProjectSearchForm(DsfrBaseForm):
    """Search of a list of projects (home, published plans); it lives in the URL so a search can be shared."""

    q = forms.CharField(
        label=_("Rechercher un projet"),
        required=False,
        max_length=200,
        help_text=_("Titre, sous-titre ou identifiant."),
    )
    kind = forms.ChoiceField(label=_("Type de projet"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tous les types")), *Project.Kind.choices]

    def filter(self, projects):
        """``projects`` narrowed to the search; an invalid search (a kind that does not exist) narrows nothing."""
        if not self.is_valid():
            return projects
        if self.cleaned_data["kind"]:
            projects = projects.filter(kind=self.cleaned_data["kind"])
        return searched(projects, self.cleaned_data["q"])


class ParentForm(DsfrBaseForm):
    """The framework a project is declined from: chosen among the projects its coordinator may see."""

    parent = forms.ModelChoiceField(
        label=_("Projet cadre (parent)"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("— Aucun : le projet n'est décliné d'aucun cadre —"),
        help_text=_(
            "Le PMS, la CTG ou les orientations que ce projet décline. Sans droit d'administration du réseau "
            "choisi, une demande est envoyée à son administration, qui l'accepte ou la refuse."
        ),
        error_messages={
            "invalid_choice": _(
                "Choisissez le projet cadre dans la liste : ce projet n'existe pas, ne vous est pas ouvert "
                "ou est décliné de celui-ci."
            )
        },
    )
    message = forms.CharField(
        label=_("Message pour l'administration du réseau (facultatif)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, project, candidates, **kwargs):
        kwargs.setdefault("initial", {"parent": project.parent_id})
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = candidates
        self.fields["parent"].label_from_instance = lambda p: f"{p.title} ({p.get_kind_display()})"
