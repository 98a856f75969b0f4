"""A backup is one tar.gz: ``database/`` (a pg_dump custom-format file, or a consistent copy
of the SQLite file), ``media/`` (all of MEDIA_ROOT: photos, attachments, evidence, reports,
QR images) and ``manifest.json`` (when, which code, which database vendor, rows per model,
the SHA-256 of every other member). A restore believes nothing it has not checked: every
checksum before it touches anything, the vendor, an empty target unless forced, and the
counts after.
"""

import datetime
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from liaison.backups.databases import (
    BackupError,
    database_counts,
    database_dump,
    database_holds_data,
    database_restore,
    database_vendor,
    vendor_name,
)

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_DIR = "database"
MEDIA_DIR = "media"
PREFIX = "zhashui-backup-"
SUFFIX = ".tar.gz"
CHUNK = 1024 * 1024


@dataclass
class RestoreResult:
    manifest: dict
    # (label, in the backup, restored): every model the backup counted.
    counts: list[tuple[str, int, int | None]] = field(default_factory=list)
    media_files: int = 0
    pending_migrations: bool = False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing:
    """A file read once, hashed as tar reads it: the checksum is that of the bytes archived,
    even if the file changes meanwhile."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def app_version() -> str | None:
    """``git describe`` of the code that made the backup, when it runs from a checkout."""
    try:
        result = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],  # noqa: S607 - git on PATH
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def _media_files(root: Path) -> list[Path]:
    """Regular files under ``root``, sorted; links are not followed (nothing outside the
    media folder gets into an archive)."""
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def _add(tar: tarfile.TarFile, path: Path, arcname: str, checksums: dict) -> bool:
    """Add one file, hashed as it is read; False if it went away since it was listed (the
    retention job erases photos while a backup runs: its row is gone too)."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, after tar has read it
    except FileNotFoundError:
        return False
    with f:
        info = tar.gettarinfo(arcname=arcname, fileobj=f)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        hashing = _Hashing(f)
        tar.addfile(info, hashing)
    checksums[arcname] = hashing.digest.hexdigest()
    return True


def _private_dir(path: Path) -> Path:
    """BACKUP_DIR, made if need be, readable by its owner only (it holds personal data)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    except OSError as error:
        raise BackupError(
            f"Cannot use {path} as BACKUP_DIR ({error.strerror}): run as the portal's user, "
            "or set BACKUP_DIR to a folder it owns."
        ) from None
    return path


def _archive_name(now) -> str:
    return f"{PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"


def backup_archives(*, backup_dir: Path) -> list[Path]:
    """The archives in ``backup_dir``, oldest first (their names carry the UTC time)."""
    if not backup_dir.is_dir():
        return []
    return sorted(p for p in backup_dir.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def backup_prune(*, backup_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives; returns those deleted."""
    archives = backup_archives(backup_dir=backup_dir)
    doomed = archives[: max(0, len(archives) - max(1, keep))]
    for path in doomed:
        path.unlink()
        logger.info("Backup %s deleted (BACKUP_KEEP=%s)", path.name, keep)
    return doomed


def backup_create(*, backup_dir: Path | None = None, keep: int | None = None) -> Path:
    """Write one archive of the database and MEDIA_ROOT to ``backup_dir`` (BACKUP_DIR),
    readable by its owner only, then keep the ``keep`` (BACKUP_KEEP) newest."""
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    keep = settings.BACKUP_KEEP if keep is None else keep
    _private_dir(backup_dir)
    now = timezone.now().astimezone(datetime.UTC)
    target = backup_dir / _archive_name(now)
    if target.exists():
        raise BackupError(f"{target} already exists: wait a second and run it again.")
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=backup_dir))
    partial = backup_dir / f".{target.name}.partial"
    try:
        dump, counts = database_dump(into_dir=work)
        media_root = Path(settings.MEDIA_ROOT)
        # Media after the database: every file a row of the dump names is already on disk
        # (a file added since is merely unreferenced in the restored portal).
        media = _media_files(media_root)
        checksums: dict[str, str] = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add(tar, dump, f"{DATABASE_DIR}/{dump.name}", checksums)
            added = sum(
                _add(tar, path, f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}", checksums)
                for path in media
            )
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "app_version": app_version(),
                "database": {"vendor": database_vendor(), "file": dump.name},
                "counts": counts,
                "media_files": added,
                "sha256": checksums,
            }
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(now.timestamp())
            tar.addfile(info, io.BytesIO(body))
        os.replace(partial, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    logger.info(
        "Backup %s written: %s rows, %s media files, %s bytes",
        target.name,
        sum(counts.values()),
        added,
        target.stat().st_size,
    )
    backup_prune(backup_dir=backup_dir, keep=keep)
    return target


# --- restore ---------------------------------------------------------------------------------


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        return tarfile.open(path, mode="r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error}).") from None


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read())
    except (KeyError, AttributeError, ValueError, tarfile.TarError, OSError):
        raise BackupError("The archive has no readable manifest.json: not a backup.") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("sha256"), dict):
        raise BackupError("The archive's manifest.json is not one this portal writes.")
    return manifest


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[0] not in (DATABASE_DIR, MEDIA_DIR):
        raise BackupError(f"The archive holds an unexpected member {name!r}: refused.")
    return path


def _extract_verified(tar: tarfile.TarFile, manifest: dict, into: Path) -> None:
    """Extract every member into ``into``, hashing it on the way; any difference from the
    manifest (a changed, missing or extra file) refuses the whole archive."""
    expected = dict(manifest["sha256"])
    bad = []
    for member in tar:
        if member.name == MANIFEST or member.isdir():
            continue
        rel = _safe_name(member.name)
        if not member.isfile():
            raise BackupError(f"The archive holds {member.name!r}, not a plain file: refused.")
        target = into.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tar.extractfile(member) as src, open(target, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
        os.chmod(target, (member.mode & 0o666) | 0o600)
        if expected.pop(member.name, None) != digest.hexdigest():
            bad.append(member.name)
    bad += sorted(expected)  # listed in the manifest, absent from the archive
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise BackupError(
            f"Checksums do not match the manifest for {shown}: the archive is damaged or "
            "was changed. Nothing was restored."
        )


def _media_holds_files(root: Path) -> bool:
    return root.is_dir() and any(root.iterdir())


def _replace_media(new: Path, root: Path) -> None:
    """MEDIA_ROOT's contents become ``new``'s. The folder itself stays (it may be a mount
    point, with its owner and mode)."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if new.is_dir():
        for entry in new.iterdir():
            shutil.move(str(entry), str(root / entry.name))


def _pending_migrations() -> bool:
    """The code is newer than the backup: ``migrate`` brings the restored database up."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(*, path: Path, force: bool = False) -> RestoreResult:
    """Restore the database and MEDIA_ROOT from the archive at ``path``, then check the rows
    and files against its manifest. Refuses (BackupError, nothing changed) a damaged or
    altered archive, another database vendor's dump, or a target that holds data (unless
    ``force``)."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    with _open(path) as tar:
        manifest = _read_manifest(tar)
        vendor, here = manifest["database"]["vendor"], database_vendor()
        if vendor != here:
            raise BackupError(
                f"This backup holds a {vendor_name(vendor)} database; the configured database "
                f"(DATABASE_URL) is {vendor_name(here)}. Restore it into a {vendor_name(vendor)} "
                "database. Nothing was restored."
            )
        if not force and (database_holds_data() or _media_holds_files(media_root)):
            raise BackupError(
                "The target is not empty: the database holds users, places, concerns or points, "
                f"or {media_root} holds files. Restoring replaces all of it: run again with "
                "--force (make restore FILE=… FORCE=1) if that is what you want. Nothing was "
                "restored."
            )
        # In BACKUP_DIR: the portal's user may write there (not always beside MEDIA_ROOT),
        # and only that user may read it (the extracted files hold personal data).
        backup_dir = _private_dir(Path(settings.BACKUP_DIR))
        work = Path(tempfile.mkdtemp(prefix=".restore-", dir=backup_dir))
        try:
            _extract_verified(tar, manifest, work)
            database_restore(dump=work / DATABASE_DIR / manifest["database"]["file"])
            _replace_media(work / MEDIA_DIR, media_root)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    logger.info("Backup %s restored", path.name)
    return _verify(manifest, media_root)


def _verify(manifest: dict, media_root: Path) -> RestoreResult:
    counts = database_counts()
    result = RestoreResult(manifest=manifest)
    result.counts = [
        (label, expected, counts.get(label)) for label, expected in manifest["counts"].items()
    ]
    wrong = [(label, a, b) for label, a, b in result.counts if a != b]
    files = {
        f"{MEDIA_DIR}/{p.relative_to(media_root).as_posix()}": p for p in _media_files(media_root)
    }
    result.media_files = len(files)
    expected_media = {k: v for k, v in manifest["sha256"].items() if k.startswith(MEDIA_DIR + "/")}
    damaged = sorted(
        name
        for name, sha in expected_media.items()
        if name not in files or _sha256(files[name]) != sha
    )
    result.pending_migrations = _pending_migrations()
    if wrong or damaged:
        lines = [f"{label}: {a} in the backup, {b} restored" for label, a, b in wrong]
        lines += [f"{name}: missing or different after the restore" for name in damaged[:10]]
        raise BackupError("The restore does not match the backup:\n" + "\n".join(lines))
    return result
