"""Starting a project from scratch, and naming the levels of its tree.

A project is created whole or not at all: the project, its levels, its owner in the directory, its
territory when it is a new name, and the creator's coordinator role, in one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import Membership
from maillage.partners.models import Organisation
from maillage.territories.models import Territory

from .models import MAX_LEVELS, Level, Project

# Slugs that are pages of their own under /projets/.
RESERVED_SLUGS = {"nouveau"}


def split_level_names(text: str) -> list[str]:
    """ "Axe, Objectif, Sous-objectif" → the level names, top first (commas or new lines between)."""
    return [name.strip() for name in text.replace("\n", ",").split(",") if name.strip()]


def check_level_names(names: list[str]) -> list[str]:
    if not 1 <= len(names) <= MAX_LEVELS:
        raise ValidationError(
            _("Un projet a de 1 à %(max)s niveaux ; vous en avez nommé %(n)s.") % {"max": MAX_LEVELS, "n": len(names)}
        )
    lowered = [name.casefold() for name in names]
    twice = sorted({name for name in names if lowered.count(name.casefold()) > 1})
    if twice:
        raise ValidationError(_("Chaque niveau a un nom différent : « %(name)s » revient.") % {"name": twice[0]})
    if any(len(name) > 255 for name in names):
        raise ValidationError(_("Un nom de niveau fait au plus 255 caractères."))
    return names


def free_slug(title: str) -> str:
    """A slug derived from the title, numbered when already taken."""
    base = slugify(title)[:90] or "projet"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Project.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_project(
    user,
    *,
    kind: str,
    title: str,
    slug: str,
    first_year: int,
    last_year: int,
    level_names: list[str],
    territory: Territory | None = None,
    territory_name: str = "",
    owner_name: str = "",
) -> Project:
    """Create the project with its levels; ``user`` becomes its coordinator."""
    check_level_names(level_names)
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("Cet identifiant est réservé : choisissez-en un autre.")})
    project = Project(kind=kind, title=title.strip(), slug=slug, first_year=first_year, last_year=last_year)
    project.full_clean()
    project.save()
    if territory is None and territory_name.strip():
        territory = Territory.objects.create(kind=Territory.Kind.OTHER, name=territory_name.strip(), project=project)
    if owner_name.strip():
        name = owner_name.strip()
        project.owner = Organisation.objects.create(project=project, key=slugify(name)[:100] or "porteur", name=name)
    if territory is not None or project.owner_id:
        project.territory = territory
        project.save(update_fields=["territory", "owner"])
    Level.objects.bulk_create(
        Level(project=project, depth=depth, name=name) for depth, name in enumerate(level_names, 1)
    )
    Membership.objects.create(user=user, project=project, role=Membership.Role.COORDINATOR)
    return project


@transaction.atomic
def set_level_names(project: Project, names: dict[int, str], new_name: str = "") -> list[Level]:
    """Rename the project's levels (``{depth: name}``) and add ``new_name`` as a deeper level."""
    levels = list(Level.objects.select_for_update().filter(project=project).order_by("depth"))
    for level in levels:
        if level.depth in names:
            level.name = names[level.depth].strip()
            if not level.name:
                raise ValidationError(_("Le niveau %(depth)s doit garder un nom.") % {"depth": level.depth})
    final = [level.name for level in levels] + ([new_name.strip()] if new_name.strip() else [])
    check_level_names(final)
    # Two steps so that swapping two names does not trip the unique constraint midway.
    for level in levels:
        Level.objects.filter(pk=level.pk).update(name=f"…{level.pk}…")
    for level in levels:
        Level.objects.filter(pk=level.pk).update(name=level.name)
    if new_name.strip():
        depth = levels[-1].depth + 1 if levels else 1
        levels.append(Level.objects.create(project=project, depth=depth, name=new_name.strip()))
    return levels
