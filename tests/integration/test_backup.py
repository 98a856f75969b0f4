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
import stat
import tarfile
from pathlib import Path

import pytest

from liaison.backups import backup_prune
from liaison.backups.archive import PREFIX, SUFFIX
from tests.integration.portals import ON_POSTGRESQL, Portal


def only_archive(portal: Portal) -> Path:
    (archive,) = sorted(portal.backups.glob(f"{PREFIX}*{SUFFIX}"))
    return archive


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
    archive = only_archive(source)
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
    assert spare.tables() == 0

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
    wrong = sqlite.manage("restore", str(only_archive(source)), check=False)
    assert wrong.returncode != 0
    assert "PostgreSQL" in wrong.stderr and "SQLite" in wrong.stderr


@pytest.mark.skipif(ON_POSTGRESQL, reason="The PostgreSQL variant runs on PostgreSQL.")
def test_a_county_on_sqlite_comes_back_whole_in_a_fresh_database(portals):
    source, target, spare = portals("source"), portals("target"), portals("spare")
    source.data("build")
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
