"""Run as a script by tests/integration/test_backup.py, in a subprocess whose DATABASE_URL
and MEDIA_ROOT name a database and a folder of its own:

    python -m tests.integration.backup_data build         # migrate, then a small county
    python -m tests.integration.backup_data fingerprint   # its rows and files, as JSON
"""

import json
import os
import sys

import django


def main(command: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhashui_rd.settings")
    django.setup()
    # Imported once Django is set up: it imports the models.
    from tests.integration import backup_world

    if command == "build":
        backup_world.build()
    elif command == "fingerprint":
        sys.stdout.write(json.dumps(backup_world.fingerprint()))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1])
