"""Who asks: a user for each role on a project, and what each must get from a page.

Shared by the directory, governance and diagnostic tests: every view is tried by a coordinator, a
contributor, a reader, a network admin (through the project's parent), a signed-in stranger and an
anonymous visitor, on a private and on a published project."""

from urllib.parse import urlsplit

from django.urls import reverse

from maillage.accounts.models import Membership, User
from maillage.projects.tests.factories import ProjectFactory

ROLES = ["coordinator", "contributor", "reader", "network_admin", "stranger", "anonymous"]
READERS = {"coordinator", "contributor", "reader", "network_admin"}
MANAGERS = {"coordinator", "network_admin"}


def project_with_network(**kwargs):
    """A project declined from a network project, so that a network admin reaches it by inheritance."""
    network = ProjectFactory(kind="pms")
    return ProjectFactory(parent=network, **kwargs)


def login_as(client, project, role):
    """Sign in a new user holding ``role`` (no password: hashing one costs more than the whole test)."""
    client.logout()
    if role == "anonymous":
        return None
    user = User.objects.create(username=f"{role}-{User.objects.count() + 1}")
    if role == "network_admin":
        Membership.objects.create(user=user, project=project.parent, role=Membership.Role.NETWORK_ADMIN)
    elif role != "stranger":
        Membership.objects.create(user=user, project=project, role=role)
    client.force_login(user)
    return user


def expected(role, project, manage=False, public_redirect=True):
    """200, 403, "login" or "public" (sent to the public plan)."""
    if role in (MANAGERS if manage else READERS):
        return 200
    if project.published and public_redirect and role in ("anonymous", "stranger"):
        return "public"
    return "login" if role == "anonymous" else 403


def outcome(response):
    if response.status_code in (301, 302):
        path = urlsplit(response["Location"]).path
        if path.startswith(reverse("login")):
            return "login"
        if path.startswith("/plans/"):
            return "public"
        return f"redirect {path}"
    return response.status_code


def check_every_role(client, project, url, manage=False, public_redirect=True):
    """GET ``url`` with every role; return {role: (got, wanted)} for the roles that got the wrong answer."""
    wrong = {}
    for role in ROLES:
        login_as(client, project, role)
        got, want = outcome(client.get(url)), expected(role, project, manage, public_redirect)
        if got != want:
            wrong[role] = (got, want)
    client.logout()
    return wrong


def check_refused_posts(client, project, url, data=None):
    """POST ``url`` as every role that may not manage; return the roles that were not refused."""
    wrong = {}
    for role in ROLES:
        if role in MANAGERS:
            continue
        login_as(client, project, role)
        got = outcome(client.post(url, data or {}))
        want = "login" if role == "anonymous" else 403
        if got != want:
            wrong[role] = (got, want)
    client.logout()
    return wrong
