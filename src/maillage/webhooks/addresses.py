"""Which addresses a webhook may be sent to: http(s) only, and in production no private network (SSRF).

A webhook makes Maillage's server send requests where a coordinator says: without this check, an address
such as ``http://10.0.0.5/admin`` or ``http://169.254.169.254/`` (a cloud's metadata service) would let a
coordinator reach machines that only the server can reach. Every address the name resolves to must be
public (``ipaddress``'s ``is_global``); the check runs when the subscription is made and again before each
delivery (the name may point elsewhere since). ``MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1`` lifts it,
for the tests' local receiver or a receiver on the same private network.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 500


def check_url(url: str) -> str:
    """The address, stripped, or a French ``ValidationError`` saying why it is refused."""
    url = (url or "").strip()
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(_("Adresse trop longue (%(max)s caractères au plus).") % {"max": MAX_URL_LENGTH})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("Cette adresse n'est pas valide.")) from error
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Seules les adresses http:// ou https:// sont acceptées."))
    host = parts.hostname
    if not host:
        raise ValidationError(_("Cette adresse n'a pas de nom de serveur."))
    if parts.username or parts.password:
        raise ValidationError(_("Ne mettez pas d'identifiant ni de mot de passe dans l'adresse."))
    if not getattr(settings, "MAILLAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
        for address in resolve(host, port or (443 if parts.scheme == "https" else 80)):
            if not address.is_global:
                raise ValidationError(
                    _("« %(host)s » mène à une adresse privée ou locale (%(address)s) : refusée.")
                    % {"host": host, "address": address}
                )
    return url


def resolve(host: str, port: int) -> list:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(_("Le serveur « %(host)s » est introuvable.") % {"host": host}) from error
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
