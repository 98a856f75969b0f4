"""Load on the citizen's pages, served as production serves them: requests per second and
p50/p95/p99 latency of the bare view, a representative's QR page, a station's QR page, a
tracking page and text-only submissions, and the ratio QR page / bare view against the
target of issue #10 (≥ 0.5×).

    make bench                                             # runs it on PostgreSQL + Redis
    scripts/with-services.sh .venv/bin/python bench/load.py
    BENCH_SECONDS=5 .venv/bin/python bench/load.py         # SQLite + memory cache: a smoke run

What it does:

1. migrates the bench's database (DATABASE_URL; ``scripts/with-services.sh`` gives a
   throwaway PostgreSQL and Redis), loads the demo county and collects the static files;
2. starts gunicorn on loopback with production settings: DEBUG=0, a random SECRET_KEY,
   HTTPS=1 behind one trusted proxy (the client sends X-Forwarded-Proto and
   X-Forwarded-For as nginx does), WhiteNoise with the compressed manifest, the Redis cache
   (REDIS_URL), RATELIMIT_ENABLE=0 and AXES_ENABLED=0 (the whole load comes from one
   address); its worker count is deploy/gunicorn.conf.py's ``workers`` when that file
   exists, else (2 × CPUs) + 1, as gunicorn's documentation advises;
3. draws a real tracking link and the CSRF cookie and token once, by GETting the concern
   form and POSTing one concern, as a phone would;
4. runs ``wrk`` (Debian package ``wrk``; installed with apt-get when missing and run as
   root) for BENCH_SECONDS (default 10) per measurement at a fixed concurrency
   (BENCH_CONNECTIONS, default 8, over BENCH_THREADS=2 threads), after a short warm-up of
   every URL. The bare view and the QR page are measured side by side, interleaved: bare,
   QR, bare, QR … for BENCH_ROUNDS rounds (default 3); their figures are the means of the
   rounds, and the ratio is the mean QR against the mean bare. Then the station page, the
   tracking page and the submissions (each POST has a fresh one-time key, so each creates
   a concern in the bench's database), once each.

Other settings: BENCH_WORKERS overrides the worker count.
"""

import http.client
import os
import re
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TARGET = 0.5
HOST = "127.0.0.1"

# wrk's report: the counts, and the latency percentiles from its full histogram (its own
# --latency table has no p95).
DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50=%d p95=%d p99=%d errors=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""

# As nginx forwards a request (deploy/: proxy_set_header X-Forwarded-Proto $scheme, …).
HEADERS_LUA = r"""
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["X-Forwarded-For"] = "203.0.113.7"
"""

# Each POST carries a fresh one-time key (a UUID): the same key twice would be the same
# concern (a refresh), not a new one. Each wrk thread has its own Lua state and seed.
POST_LUA = r"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end
local function hex(n)
  local s = ""
  for i = 1, n do s = s .. string.format("%x", math.random(0, 15)) end
  return s
end
local function uuid4()
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" ..
    string.format("%x", math.random(8, 11)) .. hex(3) .. "-" .. hex(12)
end
request = function()
  return wrk.format("POST", PATH, nil, BODY .. uuid4())
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(env, *args) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install wrk)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("bench/load.py needs wrk: apt-get install wrk")
    return found


def gunicorn_workers() -> tuple[int, str]:
    if os.environ.get("BENCH_WORKERS"):
        return int(os.environ["BENCH_WORKERS"]), "BENCH_WORKERS"
    conf = ROOT / "deploy" / "gunicorn.conf.py"
    if conf.exists():
        workers = runpy.run_path(str(conf)).get("workers")
        if workers:
            return int(workers), "deploy/gunicorn.conf.py"
    return 2 * (os.cpu_count() or 1) + 1, "(2 × CPUs) + 1"


class Client:
    """One request at a time, as nginx would forward it."""

    def __init__(self, port):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        all_headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            **(headers or {}),
        }
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        content = response.read()
        conn.close()
        return response, content.decode("utf-8", "replace")


def wait_for(port, process):
    for _ in range(300):
        if process.poll() is not None:
            sys.exit("gunicorn exited at start-up")
        try:
            Client(port).request("GET", "/healthz/")
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("gunicorn did not answer within 30 s")


def submission_setup(client, rep_token) -> tuple[str, str, dict[str, str], str]:
    """GET the concern form once (its CSRF cookie and token), POST one concern (its real
    tracking link). Returns (path, body without the key, headers, tracking path)."""
    path = f"/r/{rep_token}/concern/"
    response, html = client.request("GET", path)
    assert response.status == 200, f"GET {path}: {response.status}"
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert cookie and token, "no CSRF cookie or token on the concern form"
    origin = f"https://{HOST}:{client.port}"
    headers = {
        "Cookie": f"csrftoken={cookie.group(1)}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": origin,
        "Referer": origin + path,
    }
    text = "压测：村口路灯坏了一个月，晚上出行很不方便，请尽快修复。"
    body = f"csrfmiddlewaretoken={quote_plus(token.group(1))}&text={quote_plus(text)}&submit_key="
    response, html = client.request("POST", path, body + str(uuid.uuid4()), headers)
    assert response.status == 200, f"POST {path}: {response.status}"
    tracking = re.search(r"/t/[A-Za-z0-9_-]{16,64}/", html)
    assert tracking, "the submission's page shows no tracking link"
    return path, body, headers, tracking.group(0)


def lua_script(tmp, name, *, post=None) -> str:
    parts = [HEADERS_LUA]
    if post is not None:
        path, body, headers = post
        for key, value in headers.items():
            parts.append(f"wrk.headers[{lua_str(key)}] = {lua_str(value)}")
        parts.append(f"PATH = {lua_str(path)}\nBODY = {lua_str(body)}")
        parts.append(POST_LUA)
    parts.append(DONE_LUA)
    script = Path(tmp) / f"{name}.lua"
    script.write_text("\n".join(parts))
    return str(script)


def lua_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(wrk, url, script, seconds, *, threads, connections) -> dict:
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(
        r"BENCH requests=(\d+) duration_us=(\d+) p50=(\d+) p95=(\d+) p99=(\d+) errors=(\d+)", out
    )
    if not found:
        sys.exit(f"wrk gave no figures:\n{out}")
    requests, duration, p50, p95, p99, errors = map(int, found.groups())
    return {
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": errors,
        "requests": requests,
    }


def mean(runs: list[dict]) -> dict:
    return {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}


def line(label, r) -> str:
    return (
        f"{label:44s} {r['rps']:9.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f}"
        f" {int(r['errors']):7d}"
    )


def main():
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    threads = int(os.environ.get("BENCH_THREADS", "2"))
    workers, workers_from = gunicorn_workers()
    wrk = ensure_wrk()

    tmp = tempfile.mkdtemp(prefix="zhashui-load-")
    port = free_port()
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS="1",
        BEHIND_PROXY="1",
        TRUSTED_PROXY_COUNT="1",
        RATELIMIT_ENABLE="0",
        AXES_ENABLED="0",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"https://{HOST}:{port}",
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{port}",
        STATIC_ROOT=os.path.join(tmp, "static"),
        MEDIA_ROOT=os.path.join(tmp, "media"),
        LOG_DIR=os.path.join(tmp, "log"),
        LOG_LEVEL="WARNING",
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    database = urlsplit(env["DATABASE_URL"])
    print(
        f"database: {database.scheme} {database.hostname or database.path}  "
        f"cache: {'redis' if env.get('REDIS_URL') else 'process memory (no REDIS_URL)'}"
    )
    manage(env, "compilemessages", "-v0", "--ignore=.venv/*")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input", "-v0")
    shell = (
        "from liaison.models import Representative as R; from petitions.models import Petition;"
        "r = R.objects.get(name='柳春和'); s = r.stations.filter(is_active=True).first();"
        "print(r.qr_token, s.get_qr_path(), Petition.objects.count())"
    )
    rep_token, station_path, before = manage(env, "shell", "-c", shell).split()[-3:]

    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "zhashui_rd.wsgi", "--workers", str(workers)]
        + ["--bind", f"{HOST}:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port, server)
        client = Client(port)
        post_path, body, headers, tracking = submission_setup(client, rep_token)
        base = f"http://{HOST}:{port}"
        pages = {
            "bare": "/healthz/",
            "qr": f"/r/{rep_token}/",
            "station": station_path,
            "tracking": tracking,
        }
        for name, path in pages.items():
            response, _html = client.request("GET", path)
            assert response.status == 200, f"{name} {path}: {response.status} (a redirect?)"
        get_script = lua_script(tmp, "get")
        post_script = lua_script(tmp, "post", post=(post_path, body, headers))
        bench = {"threads": threads, "connections": connections}

        for path in pages.values():  # warm-up: every worker imports, compiles, connects
            run_wrk(wrk, base + path, get_script, 2, **bench)
        cache_state = client.request("GET", pages["qr"])[0].getheader("X-Public-Cache")

        results = {"bare": [], "qr": []}
        for _ in range(rounds):
            for name in ("bare", "qr"):
                results[name].append(run_wrk(wrk, base + pages[name], get_script, seconds, **bench))
        station = run_wrk(wrk, base + pages["station"], get_script, seconds, **bench)
        track = run_wrk(wrk, base + pages["tracking"], get_script, seconds, **bench)
        submit = run_wrk(wrk, base + post_path, post_script, seconds, **bench)
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = int(manage(env, "shell", "-c", shell).split()[-1])

    print(
        f"gunicorn: {workers} sync workers ({workers_from}); wrk: {threads} threads, "
        f"{connections} connections, {seconds} s per measurement; "
        f"bare and QR interleaved over {rounds} rounds (figures: their means)"
    )
    print(f"{'page':44s} {'req/s':>9s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'errors':>7s}")
    for index in range(rounds):
        print(line(f"  bare view /healthz/, round {index + 1}", results["bare"][index]))
        print(line(f"  representative's QR page, round {index + 1}", results["qr"][index]))
    bare, qr = mean(results["bare"]), mean(results["qr"])
    print(line("bare view (/healthz/)", bare))
    print(line(f"representative's QR page (cache: {cache_state or 'off'})", qr))
    print(line("station's QR page", station))
    print(line("tracking page", track))
    print(line("text-only submission (POST)", submit))
    created = after - int(before) - 1  # less the one submission_setup made
    # wrk counts the requests answered within the time; a few more were in flight.
    print(
        f"concerns created by the timed POSTs: {created:,} "
        f"({submit['requests']:,} answered in time)"
    )
    ratio = qr["rps"] / bare["rps"]
    verdict = "met" if ratio >= TARGET else "not met"
    print(f"ratio QR page / bare view: {ratio:.2f}×  (target ≥ {TARGET}×: {verdict})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
