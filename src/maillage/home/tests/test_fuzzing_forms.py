"""Issue 16, fuzzing: every form a coordinator can reach, posted with random values, answers either a
success or a French error with nothing written — never a 500.

The forms are found as a person finds them: the pages of a demo plan are crawled (links inside the
project, from its dashboard), and every ``<form method="post">`` is read (its address, ``hx-post``
included, its fields, the options of its lists). Each kind of form (its address's URL name) is then
posted ``EXAMPLES`` times by hypothesis, with values drawn per field type: the offered options or
anything else, dates well or badly written, numbers and words, very long texts, control characters,
hidden fields kept or changed. An answer that shows an error (4xx, or a form drawn again with the DSFR's
error marks) must leave every table's row count as it was.
"""

import re
import traceback
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.accounts.models import User

SLUG = "clermont-sud"
MAX_PAGES = 110
EXAMPLES = 6
# Forms not posted: signing out ends the session the crawl uses; deleting the plan's tree nodes is
# posted, but not the project itself (the next forms would have nothing left to post to).
SKIPPED = {"logout", "project-delete", "set_language", "choose-language"}
NOT_FOLLOWED = re.compile(r"telecharger|documents/|\.(pdf|docx|odt|xlsx|csv|ics|svg|png|json)$|deconnexion|/admin/")
ERROR_MARKS = ("fr-error-text", "fr-message--error", "fr-input-group--error", "fr-select-group--error",
               "fr-alert--error", "fr-fieldset--error")  # fmt: skip


class Forms(HTMLParser):
    """The links and the post forms of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self.form, self.select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method", "").lower() == "post" or attrs.get("hx-post")):
            self.form = {"action": attrs.get("hx-post") or attrs.get("action") or "", "htmx": "hx-post" in attrs,
                         "fields": {}}  # fmt: skip
            self.forms.append(self.form)
        elif self.form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            if kind in ("submit", "button", "reset", "image"):
                return
            field = self.form["fields"].setdefault(
                attrs["name"], {"kind": kind, "value": attrs.get("value", ""), "options": []}
            )
            if kind in ("checkbox", "radio"):
                field["options"].append(attrs.get("value", "on"))
            if tag == "select":
                self.select = field
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def crawl(client) -> dict:
    """The post forms reachable from the project's dashboard: one per URL name (its first address)."""
    start = f"/projets/{SLUG}/"
    seen, queue, found, kinds = {start}, deque([start, "/", "/compte/"]), {}, {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = Forms()
        page.feed(response.content.decode())
        for form in page.forms:
            action = urljoin(url, form["action"] or url)
            try:
                name = resolve(urlparse(action).path).url_name
            except Resolver404:
                continue
            if name not in SKIPPED and name not in found:
                found[name] = {**form, "action": action}
        for href in page.links:
            target = urljoin(url, href).split("#")[0]
            if not target.startswith(start) or target in seen or NOT_FOLLOWED.search(target):
                continue
            try:
                kind = resolve(urlparse(target).path).url_name
            except Resolver404:
                continue
            if kinds.get(kind, 0) < 2:  # two pages of each kind (two fiches, two meetings…), not every one
                kinds[kind] = kinds.get(kind, 0) + 1
                seen.add(target)
                queue.append(target)
    return found


TEXT = st.one_of(
    st.just(""),
    st.text(alphabet="abcdeéèàçABCÉ-' 0123456789", max_size=40),
    st.text(max_size=30),
    st.integers(min_value=5000, max_value=12000).map(lambda size: "é" * size),
    st.sampled_from(["<script>alert(1)</script>", '=HYPERLINK("http://x")', "\x00", "\r\n", "' OR 1=1 --"]),
)
NUMBER = st.one_of(st.integers(-(10**12), 10**12).map(str), st.sampled_from(["1,5", "1 040", "-0", "1e400", "abc"]))
DATE = st.one_of(st.dates().map(str), st.sampled_from(["2024-02-30", "31/12/2025", "0000-00-00", "2025", "demain"]))


def value_for(draw, field):
    kind, options = field["kind"], field["options"]
    if kind in ("checkbox", "radio"):
        return draw(st.lists(st.sampled_from(options), unique=True, max_size=len(options))) if options else []
    if kind == "select" and options and draw(st.integers(0, 3)):
        return draw(st.sampled_from(options))
    if kind == "hidden" and draw(st.integers(0, 3)):
        return field["value"]  # kept mostly: the form's version (optimistic locking), its return address
    if kind == "number":
        return draw(NUMBER)
    if kind == "date":
        return draw(DATE)
    if kind == "file":
        return None
    return draw(st.one_of(TEXT, NUMBER, DATE))


def rows() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}


@pytest.mark.django_db
def test_every_form_posted_with_random_values_answers_without_a_500_and_errors_write_nothing(demo_db):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=f"coord-{SLUG}"))
    forms = crawl(client)
    assert len(forms) >= 25, sorted(forms)  # the tree, the fiche, the directory, governance, evaluation…
    failures = []

    def fuzz(name, form):
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.data_too_large])  # fmt: skip
        @given(data=st.data())
        def post(data):
            values = {}
            for field_name, field in form["fields"].items():
                if data.draw(st.integers(0, 9)) == 0:
                    continue  # a field left out of the post
                value = value_for(data.draw, field)
                if value is not None:
                    values[field_name] = value
            headers = {"HTTP_HX_REQUEST": "true"} if form["htmx"] else {}
            before = rows()
            response = client.post(form["action"], values, **headers)
            if response.status_code >= 500:
                error = None
                if getattr(response, "exc_info", None):
                    error = "".join(traceback.format_exception(response.exc_info[1])[-6:])
                shown = {key: (value[:40] if isinstance(value, str) else value) for key, value in values.items()}
                failures.append(f"{name} {form['action']} → {response.status_code} ({error!r}) with {shown!r:.400}")
                return
            text = response.content.decode(errors="replace") if response.status_code != 302 else ""
            refused = response.status_code >= 400 or any(mark in text for mark in ERROR_MARKS)
            if refused and response.status_code not in (404, 405) and rows() != before:
                changed = {k: (before[k], v) for k, v in rows().items() if before.get(k) != v}
                failures.append(f"{name}: refused with {response.status_code} but wrote {changed}")

        post()

    for name, form in sorted(forms.items()):
        fuzz(name, form)
    assert failures == [], "\n".join(failures)
