"""In front of /api/v1/: CORS for anonymous reads, and JSON for the errors Django answers itself.

Any web page may read the published plans:
``Access-Control-Allow-Origin: *`` on anonymous GET/HEAD answers (never with credentials: a browser
then sends no cookie, and a token-bearing request gets no CORS header, so a page elsewhere cannot use a
visitor's token); a preflight (OPTIONS with Access-Control-Request-Method) is answered here for GET
and HEAD only.
"""

from django.http import HttpResponse

from .errors import ApiError

PREFIX = "/api/v1/"
MAX_AGE = "86400"
JSON_ERRORS = {404: "not_found", 405: "method_not_allowed", 500: "internal_error"}


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            if request.headers["Access-Control-Request-Method"].upper() in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match"
                response["Access-Control-Max-Age"] = MAX_AGE
            return response
        response = self.get_response(request)
        if response.status_code in JSON_ERRORS and not response.get("Content-Type", "").startswith("application/json"):
            # An unknown address or method under /api/v1/ (Django's resolver, ninja's 405): JSON too.
            from .api import error_response

            response = error_response(ApiError(JSON_ERRORS[response.status_code]))
        if request.method in ("GET", "HEAD") and "Authorization" not in request.headers:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        return response
