"""Who may do what in a project: the one place where roles become permissions.

Every view asks :func:`access_for` (or goes through :func:`maillage.accounts.decorators.project_view`),
so that a permission is checked on the server for every object, whether the request comes from a
page, an htmx fragment or a download.

Roles (PRODUCT): a *coordinator* does everything in the project; a *contributor* edits the actions
they lead (through the directory person linked to their account), their indicators and follow-up
notes, and reads the rest; a *reader* reads everything and comments; a *network admin* on a project
is a coordinator of it and of every project declined from it (a PMS and its PSTs). A *published*
project is readable by anyone, without personal data. Superusers are coordinators everywhere.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from maillage.accounts.models import Membership
from maillage.projects.models import MAX_NETWORK_DEPTH, Project
from maillage.projects.network import ancestor_ids

Role = Membership.Role


@dataclass
class Access:
    """What one user may do in one project. ``role`` is None for a visitor of a published project."""

    project: Project
    user: object
    role: str | None
    led_action_ids: set[int] = field(default_factory=set)
    organisation_id: int | None = None  # a partner's organisation in the project's directory
    # False for a read-only API token (``maillage.api``): the member reads as their role lets them and
    # writes nothing, whatever the role.
    writable: bool = True

    @property
    def is_member(self) -> bool:
        """A member sees the private side: people's contact details, notes, history. A partner does not:
        they see their organisation's actions, through their own space."""
        return self.role is not None and self.role != Role.PARTNER

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER and self.organisation_id is not None

    @property
    def can_read(self) -> bool:
        return self.is_member or self.project.published

    @property
    def is_public(self) -> bool:
        """A visitor of a published project (a partner too, outside their space): only the public pages,
        no personal data."""
        return not self.is_member and self.project.published

    @property
    def can_manage(self) -> bool:
        """Change the project itself: tree, settings, directory, governance, publication."""
        return self.role in (Role.COORDINATOR, Role.NETWORK_ADMIN)

    @property
    def can_comment(self) -> bool:
        return self.is_member

    @property
    def can_contribute(self) -> bool:
        """Edit at least some actions (the ones led, for a contributor)."""
        return self.can_manage or self.role == Role.CONTRIBUTOR

    def can_edit_action(self, action) -> bool:
        if action.project_id != self.project.pk or not self.writable:
            return False
        if self.can_manage:
            return True
        return self.role == Role.CONTRIBUTOR and action.pk in self.led_action_ids

    def can_add_action(self) -> bool:
        return self.can_manage and self.writable

    def can_replace_plan(self) -> bool:
        """Replace the whole plan with an interchange document (the API's ``PUT …/document``): what the
        command ``maillage import --replace`` does, for the project's coordinators only."""
        return self.can_manage and self.writable

    @property
    def can_read_private(self) -> bool:
        """Governance, diagnostic, versions, campaigns, the interchange document, notes, people: members'
        matters. A visitor of a published plan reads what its public pages show (``versions.reading``)."""
        return self.is_member

    @property
    def may_manage_webhooks(self) -> bool:
        """Subscribe addresses to the project's events, read their secrets and delivery log: the webhooks
        send the plan's changes out of Maillage, which is the coordination's decision."""
        return self.can_manage


def may_use_admin(user) -> bool:
    """Only superusers open the Django admin: it shows every project unfiltered (see ``admin_site``)."""
    return bool(user.is_active and user.is_superuser)


STRONGEST_FIRST = [Role.NETWORK_ADMIN, Role.COORDINATOR, Role.CONTRIBUTOR, Role.READER, Role.PARTNER]


def _ancestor_ids(project: Project) -> list[int]:
    """The project and the projects it is declined from, nearest first: one query whatever the depth
    (``projects.network``; loops are refused on save, depth is bounded by ``MAX_NETWORK_DEPTH``)."""
    return ancestor_ids(project)


def _role_and_organisation(user, project: Project) -> tuple[str | None, int | None]:
    """The strongest role the user holds on this project, directly or as network admin of an ancestor,
    and for a partner the organisation they act for: one query of the user's memberships in the network."""
    if not user.is_authenticated:
        return None, None
    if user.is_superuser:
        return Role.COORDINATOR, None
    ancestors = _ancestor_ids(project)
    memberships = Membership.objects.filter(user=user, project_id__in=ancestors).only(
        "project_id", "role", "organisation_id"
    )
    roles = {(m.project_id, m.role): m.organisation_id for m in memberships}
    if any(role == Role.NETWORK_ADMIN for _pk, role in roles):
        return Role.NETWORK_ADMIN, None
    own = {role for pk, role in roles if pk == project.pk}
    role = next((role for role in STRONGEST_FIRST if role in own), None)
    return role, roles.get((project.pk, role)) if role == Role.PARTNER else None


def role_in(user, project: Project) -> str | None:
    """The strongest role the user holds on this project, directly or as network admin of an ancestor."""
    return _role_and_organisation(user, project)[0]


def access_for(user, project: Project, *, writable: bool = True) -> Access:
    """``writable=False``: the same reads, no write (a read-only API token)."""
    role, organisation_id = _role_and_organisation(user, project)
    led = set()
    if role == Role.CONTRIBUTOR:
        led = set(
            project.actions.filter(Q(leads__user=user) | Q(parent__leads__user=user)).values_list("pk", flat=True)
        )
    return Access(
        project=project, user=user, role=role, led_action_ids=led, organisation_id=organisation_id, writable=writable
    )


def _member_q(user, roles=None) -> Q:
    """Projects where the user holds one of ``roles`` (any role by default), directly or as the network
    admin of a project they are declined from, at any depth of the network (as ``role_in`` reads it)."""
    from maillage.projects.network import descendants_q

    memberships = Membership.objects.filter(user=user)
    direct = memberships.filter(role__in=roles) if roles else memberships.exclude(role=Role.PARTNER)
    networks = memberships.filter(role=Role.NETWORK_ADMIN).values("project_id")
    return Q(pk__in=direct.values("project_id")) | descendants_q(networks)


def readable_projects(user):
    """Projects the user may open: published ones, their own, and those of the networks they administer."""
    projects = Project.objects.all()
    if user.is_authenticated and user.is_superuser:
        return projects
    visible = Q(published=True)
    if user.is_authenticated:
        visible |= _member_q(user)
    return projects.filter(visible)


def member_projects(user):
    """The projects where the user has a role (their working list on the home page)."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(_member_q(user))


def managed_projects(user):
    """The projects the user may change (``Access.can_manage``), in one query: e.g. to merge an import into."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(_member_q(user, roles=[Role.COORDINATOR, Role.NETWORK_ADMIN]))


# --- the network: who attaches a project to a framework, who reads the network's figures --------------------


def is_network_admin(user, project: Project) -> bool:
    """The user administers the network ``project`` belongs to (on it or on a framework above it)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or role_in(user, project) == Role.NETWORK_ADMIN


def may_attach(user, child: Project, parent: Project) -> bool:
    """Attach ``child`` under ``parent`` at once, without asking anyone.

    Attaching makes the parent's network admins coordinators of the child (``role_in``), so it needs
    both sides: the user administers the parent's network *and* already manages the child (its
    coordinator, or the admin of the network it is in). A network admin alone cannot take over a project
    they have no role in: they ask its coordinator to ask (``may_request_attach``), who then gets an
    immediate yes. A superuser may do anything.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return is_network_admin(user, parent) and access_for(user, child).can_manage


def may_request_attach(user, child: Project, parent: Project) -> bool:
    """Ask to attach ``child`` under ``parent``, for the parent's network admin to accept: the child's
    coordinator (or network admin) may, towards a framework they can read (a published one, or one of
    theirs); a private framework they cannot see stays out of reach, so its title never leaks."""
    if not user.is_authenticated or not access_for(user, child).can_manage:
        return False
    return readable_projects(user).filter(pk=parent.pk).exists()


def may_decide_request(user, request) -> bool:
    """Accept or refuse a request to join ``request.parent``: its network admin (or one above it)."""
    return is_network_admin(user, request.parent)


def may_cancel_request(user, request) -> bool:
    """Withdraw a pending request: whoever manages the child that asked."""
    return user.is_authenticated and access_for(user, request.child).can_manage


def may_detach(user, child: Project) -> bool:
    """Detach ``child`` from its parent: the child's coordinator, or the parent's network admin (who
    manages the child through the network, ``role_in``). A coordinator or reader of the parent cannot."""
    if not user.is_authenticated or child.parent_id is None:
        return False
    return access_for(user, child).can_manage


def may_read_network(access: Access) -> bool:
    """See the parent's roll-up and the list of its declined projects: any member of the parent.

    The roll-up shows counts per declined project (actions by status, share done and late, answers to
    campaigns) and each one's title, never an action, a person or a note: joining a network means
    reporting these figures to its framework, so a coordinator or reader of the parent sees them even
    for a private child they have no role in. Opening the child itself still takes a role on it. A
    visitor of a published framework sees only the published projects of its network (public pages).
    """
    return access.is_member


NETWORK_DEPTH = MAX_NETWORK_DEPTH  # re-exported: how deep the access rules reach


# Partners ----------------------------------------------------------------------------------------
# A partner acts for one organisation of the directory: they read the actions it takes part in (their
# public sections), propose corrections to its entry, add its events to the shared calendar, and write
# follow-up notes where it leads or operates. Nothing else of the project is theirs to read.

PARTNER_NOTE_ROLES = ("lead", "operational")


def partner_memberships(user):
    """The user's partner roles, each for one organisation (their partner spaces)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, role=Role.PARTNER, organisation__isnull=False)


def partner_projects(user):
    """The projects where the user is a partner."""
    return Project.objects.filter(pk__in=partner_memberships(user).values("project_id"))


def partner_actions(access: Access):
    """The actions the partner's organisation takes part in (a partner line, or the structure pilote)."""
    from maillage.actions.models import Action

    if not access.is_partner:
        return Action.objects.none()
    org = access.organisation_id
    return (
        Action.objects.filter(project=access.project)
        .filter(Q(partner_roles__organisation_id=org) | Q(lead_organisation_id=org))
        .distinct()
    )


def may_partner_note(access: Access, action) -> bool:
    """Follow-up notes where the organisation leads or operates (a funder or a relay reads only)."""
    if not access.is_partner or action.project_id != access.project.pk:
        return False
    if action.lead_organisation_id == access.organisation_id:
        return True
    return action.partner_roles.filter(organisation_id=access.organisation_id, role__in=PARTNER_NOTE_ROLES).exists()


def may_propose_entry(access: Access, organisation) -> bool:
    return (
        access.is_partner and organisation.pk == access.organisation_id and organisation.project_id == access.project.pk
    )


def may_add_partner_event(access: Access) -> bool:
    return access.is_partner


def may_remove_partner_event(access: Access, event) -> bool:
    if event.project_id != access.project.pk:
        return False
    return access.can_manage or (access.is_partner and event.organisation_id == access.organisation_id)


def may_decide_proposal(access: Access, proposal) -> bool:
    return access.can_manage and proposal.organisation.project_id == access.project.pk
