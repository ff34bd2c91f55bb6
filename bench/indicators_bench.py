"""Benchmark (not a test): the project's indicators page at 500 and 5,000 actions.

Builds a plan of N actions (5 axes × 10 objectives, every action placed, a lead person on one in four),
one indicator on two actions in three — a quantitative one with a baseline, two targets and four values
typed out of order, or a qualitative one with two appreciations — then requests the indicators page as
a coordinator through Django's test client: the first page, a page in the middle, and a filtered page
(a node and everything under it, plus "no value for the last period"). For each: the number of queries,
the rows read, and the median and the slowest of K requests.

    .venv/bin/python bench/indicators_bench.py [--actions 500,5000] [--repeat 15]

It uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set (then it creates
the projects there; use a throw-away database).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(actions: int):
    from maillage.accounts.models import Membership, User
    from maillage.actions.models import Action, ActionNode
    from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
    from maillage.partners.models import Person
    from maillage.projects.models import Level, Node, Project

    project = Project.objects.create(
        slug=f"bench-indicateurs-{actions}", title=f"Plan à {actions} actions", kind="pst", first_year=2022, last_year=2026
    )
    axe, objective = (Level.objects.create(project=project, depth=d, name=n) for d, n in ((1, "Axe"), (2, "Objectif")))
    nodes = []
    for i in range(5):
        root = Node.objects.create(project=project, level=axe, code=str(i + 1), title=f"Axe {i + 1}", position=i)
        nodes += [
            Node.objects.create(project=project, level=objective, parent=root, code=f"{i + 1}.{j + 1}", title=f"Obj {j}")
            for j in range(10)
        ]
    made = Action.objects.bulk_create(
        Action(project=project, ref=f"A{n:05d}", title=f"Action n° {n}", status="in_progress", position=n)
        for n in range(actions)
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=nodes[n % len(nodes)]) for n, a in enumerate(made))
    person = Person.objects.create(project=project, key="pilote", name="Pilote")
    Action.leads.through.objects.bulk_create(
        Action.leads.through(action_id=a.pk, person_id=person.pk) for a in made[::4]
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            action=a,
            kind="qualitative" if n % 5 == 4 else "quantitative",
            title=f"Indicateur {n}",
            baseline=None if n % 5 == 4 else 10,
            baseline_year=None if n % 5 == 4 else 2021,
        )
        for n, a in enumerate(made)
        if n % 3 != 2
    )
    values, targets = [], []
    for n, indicator in enumerate(indicators):
        if indicator.kind == "qualitative":
            values += [
                IndicatorValue(indicator=indicator, period="juin 2023", assessment="Bonne dynamique", position=0),
                IndicatorValue(indicator=indicator, period="2024", assessment="Des parents au conseil", position=1),
            ]
            continue
        periods = ["2024", "fin 2022", "2025", "juin 2023"] if n % 2 else ["2023", "2022", "2024", "T1 2024"]
        values += [IndicatorValue(indicator=indicator, period=p, value=10 + 3 * i, position=i) for i, p in enumerate(periods)]
        targets += [IndicatorTarget(indicator=indicator, year=2024, value=20), IndicatorTarget(indicator=indicator, year=2026, value=30)]
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    IndicatorTarget.objects.bulk_create(targets, batch_size=2000)
    user, _ = User.objects.get_or_create(username="bench-coordination")
    Membership.objects.get_or_create(user=user, project=project, defaults={"role": Membership.Role.COORDINATOR})
    return project, user, nodes[0].parent, len(indicators), len(values)


def measure(client, url, repeat):
    from maillage.testing.fetching import counting

    client.get(url)  # warm up
    with counting() as fetched:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return fetched.queries, fetched.rows, statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="500,5000")
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, load average {os.getloadavg()[0]:.1f}")
    for size in (int(n) for n in options.actions.split(",")):
        started = time.perf_counter()
        project, user, axe, n_indicators, n_values = build(size)
        print(
            f"\n{size} actions, {n_indicators} indicators, {n_values} values "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        client = Client()
        client.force_login(user)
        base = reverse("indicator-list", args=[project.slug])
        pages = n_indicators // 50 + 1
        for name, url in (
            ("first page", base),
            (f"page {pages // 2} of {pages}", f"{base}?page={pages // 2}"),
            ("filtered (axe 1, no value for 2025)", f"{base}?noeud={axe.pk}&manquant=1"),
        ):
            queries, rows, median, slowest = measure(client, url, options.repeat)
            print(f"  {name}: {queries} queries, {rows} rows, median {median * 1000:.0f} ms, slowest {slowest * 1000:.0f} ms")


if __name__ == "__main__":
    main()
