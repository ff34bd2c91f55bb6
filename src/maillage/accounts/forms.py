"""Sign-in and password forms, in the State design system's look."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class DsfrModelForm(DsfrBaseForm, forms.ModelForm):
    """A model form drawn with DSFR fields (label, hint, error under the field).

    ``DsfrBaseForm.__init__`` makes every bound field to put the DSFR classes on the widgets, and a bound
    field copies its field's hint and label when it is made: the cache is emptied afterwards, so that a
    subclass's ``__init__`` may still change a field's hint (the classes live on the widget and stay)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bound_fields_cache.clear()


def set_help_text(form, name: str, text) -> None:
    """Change a field's hint once the form is built. ``DsfrBaseForm.__init__`` already made the bound
    fields, and a bound field copies its hint when it is made: the cached one is dropped, to be made
    again with the new hint (the DSFR classes live on the widget and stay)."""
    form.fields[name].help_text = text
    form._bound_fields_cache.pop(name, None)


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Identifiant ou adresse électronique"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Identifiant ou mot de passe incorrect. Les majuscules comptent dans le mot de passe."),
        "inactive": _("Ce compte est désactivé."),
    }


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass
