"""The benchmark's generated network, small: every page the benchmark times fetches the same rows when
the network around the measured plan grows (``bench/scale_bench.py`` times them at 1k, 10k, 100k)."""

from django.test import Client

from maillage.accounts.models import User
from maillage.projects.listing import PAGE_SIZE
from maillage.projects.models import Project
from maillage.projects.tests.factories import ProjectFactory
from maillage.testing.scale import generate, pages

from .test_pages import _compare, measure


def test_benchmark_pages_do_not_grow_with_the_generated_network(db, fetched):
    generate(300, 3, values_per_action=3)
    ProjectFactory.create_batch(PAGE_SIZE + 1, published=True)  # lists of projects: a full first page
    project = Project.objects.get(slug="echelle-0001")
    action = project.actions.order_by("position")[50]
    member_pages, public_pages = pages(project, action.ref, project.organisations.order_by("pk").first().pk)
    coordinator, visitor = Client(), Client()
    coordinator.force_login(User.objects.get(username="echelle-0001-coordinator"))

    def measured():
        return {
            **measure(coordinator, [address for _name, address in member_pages], fetched),
            **{f"public {k}": v for k, v in measure(visitor, [a for _n, a in public_pages], fetched).items()},
        }

    before = measured()
    generate(900, 9, values_per_action=3, prefix="autour")
    _compare(before, measured())
