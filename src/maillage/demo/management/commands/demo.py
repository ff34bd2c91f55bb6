import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from maillage.demo.loading import ensure_demo_accounts, load_demo
from maillage.demo.serving import server_environment
from maillage.evaluation.tasks import ensure_scheduled
from maillage.jobs.supervisor import Child, Supervisor


class Command(BaseCommand):
    help = (
        "Prépare la base embarquée, charge les projets de démonstration et sert l'application sur "
        "http://127.0.0.1:8000 en affichant les comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="adresse et port d'écoute")
        parser.add_argument("--no-serve", action="store_true", help="prépare la base sans lancer le serveur")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="ne lance pas les travailleurs des tâches de fond (imports et exports : « maillage worker »)",
        )

    def handle(self, *args, addrport, no_serve, no_worker=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        projects = load_demo()
        accounts = ensure_demo_accounts()
        self.stdout.write(self.style.SUCCESS(f"{len(projects)} projets de démonstration chargés."))
        self.stdout.write(f"Maillage : http://{addrport}/  (administration : http://{addrport}/admin/)")
        self.stdout.write("Comptes de démonstration :")
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.username:<{width}}  mot de passe : {account.password}  — {account.role}")
        if no_serve:
            return
        # The server runs with DEBUG off (French error pages, never the debug page listing every URL) and
        # serves its static files itself; the worker is supervised: restarted if it dies.
        environment = {**os.environ, **server_environment(settings.DATA_DIR, addrport)}
        python = [sys.executable, "-m", "maillage"]
        children = [Child("serveur", [*python, "runserver", "--noreload", "--insecure", addrport], essential=True)]
        if not no_worker:
            children.append(Child("tâches de fond", [*python, "worker"]))
            ensure_scheduled()  # the daily digest job (maillage.evaluation.tasks), queued once
        self.stdout.flush()
        code = Supervisor(children, environment=environment, log=lambda line: self.stderr.write(line)).run()
        if code:
            sys.exit(code)
