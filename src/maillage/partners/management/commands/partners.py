"""``maillage partners import|export``: a project's directory in and out as data·inclusion."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.partners import datainclusion
from maillage.projects.models import Project


def _project(slug):
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
    return project


class Command(BaseCommand):
    help = "L'annuaire d'un projet en data·inclusion : « import FICHIER --project SLUG » ou « export SLUG »."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        read = verbs.add_parser("import", help="importe des structures data·inclusion (JSON ou CSV)")
        read.add_argument("file")
        read.add_argument(
            "--project", required=True, help="identifiant du projet dont l'annuaire reçoit les structures"
        )
        read.add_argument("--format", default=datainclusion.FORMAT, choices=[datainclusion.FORMAT])
        read.add_argument(
            "--skip-invalid",
            action="store_true",
            help="importe les structures valides et rapporte les autres (par défaut, une erreur refuse le fichier)",
        )
        write = verbs.add_parser("export", help="écrit l'annuaire en structures data·inclusion")
        write.add_argument("slug")
        write.add_argument("--format", default=datainclusion.FORMAT, choices=[datainclusion.FORMAT])
        write.add_argument("-o", "--output", help="fichier à écrire (.json ou .csv) ; sans lui, la sortie standard")

    def handle(self, *args, verb, **options):
        if verb == "export":
            project = _project(options["slug"])
            output = options.get("output")
            content = datainclusion.export_bytes(project, csv_format=bool(output and output.lower().endswith(".csv")))
            if output:
                Path(output).write_bytes(content)
                self.stderr.write(f"{output} écrit.")
            else:
                self.stdout.write(content.decode())
            return
        project = _project(options["project"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier « {path} » introuvable.")
        try:
            datainclusion.refuse_oversized(path.stat().st_size)
            report = datainclusion.import_file(
                project, path.read_bytes(), path.name, skip_invalid=options["skip_invalid"]
            )
        except datainclusion.BrokenFile as error:
            raise CommandError("\n".join([str(error), *error.problems[:50]])) from None
        self.stdout.write(f"Créées : {len(report.created)}")
        self.stdout.write(f"Mises à jour : {len(report.updated)}")
        self.stdout.write(f"Refusées : {len(report.refused)}")
        for row, reason in report.refused:
            self.stdout.write(f"  {row} : {reason}")
