"""Accounts: users and their role in each project."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. Kept as our own model from the start so that it can grow."""

    digest_enabled = models.BooleanField(
        _("recevoir le récapitulatif par courriel"),
        default=True,
        help_text=_(
            "Une fois par période, les actions que vous pilotez à échéance ou en retard, les indicateurs "
            "à mettre à jour et les questionnaires à remplir."
        ),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")


class Membership(models.Model):
    """A user's role in a project. A network admin's role on a PMS covers the projects declined from it. A
    partner acts for one organisation of the project's directory and sees only what it takes part in."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordination")
        CONTRIBUTOR = "contributor", _("Contribution")
        READER = "reader", _("Lecture")
        NETWORK_ADMIN = "network_admin", _("Administration du réseau")
        PARTNER = "partner", _("Partenaire")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partner_members",
        verbose_name=_("organisation"),
        help_text=_("Pour un partenaire : l’organisation de l’annuaire au nom de laquelle il agit."),
    )

    class Meta:
        verbose_name = _("rôle dans un projet")
        verbose_name_plural = _("rôles dans les projets")
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.project} ({self.get_role_display()})"
