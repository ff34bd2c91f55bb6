from django.core.management.base import BaseCommand

from maillage.demo.loading import ensure_demo_accounts, load_demo


class Command(BaseCommand):
    help = (
        "Charge (ou recharge) les projets de démonstration tirés des cinq documents sources, le projet fictif "
        "Val-de-Lisière et sa vie sur trois ans, et leurs comptes."
    )

    def handle(self, *args, **options):
        for project in load_demo():
            self.stdout.write(f"- {project.slug} : {project.title} ({project.actions.count()} actions)")
        accounts = ensure_demo_accounts()
        self.stdout.write(f"{len(accounts)} comptes de démonstration prêts (mot de passe : {accounts[0].password}).")
