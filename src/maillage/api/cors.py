"""CORS for anonymous reads of the API: any web page may read the published plans.

``Access-Control-Allow-Origin: *`` on anonymous GET/HEAD answers (never with credentials: a browser
then sends no cookie, and a token-bearing request gets no CORS header, so a page elsewhere cannot use a
visitor's token); a preflight (OPTIONS with Access-Control-Request-Method) is answered here for GET
and HEAD only.
"""

from django.http import HttpResponse

PREFIX = "/api/v1/"
MAX_AGE = "86400"


class AnonymousReadCorsMiddleware:
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
        if request.method in ("GET", "HEAD") and "Authorization" not in request.headers:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        return response
