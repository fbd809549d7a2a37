"""A local HTTP server that plays the lists' publishers for tests: copies of ../shared/sources, and failures.

Routes: `/titles.json` (the eCFR titles list, title 15 issued 2026-06-01), `/ecfr/<date>/ccl.xml` (a real eCFR
excerpt), `/files/<folder>/<name>` (a copy of a shared source), and under `/html/`, `/cut/`, `/stall/` the
same files served wrong: as an HTML page, cut off halfway, or never finished (the client times out). Anything
else is a 404. It listens on 127.0.0.1 only, in a thread of the test process.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import SOURCES, ccl_excerpt

ISSUE_DATE = "2026-06-01"
_TYPES = {".xml": "application/xml", ".pdf": "application/pdf"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet: pytest shows failures, not access lines
        return

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/titles.json":
            body = json.dumps({"titles": [{"number": 15, "latest_issue_date": ISSUE_DATE}]}).encode()
            return self._send(body, "application/json")
        if path.startswith("/ecfr/") and path.endswith("/ccl.xml"):
            return self._send(self.server.excerpt, "application/xml")
        mode, _, rel = path.lstrip("/").partition("/")
        file = self.server.root / rel
        if mode not in ("files", "html", "cut", "stall") or ".." in rel or not file.is_file():
            return self._send(b"<html>not found</html>", "text/html", 404)
        data = file.read_bytes()
        if mode == "html":
            return self._send(data, "text/html")
        if mode == "files":
            return self._send(data, _TYPES.get(file.suffix, "application/octet-stream"))
        self.send_response(200)
        self.send_header("Content-Type", _TYPES[file.suffix])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        if mode == "stall":
            self.server.release.wait(30)

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    excerpt: bytes
    release: threading.Event


@contextmanager
def list_server(folder: Path) -> Iterator[str]:
    """Serve copies of the shared sources (copied into `folder`) at the address yielded, until the block ends."""
    shutil.copytree(SOURCES, folder, dirs_exist_ok=True)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.root, server.excerpt, server.release = folder, ccl_excerpt().encode(), threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
