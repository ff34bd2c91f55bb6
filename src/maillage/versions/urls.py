from django.urls import path

from . import views

P = "projets/<slug:slug>/versions/"

urlpatterns = [
    path(P, views.versions, name="versions"),
    path(P + "prendre/", views.version_take, name="version-take"),
    path(P + "comparer/", views.compare, name="version-compare"),
    path(P + "bilan/", views.bilan, name="version-bilan"),
    path(P + "mise-a-jour/", views.update_screen, name="update"),
    path(P + "mise-a-jour/demarrer/", views.update_start, name="update-start"),
    path(P + "mise-a-jour/reconduire/", views.update_carry_over, name="update-carry-over"),
    path(P + "mise-a-jour/clore/", views.update_close, name="update-close"),
    path(P + "mise-a-jour/periode/", views.update_period, name="update-period"),
    path(P + "mise-a-jour/adopter/", views.update_adopt, name="update-adopt"),
    path(P + "mise-a-jour/abandonner/", views.update_abandon, name="update-abandon"),
    path(P + "<int:pk>/", views.version_detail, name="version-detail"),
    path(P + "<int:pk>/document.json", views.version_document, name="version-document"),
    path(P + "<int:pk>/supprimer/", views.version_delete, name="version-delete"),
    path(P + "<int:pk>/actions/<str:ref>/", views.version_action, name="version-action"),
]
