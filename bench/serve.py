"""Serving speed: one `stce serve` process on a free port, M concurrent clients, a fixed mix of calls.

    python -m bench.serve [--home DIR] [--clients M] [--calls N]

Each client makes N calls in turn: three questions (`POST /ask`) for every screening call of five lines
(`POST /screen`), the goods of bench.screen's invoice. Printed: throughput, p50/p95 latency per kind of call,
errors (any status but 200, or no answer), and the server's resident memory (now and peak). The home needs
an index (e.g. a copy of a home with both lists); the bench adds a token of its own there and revokes it.
The server answers one question at a time, so more clients wait longer: throughput comes from more processes
(issue 27's replicas, not built yet).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from assistant.core.settings import Settings
from assistant.storage.tokens import TokenStore
from bench.screen import GOODS

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 900.0
"""A cold start loads the model and the index and asks one question; on this machine, loaded, minutes."""
CALL_TIMEOUT_S = 300.0
SCREEN_LINES = 5
ASKS_PER_SCREEN = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def goods(n: int) -> str:
    text = GOODS[n % len(GOODS)][0]
    return text.format(n=2 + n // len(GOODS))


def client(base: str, token: str, number: int, calls: int) -> list[tuple[str, float, bool]]:
    """One client's calls in turn: (kind, seconds, answered with 200)."""
    done = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=CALL_TIMEOUT_S) as http:
        for call in range(calls):
            n = number * calls + call
            started = time.perf_counter()
            try:
                if call % (ASKS_PER_SCREEN + 1) == ASKS_PER_SCREEN:
                    kind = "screen"
                    lines = [{"description": goods(n + i), "quantity": 1} for i in range(SCREEN_LINES)]
                    ok = http.post("/screen", json={"lines": lines}).status_code == 200
                else:
                    kind = "ask"
                    ok = http.post("/ask", json={"question": goods(n)}).status_code == 200
            except httpx.HTTPError:
                ok = False
            done.append((kind, time.perf_counter() - started, ok))
    return done


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="STCE_HOME with an index (default: the setting)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--calls", type=int, default=12, help="calls per client")
    args = parser.parse_args()
    home = args.home or Settings().home
    store, name = TokenStore(home), f"bench-serve-{os.getpid()}"
    token = store.add(name)
    port = free_port()
    env = {**os.environ, "STCE_HOME": str(home), "STCE_API_RATE_PER_MINUTE": "1000000", "STCE_LISTS_DIR": ""}
    command = [sys.executable, "-c", "from ui.cli import app; app()", "serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        while True:
            try:
                if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.perf_counter() - started > READY_TIMEOUT_S:
                raise SystemExit(f"the server did not get ready: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
        print(f"server ready in {time.perf_counter() - started:.1f} s (model, index, one warm-up question)")
        began = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            results = [
                r for rs in pool.map(lambda c: client(base, token, c, args.calls), range(args.clients)) for r in rs
            ]
        wall = time.perf_counter() - began
        now, peak = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
        store.revoke(name)
    errors = sum(not ok for _, _, ok in results)
    print(f"1 replica, {args.clients} clients, {len(results)} calls in {wall:.1f} s: {len(results) / wall:.2f} calls/s")
    for kind in ("ask", "screen"):
        times = [t * 1000 for k, t, _ in results if k == kind]
        if times:
            print(
                f"  {kind:6} n={len(times):3}  p50 {percentile(times, 50):7.0f} ms  p95 {percentile(times, 95):7.0f} ms"
            )
    print(f"errors: {errors}; server RSS {now:.0f} MB, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
