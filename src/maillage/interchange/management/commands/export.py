from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.interchange.exporting import export_project, to_json
from maillage.projects.models import Project

FORMATS = ["json"]


class Command(BaseCommand):
    help = "Exporte un projet. Au format json : le document d'échange maillage/project@1."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet (voir « maillage projects »)")
        parser.add_argument("--format", default="json", help=f"format du fichier produit ({', '.join(FORMATS)})")
        parser.add_argument("-o", "--output", help="fichier à écrire (sortie standard sinon)")

    def handle(self, *args, slug, format, output, **options):
        if format not in FORMATS:
            raise CommandError(f"Format « {format} » non pris en charge. Formats possibles : {', '.join(FORMATS)}.")
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        text = to_json(export_project(project))
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Impossible d'écrire « {output} » : {error.strerror}.") from error
            self.stderr.write(f"Projet « {slug} » exporté dans {output}.")
        else:
            self.stdout.write(text, ending="")
