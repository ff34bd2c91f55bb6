from django.urls import path

from . import views

urlpatterns = [
    path("projets/<slug:slug>/partenaires/", views.directory, name="partner-directory"),
    path("projets/<slug:slug>/partenaires/nouvelle/", views.organisation_create, name="organisation-create"),
    path("projets/<slug:slug>/partenaires/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("projets/<slug:slug>/partenaires/<int:pk>/modifier/", views.organisation_edit, name="organisation-edit"),
    path("projets/<slug:slug>/partenaires/<int:pk>/supprimer/", views.organisation_delete, name="organisation-delete"),
    path("projets/<slug:slug>/partenaires/personnes/", views.people, name="people-directory"),
    path("projets/<slug:slug>/partenaires/personnes/nouvelle/", views.person_create, name="person-create"),
    path("projets/<slug:slug>/partenaires/personnes/<int:pk>/modifier/", views.person_edit, name="person-edit"),
    path("projets/<slug:slug>/partenaires/personnes/<int:pk>/supprimer/", views.person_delete, name="person-delete"),
    path("projets/<slug:slug>/partenaires/data-inclusion/", views.exchange, name="partner-exchange"),
    path(
        "projets/<slug:slug>/partenaires/data-inclusion.<str:extension>",
        views.exchange_download,
        name="partner-exchange-download",
    ),
    path("projets/<slug:slug>/partenaires/mobilisation/", views.mobilisation_page, name="partner-mobilisation"),
    path("projets/<slug:slug>/partenaires/doublons/", views.duplicates, name="partner-duplicates"),
    path(
        "projets/<slug:slug>/partenaires/<int:kept>/fusionner/<int:removed>/",
        views.organisation_merge,
        name="organisation-merge",
    ),
]
