import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.interchange.importing import import_document, validate_for_import
from maillage.interchange.validation import InvalidDocument, parse


class Command(BaseCommand):
    help = (
        "Importe un document d'échange maillage/project@1 (JSON) en une seule transaction. "
        "Un document invalide est refusé avec la liste de ses problèmes ; rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier JSON à importer (« - » pour l'entrée standard)")
        parser.add_argument("--replace", action="store_true", help="remplace le projet de même identifiant")
        parser.add_argument("--check", action="store_true", help="vérifie le document sans rien écrire")

    def handle(self, *args, file, replace, check, **options):
        try:
            document = parse(read(file))
            if check:
                problems = validate_for_import(document, replace=replace)
                if problems:
                    raise InvalidDocument(problems)
                self.stdout.write(f"Document valide : {document['project']['slug']}.")
                return
            project = import_document(document, replace=replace)
        except InvalidDocument as error:
            raise CommandError(error.report()) from error
        self.stdout.write(
            f"Projet « {project.slug} » importé : {project.nodes.count()} nœuds, {project.actions.count()} actions."
        )


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
