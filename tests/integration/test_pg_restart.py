"""PostgreSQL restarted while gunicorn serves (issue #10, §6): citizens keep sending concerns
with a photo from a thread while the server restarts (`pg_ctl restart -m fast`, which cuts
every connection). The requests after the restart succeed (DB_CONN_MAX_AGE connections are
health-checked and replaced), every concern that answered with a tracking number is there
whole (the concern, its "received" event, its photo and the photo's file), and nothing is
half-saved: no concern without its event, no photo without its file, no file without its row.

Restarting the suite's PostgreSQL breaks whatever else runs on it at that moment: marker
pg_restart, run alone after the rest (scripts/test-suite.sh).
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.db import connections

from tests.helpers import jpeg_bytes
from tests.integration.portals import ON_POSTGRESQL, ROOT

pytestmark = [pytest.mark.pg_restart]

TRACKING_NO = re.compile(r'class="tracking-no[^"]*">\s*([A-Z]+-\d{4}-\d+)\s*<')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_ctl(*args) -> None:
    """pg_ctl on the suite's cluster, as the user who owns it (scripts/with-services.sh)."""
    data, bin_dir = os.environ["TEST_PG_DATA"], os.environ["TEST_PG_BIN"]
    command = [f"{bin_dir}/pg_ctl", "-D", data, *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # The server's own output goes to its log, never to this pipe (it outlives pg_ctl).
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@dataclass
class Attempt:
    started: float
    ended: float
    tracking_no: str | None
    error: str = ""


class Citizens(threading.Thread):
    """Sends concerns with one photo, one after another, until told to stop; records each."""

    def __init__(self, base: str, url: str, category: int):
        super().__init__(daemon=True)
        self.base, self.url, self.category = base, url, category
        self.attempts: list[Attempt] = []
        self.stop = threading.Event()

    def _send(self, session: requests.Session, i: int) -> str | None:
        page = session.get(self.base + self.url, timeout=30)
        page.raise_for_status()
        token = CSRF.search(page.text).group(1)
        response = session.post(
            self.base + self.url,
            data={
                "csrfmiddlewaretoken": token,
                "category": self.category,
                "text": f"第{i}次反映：村口道路破损严重，下雨天积水很深，出行不便。",
                "consent": "on",
                "submit_key": str(uuid.uuid4()),
            },
            files={"photo1": ("photo.jpg", jpeg_bytes(color=(i % 256, 80, 160)), "image/jpeg")},
            headers={"Referer": self.base + self.url},
            timeout=30,
        )
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        match = TRACKING_NO.search(response.text)
        if not match:
            raise RuntimeError("no tracking number on the page")
        return match.group(1)

    def run(self):
        session, i = requests.Session(), 0
        while not self.stop.is_set():
            i += 1
            started = time.monotonic()
            try:
                number = self._send(session, i)
            except Exception as error:  # noqa: BLE001 - every failure is recorded, judged later
                self.attempts.append(Attempt(started, time.monotonic(), None, repr(error)))
                time.sleep(0.05)
            else:
                self.attempts.append(Attempt(started, time.monotonic(), number))

    def answered_after(self, moment: float) -> list[Attempt]:
        return [a for a in self.attempts if a.started > moment and a.tracking_no]


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out waiting for {what}.")


@pytest.fixture
def gunicorn(portals, tmp_path):
    """gunicorn with production settings (DEBUG=0, HTTPS=0) on loopback, serving a portal
    of its own on the suite's PostgreSQL; yields (base URL, portal, concern page, category)."""
    if not ON_POSTGRESQL or "TEST_PG_DATA" not in os.environ:
        pytest.skip("Needs the PostgreSQL cluster `make test` starts (TEST_PG_DATA).")
    portal = portals("served")
    seed = json.loads(portal.data("representative"))
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    env = portal.env(
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY="pg-restart-test-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1",
        DB_CONN_MAX_AGE="60",
        DJANGO_SETTINGS_MODULE="tests.integration.fault_settings",
        # One address sends in a loop: the per-address limits would stop it (as the
        # settings module does, in case the settings read the variable).
        RATELIMIT_ENABLE="0",
        # Production has Redis: the broker (notices, SMS) and the cache, on a queue and key
        # prefix no worker of the suite reads.
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        CELERY_QUEUE=f"pg-restart-{uuid.uuid4().hex[:8]}",
        CACHE_KEY_PREFIX=f"pg-restart-{uuid.uuid4().hex[:8]}",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "zhashui_rd.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(base + seed["url"], timeout=5).status_code == 200
        except requests.RequestException:
            return False

    try:
        _wait_until(lambda: up() or proc.poll() is not None, 60, "gunicorn to serve")
        if proc.poll() is not None:
            pytest.fail("gunicorn exited:\n" + (tmp_path / "gunicorn.log").read_text())
        yield base, portal, seed["url"], seed["category"]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_submissions_survive_a_postgresql_restart_whole_or_not_at_all(gunicorn, tmp_path):
    base, portal, url, category = gunicorn
    citizens = Citizens(base, url, category)
    citizens.start()
    try:
        _wait_until(lambda: len(citizens.answered_after(0)) >= 3, 60, "three concerns")
        pg_ctl(
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "-l",
            f"{os.environ['TEST_PG_DATA']}/server.log",
            "restart",
        )
        back = time.monotonic()
        _wait_until(
            lambda: len(citizens.answered_after(back)) >= 5, 60, "concerns after the restart"
        )
    finally:
        citizens.stop.set()
        citizens.join(timeout=60)
        # This process's own connections died with the server: the next test gets new ones.
        connections.close_all()

    log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    after = [a for a in citizens.attempts if a.started > back]
    assert after and all(a.tracking_no for a in after), (
        [a.error for a in after if not a.tracking_no],
        log[-3000:],
    )
    answered = {a.tracking_no for a in citizens.attempts if a.tracking_no}

    conn = portal.connect()
    try:
        cursor = conn.cursor()
        cursor.execute(
            """
            SELECT p.tracking_no,
                   (SELECT count(*) FROM petitions_petitionevent e
                     WHERE e.petition_id = p.id AND e.to_step = 'received'),
                   (SELECT count(*) FROM petitions_petitionphoto f WHERE f.petition_id = p.id)
              FROM petitions_petition p
            """
        )
        petitions = {no: (events, photos) for no, events, photos in cursor.fetchall()}
        cursor.execute("SELECT image FROM petitions_petitionphoto")
        photo_files = {name for (name,) in cursor.fetchall()}
    finally:
        conn.close()

    # Every answered concern is there, whole.
    assert answered <= set(petitions), sorted(answered - set(petitions))
    # And none is half there, answered or not (a request cut by the restart may have
    # committed without its answer reaching the citizen: whole, then).
    assert all(row == (1, 1) for row in petitions.values()), {
        no: row for no, row in petitions.items() if row != (1, 1)
    }
    # Files on disk are exactly those the rows name: none lost, none left by a rollback.
    on_disk = {
        p.relative_to(portal.media).as_posix()
        for p in Path(portal.media, "petitions").rglob("*")
        if p.is_file()
    }
    assert on_disk == photo_files
    failed = [a for a in citizens.attempts if not a.tracking_no]
    print(f"{len(answered)} concerns answered, {len(failed)} requests failed during the restart")
