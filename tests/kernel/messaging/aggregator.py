"""A local stand-in for a WhatsApp/SMS aggregator: a real HTTP server in a thread.

Like a real aggregator it de-duplicates by the `Idempotency-Key` header: a key it has already taken is
answered with the same message id and not delivered to the recipient again. It records every request,
can answer with an error status, or take a message and then stall before answering (a worker can be
killed while the request is in flight).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeAggregator:
    def __init__(self) -> None:
        self.requests: list[dict] = []  # every request: key, headers, payload
        self.accepted: dict[str, str] = {}  # idempotency key → our message id
        self.deliveries: list[str] = []  # keys delivered to the recipient, in order (once per key)
        self.fail_with: int | None = None  # answer every request with this status, taking nothing
        self.stall = False  # take the next new message, then wait for `release` before answering
        self.in_flight = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1/messages"

    def start(self) -> FakeAggregator:
        aggregator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                aggregator._handle(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def requests_for(self, key: str) -> list[dict]:
        return [r for r in self.requests if r["key"] == key]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        key = handler.headers.get("Idempotency-Key", "")
        try:
            payload = json.loads(raw.decode("utf-8"))
        except ValueError:
            payload = None
        stall = False
        with self._lock:
            self.requests.append({"key": key, "headers": dict(handler.headers), "payload": payload})
            if self.fail_with is not None:
                status, answer = self.fail_with, {"error": "temporarily unavailable"}
            elif not key or not isinstance(payload, dict):
                status, answer = 400, {"error": "Idempotency-Key and a JSON body are required"}
            elif key in self.accepted:
                status, answer = 200, {"id": self.accepted[key], "duplicate": True}
            else:
                self.accepted[key] = f"agg-{len(self.accepted) + 1}"
                self.deliveries.append(key)
                status, answer = 202, {"id": self.accepted[key]}
                stall, self.stall = self.stall, False
        if stall:
            self.in_flight.set()
            self.release.wait(timeout=120)
        body = json.dumps(answer).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass  # the client is gone (a killed worker)
