"""The library's themes and target publics: one list for every project.

Themes (``projects.Theme``) are each project's own words and the target public is a free-text section
of the sheet (``Action.target_public``), so projects cannot be compared on their values directly. The
library offers a fixed list of common themes and publics instead, each recognised by a few French
words:

- an action is in a **theme** when its normalised title and sections (``Action.search_text``) hold a
  word starting with one of the theme's words (" rsa", not "universalité"), or when one of its
  project's themes tagged on it is named with one of them;
- an action is for a **public** when its "public cible" section names one of the public's words.

Words are written as a reader writes them; matching ignores accents and case on the normalised
search text. The target-public section has no normalised copy, so it is matched with ``icontains``
on the word as written and without its accents (PostgreSQL folds case on accented letters too,
SQLite only on ASCII letters: "Âgées" at the start of a sentence is missed there).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.actions.models import Action
from maillage.french import normalise

THEMES = {
    "petite-enfance": (
        _("Petite enfance"),
        ["petite enfance", "crèche", "assistante maternelle", "assistantes maternelles", "EAJE"],
    ),
    "enfance-jeunesse": (_("Enfance et jeunesse"), ["jeunesse", "jeunes", "adolescent", "enfance", "loisirs"]),
    "parentalite": (_("Parentalité et familles"), ["parentalité", "parents", "familles", "famille"]),
    "vie-sociale": (_("Vie sociale et lien social"), ["lien social", "vie sociale", "vivre ensemble", "convivialité"]),
    "acces-aux-droits": (_("Accès aux droits"), ["accès aux droits", "droits", "non-recours", "France services"]),
    "insertion-emploi": (_("Insertion et emploi"), ["insertion", "emploi", "formation professionnelle", "RSA"]),
    "sante": (_("Santé"), ["santé", "soins", "prévention santé", "santé mentale"]),
    "logement": (_("Logement et habitat"), ["logement", "habitat", "hébergement", "sans-abri"]),
    "vieillissement": (
        _("Vieillissement et autonomie"),
        ["vieillissement", "bien vieillir", "personnes âgées", "seniors", "autonomie"],
    ),
    "handicap": (_("Handicap"), ["handicap"]),
    "violences": (_("Prévention des violences"), ["violences", "VIF", "prévention de la délinquance"]),
    "mobilite": (_("Mobilité"), ["mobilité", "transport"]),
    "participation": (_("Participation des habitants"), ["participation", "pouvoir d'agir", "conseil citoyen"]),
}

PUBLICS = {
    "petite-enfance": (_("Tout-petits (0-6 ans)"), ["petite enfance", "tout-petits", "0-3 ans", "0-6 ans", "bébés"]),
    "enfants": (_("Enfants"), ["enfants", "enfant", "élèves"]),
    "jeunes": (_("Jeunes"), ["jeunes", "adolescents", "16-25 ans", "jeunesse"]),
    "familles": (_("Parents et familles"), ["parents", "familles", "famille", "pères", "mères"]),
    "seniors": (_("Personnes âgées"), ["personnes âgées", "seniors", "aînés", "retraités"]),
    "handicap": (_("Personnes en situation de handicap"), ["handicap"]),
    "precarite": (_("Personnes en précarité"), ["précarité", "vulnérables", "isolées", "bénéficiaires du RSA"]),
    "habitants": (_("Tous les habitants"), ["tout public", "habitants", "tous publics"]),
    "professionnels": (_("Professionnels et partenaires"), ["professionnels", "partenaires", "intervenants"]),
}


def choices(facets) -> list[tuple[str, str]]:
    return [(code, label) for code, (label, _words) in facets.items()]


def _spellings(words) -> set[str]:
    """Each word as written (lowercase) and without its accents, for ``icontains`` on raw text."""
    return {spelling for word in words for spelling in (word.lower(), normalise(word)) if spelling}


def theme_q(code: str) -> Q:
    words = THEMES[code][1]
    condition = Q()
    for word in words:
        condition |= Q(search_text__contains=" " + normalise(word))  # a word starting there
    named = Q()
    for spelling in _spellings(words):
        named |= Q(theme__name__icontains=spelling)
    tagged = Action.themes.through.objects.filter(named).values("action_id")
    return condition | Q(pk__in=tagged)


def public_q(code: str) -> Q:
    condition = Q()
    for spelling in _spellings(PUBLICS[code][1]):
        condition |= Q(target_public__icontains=spelling)
    return condition
