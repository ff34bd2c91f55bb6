"""A local webhook receiver for the tests: a ``http.server`` in a thread that checks each delivery's
signature with the secret it was told for its path, as a real receiver would (docs/webhooks.md)."""

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.reset()

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        self.secrets = {}  # path -> the subscription's secret
        self.answers = {}  # path -> deque of status codes to answer (then 200)
        self.delays = {}  # path -> seconds to wait before answering
        self.received = []  # one dict per request

    def url(self, path):
        return self.base + path

    def verify(self, secret: str, body: bytes, header: str) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header or "")


def _handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            secret = receiver.secrets.get(self.path)
            valid = secret is not None and receiver.verify(secret, body, self.headers.get("X-Maillage-Signature"))
            receiver.received.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "json": json.loads(body),
                    "signature_valid": valid,
                }
            )
            time.sleep(receiver.delays.get(self.path, 0))
            queued = receiver.answers.get(self.path) or deque()
            status = queued.popleft() if queued else (200 if valid else 401)
            extra = [("Location", "http://127.0.0.1:9/ailleurs")] if 300 <= status < 400 else []
            try:
                self.send_response(status)
                for name, value in extra:
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except (BrokenPipeError, ConnectionResetError):  # the sender gave up waiting
                pass

    return Handler
