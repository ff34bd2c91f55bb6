import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from maillage.actions.vocabulary import project_labels
from maillage.imports.documents import is_document
from maillage.imports.drafting import ensure_valid
from maillage.imports.merging import merge_draft
from maillage.imports.plan import read_document
from maillage.imports.reading import UnreadableFile
from maillage.imports.spreadsheet import is_spreadsheet, read_spreadsheet
from maillage.interchange.importing import import_document, validate_for_import
from maillage.interchange.validation import InvalidDocument, parse
from maillage.projects.models import Project


class Command(BaseCommand):
    help = (
        "Importe un document d'échange maillage/project@1 (JSON) en une seule transaction, ou un tableur "
        "(.xlsx, .ods, .csv : une ligne par action) ou un document (.docx, .odt, .pdf, .txt, .md : le plan tel "
        "qu'il est écrit) lu comme un brouillon. Un fichier invalide est refusé avec la liste de ses problèmes ; "
        "rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="fichier JSON, XLSX, ODS, CSV, DOCX, ODT, PDF, TXT ou MD à importer "
            "(« - » : JSON sur l'entrée standard)",
        )
        parser.add_argument("--replace", action="store_true", help="remplace le projet de même identifiant")
        parser.add_argument("--check", action="store_true", help="vérifie le document sans rien écrire")
        parser.add_argument("--slug", help="tableur : identifiant du projet créé (par défaut : le nom du fichier)")
        parser.add_argument("--title", help="tableur : titre du projet créé (par défaut : le nom du fichier)")
        parser.add_argument("--into", metavar="SLUG", help="tableur : fusionne dans ce projet existant")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="tableur ou document : écrit le brouillon (JSON) sur la sortie standard et le rapport sur la "
            "sortie d'erreur, sans rien enregistrer",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="affiche l'avancement de la lecture d'un document et de l'écriture du projet sur la sortie "
            "d'erreur (par défaut seulement quand elle est un terminal)",
        )

    def handle(self, *args, file, replace, check, slug, title, into, dry_run, progress=False, **options):
        if file != "-" and (is_spreadsheet(file) or is_document(file)):
            return self.import_spreadsheet(
                Path(file), slug=slug, title=title, into=into, dry_run=dry_run, replace=replace, progress=progress
            )
        if into or dry_run or slug or title:
            raise CommandError(
                "--into, --dry-run, --slug et --title s'appliquent aux tableurs (.xlsx, .ods, .csv) et aux documents "
                "(.docx, .odt, .pdf, .txt, .md)."
            )
        try:
            document = parse(read(file))
            if check:
                problems = validate_for_import(document, replace=replace)
                if problems:
                    raise InvalidDocument(problems)
                self.stdout.write(f"Document valide : {document['project']['slug']}.")
                return
            project = import_document(document, replace=replace, progress=self.writing_progress(progress))
        except InvalidDocument as error:
            raise CommandError(error.report()) from error
        self.stdout.write(
            f"Projet « {project.slug} » importé : {project.nodes.count()} nœuds, {project.actions.count()} actions."
        )

    def import_spreadsheet(self, path: Path, *, slug, title, into, dry_run, replace, progress=False):
        """A spreadsheet or a plan document: read into a draft with its report, then shown, created or merged."""
        if not path.exists():
            raise CommandError(f"Fichier « {path} » introuvable.")
        if path.is_dir():
            raise CommandError(f"« {path} » est un dossier, pas un fichier.")
        target = None
        if into:
            target = Project.objects.filter(slug=into).first()
            if target is None:
                raise CommandError(f"Projet « {into} » introuvable : rien n'a été importé.")
        slug = (
            target.slug
            if target
            else (slug or slugify(path.stem).replace("_", "-")[:50].strip("-") or "projet-importe")
        )
        title = target.title if target else (title or path.stem)
        try:
            if is_document(path):
                document, report = read_document(
                    path, path.name, self.progress_line() if progress or self.stderr_is_terminal() else None,
                    slug=slug, title=title,
                )  # fmt: skip
            else:
                document, report = read_spreadsheet(
                    path, slug=slug, title=title, labels=project_labels(target) if target else None
                )
            if dry_run or target is not None:
                ensure_valid(document)  # creating a project checks the draft in import_document
        except UnreadableFile as error:
            raise CommandError(f"{error} Rien n'a été importé.") from error
        if dry_run:
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            self.stderr.write(report.text())
            return
        if target is not None:
            result = merge_draft(target, document)
            self.stderr.write(report.text())
            self.stdout.write(
                f"Projet « {target.slug} » : {len(result.updated)} actions mises à jour, "
                f"{len(result.created)} créées, {result.nodes_created} nœuds ajoutés."
            )
            return
        try:
            project = import_document(document, replace=replace, progress=self.writing_progress(progress))
        except InvalidDocument as error:
            raise CommandError(error.report()) from error
        self.stderr.write(report.text())
        self.stdout.write(
            f"Projet « {project.slug} » créé depuis {path.name} : {project.nodes.count()} nœuds, "
            f"{project.actions.count()} actions."
        )

    def stderr_is_terminal(self) -> bool:
        stream = getattr(self.stderr, "_out", self.stderr)
        return bool(getattr(stream, "isatty", lambda: False)())

    def writing_progress(self, asked: bool):
        """ "Écriture : 7 / 24" (the importer's steps: an entity, or 2,000 actions), when asked or on a terminal."""
        return self.progress_line("Écriture") if asked or self.stderr_is_terminal() else None

    def progress_line(self, label="Lecture"):
        """ "Lecture : 12 / 54" rewritten in place on standard error, a new line once done."""
        stream = getattr(self.stderr, "_out", self.stderr)

        def show(done: int, total: int) -> None:
            stream.write(f"\r{label} : {done} / {total}")
            if done >= total:
                stream.write("\n")
            stream.flush()

        return show


def read(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except FileNotFoundError as error:
        raise CommandError(f"Fichier « {file} » introuvable.") from error
    except IsADirectoryError as error:
        raise CommandError(f"« {file} » est un dossier, pas un fichier.") from error
    except OSError as error:
        raise CommandError(f"Impossible de lire « {file} » : {error.strerror}.") from error
