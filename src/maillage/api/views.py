"""The API's pages: its documentation, drawn from the OpenAPI document, and a member's tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tokens
from .forms import TokenForm
from .models import ApiToken

METHODS = ("get", "post", "put", "patch", "delete")


def docs(request):
    """The documentation page: every operation of the OpenAPI document, its parameters and answers
    (served here rather than by a script from a CDN, which the CSP and an offline instance refuse)."""
    from .api import api

    schema = api.get_openapi_schema()
    operations = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "parameters": operation.get("parameters", []),
                        "responses": sorted(operation.get("responses", {})),
                        "tag": (operation.get("tags") or [""])[0],
                    }
                )
    context = {
        "operations": operations,
        "info": schema["info"],
        "openapi_url": reverse("api-v1:openapi-json"),
        "tokens_url": reverse("api-tokens"),
        "breadcrumb_data": {"current": _("API")},
    }
    return render(request, "api/docs.html", context)


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = tokens.create_token(request.user, data["name"], data["scope"], data["days"])
        form = TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")[:100],
        "docs_url": reverse("api-docs"),
        "breadcrumb_data": {"current": _("Jetons d'API")},
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the new secret is on this page once
    return response


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # another account's token is a 404
    tokens.revoke(token)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api-tokens")
