"""Who belongs to a project: adding people (inviting those without an account), changing roles, removing.

A person without an account is invited by e-mail: an account is created without a usable password
and the mail carries a password-setting link (Django's reset token), so no password ever travels.
A project always keeps someone who can manage it.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Membership, User

Role = Membership.Role
MANAGERS = (Role.COORDINATOR, Role.NETWORK_ADMIN)


def grantable_roles(access) -> list[tuple[str, str]]:
    """Roles this manager may give: a network's admin role only by someone who already holds it."""
    roles = [Role.COORDINATOR, Role.CONTRIBUTOR, Role.READER, Role.PARTNER]
    if access.role == Role.NETWORK_ADMIN or getattr(access.user, "is_superuser", False):
        roles.append(Role.NETWORK_ADMIN)
    return [(role.value, role.label) for role in roles]


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _free_username(email: str) -> str:
    base = slugify(email.split("@")[0].replace(".", "-"))[:140] or "membre"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def find_user(identifier: str) -> User | None:
    identifier = identifier.strip()
    matches = list(User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))[:2])
    if len(matches) > 1:
        exact = [user for user in matches if user.username.lower() == identifier.lower()]
        if len(exact) == 1:
            return exact[0]
        raise ValidationError(
            {"identifier": _("Plusieurs comptes ont cette adresse : saisissez plutôt l'identifiant du compte.")}
        )
    return matches[0] if matches else None


def send_invitation(user: User, project, inviter, base_url: str) -> None:
    """The invitation mail: the project, who invites, and the link to choose a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])
    context = {"user": user, "project": project, "inviter": inviter, "link": link}
    subject = _("Maillage : invitation au projet « %(project)s »") % {"project": project.title}
    send_mail(subject, render_to_string("accounts/invitation_email.txt", context), None, [user.email])


@transaction.atomic
def add_member(
    project, identifier: str, role: str, *, inviter, base_url: str, organisation=None
) -> tuple[Membership, bool]:
    """Give ``role`` to the account named by username or e-mail; invite a new e-mail. Returns (membership, invited).
    A partner acts for ``organisation``, an entry of this project's directory."""
    identifier = identifier.strip()
    if role == Role.PARTNER and (organisation is None or organisation.project_id != project.pk):
        raise ValidationError(
            {"organisation": _("Choisissez l’organisation de l’annuaire pour laquelle agit ce partenaire.")}
        )
    if not identifier:
        raise ValidationError({"identifier": _("Saisissez un identifiant ou une adresse électronique.")})
    user = find_user(identifier)
    invited = False
    if user is None:
        if not _is_email(identifier):
            raise ValidationError(
                {
                    "identifier": _(
                        "Aucun compte n'a cet identifiant. Pour inviter une nouvelle personne, "
                        "saisissez son adresse électronique."
                    )
                }
            )
        user = User(username=_free_username(identifier), email=identifier)
        user.set_unusable_password()
        user.save()
        invited = True
    existing = Membership.objects.filter(user=user, project=project).first()
    if existing:
        raise ValidationError(
            {
                "identifier": _("%(user)s est déjà membre du projet (%(role)s).")
                % {"user": user.get_username(), "role": existing.get_role_display()}
            }
        )
    membership = Membership.objects.create(
        user=user, project=project, role=role, organisation=organisation if role == Role.PARTNER else None
    )
    if invited:
        send_invitation(user, project, inviter, base_url)
    return membership, invited


def _keeps_a_manager(project, leaving: Membership) -> bool:
    others = Membership.objects.filter(project=project, role__in=MANAGERS).exclude(pk=leaving.pk)
    return others.exists()


@transaction.atomic
def change_role(membership: Membership, role: str) -> Membership:
    if membership.role in MANAGERS and role not in MANAGERS and not _keeps_a_manager(membership.project, membership):
        raise ValidationError(_("Le projet doit garder au moins une personne à la coordination."))
    if role == Role.PARTNER and membership.organisation_id is None:
        raise ValidationError(
            _("Pour faire de ce membre un partenaire, retirez-le puis invitez-le avec son organisation.")
        )
    membership.role = role
    if role != Role.PARTNER:
        membership.organisation = None
    membership.save(update_fields=["role", "organisation"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    """Remove the role; the account stays (it may belong to other projects), its directory links go."""
    if membership.role in MANAGERS and not _keeps_a_manager(membership.project, membership):
        raise ValidationError(_("Le projet doit garder au moins une personne à la coordination."))
    from maillage.documents.subscription import forget_member

    membership.user.people.filter(project=membership.project).update(user=None)
    membership.delete()
    forget_member(membership.project, membership.user)  # their calendar address, and the shared one, stop


@transaction.atomic
def link_person(membership: Membership, person) -> None:
    """Link the member's account to a directory person of the project: they edit the actions that person leads."""
    if person.project_id != membership.project_id:
        raise ValidationError({"person": _("Cette personne n'est pas dans l'annuaire du projet.")})
    person.user = membership.user
    person.save(update_fields=["user"])


def unlink_person(membership: Membership, person) -> None:
    if person.project_id == membership.project_id and person.user_id == membership.user_id:
        person.user = None
        person.save(update_fields=["user"])
