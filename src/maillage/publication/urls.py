from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.published_projects, name="public-projects"),
    path("plans/<slug:slug>/", views.plan, name="public-plan"),
    path("plans/<slug:slug>/actions/<str:ref>/", views.action, name="public-action"),
    path("plans/<slug:slug>/noeuds/<int:node_id>/", views.branch, name="public-branch"),
]
