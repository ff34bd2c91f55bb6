"""The coordinator's webhook screens, in the project's settings: subscribe, see the secret once, read the
delivery log, send a test, re-enable, remove. Every object is looked up inside the project the URL
names, after ``Access.may_manage_webhooks``: another project's ids answer 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.decorators import MANAGE, project_view

from . import events
from .forms import SubscriptionForm
from .models import PING, Attempt, Delivery, Subscription, new_secret

SECRET_SHOWN = "webhook-secret-{pk}"  # the session key holding a new secret until its page shows it
LOG_SHOWN = 50


def _gate(request):
    if not request.access.may_manage_webhooks:
        raise PermissionDenied


def _crumbs(project, *links, current):
    base = [
        {"url": reverse("project-dashboard", args=[project.slug]), "title": project.title},
        {"url": reverse("project-settings", args=[project.slug]), "title": _("Paramètres")},
    ]
    return {"links": base + list(links), "current": str(current)[:80]}


def _subscription(project, pk):
    return get_object_or_404(Subscription, project=project, pk=pk)


@project_view(need=MANAGE, public=None, changes_plan=False)
def subscriptions(request, project):
    _gate(request)
    form = SubscriptionForm(request.POST or None)
    existing = list(Subscription.objects.filter(project=project))
    if request.method == "POST" and form.is_valid():
        if len(existing) >= settings.MAILLAGE_WEBHOOKS_PER_PROJECT:
            form.add_error(
                None,
                _("Ce projet a déjà %(n)s abonnements : retirez-en un avant d'en ajouter un autre.")
                % {"n": settings.MAILLAGE_WEBHOOKS_PER_PROJECT},
            )
        else:
            subscription = Subscription.objects.create(
                project=project,
                url=form.cleaned_data["url"],
                label=form.cleaned_data["label"],
                events=list(form.cleaned_data["events"]),
                created_by=request.user,
            )
            request.session[SECRET_SHOWN.format(pk=subscription.pk)] = subscription.secret
            messages.success(request, _("L'abonnement est créé."))
            return redirect("webhook-detail", project.slug, subscription.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "webhooks/list.html",
        {
            "project": project,
            "subscriptions": existing,
            "form": form,
            "breadcrumb_data": _crumbs(project, current=_("Webhooks")),
        },
        status=status,
    )


@project_view(need=MANAGE, public=None, changes_plan=False)
def detail(request, project, pk):
    _gate(request)
    subscription = _subscription(project, pk)
    deliveries = list(
        subscription.deliveries.prefetch_related(Prefetch("attempt_log", queryset=Attempt.objects.order_by("number")))[
            :LOG_SHOWN
        ]
    )
    context = {
        "project": project,
        "subscription": subscription,
        "secret": request.session.pop(SECRET_SHOWN.format(pk=subscription.pk), None),
        "deliveries": deliveries,
        "log_shown": LOG_SHOWN,
        "log_days": settings.MAILLAGE_WEBHOOK_LOG_DAYS,
        "breadcrumb_data": _crumbs(
            project, {"url": reverse("webhooks", args=[project.slug]), "title": _("Webhooks")}, current=subscription
        ),
    }
    return render(request, "webhooks/detail.html", context)


@project_view(need=MANAGE, public=None, changes_plan=False)
@require_POST
def delete(request, project, pk):
    _gate(request)
    subscription = _subscription(project, pk)
    subscription.delete()
    messages.success(request, _("L'abonnement à %(url)s est supprimé.") % {"url": subscription.url})
    return redirect("webhooks", project.slug)


@project_view(need=MANAGE, public=None, changes_plan=False)
@require_POST
def enable(request, project, pk):
    _gate(request)
    subscription = _subscription(project, pk)
    Subscription.objects.filter(pk=subscription.pk).update(active=True, consecutive_failures=0, disabled_at=None)
    messages.success(request, _("L'abonnement est réactivé : les prochains événements lui seront envoyés."))
    return redirect("webhook-detail", project.slug, subscription.pk)


@project_view(need=MANAGE, public=None, changes_plan=False)
@require_POST
def new_key(request, project, pk):
    _gate(request)
    subscription = _subscription(project, pk)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret"])
    request.session[SECRET_SHOWN.format(pk=subscription.pk)] = subscription.secret
    messages.success(request, _("Un nouveau secret signe désormais les envois ; l'ancien ne vaut plus."))
    return redirect("webhook-detail", project.slug, subscription.pk)


@project_view(need=MANAGE, public=None, changes_plan=False)
@require_POST
def ping(request, project, pk):
    """Send a ``ping`` event to this subscription alone, to check the receiver and its signature check."""
    _gate(request)
    subscription = _subscription(project, pk)
    if not subscription.active:
        messages.error(request, _("L'abonnement est désactivé : réactivez-le d'abord."))
    else:
        events.emit(project, PING, {"message": _("Essai d'envoi depuis Maillage.")}, only=subscription)
        messages.success(request, _("Un événement d'essai est envoyé ; son résultat apparaît dans le journal."))
    return redirect("webhook-detail", project.slug, subscription.pk)


@project_view(need=MANAGE, public=None, changes_plan=False)
@require_POST
def redeliver(request, project, pk, delivery_pk):
    """One more attempt of a failed delivery, with the same body and id (a receiver that had it ignores it)."""
    _gate(request)
    subscription = _subscription(project, pk)
    delivery = get_object_or_404(Delivery, subscription=subscription, pk=delivery_pk)
    if not subscription.active:
        messages.error(request, _("L'abonnement est désactivé : réactivez-le d'abord."))
    elif delivery.status != Delivery.Status.FAILED:
        messages.info(request, _("Cette livraison n'est pas en échec."))
    else:
        from .tasks import deliver

        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING)
        events.queue(delivery, deliver)
        messages.success(request, _("La livraison est renvoyée."))
    return redirect("webhook-detail", project.slug, subscription.pk)
