from django.core.management.base import BaseCommand, CommandError

from maillage.projects.models import Project
from maillage.versions.models import Version


def _cell(text: str) -> str:
    return " ".join(str(text).split())  # a tab or a line break would break the columns


class Command(BaseCommand):
    help = "Liste les versions d'un projet, une par ligne, séparée par des tabulations : id, libellé, date, état."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet (voir « maillage projects »)")

    def handle(self, *args, slug, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        for version in Version.objects.filter(project=project).order_by("date", "taken_at", "pk"):
            self.stdout.write(
                "\t".join([str(version.pk), _cell(version.label), version.date.isoformat(), version.state])
            )
