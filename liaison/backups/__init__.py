"""Backups of the whole portal (issue #10, §5): ``manage.py backup`` and ``manage.py restore``
(``make backup``, ``make restore FILE=…``). See archive.py for what an archive holds."""

from liaison.backups.archive import RestoreResult, backup_create, backup_prune, backup_restore
from liaison.backups.databases import BackupError

__all__ = ["BackupError", "RestoreResult", "backup_create", "backup_prune", "backup_restore"]
