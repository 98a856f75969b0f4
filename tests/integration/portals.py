"""Portals of their own for the backup and fault tests: a database (on PostgreSQL, a new
database on the suite's server; on SQLite, a file), a media folder and a backup folder,
driven by the real commands in subprocesses. The test's own database (pytest-django's) is
not theirs. The ``portals`` fixture (tests/integration/conftest.py) makes them."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@dataclass
class Portal:
    """A portal of its own: a database, a media folder, a backup folder."""

    database_url: str
    media: Path
    backups: Path
    extra_env: dict = field(default_factory=dict)

    def env(self, **more) -> dict:
        env = dict(os.environ)
        # Tasks in process unless a test says otherwise: no worker serves these databases.
        env.pop("REDIS_URL", None)
        env.update(
            DEBUG="1",
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(self.media),
            BACKUP_DIR=str(self.backups),
            DJANGO_SETTINGS_MODULE="zhashui_rd.settings",
            # The small county is built through the citizen form, many concerns from one
            # address in a second: the citizens' rate limits would refuse all but the first.
            RATELIMIT_ENABLE="0",
        )
        env.update(self.extra_env)
        env.update(more)
        return env

    def run(self, *args, check=True, timeout=600) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            pytest.fail(f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        return self.run("manage.py", *args, check=check)

    def data(self, command: str) -> str:
        """tests/integration/portal_data.py's ``command``, in this portal; its output."""
        return self.run("-m", "tests.integration.portal_data", command).stdout

    def fingerprint(self) -> dict:
        return json.loads(self.data("fingerprint"))

    def connect(self):
        """A plain connection to this portal's database (PostgreSQL or SQLite)."""
        if ON_POSTGRESQL:
            return psycopg2.connect(self.database_url)
        return sqlite3.connect(self.database_url.removeprefix("sqlite:///"))

    def tables(self) -> int:
        if not ON_POSTGRESQL and not Path(self.database_url.removeprefix("sqlite:///")).exists():
            return 0
        sql = (
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            if ON_POSTGRESQL
            else "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        )
        conn = self.connect()
        try:
            cursor = conn.cursor()
            cursor.execute(sql)
            return cursor.fetchone()[0]
        finally:
            conn.close()


def _pg_admin():
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db["HOST"],
        port=db["PORT"],
    )
    conn.autocommit = True  # CREATE / DROP DATABASE run outside a transaction
    return conn


def portal_factory(tmp_path: Path):
    """``(new, cleanup)``: ``new(name)`` makes a portal whose database is empty (never
    migrated); ``cleanup()`` drops the PostgreSQL databases made."""
    created = []

    def new(name: str) -> Portal:
        folder = tmp_path / name
        folder.mkdir()
        if not ON_POSTGRESQL:
            return Portal(
                f"sqlite:///{folder / 'db.sqlite3'}", folder / "media", folder / "backups"
            )
        db = settings.DATABASES["default"]
        dbname = f"portal_{name}_{uuid.uuid4().hex[:8]}"
        admin = _pg_admin()
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{dbname}"')
        finally:
            admin.close()
        created.append(dbname)
        url = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{dbname}"
        )
        return Portal(url, folder / "media", folder / "backups")

    def cleanup():
        if not created:
            return
        admin = _pg_admin()
        try:
            with admin.cursor() as cursor:
                for dbname in created:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        finally:
            admin.close()

    return new, cleanup
