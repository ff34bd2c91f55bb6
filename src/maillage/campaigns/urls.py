from django.urls import path

from . import views

BASE = "projets/<slug:slug>/evaluations/"
ONE = BASE + "<int:pk>/"

urlpatterns = [
    path(BASE, views.campaign_list, name="campaign-list"),
    path(BASE + "nouvelle/", views.campaign_create, name="campaign-create"),
    path(ONE, views.campaign_detail, name="campaign-detail"),
    path(ONE + "modifier/", views.campaign_edit, name="campaign-edit"),
    path(ONE + "supprimer/", views.campaign_delete, name="campaign-delete"),
    path(ONE + "ouvrir/", views.campaign_open, name="campaign-open"),
    path(ONE + "cloturer/", views.campaign_close, name="campaign-close"),
    path(ONE + "rouvrir/", views.campaign_reopen, name="campaign-reopen"),
    path(ONE + "relancer/", views.campaign_remind, name="campaign-remind"),
    path(ONE + "suivi/", views.campaign_progress, name="campaign-progress"),
    path(ONE + "questions/", views.campaign_questions, name="campaign-questions"),
    path(ONE + "questions/<int:question_pk>/", views.question_edit, name="campaign-question-edit"),
    path(ONE + "questions/<int:question_pk>/retirer/", views.question_remove, name="campaign-question-remove"),
    path(ONE + "questions/<int:question_pk>/deplacer/", views.question_move, name="campaign-question-move"),
    path(ONE + "questions/<int:question_pk>/reprendre/", views.question_restore, name="campaign-question-restore"),
    path(ONE + "reponses/<int:answer_pk>/", views.answer_page, name="campaign-answer"),
    path(ONE + "reponses/<int:answer_pk>/examen/", views.answer_review, name="campaign-answer-review"),
]
