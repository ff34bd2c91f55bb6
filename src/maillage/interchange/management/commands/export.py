import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.documents.registry import ExportError, parse_what, write
from maillage.projects.models import Project


class ProgressBar:
    """``[#####-----]  48 % (480/1008)`` redrawn in place on the error output."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.shown = None

    def __call__(self, done: int, total: int):
        filled = self.WIDTH * done // total if total else 0
        line = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {100 * done // max(total, 1):3d} % ({done}/{total})"
        if line != self.shown:
            self.stream.write(f"\r{line}", ending="")
            self.stream.flush()
            self.shown = line

    def close(self):
        if self.shown:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Exporte un projet : le document d'échange maillage/project@1 (json) ou un document produit "
        "(annexe, panorama, calendrier, fiche, tableaux) dans les formats disponibles."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet (voir « maillage projects »)")
        parser.add_argument("--format", default="json", help="format du fichier produit (json par défaut)")
        parser.add_argument(
            "--what",
            default="project",
            help="document : project, panorama, calendar, tree, action:RÉF, evaluation[:CAMPAGNE], rollup…",
        )
        parser.add_argument("-o", "--output", help="fichier à écrire (sortie standard sinon)")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="barre de progression sur la sortie d'erreur (affichée d'office dans un terminal)",
        )

    def handle(self, *args, slug, format, what, output, progress=False, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        try:
            target = parse_what(project, what)
            bar = ProgressBar(self.stderr) if format != "json" and (progress or self.stderr.isatty()) else None
            content = write(format, project, target, progress=bar)
            if bar:
                bar.close()
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
