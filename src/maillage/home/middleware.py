"""French pages for the errors that Django answers with an empty body (405, 400 without a template)."""

from django.shortcuts import render

PAGES = {405: "405.html"}


class FrenchErrorPagesMiddleware:
    """``require_POST`` and friends answer 405 with no body: the visitor gets the French page instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        template = PAGES.get(response.status_code)
        if template and not response.content and not getattr(request, "htmx", False):
            page = render(request, template, status=response.status_code)
            for header in ("Allow",):
                if header in response:
                    page[header] = response[header]
            return page
        return response
