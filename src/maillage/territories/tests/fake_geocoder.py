"""A local stand-in for the Géoplateforme's geocoder (addok answers), started by the tests in a thread.

What it answers depends on the address: one containing "floue" gets a low score, "introuvable" no
result, "lente" an answer after ``slow_seconds``; ``fail_next`` makes the next requests answer 500
(to count retries); ``down`` makes every request answer 503.
"""

import csv
import io
import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CENTRE = (45.7771, 3.0870)  # Clermont-Ferrand


def answer_for(text: str, index: int = 0):
    """(lat, lon, score, label, type, citycode) or None for "introuvable"."""
    lowered = text.lower()
    if "introuvable" in lowered:
        return None
    score = 0.31 if "floue" in lowered else 0.93
    kind = "street" if "rue sans numero" in lowered else "housenumber"
    return (CENTRE[0] + 0.001 * index, CENTRE[1] + 0.001 * index, score, f"{text} (trouvée)", kind, "63113")


class FakeGeocoder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = []
        self.fail_next = 0
        self.down = False
        self.slow_seconds = 0.0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/geocodage"


class Handler(BaseHTTPRequestHandler):
    server: FakeGeocoder

    def log_message(self, *args):  # quiet
        pass

    def _failing(self) -> bool:
        with self.server.lock:
            self.server.requests.append(self.path)
            if self.server.down:
                self._send(503, b"down", "text/plain")
                return True
            if self.server.fail_next > 0:
                self.server.fail_next -= 1
                self._send(500, b"boom", "text/plain")
                return True
        return False

    def _send(self, status, body: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        if self._failing():
            return
        if parts.path != "/geocodage/search":
            return self._send(404, b"{}", "application/json")
        query = parse_qs(parts.query).get("q", [""])[0]
        if "lente" in query.lower():
            time.sleep(self.server.slow_seconds)
        found = answer_for(query)
        features = []
        if found:
            lat, lon, score, label, kind, citycode = found
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"label": label, "score": score, "type": kind, "citycode": citycode},
                }
            )
        body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        self._send(200, body, "application/json")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length)
        if self._failing():
            return
        if urlsplit(self.path).path != "/geocodage/search/csv":
            return self._send(404, b"", "text/plain")
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + payload
        )
        fields, data = {}, b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "data":
                data = part.get_payload(decode=True)
            else:
                fields.setdefault(name, []).append(part.get_content().strip())
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        columns = fields.get("columns", [])
        if any("lente" in " ".join(row.values()).lower() for row in rows):
            time.sleep(self.server.slow_seconds)
        out = io.StringIO()
        writer = None
        for index, row in enumerate(rows):
            text = " ".join(row.get(column, "") for column in columns)
            found = answer_for(text, index)
            extra = {
                "latitude": "",
                "longitude": "",
                "result_label": "",
                "result_score": "",
                "result_type": "",
                "result_citycode": "",
                "result_status": "not-found",
            }
            if found:
                lat, lon, score, label, kind, citycode = found
                extra.update(
                    latitude=str(lat),
                    longitude=str(lon),
                    result_label=label,
                    result_score=str(score),
                    result_type=kind,
                    result_citycode=citycode,
                    result_status="ok",
                )
            merged = {**row, **extra}
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(merged))
                writer.writeheader()
            writer.writerow(merged)
        self._send(200, out.getvalue().encode("utf-8"), "text/csv; charset=utf-8")


def start() -> FakeGeocoder:
    server = FakeGeocoder()
    threading.Thread(target=server.serve_forever, name="fake-geocoder", daemon=True).start()
    return server
