"""French first, English on request: the switcher in the layout, the pages in English, and a complete catalogue."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from maillage.accounts.models import Membership
from maillage.accounts.tests.factories import member
from maillage.actions.models import Action
from maillage.actions.tests.factories import ActionFactory
from maillage.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def choose(client, language, next_url="/"):
    """Pick a language the way the switcher does: a POST to set_language with the current page as ``next``."""
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    return response


@pytest.fixture
def published_plan():
    project = ProjectFactory(published=True, title="PST des Coteaux")
    ActionFactory(project=project, title="Forum des associations", status=Action.Status.DONE)
    ActionFactory(project=project, title="Atelier cuisine", status=Action.Status.IN_PROGRESS)
    return project


def test_french_by_default_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-GB,en;q=0.9"})
    page = response.content.decode()
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr"' in page
    assert "Se connecter" in page and "Log in" not in page


def test_the_layout_offers_the_switch_in_both_languages(client, published_plan):
    path = reverse("public-plan", args=[published_plan.slug])
    page = client.get(path).content.decode()
    switcher = page.split('id="language-switcher"', 1)[1].split("</form>", 1)[0]
    assert f'action="{reverse("set_language")}"' in page
    assert f'name="next" value="{path}"' in switcher
    assert "Choisir la langue / Choose the language" in switcher
    assert 'lang="en">EN - English</button>' in switcher
    assert 'lang="fr" aria-current="true">FR - Français</button>' in switcher


def test_after_choosing_english_the_pages_are_in_english(client, published_plan):
    plan_url = reverse("public-plan", args=[published_plan.slug])
    choose(client, "en", plan_url)

    plan = client.get(plan_url)
    text = plan.content.decode()
    assert plan["Content-Language"] == "en" and '<html lang="en"' in text
    assert "Where the plan stands" in text and "Où en est le plan" not in text
    assert "2 actions, of which 50% completed." in text
    assert "Completed" in text and "In progress" in text  # status labels, not only templates
    assert "Territorial social project (PST)" in text
    assert 'lang="en" aria-current="true">EN - English</button>' in text
    assert "living and shared" in text  # the tagline of the header
    assert 'href="/plans/">Published plans</a>' in text.split('class="fr-breadcrumb"')[1].split("</nav>")[0]

    home = client.get(reverse("home")).content.decode()
    assert "the territory's social project" in home and "Log in" in home and "Se connecter" not in home

    login = client.get(reverse("login")).content.decode()
    assert "Log in to Maillage" in login and "Forgotten your password?" in login

    missing = client.get("/nulle-part/")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode() and "Page introuvable" not in missing.content.decode()


def test_member_home_in_english(client):
    project = ProjectFactory(published=False)
    client.force_login(member(project, Membership.Role.READER))
    choose(client, "en")
    home = client.get(reverse("home")).content.decode()
    assert "My projects" in home and "Log out" in home and "Mes projets" not in home


def test_a_reader_is_refused_settings_in_english(client):
    project = ProjectFactory(published=False)
    client.force_login(member(project, Membership.Role.READER))
    choose(client, "en")
    forbidden = client.get(reverse("project-settings", args=[project.slug]))
    assert forbidden.status_code == 403
    assert "Access denied" in forbidden.content.decode()
    assert "ask the project's coordinators" in forbidden.content.decode()


def test_switching_back_to_french(client):
    choose(client, "en")
    assert "Log in" in client.get(reverse("home")).content.decode()
    choose(client, "fr")
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "fr"
    assert "Se connecter" in response.content.decode()


def test_an_english_request_leaves_the_thread_in_french(client):
    choose(client, "en")
    assert "Log in" in client.get(reverse("home")).content.decode()
    assert gettext("Page introuvable") == "Page introuvable"


def test_an_unknown_language_keeps_french(client):
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert "Se connecter" in client.get(reverse("home")).content.decode()


# The catalogue itself. The French msgids are the source text; every one needs a real English msgstr.

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def test_english_catalogue_is_complete_and_nothing_is_fuzzy():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 1000
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    obsolete = [entry.msgid for entry in po.obsolete_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]} — run `make messages` and translate"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]} — check the translation and remove the fuzzy flag"
    assert not obsolete, f"obsolete: {obsolete[:10]} — delete the #~ entries"
    # Real translations, not copies: only cognates (« Budget », « Action », « Code »…) may read the same.
    copies = [e.msgid for e in po if e.msgstr == e.msgid or (e.msgid_plural and e.msgstr_plural[1] == e.msgid_plural)]
    assert len(copies) < len(po) * 0.06, copies


def test_translations_keep_the_placeholders():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    for entry in po:
        if entry.msgid_plural:
            assert set(PLACEHOLDER.findall(entry.msgstr_plural[1])) == set(PLACEHOLDER.findall(entry.msgid_plural))
            assert set(PLACEHOLDER.findall(entry.msgstr_plural[0])) <= set(PLACEHOLDER.findall(entry.msgid_plural))
        else:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def test_compiled_catalogue_matches_the_po():
    """The .mo is committed (machines without gettext cannot compile it): it must hold every translation of the .po."""
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    compiled = {(e.msgid, e.msgstr or e.msgstr_plural.get(1, "")) for e in mo if e.msgid}
    expected = {(e.msgid, e.msgstr or e.msgstr_plural.get(1, "")) for e in po.translated_entries()}
    assert expected - compiled == set(), "the .mo is stale: run `make messages`"


def test_dates_and_times_follow_the_language(client):
    """« on 1 December 2026 à 22:18 » mixed the two: a date and time is the language's own format."""
    project = ProjectFactory(title="PST des Dates")
    ActionFactory(project=project, title="Forum")
    client.force_login(member(project, Membership.Role.READER))
    url = reverse("project-dashboard", args=[project.slug])
    french = client.get(url).content.decode()
    assert re.search(r"le \d{1,2} \w+ \d{4} \d{2}:\d{2}", french)
    choose(client, "en", url)
    english = client.get(url).content.decode()
    recent = english[english.index('id="recentes"') :]
    recent = recent[: recent.index("</section>")]
    assert " à " not in recent and re.search(r"on \w+\.? \d{1,2}, \d{4}, \d{1,2}:\d{2} [ap]\.m\.", recent)
