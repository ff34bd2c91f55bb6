from django.core.management.base import BaseCommand

from maillage.projects.models import Project


class Command(BaseCommand):
    help = "Liste les projets : identifiant (slug), type et titre, un par ligne."

    def handle(self, *args, **options):
        for slug, kind, title in Project.objects.order_by("slug").values_list("slug", "kind", "title"):
            self.stdout.write(f"{slug}\t{kind}\t{title}")
