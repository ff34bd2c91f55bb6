"""Campaign screens: the list, preparing one (settings, questionnaire), opening, following, reminding,
answering, reviewing, and the synthesis every member reads.

Views stay thin: rules are in ``opening``, ``questions``, ``answering``, ``reviewing``, ``reminding``
and ``rules``; figures in ``progress``. Every view goes through ``project_view`` and fetches its
objects through the project and the campaign (another project's or campaign's id is a 404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.accounts.decorators import MANAGE, MEMBER, project_view
from maillage.actions.models import Action
from maillage.actions.progress import STATUS_ORDER
from maillage.actions.vocabulary import project_labels
from maillage.documents.models import Export
from maillage.evaluation.models import Indicator, IndicatorValue
from maillage.partners.models import Person

from . import opening, progress, questions, reminding, reviewing
from .answering import AnswerConflict, active_questions, may_write, save_answer
from .forms import AcceptForm, AnswerFilterForm, AnswerForm, CampaignForm, QuestionForm, ReturnForm
from .mine import in_campaign
from .models import Answer, AnswerIndicator, Campaign, Proposal, Question
from .reading import answer_items, indicator_lines
from .rules import is_respondent, may_answer, may_see, may_see_campaign

PAGE_SIZE = 50
CAMPAIGNS_PER_PAGE = 20


def _crumbs(project, *links, current):
    base = [{"url": reverse("project-dashboard", args=[project.slug]), "title": project.title}]
    if links or current != _("Évaluations"):
        base.append({"url": reverse("campaign-list", args=[project.slug]), "title": _("Évaluations")})
    return {"links": base + list(links), "current": str(current)[:80]}


def _campaign_crumb(campaign):
    return {"url": reverse("campaign-detail", args=[campaign.project.slug, campaign.pk]), "title": campaign.title}


def _campaign(request, project, pk) -> Campaign:
    """The project's campaign ``pk``; a campaign in preparation exists only for the coordinators."""
    campaign = get_object_or_404(Campaign.objects.select_related("node", "programme"), project=project, pk=pk)
    if not may_see_campaign(request.access, campaign):
        raise Http404
    campaign.project = project
    return campaign


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the list and the settings ------------------------------------------------------------------------


@project_view(need=MEMBER, public=None)
def campaign_list(request, project):
    campaigns = Campaign.objects.filter(project=project)
    if not request.access.can_manage:
        campaigns = campaigns.exclude(state=Campaign.State.DRAFT)
    campaigns = campaigns.annotate(
        expected=Count("answers"),
        sent=Count("answers", filter=Q(answers__state__in=Answer.SENT)),
        accepted=Count("answers", filter=Q(answers__state=Answer.State.ACCEPTED)),
    ).order_by("-first_year", "-pk")
    page = Paginator(campaigns, CAMPAIGNS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "page": page,
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, current=_("Évaluations")),
    }
    return render(request, "campaigns/list.html", context)


@project_view(need=MANAGE, public=None)
def campaign_create(request, project):
    form = CampaignForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = opening.create_campaign(
                project,
                user=request.user,
                **{name: data[name] for name in CampaignForm.Meta.fields},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("La campagne « %(title)s » est créée avec le questionnaire par défaut : adaptez-le, puis ouvrez-la.")
                % {"title": campaign.title},
            )
            return redirect("campaign-questions", project.slug, campaign.pk)
    context = {
        "project": project,
        "form": form,
        "title": _("Nouvelle campagne d'évaluation"),
        "cancel_url": reverse("campaign-list", args=[project.slug]),
        "breadcrumb_data": _crumbs(project, current=_("Nouvelle campagne")),
    }
    return render(request, "campaigns/campaign_form.html", context)


@project_view(need=MANAGE, public=None)
def campaign_edit(request, project, pk):
    campaign = _campaign(request, project, pk)
    form = CampaignForm(request.POST or None, instance=campaign, project=project)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if not saved.title.strip():
            saved.title = opening.default_title(saved.kind, saved.first_year, saved.last_year)
        saved.save()
        messages.success(request, _("La campagne « %(title)s » est enregistrée.") % {"title": saved.title})
        return redirect("campaign-detail", project.slug, campaign.pk)
    context = {
        "project": project,
        "campaign": campaign,
        "form": form,
        "title": _("Modifier « %(title)s »") % {"title": campaign.title},
        "cancel_url": reverse("campaign-detail", args=[project.slug, campaign.pk]),
        "breadcrumb_data": _crumbs(project, _campaign_crumb(campaign), current=_("Modifier")),
    }
    return render(request, "campaigns/campaign_form.html", context)


@project_view(need=MANAGE, public=None)
def campaign_delete(request, project, pk):
    campaign = _campaign(request, project, pk)
    if not campaign.is_draft:
        messages.error(request, _("Une campagne ouverte ne se supprime pas : clôturez-la."))
        return redirect("campaign-detail", project.slug, campaign.pk)
    if request.method == "POST":
        title = campaign.title
        campaign.delete()
        messages.success(request, _("La campagne « %(title)s » est supprimée.") % {"title": title})
        return redirect("campaign-list", project.slug)
    context = {
        "project": project,
        "title": _("Supprimer « %(title)s » ?") % {"title": campaign.title},
        "lines": [_("La campagne n'a pas encore été ouverte : personne n'a reçu le questionnaire.")],
        "button": _("Supprimer la campagne"),
        "form_id": "campaign-delete",
        "cancel_url": reverse("campaign-detail", args=[project.slug, campaign.pk]),
        "breadcrumb_data": _crumbs(project, _campaign_crumb(campaign), current=_("Supprimer")),
    }
    return render(request, "campaigns/confirm.html", context)


# --- opening, closing, reminding ----------------------------------------------------------------------


def _step(request, project, pk, action, success):
    campaign = _campaign(request, project, pk)
    try:
        done = action(campaign)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success(done) if callable(success) else success)
    return redirect("campaign-detail", project.slug, campaign.pk)


@require_POST
@project_view(need=MANAGE, public=None)
def campaign_open(request, project, pk):
    def success(campaign):
        n = campaign.answers.count()
        return ngettext(
            "La campagne est ouverte : %(n)s questionnaire attend sa réponse ; les pilotes reçoivent un courriel.",
            "La campagne est ouverte : %(n)s questionnaires attendent leur réponse ; "
            "les pilotes reçoivent un courriel.",
            n,
        ) % {"n": n}

    return _step(request, project, pk, lambda campaign: opening.open_campaign(campaign, request.user), success)


@require_POST
@project_view(need=MANAGE, public=None)
def campaign_close(request, project, pk):
    return _step(
        request,
        project,
        pk,
        opening.close_campaign,
        _(
            "La campagne est clôturée : les pilotes ne peuvent plus répondre ; "
            "les réponses envoyées restent à examiner."
        ),
    )


@require_POST
@project_view(need=MANAGE, public=None)
def campaign_reopen(request, project, pk):
    return _step(request, project, pk, opening.reopen_campaign, _("La campagne est rouverte."))


@require_POST
@project_view(need=MANAGE, public=None)
def campaign_remind(request, project, pk):
    campaign = _campaign(request, project, pk)
    try:
        reminder = reminding.remind(campaign, request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            ngettext(
                "Relance envoyée à %(n)s pilote.",
                "Relance envoyée à %(n)s pilotes.",
                reminder.recipients,
            )
            % {"n": reminder.recipients},
        )
    return redirect("campaign-progress", project.slug, campaign.pk)


# --- the synthesis (every member) and the progress (coordinators) ---------------------------------------


@project_view(need=MEMBER, public=None)
def campaign_detail(request, project, pk):
    campaign = _campaign(request, project, pk)
    labels = project_labels(project)
    context = {
        "project": project,
        "campaign": campaign,
        "labels": labels,
        "can_manage": request.access.can_manage,
        "breadcrumb_data": _crumbs(project, current=campaign.title),
    }
    if campaign.is_draft:
        covered = opening.covered_actions(campaign)
        leads = (
            Action.leads.through.objects.filter(
                Q(action__in=covered.values("pk")) | Q(action__in=covered.exclude(parent=None).values("parent_id"))
            )
            .values("person_id")
            .distinct()
        )
        context.update(
            preview_actions=covered.count(),
            preview_leads=leads.count(),
            question_count=campaign.questions.filter(removed_at__isnull=True).count(),
        )
        return render(request, "campaigns/detail.html", context)
    figures = progress.counts(campaign)
    rows = progress.synthesis(campaign)
    total = progress.totals(campaign, figures)
    statuses = [(code, labels["status"][code]) for code in STATUS_ORDER if total.statuses.get(code)]
    accepted = Answer.objects.filter(campaign=campaign, state=Answer.State.ACCEPTED).order_by("position", "pk")
    page = Paginator(accepted.select_related("action"), PAGE_SIZE).get_page(request.GET.get("page"))
    what = f"evaluation:{campaign.pk}"
    exports = Export.objects.filter(project=project, requested_by=request.user, what=what)[:3]
    context.update(
        figures=figures,
        rows=rows,
        total=total,
        statuses=statuses,
        proposals=Proposal.choices,
        page=page,
        report_what=what,
        exports=list(exports),
        mine=in_campaign(request.user, campaign),
    )
    return render(request, "campaigns/detail.html", context)


@project_view(need=MANAGE, public=None)
def campaign_progress(request, project, pk):
    campaign = _campaign(request, project, pk)
    if campaign.is_draft:
        return redirect("campaign-detail", project.slug, campaign.pk)
    figures = progress.counts(campaign)
    leads, lead_total = progress.lead_rows(campaign)
    filters = AnswerFilterForm(request.GET or None, leads=[])
    answers = Answer.objects.filter(campaign=campaign)
    state = request.GET.get("etat", "")
    if state in Answer.State.values:
        answers = answers.filter(state=state)
    if request.GET.get("retard") and campaign.is_past_due():
        answers = answers.filter(state__in=Answer.OUTSTANDING)
    if request.GET.get("sans"):
        answers = answers.filter(respondents__isnull=True)
    lead = None
    if request.GET.get("pilote", "").isdigit():
        lead = Person.objects.filter(project=project, pk=int(request.GET["pilote"])).only("pk", "name").first()
        answers = answers.filter(respondents=lead) if lead else answers.none()
    page = Paginator(answers.order_by("position", "pk").values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = {
        answer.pk: answer
        for answer in Answer.objects.filter(pk__in=list(page.object_list))
        .select_related("action")
        .prefetch_related(Prefetch("respondents", queryset=Person.objects.only("pk", "name", "user_id")))
    }
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "campaign": campaign,
        "figures": figures,
        "leads": leads,
        "lead_total": lead_total,
        "lead": lead,
        "filters": filters,
        "page": page,
        "answers": [shown[pk] for pk in page.object_list if pk in shown],
        "query": query.urlencode(),
        "past_due": campaign.is_past_due(),
        "reminders": list(campaign.reminders.all()[:5]),
        "next_reminder": reminding.next_reminder_at(campaign),
        "breadcrumb_data": _crumbs(project, _campaign_crumb(campaign), current=_("Suivi des réponses")),
    }
    return render(request, "campaigns/progress.html", context)


# --- the questionnaire ---------------------------------------------------------------------------------


@project_view(need=MANAGE, public=None)
def campaign_questions(request, project, pk):
    campaign = _campaign(request, project, pk)
    form = QuestionForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            question = questions.add_question(campaign, **form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Question ajoutée : « %(label)s ».") % {"label": question.label})
            return redirect(
                reverse("campaign-questions", args=[project.slug, campaign.pk]) + f"#question-{question.pk}"
            )
    asked = list(campaign.questions.filter(removed_at__isnull=True).order_by("position", "pk"))
    withdrawn = list(campaign.questions.filter(removed_at__isnull=False).order_by("position", "pk"))
    started = (
        0 if campaign.is_draft else Answer.objects.filter(campaign=campaign).exclude(state=Answer.State.PENDING).count()
    )
    context = {
        "project": project,
        "campaign": campaign,
        "asked": asked,
        "withdrawn": withdrawn,
        "form": form,
        "started": started,
        "breadcrumb_data": _crumbs(project, _campaign_crumb(campaign), current=_("Questionnaire")),
    }
    return render(request, "campaigns/questions.html", context)


def _question(campaign, question_pk) -> Question:
    return get_object_or_404(Question, campaign=campaign, pk=question_pk)


@project_view(need=MANAGE, public=None)
def question_edit(request, project, pk, question_pk):
    campaign = _campaign(request, project, pk)
    question = _question(campaign, question_pk)
    form = QuestionForm(request.POST or None, instance=question, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            questions.update_question(Question.objects.get(pk=question.pk), **form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Question enregistrée."))
            return redirect(
                reverse("campaign-questions", args=[project.slug, campaign.pk]) + f"#question-{question.pk}"
            )
    context = {
        "project": project,
        "campaign": campaign,
        "question": question,
        "form": form,
        "title": _("Modifier la question"),
        "cancel_url": reverse("campaign-questions", args=[project.slug, campaign.pk]),
        "breadcrumb_data": _crumbs(
            project,
            _campaign_crumb(campaign),
            {"url": reverse("campaign-questions", args=[project.slug, campaign.pk]), "title": _("Questionnaire")},
            current=_("Modifier la question"),
        ),
    }
    return render(request, "campaigns/question_form.html", context)


# The model's field names where a form shows them under another name.
FORM_FIELDS = {"choices": "choices_text"}


def _add_errors(form, error: ValidationError):
    """A model's ValidationError under the form's fields (the whole form for a message without field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        field = FORM_FIELDS.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


@project_view(need=MANAGE, public=None)
def question_remove(request, project, pk, question_pk):
    campaign = _campaign(request, project, pk)
    question = _question(campaign, question_pk)
    used = 0 if campaign.is_draft else questions.answers_with_value(question).count()
    if request.method == "POST":
        outcome = questions.remove_question(question)
        if outcome == "withdrawn":
            messages.success(
                request,
                _("La question « %(label)s » n'est plus posée ; les réponses déjà données la gardent.")
                % {"label": question.label},
            )
        else:
            messages.success(request, _("La question « %(label)s » est supprimée.") % {"label": question.label})
        return redirect("campaign-questions", project.slug, campaign.pk)
    lines = [question.label]
    if used:
        lines.append(
            ngettext(
                "%(n)s réponse contient déjà une valeur pour cette question : "
                "elle la garde, la question n'est plus posée.",
                "%(n)s réponses contiennent déjà une valeur pour cette question : "
                "elles la gardent, la question n'est plus posée.",
                used,
            )
            % {"n": used}
        )
    context = {
        "project": project,
        "title": _("Retirer cette question ?"),
        "lines": lines,
        "button": _("Retirer la question"),
        "form_id": "question-remove",
        "cancel_url": reverse("campaign-questions", args=[project.slug, campaign.pk]),
        "breadcrumb_data": _crumbs(project, _campaign_crumb(campaign), current=_("Retirer une question")),
    }
    return render(request, "campaigns/confirm.html", context)


@require_POST
@project_view(need=MANAGE, public=None)
def question_move(request, project, pk, question_pk):
    campaign = _campaign(request, project, pk)
    question = _question(campaign, question_pk)
    questions.move_question(question, -1 if request.POST.get("sens") == "haut" else 1)
    return redirect(reverse("campaign-questions", args=[project.slug, campaign.pk]) + f"#question-{question.pk}")


@require_POST
@project_view(need=MANAGE, public=None)
def question_restore(request, project, pk, question_pk):
    campaign = _campaign(request, project, pk)
    question = _question(campaign, question_pk)
    try:
        questions.restore_question(question)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("La question « %(label)s » est de nouveau posée.") % {"label": question.label})
    return redirect("campaign-questions", project.slug, campaign.pk)


# --- one answer: the lead's form, the read view, the review --------------------------------------------


def _answer(campaign, answer_pk) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related("action__parent", "campaign").prefetch_related(
            Prefetch("respondents", queryset=Person.objects.select_related("organisation")),
            Prefetch("indicator_values", queryset=AnswerIndicator.objects.all()),
        ),
        campaign=campaign,
        pk=answer_pk,
    )


def _indicators(action):
    return list(
        Indicator.objects.filter(action=action)
        .prefetch_related("targets", Prefetch("values", queryset=IndicatorValue.objects.order_by("position", "date")))
        .order_by("position", "pk")
    )


@project_view(need=MEMBER, public=None)
def answer_page(request, project, pk, answer_pk):
    campaign = _campaign(request, project, pk)
    answer = _answer(campaign, answer_pk)
    answer.campaign = campaign
    access = request.access
    respondent = is_respondent(answer, request.user)
    if not may_see(access, answer, respondent):
        raise PermissionDenied
    allowed = may_answer(access, answer, respondent)
    writable = allowed and may_write(answer) is None
    asked = active_questions(campaign)
    indicators = _indicators(answer.action)
    form = None
    conflict = None
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if not writable:
            messages.error(request, may_write(answer))
            return redirect("campaign-answer", project.slug, campaign.pk, answer.pk)
        submit = "envoyer" in request.POST
        form = AnswerForm(request.POST, answer=answer, questions=asked, indicators=indicators, submit=submit)
        if form.is_valid():
            try:
                save_answer(
                    answer,
                    form.answer_data(),
                    request.user,
                    submit=submit,
                    expected_version=form.cleaned_data["version"],
                )
            except AnswerConflict as error:
                conflict = error.current
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if submit:
                    messages.success(request, _("Réponse envoyée à la coordination. Merci !"))
                else:
                    messages.success(request, _("Brouillon enregistré : vous pouvez y revenir jusqu'à l'envoi."))
                return redirect("campaign-answer", project.slug, campaign.pk, answer.pk)
    elif writable:
        form = AnswerForm(answer=answer, questions=asked, indicators=indicators)
    labels = project_labels(project)
    every = list(campaign.questions.order_by("position", "pk"))
    review = access.can_manage and answer.state == Answer.State.SUBMITTED
    suggested = reviewing.proposed_status(answer.action.status, answer.proposal)
    see_steps = allowed  # the review's comments are between the coordination and the answer's leads
    next_to_review = None
    if access.can_manage:
        next_to_review = (
            Answer.objects.filter(campaign=campaign, state=Answer.State.SUBMITTED)
            .exclude(pk=answer.pk)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
            .first()
        )
    context = {
        "project": project,
        "campaign": campaign,
        "answer": answer,
        "action": answer.action,
        "labels": labels,
        "form": form,
        "conflict": conflict,
        "writable": writable,
        "items": answer_items(answer, every, labels),
        "indicator_lines": indicator_lines(answer, indicators),
        "asks_indicators": any(question.kind == Question.Kind.INDICATORS for question in asked),
        "events": list(answer.events.all()) if see_steps else [],
        "see_steps": see_steps,
        # Two forms on one page: their fields get ids of their own (both have a "comment").
        "accept_form": AcceptForm(answer=answer, suggested=suggested, auto_id="accept-%s") if review else None,
        "return_form": ReturnForm(auto_id="return-%s") if review else None,
        "next_to_review": next_to_review,
        "breadcrumb_data": _crumbs(
            project, _campaign_crumb(campaign), current=f"{answer.action.ref} — {answer.action.title}"
        ),
    }
    return render(request, "campaigns/answer.html", context)


@require_POST
@project_view(need=MANAGE, public=None)
def answer_review(request, project, pk, answer_pk):
    campaign = _campaign(request, project, pk)
    answer = _answer(campaign, answer_pk)
    answer.campaign = campaign
    decision = request.POST.get("decision")
    try:
        if decision == "accepter":
            form = AcceptForm(request.POST, answer=answer, suggested=None)
            if not form.is_valid():
                raise ValidationError(_("Statut inconnu."))
            reviewing.accept(
                answer, request.user, status=form.cleaned_data["status"] or None, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Réponse acceptée : le plan est mis à jour (valeurs, statut, historique)."))
        elif decision == "renvoyer":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["comment"][0])
            reviewing.send_back(answer, request.user, form.cleaned_data["comment"])
            messages.success(request, _("Réponse renvoyée au pilote avec votre commentaire."))
        else:
            raise ValidationError(_("Choisissez d'accepter ou de renvoyer la réponse."))
    except ValidationError as error:
        messages.error(request, _("Rien n'a été enregistré : %(reason)s") % {"reason": _error_text(error)})
    following = request.POST.get("suivante", "")
    if following.isdigit() and Answer.objects.filter(campaign=campaign, pk=int(following)).exists():
        return redirect("campaign-answer", project.slug, campaign.pk, int(following))
    return redirect("campaign-answer", project.slug, campaign.pk, answer.pk)
