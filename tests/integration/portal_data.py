"""Run as a script by the integration tests (tests/integration/portals.py), in a subprocess
whose DATABASE_URL and MEDIA_ROOT name a database and a folder of its own:

    python -m tests.integration.portal_data build         # migrate, then a small county
    python -m tests.integration.portal_data fingerprint   # its rows and files, as JSON
    python -m tests.integration.portal_data representative  # one to send concerns to (JSON)
"""

import json
import os
import sys

import django


def main(command: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhashui_rd.settings")
    django.setup()
    # Imported once Django is set up: it imports the models.
    from tests.integration import portal_world

    if command == "build":
        portal_world.build()
    elif command == "fingerprint":
        sys.stdout.write(json.dumps(portal_world.fingerprint()))
    elif command == "representative":
        sys.stdout.write(json.dumps(portal_world.representative()))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1])
