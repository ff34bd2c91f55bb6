from django.urls import path

from . import views

urlpatterns = [
    path("projets/<slug:slug>/territoires/", views.territories, name="project-territories"),
    path("projets/<slug:slug>/territoires/codes/", views.complete_codes, name="territories-complete-codes"),
    path("projets/<slug:slug>/territoires/carte.json", views.territories_map_data, name="territories-map-data"),
    path("plans/<slug:slug>/territoires/", views.public_territories, name="public-territories"),
    path(
        "plans/<slug:slug>/territoires/carte.json",
        views.public_territories_map_data,
        name="public-territories-map-data",
    ),
]
