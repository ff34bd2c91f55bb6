from django.core.management.base import BaseCommand, CommandError

from maillage.backups.dumping import BackupError
from maillage.backups.restoring import restore_backup


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde de « maillage backup » dans une base vide (neuve, ou seulement migrée), "
        "en une transaction, puis la met au schéma de cette version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="le fichier de sauvegarde (.zip)")
        parser.add_argument("--database", default="default", help="l'alias de base où restaurer")

    def handle(self, *args, file, database, **options):
        try:
            manifest = restore_backup(file, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        except Exception as error:
            import zipfile

            if isinstance(error, zipfile.BadZipFile):
                raise CommandError(f"« {file} » n'est pas une sauvegarde lisible (archive endommagée).") from error
            raise
        rows = sum(manifest["tables"].values())
        self.stderr.write(
            f"Sauvegarde du {manifest['created'][:10]} restaurée : {rows} lignes, {manifest['files']} fichiers."
        )
