"""A local OpenID Connect provider that behaves like ProConnect, for the tests (nothing leaves 127.0.0.1).

It serves the discovery document, the JWKS of an RSA key made for the run, the authorization endpoint
(which redirects straight back with a code, as if the person had signed in), the token endpoint (client
secret, redirect URI and PKCE verifier checked; a signed ID token carrying the nonce), the userinfo (a
signed JWT as ProConnect answers, or JSON) and the end-session endpoint. A test changes ``scenario`` to
make it misbehave: another nonce, an expired token, an unverified address, a foreign signing key.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

PREFIX = "/api/v2"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeProvider:
    client_id = "maillage-test"
    client_secret = "secret-de-test-du-client"

    def __init__(self):
        self.key = new_key()
        self.kid = "cle-de-test"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}{PREFIX}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.reset()

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        self.scenario = {
            "claims": {"email": "agent@exemple.gouv.fr", "given_name": "Camille", "usual_name": "Martin"},
            "sub": "sub-agent-1",
            "userinfo_format": "jwt",  # ProConnect's way; "json" for other providers
            "id_token": {},  # claims to add or override in the ID token (None removes one)
            "userinfo_sub": None,  # another sub in the userinfo
            "foreign_key": False,  # sign with a key the JWKS does not publish
            "pkce": True,  # advertise S256 in the discovery
        }
        self.codes = {}
        self.access_tokens = {}
        self.id_tokens = set()
        self.requests = []  # (method, path) of every request received
        self.authorizations = []  # the query of each authorization request
        self.token_requests = []  # the form of each token request
        self.ended_sessions = []  # the query of each end-session request

    # --- tokens ---------------------------------------------------------------------------------------
    def sign(self, claims):
        key = new_key() if self.scenario["foreign_key"] else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def id_token(self, nonce):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": self.scenario["sub"],
            "iat": now,
            "exp": now + 60,
            "nonce": nonce,
            "acr": "eidas1",
        }
        for name, value in self.scenario["id_token"].items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        token = self.sign(claims)
        self.id_tokens.add(token)
        return token

    def discovery(self):
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
        }
        if self.scenario["pkce"]:
            document["code_challenge_methods_supported"] = ["S256"]
        return document

    def jwks(self):
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [public]}


def _handler(provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def answer(self, status, body=b"", content_type="application/json", headers=()):
            if isinstance(body, dict):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            provider.requests.append(("GET", url.path))
            if url.path == f"{PREFIX}/.well-known/openid-configuration":
                return self.answer(200, provider.discovery())
            if url.path == f"{PREFIX}/jwks":
                return self.answer(200, provider.jwks())
            if url.path == f"{PREFIX}/authorize":
                return self.authorize(query)
            if url.path == f"{PREFIX}/userinfo":
                return self.userinfo()
            if url.path == f"{PREFIX}/session/end":
                provider.ended_sessions.append(query)
                if query.get("id_token_hint") not in provider.id_tokens or not query.get("state"):
                    return self.answer(400, {"error": "invalid_request"})
                target = f"{query['post_logout_redirect_uri']}?{urlencode({'state': query['state']})}"
                return self.answer(303, headers=[("Location", target)])
            return self.answer(404, {"error": "not_found"})

        def authorize(self, query):
            provider.authorizations.append(query)
            if query.get("client_id") != provider.client_id or query.get("response_type") != "code":
                return self.answer(400, {"error": "invalid_client"})
            if len(query.get("state", "")) < 32 or len(query.get("nonce", "")) < 32:
                return self.answer(400, {"error": "invalid_request"})  # ProConnect asks for 32 characters
            code = secrets.token_urlsafe(16)
            provider.codes[code] = {
                "nonce": query["nonce"],
                "redirect_uri": query["redirect_uri"],
                "challenge": query.get("code_challenge"),
                "method": query.get("code_challenge_method"),
            }
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            return self.answer(302, headers=[("Location", target)])

        def do_POST(self):
            url = urlsplit(self.path)
            provider.requests.append(("POST", url.path))
            if url.path != f"{PREFIX}/token":
                return self.answer(404, {"error": "not_found"})
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.token_requests.append(form)
            if form.get("client_id") != provider.client_id or form.get("client_secret") != provider.client_secret:
                return self.answer(401, {"error": "invalid_client"})
            grant = provider.codes.pop(form.get("code", ""), None)  # a code serves once
            if grant is None or form.get("grant_type") != "authorization_code":
                return self.answer(400, {"error": "invalid_grant"})
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self.answer(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
            if grant["challenge"]:
                verifier = form.get("code_verifier", "")
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if grant["method"] != "S256" or digest != grant["challenge"]:
                    return self.answer(400, {"error": "invalid_grant", "error_description": "PKCE"})
            access = secrets.token_urlsafe(16)
            provider.access_tokens[access] = True
            return self.answer(
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 60,
                    "id_token": provider.id_token(grant["nonce"]),
                },
            )

        def userinfo(self):
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in provider.access_tokens:
                return self.answer(401, {"error": "invalid_token"})
            claims = {
                "sub": provider.scenario["userinfo_sub"] or provider.scenario["sub"],
                **provider.scenario["claims"],
            }
            if provider.scenario["userinfo_format"] == "json":
                return self.answer(200, claims)
            now = int(time.time())
            signed = provider.sign({"iss": provider.issuer, "aud": provider.client_id, "iat": now, **claims})
            return self.answer(200, signed, content_type="application/jwt; charset=utf-8")

    return Handler
