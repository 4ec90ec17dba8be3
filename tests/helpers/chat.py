"""A chat endpoint for the tests: a real HTTP server on a loopback port, in a thread, that
records what it is sent and can answer 503, hold a request, or be down (stopped)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Chat:
    def __init__(self, port: int = 0) -> None:
        self.received: list[dict] = []  # each: path, headers, body (decoded JSON), raw
        self.mode = "ok"  # ok | fail (503) | hold (wait until released, then 200) | flaky (503 for `flaky` of them)
        self.flaky = 0.0  # in "flaky" mode, the share of requests answered 503, at random
        self.released = threading.Event()
        self.holding = threading.Event()  # set once a request is being held
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = port
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        chat = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if chat.mode == "hold":
                    chat.holding.set()
                    chat.released.wait(30)
                import random

                if chat.mode == "fail" or (chat.mode == "flaky" and random.random() < chat.flaky):
                    self.send_response(503)
                    self.end_headers()
                    return
                with chat._lock:
                    chat.received.append({"path": self.path, "headers": dict(self.headers), "raw": raw,
                                          "body": json.loads(raw)})
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}')
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (its timeout, a test's slow answer): received all the same

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Down: nothing listens on its port until `start`."""
        if self.server is not None:
            self.released.set()
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def keys(self) -> list[str]:
        return [r["headers"].get("Idempotency-Key", "") for r in self.received]

    def texts(self) -> list[str]:
        return [r["body"].get("text", "") for r in self.received]
