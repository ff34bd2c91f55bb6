"""The map of the actors: the project's (and network's) map, the public plan's, and the geolocation run."""

from django.urls import path

from . import map_views

urlpatterns = [
    path("projets/<slug:slug>/partenaires/carte/", map_views.partner_map, name="partner-map"),
    path("projets/<slug:slug>/partenaires/carte/donnees.json", map_views.partner_map_data, name="partner-map-data"),
    path("projets/<slug:slug>/partenaires/geolocaliser/", map_views.geocode_directory, name="partner-geocode"),
    path(
        "projets/<slug:slug>/partenaires/geolocaliser/<uuid:pk>/",
        map_views.geocoding_status,
        name="partner-geocode-status",
    ),
    path("plans/<slug:slug>/carte/", map_views.public_partner_map, name="public-partner-map"),
    path("plans/<slug:slug>/carte/donnees.json", map_views.public_partner_map_data, name="public-partner-map-data"),
]
