"""Evaluation campaigns: who is asked what about which actions, their answers and how they were reviewed.

A campaign is prepared (``draft``), then opened: at that moment the set of actions it covers and the
leads expected to answer are written down (one ``Answer`` per action, its ``respondents``), so that
later changes to the tree or to the leads do not change what was asked. The questionnaire is the
campaign's ``Question`` list; an answer keeps the free questions' values in ``responses`` (keyed
``q<question id>``), and the three questions that feed the plan in columns of their own: residents'
participation, the proposal for what comes next, and one ``AnswerIndicator`` per indicator value.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.actions.vocabulary import Participation


class Proposal(models.TextChoices):
    """What the lead proposes for the action after the period evaluated."""

    CONTINUE = "continue", _("Poursuivre")
    ADAPT = "adapt", _("Adapter")
    STOP = "stop", _("Arrêter")
    DONE = "done", _("Terminée : objectif atteint")


class Campaign(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Bilan annuel")
        MID_TERM = "mid_term", _("Bilan mi-parcours")
        FINAL = "final", _("Évaluation finale")

    class State(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        OPEN = "open", _("Ouverte")
        CLOSED = "closed", _("Clôturée")

    class Scope(models.TextChoices):
        ALL = "all", _("Toutes les actions du projet")
        NODE = "node", _("Une branche de l'arborescence")
        PROGRAMME = "programme", _("Un programme transversal")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("projet")
    )
    key = models.SlugField(
        _("identifiant"),
        max_length=60,
        help_text=_("Nom court de la campagne : « maillage export … --what evaluation:CLÉ »."),
    )
    title = models.CharField(_("intitulé"), max_length=255)
    kind = models.CharField(_("type de campagne"), max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    first_year = models.PositiveSmallIntegerField(_("première année évaluée"))
    last_year = models.PositiveSmallIntegerField(_("dernière année évaluée"))
    due_date = models.DateField(_("date limite de réponse"))
    instructions = models.TextField(
        _("message aux pilotes"),
        blank=True,
        help_text=_("Repris en tête du questionnaire et dans le courriel d'ouverture."),
    )
    scope = models.CharField(_("actions concernées"), max_length=20, choices=Scope.choices, default=Scope.ALL)
    node = models.ForeignKey(
        "projects.Node",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branche de l'arborescence"),
    )
    programme = models.ForeignKey(
        "actions.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme transversal"),
    )
    include_sub_actions = models.BooleanField(
        _("interroger aussi les sous-actions"),
        default=False,
        help_text=_("Un questionnaire par sous-action, en plus de celui de l'action."),
    )
    skip_closed = models.BooleanField(
        _("ne pas interroger les actions terminées ou abandonnées"),
        default=True,
        help_text=_("Leur statut au moment de l'ouverture compte."),
    )
    scope_label = models.CharField(
        _("périmètre à l'ouverture"), max_length=600, blank=True, editable=False, help_text=_("Tel qu'il était écrit.")
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    last_reminder_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)

    class Meta:
        verbose_name = _("campagne d'évaluation")
        verbose_name_plural = _("campagnes d'évaluation")
        ordering = ["project", "-first_year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="campaign_unique_key"),
            models.CheckConstraint(condition=Q(first_year__lte=F("last_year")), name="campaign_years_in_order"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.first_year and self.last_year and self.first_year > self.last_year:
            errors["last_year"] = _("La dernière année évaluée ne peut pas précéder la première.")
        elif self.first_year and self.last_year and self.project_id:
            project = self.project
            if self.first_year < project.first_year or self.last_year > project.last_year:
                errors["last_year"] = _("Une campagne évalue des années du plan, de %(first)s à %(last)s.") % {
                    "first": project.first_year,
                    "last": project.last_year,
                }
        # Once open, the actions asked about are written down: the perimeter no longer matters.
        drafting = self.state == self.State.DRAFT
        if drafting and self.scope == self.Scope.NODE and not self.node_id:
            errors["node"] = _("Choisissez la branche de l'arborescence que la campagne évalue.")
        if drafting and self.scope == self.Scope.PROGRAMME and not self.programme_id:
            errors["programme"] = _("Choisissez le programme que la campagne évalue.")
        if self.node_id and self.project_id and self.node.project_id != self.project_id:
            errors["node"] = _("Ce nœud appartient à un autre projet.")
        if self.programme_id and self.project_id and self.programme.project_id != self.project_id:
            errors["programme"] = _("Ce programme appartient à un autre projet.")
        if errors:
            raise ValidationError(errors)

    @property
    def period_label(self) -> str:
        """ "2024", or "2021-2024" for a campaign over several years."""
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}-{self.last_year}"

    @property
    def value_period(self) -> str:
        """The period written on the indicator values of accepted answers: the last year evaluated (a value
        measured over a mid-term or final evaluation describes where the action stands at its end)."""
        return str(self.last_year)

    def accepted_reason(self) -> str:
        """The history's reason for what an accepted answer writes: "Bilan annuel 2024 accepté"."""
        templates = {
            self.Kind.ANNUAL: _("Bilan annuel %(period)s accepté"),
            self.Kind.MID_TERM: _("Bilan mi-parcours %(period)s accepté"),
            self.Kind.FINAL: _("Évaluation finale %(period)s acceptée"),
        }
        return str(templates[self.kind]) % {"period": self.period_label}

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_past_due(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.due_date


class Question(models.Model):
    """One question of a campaign's questionnaire. Three kinds feed the plan when the answer is accepted
    (participation, indicators, proposal) and appear at most once; the others are the coordinator's own."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Texte libre")
        NUMBER = "number", _("Nombre")
        CHOICE = "choice", _("Choix dans une liste")
        SCALE = "scale", _("Échelle")
        PARTICIPATION = "participation", _("Participation des habitants (échelle de la CAF)")
        INDICATORS = "indicators", _("Valeurs des indicateurs de l'action")
        PROPOSAL = "proposal", _("Proposition pour la suite (poursuivre, adapter, arrêter, terminée)")

    BUILT_IN = ("participation", "indicators", "proposal")
    FREE = ("text", "number", "choice", "scale")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("type de question"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    label = models.CharField(_("question"), max_length=500)
    help_text = models.TextField(_("aide"), blank=True, help_text=_("Précision affichée sous la question."))
    required = models.BooleanField(_("réponse obligatoire pour envoyer"), default=False)
    choices = models.JSONField(_("choix proposés"), default=list, blank=True)
    unit = models.CharField(
        _("unité"), max_length=50, blank=True, help_text=_("Pour un nombre : « personnes », « € »…")
    )
    scale_min = models.SmallIntegerField(_("plus petite note"), default=1)
    scale_max = models.SmallIntegerField(_("plus grande note"), default=5)
    scale_min_label = models.CharField(_("sens de la plus petite note"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("sens de la plus grande note"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    removed_at = models.DateTimeField(
        _("retirée le"),
        null=True,
        blank=True,
        help_text=_("Une question retirée après l'ouverture n'est plus posée ; les réponses déjà données la gardent."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["campaign", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind"],
                condition=Q(kind__in=["participation", "indicators", "proposal"], removed_at__isnull=True),
                name="question_built_in_once",
            ),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="question_scale_in_order"),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        errors = {}
        if self.kind == self.Kind.CHOICE:
            choices = [str(choice).strip() for choice in self.choices or [] if str(choice).strip()]
            if len(choices) < 2:
                errors["choices"] = _("Proposez au moins deux choix, un par ligne.")
            elif len(set(choices)) != len(choices):
                errors["choices"] = _("Chaque choix ne doit figurer qu'une fois.")
            self.choices = choices
        elif self.choices:
            self.choices = []
        if self.kind == self.Kind.SCALE:
            if self.scale_min >= self.scale_max:
                errors["scale_max"] = _("La plus grande note doit dépasser la plus petite.")
            elif self.scale_min < 0 or self.scale_max > 10:
                errors["scale_max"] = _("Une échelle va de 0 à 10 au plus.")
        if self.kind in self.BUILT_IN and self.campaign_id and self.removed_at is None:
            twin = Question.objects.filter(campaign_id=self.campaign_id, kind=self.kind, removed_at__isnull=True)
            if twin.exclude(pk=self.pk).exists():
                errors["kind"] = _("Le questionnaire a déjà une question de ce type.")
        if errors:
            raise ValidationError(errors)

    @property
    def key(self) -> str:
        """Where an answer keeps this question's value in ``Answer.responses``."""
        return f"q{self.pk}"

    @property
    def is_built_in(self) -> bool:
        return self.kind in self.BUILT_IN

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class Answer(models.Model):
    """The questionnaire of one action in one campaign, from the first draft to its review."""

    class State(models.TextChoices):
        PENDING = "pending", _("Non commencée")
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Envoyée, à examiner")
        RETURNED = "returned", _("Renvoyée au pilote")
        ACCEPTED = "accepted", _("Acceptée")

    # States in which the lead may still write; an answer sent back waits for a new submission.
    EDITABLE = ("pending", "draft", "returned")
    # Not yet sent: what the progress page counts as missing and reminders chase.
    OUTSTANDING = ("pending", "draft", "returned")
    SENT = ("submitted", "accepted")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answers")
    action = models.ForeignKey(
        "actions.Action", on_delete=models.CASCADE, related_name="campaign_answers", verbose_name=_("action")
    )
    respondents = models.ManyToManyField(
        "partners.Person",
        blank=True,
        related_name="campaign_answers",
        verbose_name=_("pilotes attendus"),
        help_text=_("Les pilotes de l'action (et de l'action parente) à l'ouverture de la campagne."),
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    responses = models.JSONField(_("réponses"), default=dict, blank=True)
    participation = models.CharField(
        _("participation des habitants"), max_length=20, choices=Participation.choices, blank=True
    )
    proposal = models.CharField(_("proposition"), max_length=20, choices=Proposal.choices, blank=True)
    proposal_comment = models.TextField(_("commentaire de la proposition"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Incrémentée à chaque enregistrement, pour refuser les écrasements.")
    )
    saved_at = models.DateTimeField(_("enregistrée le"), null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("commentaire de la coordination"), blank=True)
    applied_status = models.CharField(
        _("statut appliqué"), max_length=20, blank=True, help_text=_("Le statut donné à l'action à l'acceptation.")
    )

    class Meta:
        verbose_name = _("réponse à une campagne")
        verbose_name_plural = _("réponses aux campagnes")
        ordering = ["campaign", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "action"], name="answer_unique_action")]
        indexes = [models.Index(fields=["campaign", "state"], name="answer_campaign_state")]

    def __str__(self):
        return f"{self.campaign} — {self.action.ref}"

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    @property
    def is_sent(self) -> bool:
        return self.state in self.SENT


class AnswerIndicator(models.Model):
    """The value an answer gives for one indicator of its action: a number, or an appreciation."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey("evaluation.Indicator", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("valeur"), max_digits=20, decimal_places=4, null=True, blank=True)
    assessment = models.TextField(_("appréciation"), blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    recorded = models.ForeignKey(
        "evaluation.IndicatorValue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("valeur écrite dans le plan"),
    )

    class Meta:
        verbose_name = _("valeur d'indicateur d'une réponse")
        verbose_name_plural = _("valeurs d'indicateurs des réponses")
        constraints = [models.UniqueConstraint(fields=["answer", "indicator"], name="answer_indicator_unique")]

    def __str__(self):
        return f"{self.indicator} : {self.value if self.value is not None else self.assessment}"

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.assessment.strip() and not self.comment.strip()


class AnswerEvent(models.Model):
    """A step of an answer's review: sent, sent back with a comment, accepted."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Envoyée")
        RETURNED = "returned", _("Renvoyée au pilote")
        ACCEPTED = "accepted", _("Acceptée")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("étape"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("le"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.CharField(_("par"), max_length=255, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("étape d'une réponse")
        verbose_name_plural = _("étapes des réponses")
        ordering = ["answer", "at", "pk"]

    def __str__(self):
        return f"{self.answer} — {self.get_kind_display()}"


class Reminder(models.Model):
    """A reminder sent to the leads whose answers were not sent yet."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.CharField(_("par"), max_length=255, blank=True)
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["campaign", "-sent_at"]

    def __str__(self):
        return f"{self.campaign} — {self.sent_at:%d/%m/%Y %H:%M}"
