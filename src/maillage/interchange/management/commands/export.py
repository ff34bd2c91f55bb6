import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.documents.registry import ExportError, parse_what, writer_for
from maillage.interchange.exporting import export_project, to_json
from maillage.projects.models import Project


class Command(BaseCommand):
    help = (
        "Exporte un projet : le document d'échange maillage/project@1 (json) ou un document produit "
        "(annexe, panorama, calendrier, fiche, tableaux) dans les formats disponibles."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet (voir « maillage projects »)")
        parser.add_argument("--format", default="json", help="format du fichier produit (json par défaut)")
        parser.add_argument(
            "--what", default="project", help="document : project, panorama, calendar, tree, action:RÉF…"
        )
        parser.add_argument("-o", "--output", help="fichier à écrire (sortie standard sinon)")

    def handle(self, *args, slug, format, what, output, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        try:
            if format == "json":
                if what != "project":
                    raise ExportError("Le format json exporte le projet entier : --what project.")
                content = to_json(export_project(project)).encode()
            else:
                target = parse_what(project, what)
                content = writer_for(format, target)(project, target)
        except ExportError as error:
            raise CommandError(str(error)) from error
        if output:
            try:
                Path(output).write_bytes(content)
            except OSError as error:
                raise CommandError(f"Impossible d'écrire « {output} » : {error.strerror}.") from error
            self.stderr.write(f"Projet « {slug} » exporté dans {output} ({len(content)} octets).")
        elif format == "json" or format in ("csv", "ics", "svg"):
            self.stdout.write(content.decode("utf-8-sig"), ending="")
        else:
            self.stdout.flush()
            sys.stdout.buffer.write(content)
