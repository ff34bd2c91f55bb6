from django.urls import path

from . import views

urlpatterns = [
    path("connexion/proconnect/", views.LoginView.as_view(), name="proconnect-login"),
    path("connexion/proconnect/retour/", views.CallbackView.as_view(), name="proconnect-callback"),
    path("deconnexion/proconnect/retour/", views.logged_out, name="proconnect-logged-out"),
]
