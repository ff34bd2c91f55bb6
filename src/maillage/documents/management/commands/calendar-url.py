from django.core.management.base import BaseCommand, CommandError

from maillage.documents.subscription import calendar_url
from maillage.projects.models import Project


class Command(BaseCommand):
    help = (
        "Affiche l'adresse d'abonnement au calendrier du projet (réunions et échéances des actions), "
        "à coller dans un agenda. Elle contient un jeton secret : ne la diffusez qu'aux personnes concernées."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet (voir « maillage projects »)")

    def handle(self, *args, slug, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        self.stdout.write(calendar_url(project))
