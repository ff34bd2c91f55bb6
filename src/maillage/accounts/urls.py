from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from maillage.proconnect.views import LogoutView

from . import views
from .forms import LoginForm, PasswordResetForm, SetPasswordForm
from .throttling import ThrottledPasswordResetView


class PasswordResetView(ThrottledPasswordResetView, auth_views.PasswordResetView):
    form_class = PasswordResetForm


urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    # Django's sign-out, which also ends the ProConnect session after a ProConnect sign-in.
    path("deconnexion/", LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("mot-de-passe/oubli/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=SetPasswordForm, success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/change/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("compte/", views.account, name="account"),
    path("compte/recapitulatif/arret/<str:token>/", views.digest_unsubscribe, name="digest-unsubscribe"),
]
