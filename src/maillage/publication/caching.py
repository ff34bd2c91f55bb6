"""Public pages and public documents served from the cache, keyed by the plan's last change.

A visitor without an account reads exactly what every other visitor reads: the page of a published
plan is rendered once per change of the plan (``projects.stamp``), per language and per address, then
served from Django's cache framework with an ETag and a Last-Modified date, so that a browser's second
visit costs a 304 and a thousand visitors cost one cache lookup each. Signed-in people (whose header
names them) and requests carrying a message to show are served fresh.
"""

import hashlib
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import get_language

from maillage.projects.stamp import published_stamp

# The key holds the plan's stamp, so a change is seen at once; this only bounds how long an entry lives.
TIMEOUT = 600


def _servable(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    return not len(get_messages(request))


def _key(request, stamp: str, kind: str) -> str:
    htmx = "htmx" if request.headers.get("HX-Request") else "page"
    raw = f"{kind}|{get_language()}|{htmx}|{request.get_full_path()}|{stamp}"
    return "public:" + hashlib.sha256(raw.encode()).hexdigest()


def _answer(request, entry, stamp: str, key: str) -> HttpResponse:
    content, content_type, extra = entry
    response = HttpResponse(content, content_type=content_type)
    for header, value in extra.items():
        response[header] = value
    return _validated(request, response, stamp, key)


def _validated(request, response, stamp, key):
    etag = f'"{key[-32:]}"'
    changed = parse_datetime(stamp)
    response["ETag"] = etag
    if changed:
        response["Last-Modified"] = http_date(changed.timestamp())
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(response, ["Cookie", "HX-Request"])
    return get_conditional_response(
        request, etag=etag, last_modified=changed.timestamp() if changed else None, response=response
    )


KEPT_HEADERS = ("Content-Disposition", "Content-Language", "Access-Control-Allow-Origin", "Link")


def validated(request, response, changed: str):
    """A public answer that is not one plan's (the open-data catalogue, a schema file): the same validators
    (an ETag of its content, Last-Modified from ``changed``, an ISO date or "") and the same revalidation."""
    key = "public:" + hashlib.sha256(response.content).hexdigest()
    return _validated(request, response, changed, key)


def cached_for_visitors(kind: str):
    """Serve the decorated public view (taking ``slug``) from the cache for visitors without an account."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            if not _servable(request):
                return view(request, slug, *args, **kwargs)
            stamp = published_stamp(slug)
            if not stamp:  # not a published plan: the view answers (404, or the login page)
                return view(request, slug, *args, **kwargs)
            key = _key(request, stamp, kind)
            entry = cache.get(key)
            if entry is not None:
                return _answer(request, entry, stamp, key)
            response = view(request, slug, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            extra = {header: response[header] for header in KEPT_HEADERS if header in response}
            cache.set(key, (response.content, response["Content-Type"], extra), timeout=TIMEOUT)
            return _validated(request, response, stamp, key)

        return wrapper

    return decorator
