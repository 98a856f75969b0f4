"""Requests per second of a representative's QR page, against a bare Django view, both
served by a real gunicorn on loopback with the same settings. Prints both and their ratio.

    make bench                                   # on PostgreSQL + Redis (scripts/with-services.sh)
    .venv/bin/python bench/citizen_pages.py      # on a temporary SQLite database

Options: --workers (gunicorn workers, default 2), --clients (concurrent clients, default 8),
--seconds (per URL, default 10).
"""

import argparse
import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout


def load(port: int, path: str, clients: int, seconds: float) -> tuple[float, int]:
    """Keep-alive clients hammering ``path``; returns (requests per second, errors)."""
    stop = time.monotonic() + seconds
    counts, errors = [0] * clients, [0] * clients

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[i] += 1
                counts[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="zhashui-bench-")
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=os.path.join(tmp, "static"),
        MEDIA_ROOT=os.path.join(tmp, "media"),
        LOG_LEVEL="WARNING",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    print(
        f"database: {env['DATABASE_URL'].split('@')[-1]}  redis: {env.get('REDIS_URL') or 'none'}"
    )
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input", "-v0")
    token = (
        manage(
            env,
            "shell",
            "-c",
            "from liaison.models import Representative as R; print(R.objects.get(name='柳春和').qr_token)",
        )
        .strip()
        .splitlines()[-1]
    )

    port = free_port()
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "zhashui_rd.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz/")
                break
            except OSError:
                time.sleep(0.1)
        pages = {
            "bare Django view (/healthz/)": "/healthz/",
            "representative's QR page": f"/r/{token}/",
        }
        results = {}
        for label, path in pages.items():
            load(port, path, args.clients, 1.0)  # warm up
            rps, errors = load(port, path, args.clients, args.seconds)
            results[label] = rps
            print(f"{label:32s} {rps:8.1f} requests/s  ({errors} errors)")
        bare, page = results.values()
        print(f"{'ratio QR page / bare view':32s} {page / bare:8.2f}")
        print(
            f"gunicorn workers: {args.workers}, clients: {args.clients}, {args.seconds:.0f} s per URL"
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
