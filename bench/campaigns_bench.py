"""Benchmark (not a test): an evaluation campaign on a plan of N actions — opening it, its pages and its
report — with query counts, rows read and timings.

Builds a project of N actions under 5 axes × 10 objectives, one lead (with an account) per 10 actions,
each action with a quantitative indicator (a target and two earlier values) and a qualitative one; opens
an annual campaign of all actions (every default question); then a third of the answers are sent and
sent back or kept to review, and 40 % are accepted through ``reviewing.accept`` (values, participation and
status written with history, as the page does). Measures, on the coordinator's session:

- the progress page (``/evaluations/<id>/suivi/``), the synthesis (``/evaluations/<id>/``), one answer;
- the report in DOCX, ODT, PDF and XLSX (building + rendering; the charts are part of building).

    .venv/bin/python bench/campaigns_bench.py [--actions 500,5000] [--formats docx,pdf,odt,xlsx] [--runs 5]

It uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set.
"""

import argparse
import datetime
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(n: int):
    from django.utils import timezone

    from maillage.accounts.models import Membership, User
    from maillage.actions.models import Action, ActionNode
    from maillage.campaigns.models import Answer
    from maillage.campaigns.opening import create_campaign, open_campaign
    from maillage.campaigns.reviewing import accept
    from maillage.evaluation.models import Indicator, IndicatorTarget, IndicatorValue
    from maillage.partners.models import Person
    from maillage.projects.models import Level, Node, Project

    slug = f"bench-campagne-{n}"
    Project.objects.filter(slug=slug).delete()
    project = Project.objects.create(
        slug=slug, title=f"Plan d'essai à {n} actions", kind="pst", first_year=2023, last_year=2026
    )
    coordinator, _ = User.objects.get_or_create(username=f"coord-{slug}")
    Membership.objects.create(user=coordinator, project=project, role="coordinator")
    axe_level = Level.objects.create(project=project, depth=1, name="Axe")
    objective_level = Level.objects.create(project=project, depth=2, name="Objectif")
    objectives = []
    for i in range(5):
        axe = Node.objects.create(project=project, level=axe_level, code=str(i + 1), title=f"Axe {i + 1}", position=i)
        objectives += [
            Node.objects.create(
                project=project,
                level=objective_level,
                parent=axe,
                code=f"{i + 1}.{j + 1}",
                title=f"Objectif {j + 1}",
                position=j,
            )
            for j in range(10)
        ]
    statuses = ["planned", "in_progress", "continuous", "postponed", "blocked"]
    actions = Action.objects.bulk_create(
        Action(project=project, ref=f"A{k:05d}", title=f"Action n° {k}", status=statuses[k % 5], position=k)
        for k in range(n)
    )
    ActionNode.objects.bulk_create(ActionNode(action=a, node=objectives[k % 50]) for k, a in enumerate(actions))
    leads = []
    for k in range(max(1, n // 10)):
        user = User.objects.create(username=f"pilote-{slug}-{k}", email=f"pilote{k}@exemple.fr")
        Membership.objects.create(user=user, project=project, role="contributor")
        leads.append(Person.objects.create(project=project, key=f"pilote-{k}", name=f"Pilote {k}", user=user))
    Action.leads.through.objects.bulk_create(
        Action.leads.through(action_id=a.pk, person_id=leads[k % len(leads)].pk) for k, a in enumerate(actions)
    )
    quantitative = Indicator.objects.bulk_create(
        Indicator(action=a, kind="quantitative", title="Participants", unit="personnes") for a in actions
    )
    Indicator.objects.bulk_create(
        Indicator(action=a, kind="qualitative", title="Satisfaction", position=1) for a in actions
    )
    IndicatorTarget.objects.bulk_create(IndicatorTarget(indicator=i, year=2024, value=100) for i in quantitative)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, period=str(year), value=40 + 10 * offset, position=offset)
        for i in quantitative
        for offset, year in enumerate((2022, 2023))
    )
    started = time.perf_counter()
    campaign = create_campaign(
        project,
        kind="annual",
        first_year=2024,
        last_year=2024,
        due_date=datetime.date.today() + datetime.timedelta(days=20),
    )
    open_campaign(campaign, coordinator)
    opened = time.perf_counter() - started
    questions = {q.label: q for q in campaign.questions.all()}
    answers = list(Answer.objects.filter(campaign=campaign).select_related("action").order_by("position"))
    by_action = {i.action_id: i for i in quantitative}
    now = timezone.now()
    for k, answer in enumerate(answers):
        if k % 10 >= 7:
            continue  # 30 % not sent
        Answer.objects.filter(pk=answer.pk).update(
            state=Answer.State.SUBMITTED,
            submitted_at=now,
            responses={
                questions[
                    "Qu'est-ce qui a été réalisé ?"
                ].key: f"Bilan de l'action {answer.action.ref} : des ateliers, des sorties.",
                questions["Nombre de personnes touchées"].key: str(60 + k % 40),
            },
            participation="consultation",
            proposal=["continue", "adapt", "stop", "done"][k % 4],
            proposal_comment="Voir le détail avec l'équipe.",
        )
        from maillage.campaigns.models import AnswerIndicator

        AnswerIndicator.objects.create(answer_id=answer.pk, indicator=by_action[answer.action_id], value=60 + k % 40)
    accepting = time.perf_counter()
    accepted = 0
    for k, answer in enumerate(answers):
        if k % 10 < 4:
            accept(Answer.objects.get(pk=answer.pk), coordinator, status="in_progress")
            accepted += 1
    per_accept = (time.perf_counter() - accepting) / max(accepted, 1)
    return project, campaign, coordinator, opened, per_accept, accepted


def measure_page(client, url, runs):
    from maillage.testing.fetching import counting

    client.get(url)
    with counting() as fetched:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return fetched.queries, fetched.rows, fetched.instances, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="500,5000")
    parser.add_argument("--formats", default="docx,pdf,odt,xlsx")
    parser.add_argument("--runs", type=int, default=5)
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
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from maillage.documents.registry import parse_what, write

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    for n in [int(value) for value in options.actions.split(",")]:
        started = time.perf_counter()
        project, campaign, coordinator, opened, per_accept, accepted = build(n)
        print(
            f"\n{n} actions (built in {time.perf_counter() - started:.0f} s): opening {opened:.2f} s, "
            f"accepting one answer {per_accept * 1000:.0f} ms ({accepted} accepted)"
        )
        client = Client()
        client.force_login(coordinator)
        answer = campaign.answers.filter(state="submitted").first()
        for name, url in [
            ("progress", reverse("campaign-progress", args=[project.slug, campaign.pk])),
            ("synthesis", reverse("campaign-detail", args=[project.slug, campaign.pk])),
            ("answer", reverse("campaign-answer", args=[project.slug, campaign.pk, answer.pk])),
        ]:
            queries, rows, instances, median = measure_page(client, url, options.runs)
            print(
                f"  {name} page: {queries} queries, {rows} rows, {instances} instances, {median * 1000:.0f} ms (median of {options.runs})"
            )
        what = parse_what(project, f"evaluation:{campaign.pk}")
        for format in options.formats.split(","):
            started = time.perf_counter()
            content = write(format, project, what)
            elapsed = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"  report {format}: {elapsed:.1f} s, {len(content) / 1e6:.1f} Mo, peak resident memory so far {rss:.0f} Mo"
            )


if __name__ == "__main__":
    main()
