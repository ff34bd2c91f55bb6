from django.urls import path

from . import views

urlpatterns = [
    path("projets/<slug:slug>/calendrier.ics", views.calendar_feed, name="calendar-feed"),
    path("projets/<slug:slug>/documents/", views.documents_page, name="project-documents"),
    path("projets/<slug:slug>/documents/agenda/nouvelle-adresse/", views.rotate_calendar, name="calendar-rotate"),
    path("projets/<slug:slug>/documents/telecharger/", views.download, name="document-download"),
    path("projets/<slug:slug>/documents/exports/", views.start_export, name="export-start"),
    path("projets/<slug:slug>/documents/exports/<uuid:pk>/", views.export_status, name="export-status"),
    path("projets/<slug:slug>/documents/exports/<uuid:pk>/fichier/", views.export_file, name="export-file"),
]
