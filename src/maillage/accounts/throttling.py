"""Limits on what a client may try: sign-in (django-axes), password reset mails.

One definition of "the client": its address as the last trusted proxy saw it (``client_ip``), used by
the sign-in lockout, the password reset limit and the job limits (``maillage.jobs.limits``).
"""

import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.shortcuts import render

RESET_WINDOW = 3600  # seconds: the password reset limits count within an hour


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with ``MAILLAGE_PROXY_COUNT`` proxies in front, the address the first of them saw.

    X-Forwarded-For is only believed as far as the proxies we run append to it: a client can write
    anything on its left. Only a real address is returned (None otherwise): django-axes stores it in an
    address column, which PostgreSQL's ``inet`` type refuses to hold anything else in."""
    proxies = int(getattr(settings, "MAILLAGE_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return _address(forwarded[-proxies])
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def axes_username(request, credentials) -> str:
    """The account a sign-in targets: an e-mail address counts as the username it belongs to, and case is
    folded, so that switching between the two forms does not double the tries an attacker gets."""
    typed = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    if "@" in typed:
        users = list(get_user_model()._default_manager.filter(email__iexact=typed).values_list("username", flat=True))
        if len(users) == 1:
            typed = users[0]
    return typed.casefold()[:150]


def locked_out(request, original_response=None, credentials=None):
    """The French page of a locked sign-in (HTTP 429): how long to wait, whom to ask."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _hit(key: str, limit: int) -> bool:
    """Count one more use of ``key`` in the window; False once the limit is passed."""
    cache.add(key, 0, RESET_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW)
        count = 1
    return count <= limit


def password_reset_allowed(request, email: str) -> bool:
    """At most ``MAILLAGE_PASSWORD_RESETS_PER_ADDRESS`` requests an hour from one client, and
    ``MAILLAGE_PASSWORD_RESETS_PER_EMAIL`` mails an hour to one address (a mailbox is not flooded)."""
    digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:32]
    by_client = _hit(
        f"maillage:reset:ip:{client_ip(request) or 'inconnue'}", settings.MAILLAGE_PASSWORD_RESETS_PER_ADDRESS
    )
    by_email = _hit(f"maillage:reset:email:{digest}", settings.MAILLAGE_PASSWORD_RESETS_PER_EMAIL)
    return by_client and by_email


class ThrottledPasswordResetView:
    """Mixed into Django's PasswordResetView in urls.py: over the limit, the form comes back with a French
    error (429) and no mail leaves. The answer is the same whether the address has an account or not."""

    def form_valid(self, form):
        from django.utils.translation import gettext as _

        if not password_reset_allowed(self.request, form.cleaned_data.get("email", "")):
            form.add_error(
                None,
                _(
                    "Trop de demandes de nouveau mot de passe : réessayez dans une heure. "
                    "Aucun courriel n'a été envoyé."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
