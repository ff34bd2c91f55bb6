"""The signed-in person's own page (their preferences) and the digest's unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from maillage.evaluation.digest import user_of_token

from .access import member_projects
from .forms import DsfrModelForm
from .models import Membership, User


class PreferencesForm(DsfrModelForm):
    class Meta:
        model = User
        fields = ["digest_enabled"]


@login_required
def account(request):
    user = request.user
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if user.digest_enabled:
            messages.success(request, _("Vous recevrez le récapitulatif par courriel."))
        else:
            messages.success(request, _("Vous ne recevrez plus le récapitulatif par courriel."))
        return redirect("account")
    roles = dict(Membership.Role.choices)
    memberships = {m.project_id: roles[m.role] for m in Membership.objects.filter(user=user)}
    projects = [(project, memberships.get(project.pk)) for project in member_projects(user).order_by("title")[:100]]
    context = {"form": form, "projects": projects, "breadcrumb_data": {"current": _("Mon compte")}}
    return render(request, "accounts/account.html", context)


@csrf_exempt  # the signed link is the proof (RFC 8058 one-click unsubscribe posts without a session)
def digest_unsubscribe(request, token):
    """GET asks to confirm (a mail scanner opening the link changes nothing); POST turns the digest off."""
    user = user_of_token(token)
    if user is None:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        if user.digest_enabled:
            user.digest_enabled = False
            user.save(update_fields=["digest_enabled"])
        return render(request, "accounts/unsubscribe.html", {"done": True, "subscriber": user})
    return render(request, "accounts/unsubscribe.html", {"subscriber": user, "token": token})
