"""Backups (issue #10, §5): `manage.py backup` of a portal in a database of its own, restored
by `manage.py restore` into ANOTHER fresh database and media folder, brings back every
concern, photo (its bytes), event, points entry and report (its PDF) equal; a tampered
archive, a target that holds data (without --force) and another vendor's target are refused.

On PostgreSQL (make test: DATABASE_URL names the suite's server) with the demo; on SQLite
(make test-fast) with a smaller county. Each runs the real commands in subprocesses, as
`make backup` / `make restore` do.
"""

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from liaison.backups import backup_prune
from liaison.backups.archive import PREFIX, SUFFIX

ROOT = Path(__file__).resolve().parent.parent.parent
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@dataclass
class Portal:
    """A portal of its own: a database, a media folder, a backup folder."""

    database_url: str
    media: Path
    backups: Path

    def env(self) -> dict:
        env = dict(os.environ)
        # Tasks in process (the year-end build of the data); no worker serves these databases.
        env.pop("REDIS_URL", None)
        env.update(
            DEBUG="1",
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(self.media),
            BACKUP_DIR=str(self.backups),
            DJANGO_SETTINGS_MODULE="zhashui_rd.settings",
        )
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

    def fingerprint(self) -> dict:
        out = self.run("-m", "tests.integration.backup_data", "fingerprint").stdout
        return json.loads(out)

    def archive(self) -> Path:
        (archive,) = sorted(self.backups.glob(f"{PREFIX}*{SUFFIX}"))
        return archive


# --- the databases ---------------------------------------------------------------------------


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


def pg_tables(url: str) -> int:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        n = cursor.fetchone()[0]
    conn.close()
    return n


def sqlite_tables(url: str) -> int:
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        n = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    conn.close()
    return n


@pytest.fixture
def portals(tmp_path):
    """``new(name)``: a portal with an empty database of its own (never migrated) on the
    suite's server (PostgreSQL: a new database, dropped after the test) or in a file."""
    created = []
    admin = _pg_admin() if ON_POSTGRESQL else None

    def new(name: str) -> Portal:
        folder = tmp_path / name
        folder.mkdir()
        if admin is None:
            url = f"sqlite:///{folder / 'db.sqlite3'}"
        else:
            db = settings.DATABASES["default"]
            dbname = f"backup_{name}_{uuid.uuid4().hex[:8]}"
            with admin.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{dbname}"')
            created.append(dbname)
            url = (
                f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/"
                f"{dbname}"
            )
        return Portal(url, folder / "media", folder / "backups")

    try:
        yield new
    finally:
        if admin is not None:
            with admin.cursor() as cursor:
                for dbname in created:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            admin.close()


def _tamper(archive: Path, into: Path) -> str:
    """A copy of ``archive`` with one photo's (or PDF's) bytes changed and the manifest kept:
    what a damaged disk or a meddler leaves. Returns the changed member's name."""
    changed = None
    with tarfile.open(archive, "r:gz") as src, tarfile.open(into, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if changed is None and member.name.startswith(("media/petitions/", "media/reports/")):
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
                changed = member.name
            dst.addfile(member, io.BytesIO(data))
    assert changed
    return changed


def _check_restore(source: Portal, target: Portal, spare: Portal) -> None:
    before = source.fingerprint()
    rows, files = before["rows"], before["files"]
    for label in COUNTED:
        assert rows[label], f"the data has no {label}"
    assert any(n.startswith("petitions/") for n in files), "no photo"
    assert any(n.endswith(".pdf") for n in files), "no report PDF"
    assert "missing" not in files.values()

    source.manage("backup")
    archive = source.archive()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600, "personal data: its owner only"
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert manifest["database"]["vendor"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert manifest["counts"]["petitions.petition"] == len(rows["petitions.petition"])
    assert manifest["counts"]["points.annualreport"] == len(rows["points.annualreport"])
    assert {f"media/{n}" for n in files} <= set(manifest["sha256"]) == names - {"manifest.json"}

    # A tampered copy is refused, and the fresh target is left as it was.
    tampered = spare.backups / "tampered.tar.gz"
    spare.backups.mkdir()
    changed = _tamper(archive, tampered)
    refused = spare.manage("restore", str(tampered), check=False)
    assert refused.returncode != 0
    assert "Checksums do not match" in refused.stderr and changed in refused.stderr
    assert not spare.media.exists() or not any(spare.media.iterdir())
    if ON_POSTGRESQL:
        assert pg_tables(spare.database_url) == 0
    else:
        assert sqlite_tables(spare.database_url) == 0

    # Into another fresh database and media folder: every row and file comes back equal.
    restored = target.manage("restore", str(archive))
    assert "every count matches" in restored.stdout
    assert "petitions.petition" in restored.stdout
    after = target.fingerprint()
    assert after["rows"] == rows
    assert after["files"] == files

    # A target that holds data is refused without --force, and left as it was.
    again = target.manage("restore", str(archive), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr and "--force" in again.stderr
    assert target.fingerprint() == before
    forced = target.manage("restore", "--force", str(archive))
    assert "every count matches" in forced.stdout
    assert target.fingerprint() == before


COUNTED = [
    "petitions.petition",
    "petitions.petitionphoto",
    "petitions.petitionevent",
    "points.pointentry",
    "points.annualreport",
]


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="Needs PostgreSQL (DATABASE_URL, as `make test` sets it); the SQLite variant runs here.",
)
def test_the_demo_on_postgresql_comes_back_whole_in_a_fresh_database(portals, tmp_path):
    source, target, spare = portals("source"), portals("target"), portals("spare")
    source.manage("migrate", "--no-input", "-v0")
    source.manage("load_demo")
    _check_restore(source, target, spare)

    # A PostgreSQL dump into SQLite: refused, saying so.
    sqlite = Portal(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "m", tmp_path / "b")
    wrong = sqlite.manage("restore", str(source.archive()), check=False)
    assert wrong.returncode != 0
    assert "PostgreSQL" in wrong.stderr and "SQLite" in wrong.stderr


@pytest.mark.skipif(ON_POSTGRESQL, reason="The PostgreSQL variant runs on PostgreSQL.")
def test_a_county_on_sqlite_comes_back_whole_in_a_fresh_database(portals):
    source, target, spare = portals("source"), portals("target"), portals("spare")
    source.run("-m", "tests.integration.backup_data", "build")
    # This target has been migrated (the other way of preparing a server): still "empty".
    target.manage("migrate", "--no-input", "-v0")
    _check_restore(source, target, spare)


def test_a_backup_keeps_the_newest_archives_only(tmp_path):
    names = [f"{PREFIX}2026120{d}T020000Z{SUFFIX}" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not an archive")
    deleted = backup_prune(backup_dir=tmp_path, keep=2)
    assert [p.name for p in deleted] == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[3:], "notes.txt"])
