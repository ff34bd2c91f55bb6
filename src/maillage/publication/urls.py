from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.published_projects, name="public-projects"),
    # Open data (docs/opendata.md): stable addresses, read by harvesters; before the plan's own routes.
    path("plans/donnees/catalogue.json", views.open_data_catalogue, name="public-catalogue"),
    path("plans/donnees/schemas/<str:name>", views.schema_file, name="public-schema"),
    path("plans/<slug:slug>/", views.plan, name="public-plan"),
    path("plans/<slug:slug>/donnees/<str:name>", views.open_data, name="public-open-data"),
    path("plans/<slug:slug>/actions/<str:ref>/", views.action, name="public-action"),
    path("plans/<slug:slug>/noeuds/<int:node_id>/", views.branch, name="public-branch"),
]
