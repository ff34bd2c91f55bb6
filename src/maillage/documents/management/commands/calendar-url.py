from django.core.management.base import BaseCommand, CommandError

from maillage.documents.subscription import calendar_url, rotate_project_token
from maillage.projects.models import Project


class Command(BaseCommand):
    help = (
        "Affiche l'adresse d'abonnement au calendrier du projet (réunions et échéances des actions), "
        "à coller dans un agenda. Elle contient un jeton secret : ne la diffusez qu'aux personnes concernées. "
        "--rotate en tire une nouvelle : l'ancienne cesse de fonctionner."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet (voir « maillage projects »)")
        parser.add_argument(
            "--rotate", action="store_true", help="tire un nouveau jeton : les abonnements en cours s'arrêtent"
        )

    def handle(self, *args, slug, rotate=False, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        if rotate:
            rotate_project_token(project)
            self.stderr.write("Nouveau jeton : l'ancienne adresse ne fonctionne plus.")
        self.stdout.write(calendar_url(project))
