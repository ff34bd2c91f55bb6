from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.backups.dumping import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toute l'instance dans un fichier : comptes, rôles, projets, commentaires, historique, "
        "jetons d'agenda, imports et exports avec leurs fichiers (la file des tâches exceptée). Cohérente même "
        "pendant que le site tourne. « maillage restore FICHIER » la remet dans une base neuve."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="le fichier à écrire (.zip)")
        parser.add_argument("--database", default="default", help="l'alias de base à sauvegarder")

    def handle(self, *args, output, database, **options):
        path = Path(output)
        if path.exists() and path.is_dir():
            raise CommandError(f"« {path} » est un dossier : donnez le nom du fichier à écrire.")
        partial = path.with_name(path.name + ".partiel")
        try:
            manifest = write_backup(partial, using=database)
        except BackupError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)  # never a half-written file under the final name
        rows = sum(manifest["tables"].values())
        self.stderr.write(
            f"Sauvegarde écrite : {path} — {rows} lignes dans {len(manifest['tables'])} tables, "
            f"{manifest['files']} fichiers."
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"Fichier absent du stockage, non sauvegardé : {name}")
