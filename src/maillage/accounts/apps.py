"""Accounts and per-project roles."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillage.accounts"
    verbose_name = _("Comptes")


class MaillageAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with its site opened to superusers only (``admin_site``)."""

    default = False  # the accounts app keeps its own config as its default
    default_site = "maillage.accounts.admin_site.SuperuserAdminSite"
