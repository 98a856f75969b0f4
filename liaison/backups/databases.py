"""The database half of a backup, per vendor: PostgreSQL through pg_dump / pg_restore, SQLite
through its online backup API. Also the row counts a manifest records and a restore checks.

Counting goes through the model registry (``apps.get_models``), never an import: this
module sits on the bottom floor and still counts every floor's tables.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.db import connection, connections, transaction


class BackupError(Exception):
    """A backup or restore that cannot go on; ``message`` says why, in words for the
    operator (the command prints it and exits non-zero)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
DUMP_NAMES = {"postgresql": "db.dump", "sqlite": "db.sqlite3"}

# Rows only people put there: a database that only `migrate` has run on holds none of these
# (migrations fill reference tables: criteria, holidays, point rules, beat schedules), so a
# restore into it needs no --force; one that holds any of them is someone's portal.
DATA_MODELS = (
    "auth.user",
    "liaison.town",
    "liaison.representative",
    "petitions.petition",
    "points.pointentry",
)


def vendor_name(vendor: str) -> str:
    return VENDOR_NAMES.get(vendor, vendor)


def counted_tables() -> dict[str, str]:
    """Every concrete table the code knows, by model label: each app's models and their
    many-to-many tables (a station's representatives, a group's permissions). Proxies share
    their concrete model's table and are left out."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        tables[meta.label_lower] = meta.db_table
    return dict(sorted(tables.items()))


def _count_with(cursor, existing: set[str], quote) -> dict[str, int]:
    counts = {}
    for label, table in counted_tables().items():
        if table not in existing:
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a model's table name
        counts[label] = cursor.fetchone()[0]
    return counts


def database_counts() -> dict[str, int]:
    """Rows per model in the configured database (tables not created yet are left out)."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        return _count_with(cursor, existing, connection.ops.quote_name)


def database_holds_data() -> bool:
    counts = database_counts()
    return any(counts.get(label) for label in DATA_MODELS)


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq's own variables: the password never appears on a command line (``ps`` shows
    those to every user of the machine)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", str(db.get("PORT") or "")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[var] = value
        else:
            env.pop(var, None)
    return env


def _server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _major_of(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)/bin/", path)
    return int(match.group(1)) if match else 0


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore of the server's major version: an older one refuses a newer
    server, and a dump's format follows the tool that wrote it. Debian keeps each version's
    tools in /usr/lib/postgresql/<major>/bin; the PATH's (Debian's wrapper) is the fallback."""
    major = _server_major()
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major_of)
    exact = [p for p in found if _major_of(p) == major]
    newer = [p for p in found if _major_of(p) > major]
    path = (exact or newer or [None])[0] or shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} for PostgreSQL {major} was not found: apt-get install postgresql-client-{major}"
        )
    return path


def _run(args: list[str], *, what: str) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


def _pg_dump(into: Path) -> dict[str, int]:
    """Dump and counts from one snapshot: the counts describe exactly the rows dumped, even
    while the portal keeps taking concerns."""
    pg_dump = pg_binary("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        counts = _count_with(cursor, existing, connection.ops.quote_name)
        # The snapshot lives as long as this transaction: pg_dump runs inside it.
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={into}"],
            what="pg_dump",
        )
    return counts


def _pg_restore(dump: Path) -> None:
    connections.close_all()
    _run(
        [
            pg_binary("pg_restore"),
            "--no-owner",
            "--clean",
            "--if-exists",
            # All or nothing: a failure leaves the database as it was.
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        what="pg_restore",
    )


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_path() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("The configured SQLite database is in memory: nothing to back up.")
    return name


@contextmanager
def _sqlite(path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(str(path))
    try:
        yield conn
    finally:
        conn.close()


def _sqlite_counts(path: Path) -> dict[str, int]:
    with _sqlite(path) as conn:
        existing = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        cursor = conn.cursor()
        return _count_with(cursor, existing, lambda t: '"' + t.replace('"', '""') + '"')


def _sqlite_dump(into: Path) -> dict[str, int]:
    """The online backup API copies a consistent state, however many writers the live
    file has; a plain copy of the file could catch a write half done."""
    source = _sqlite_path()
    if not Path(source).is_file():
        raise BackupError(f"The SQLite database {source} does not exist.")
    with _sqlite(source) as src, _sqlite(into) as dst:
        src.backup(dst)
    return _sqlite_counts(into)


def _sqlite_restore(dump: Path) -> None:
    target = _sqlite_path()
    connections.close_all()
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    # Into the file in place (not a rename over it): a process that has it open sees the
    # restored data, not a deleted file.
    with _sqlite(dump) as src, _sqlite(target) as dst:
        src.backup(dst)


# --- per vendor ------------------------------------------------------------------------------


def database_vendor() -> str:
    return connection.vendor


def database_dump(*, into_dir: Path) -> tuple[Path, dict[str, int]]:
    """Write the configured database to a file in ``into_dir``; returns it and its counts."""
    vendor = database_vendor()
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    path = into_dir / DUMP_NAMES[vendor]
    counts = _pg_dump(path) if vendor == "postgresql" else _sqlite_dump(path)
    return path, counts


def database_restore(*, dump: Path) -> None:
    """Replace the configured database's contents with ``dump`` (same vendor, checked by
    the caller)."""
    if database_vendor() == "postgresql":
        _pg_restore(dump)
    else:
        _sqlite_restore(dump)
    connections.close_all()
