"""A partner's webhook endpoint for tests: a real HTTP server on 127.0.0.1 that records what it
is sent and answers with the statuses a test asks for."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Endpoint:
    """What the endpoint saw (headers, body), and how it answers: ``answers`` in turn, one per
    request, then ``status``."""

    url: str = ""
    status: int = 200
    answers: list[int] = field(default_factory=list)
    seen: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@contextmanager
def listening(state: Endpoint) -> Iterator[Endpoint]:
    """Serve ``state`` at ``state.url`` (``/hooks`` on a free port) until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.seen.append((dict(self.headers.items()), body))
            self.send_response(state.answers.pop(0) if state.answers else state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
