"""Sign in with the username or the e-mail address: coordinators remember their address, not an id."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            users = get_user_model()._default_manager.filter(email__iexact=username)
            if len(users) == 1:
                username = users[0].get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
