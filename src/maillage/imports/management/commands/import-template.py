from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.imports.template import template_csv, template_xlsx


class Command(BaseCommand):
    help = (
        "Écrit le modèle de tableur d'import (une ligne par action) : en-têtes canoniques, feuille « Aide » "
        "et listes de choix pour le statut, l'origine, la priorité et l'échelon."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="fichier à écrire (.xlsx ou .csv)")
        parser.add_argument("--format", choices=["xlsx", "csv"], help="format (par défaut : l'extension du fichier)")

    def handle(self, *args, output, format, **options):
        path = Path(output)
        kind = format or path.suffix.lower().lstrip(".")
        if kind not in ("xlsx", "csv"):
            raise CommandError("Format du modèle : xlsx ou csv (option --format ou extension du fichier).")
        try:
            path.write_bytes(template_xlsx() if kind == "xlsx" else template_csv())
        except OSError as error:
            raise CommandError(f"Impossible d'écrire « {path} » : {error.strerror}.") from error
        self.stdout.write(f"Modèle d'import écrit dans {path}.")
