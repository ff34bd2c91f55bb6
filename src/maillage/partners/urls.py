from django.urls import path

from . import partner_views, views

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
    path("projets/<slug:slug>/partenaires/propositions/", partner_views.proposals, name="partner-proposals"),
    path("projets/<slug:slug>/espace-partenaire/", partner_views.space, name="partner-space"),
    path("projets/<slug:slug>/espace-partenaire/actions/<str:ref>/", partner_views.action, name="partner-action"),
    path(
        "projets/<slug:slug>/espace-partenaire/actions/<str:ref>/notes/",
        partner_views.note_add,
        name="partner-note-add",
    ),
    path("projets/<slug:slug>/espace-partenaire/organisation/", partner_views.propose, name="partner-propose"),
    path(
        "projets/<slug:slug>/espace-partenaire/evenements/nouveau/", partner_views.event_add, name="partner-event-add"
    ),
    path(
        "projets/<slug:slug>/espace-partenaire/evenements/<int:pk>/supprimer/",
        partner_views.event_delete,
        name="partner-event-delete",
    ),
    path(
        "projets/<slug:slug>/partenaires/evenements/<int:pk>/supprimer/",
        partner_views.event_remove,
        name="partner-event-remove",
    ),
    path("projets/<slug:slug>/partenaires/mobilisation/", views.mobilisation_page, name="partner-mobilisation"),
    path("projets/<slug:slug>/partenaires/doublons/", views.duplicates, name="partner-duplicates"),
    path(
        "projets/<slug:slug>/partenaires/<int:kept>/fusionner/<int:removed>/",
        views.organisation_merge,
        name="organisation-merge",
    ),
]
