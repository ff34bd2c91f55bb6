"""French first: the interface speaks French unless the person chose another language."""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Like LocaleMiddleware, but ignores the browser's Accept-Language: only an explicit choice
    (the language cookie set by Django's ``set_language`` view) switches away from French."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread goes back to French: work done outside a request (a task run at once, a test)
            # must not speak the language of the last person served by this thread.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response
