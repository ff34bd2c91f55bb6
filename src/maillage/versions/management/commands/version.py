import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maillage.projects.models import Project
from maillage.versions.taking import take_version


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"« {text} » n'est pas une date au format AAAA-MM-JJ.") from error


class Command(BaseCommand):
    help = "Prend à la main une version du plan tel qu'il est aujourd'hui ; --adopted pour une version adoptée."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet")
        parser.add_argument("--label", required=True, help="libellé de la version")
        parser.add_argument("--adopted", action="store_true", help="une version adoptée (avec --date)")
        parser.add_argument("--date", help="date de la délibération (AAAA-MM-JJ), obligatoire avec --adopted")
        parser.add_argument("--reference", default="", help="référence de la délibération")
        parser.add_argument("--body", default="", help="instance qui a délibéré")

    def handle(self, *args, slug, label, adopted, date, reference, body, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        if adopted and not date:
            raise CommandError("Une version adoptée a une date : --date AAAA-MM-JJ (celle de la délibération).")
        if date and not adopted:
            raise CommandError("--date et --reference ne valent que pour une version adoptée (--adopted).")
        when = _date(date) if date else None
        try:
            version = take_version(
                project,
                label=label,
                adopted=adopted,
                date=when,
                deliberation_date=when,
                reference=reference,
                body=body,
                taken_by_name="maillage version (ligne de commande)",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{version.pk}\t{version.label}\t{version.date.isoformat()}\t{version.state}")
