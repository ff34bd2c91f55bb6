from django.urls import path

from . import programme_views, views

urlpatterns = [
    path("projets/<slug:slug>/actions/", views.action_list, name="action-list"),
    path("projets/<slug:slug>/actions/nouvelle/", views.action_create, name="action-create"),
    path("projets/<slug:slug>/choix/<str:kind>/", views.action_choices, name="action-choices"),
    path("projets/<slug:slug>/actions/statuts/", views.action_bulk_status, name="action-bulk-status"),
    path("projets/<slug:slug>/panorama/", views.panorama_page, name="panorama"),
    path("projets/<slug:slug>/programmes/", programme_views.programme_list, name="programmes"),
    path("projets/<slug:slug>/programmes/nouveau/", programme_views.programme_edit, name="programme-create"),
    path("projets/<slug:slug>/programmes/<int:pk>/modifier/", programme_views.programme_edit, name="programme-edit"),
    path(
        "projets/<slug:slug>/programmes/<int:pk>/supprimer/", programme_views.programme_delete, name="programme-delete"
    ),
    path("projets/<slug:slug>/actions/<str:ref>/", views.action_detail, name="action-detail"),
    path("projets/<slug:slug>/actions/<str:ref>/modifier/", views.action_edit, name="action-edit"),
    path("projets/<slug:slug>/actions/<str:ref>/statut/", views.action_status, name="action-status"),
    path("projets/<slug:slug>/actions/<str:ref>/notes/", views.note_add, name="action-note-add"),
    path("projets/<slug:slug>/actions/<str:ref>/commentaires/", views.comment_add, name="action-comment-add"),
    path(
        "projets/<slug:slug>/actions/<str:ref>/indicateurs/nouveau/",
        views.indicator_edit,
        name="action-indicator-add",
    ),
    path(
        "projets/<slug:slug>/actions/<str:ref>/indicateurs/<int:pk>/",
        views.indicator_edit,
        name="action-indicator-edit",
    ),
]
