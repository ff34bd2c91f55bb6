from django.urls import path

from . import views

P = "projets/<slug:slug>/gouvernance/"
urlpatterns = [
    path(P, views.governance, name="governance"),
    path(P + "instances/nouvelle/", views.body_create, name="body-create"),
    path(P + "instances/<int:pk>/", views.body_detail, name="body-detail"),
    path(P + "instances/<int:pk>/modifier/", views.body_edit, name="body-edit"),
    path(P + "instances/<int:pk>/supprimer/", views.body_delete, name="body-delete"),
    path(P + "instances/<int:pk>/membres/", views.body_member_add, name="body-member-add"),
    path(
        P + "instances/<int:pk>/membres/<int:member_pk>/retirer/", views.body_member_delete, name="body-member-delete"
    ),
    path(P + "reunions/nouvelle/", views.meeting_create, name="meeting-create"),
    path(P + "reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path(P + "reunions/<int:pk>/modifier/", views.meeting_edit, name="meeting-edit"),
    path(P + "reunions/<int:pk>/supprimer/", views.meeting_delete, name="meeting-delete"),
    path(P + "reunions/<int:pk>/presences/", views.attendance_add, name="attendance-add"),
    path(P + "reunions/<int:pk>/presences/instance/", views.attendance_from_body, name="attendance-from-body"),
    path(P + "reunions/<int:pk>/presences/<int:row_pk>/", views.attendance_update, name="attendance-update"),
    path(P + "reunions/<int:pk>/presences/<int:row_pk>/retirer/", views.attendance_delete, name="attendance-delete"),
    path(P + "reunions/<int:pk>/decisions/nouvelle/", views.decision_create, name="decision-create"),
    path(P + "reunions/<int:pk>/decisions/<int:decision_pk>/", views.decision_edit, name="decision-edit"),
    path(P + "reunions/<int:pk>/decisions/<int:decision_pk>/supprimer/", views.decision_delete, name="decision-delete"),
    path(P + "reunions/<int:pk>/decisions/<int:decision_pk>/appliquer/", views.decision_apply, name="decision-apply"),
    path(
        P + "reunions/<int:pk>/decisions/<int:decision_pk>/changements/<slug:kind>/",
        views.change_add,
        name="decision-change-add",
    ),
    path(
        P + "reunions/<int:pk>/decisions/<int:decision_pk>/changements/<int:change_pk>/retirer/",
        views.change_remove,
        name="decision-change-remove",
    ),
    path("projets/<slug:slug>/pilotage/", views.steering_page, name="steering"),
]
