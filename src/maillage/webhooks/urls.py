from django.urls import path

from . import views

P = "projets/<slug:slug>/parametres/webhooks/"

urlpatterns = [
    path(P, views.subscriptions, name="webhooks"),
    path(P + "<int:pk>/", views.detail, name="webhook-detail"),
    path(P + "<int:pk>/supprimer/", views.delete, name="webhook-delete"),
    path(P + "<int:pk>/reactiver/", views.enable, name="webhook-enable"),
    path(P + "<int:pk>/secret/", views.new_key, name="webhook-secret"),
    path(P + "<int:pk>/essai/", views.ping, name="webhook-ping"),
    path(P + "<int:pk>/livraisons/<uuid:delivery_pk>/renvoyer/", views.redeliver, name="webhook-redeliver"),
]
