from django.urls import path, re_path

from . import views

urlpatterns = [
    path("importer/", views.start, name="import-start"),
    re_path(r"^importer/modele\.(?P<extension>xlsx|csv)$", views.template, name="import-template"),
    path("importer/<int:pk>/", views.review_page, name="import-review"),
    path("importer/<int:pk>/progression/", views.progress, name="import-progress"),
    path("importer/<int:pk>/actions/<str:ref>/", views.action_tools, name="import-action"),
    path("importer/<int:pk>/modifier/", views.edit, name="import-edit"),
    path("importer/<int:pk>/enregistrer/", views.save, name="import-save"),
    path("importer/<int:pk>/relancer/", views.retry, name="import-retry"),
]
