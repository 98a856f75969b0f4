"""What the backup and fault tests build and compare in a portal of its own (portal_data.py
runs these in a subprocess whose DATABASE_URL and MEDIA_ROOT point at it)."""

import hashlib
import json

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from points import reports
from tests.base import make_representative, make_station, make_world, to_step
from tests.helpers import jpeg_bytes, upload
from tests.petitions.citizen_helpers import category, rep_url, submit
from tests.points.year_end_helpers import add_items, ensure_default_table, random_items

# The rows a restore must bring back equal, and the files their rows name (compared by
# their bytes' SHA-256).
COMPARED = [
    "liaison.town",
    "liaison.representative",
    "petitions.petition",
    "petitions.petitionphoto",
    "petitions.petitionevent",
    "points.pointentry",
    "points.annualreport",
]
FILES = {"petitions.petitionphoto": "image", "points.annualreport": "pdf"}


def build() -> None:
    """A small county: concerns with photos through the citizen's own form, driven along
    the workflow (events), points entries, and last year's reports built with their PDFs."""
    call_command("migrate", verbosity=0)
    # As under pytest: the client records the pages' context (the new concern), and
    # e-mail stays in memory.
    setup_test_environment()
    world = make_world()
    client = Client()
    for i, step in enumerate(["received", "assigned", "reported"]):
        response, petition, _ = submit(
            client,
            rep_url(world.rep_a),
            photo1=upload(jpeg_bytes(color=(40 * i, 90, 160))),
            photo2=upload(jpeg_bytes(size=(80, 60), color=(200, 40 * i, 10))),
        )
        assert petition is not None, response.content[:2000]
        to_step(world, petition, step)
    year = timezone.localdate().year - 1
    ensure_default_table()
    add_items(year, random_items([world.rep_a.pk, world.rep_b.pk], seed=7))
    with transaction.atomic():
        reports.annual_report_build(year=year)
    # Tasks run in process here (no REDIS_URL): the build is done once it returns.


def representative() -> dict:
    """Migrate, then one representative at one station, whose QR page takes concerns."""
    call_command("migrate", verbosity=0)
    rep = make_representative(station=make_station())
    return {"url": rep_url(rep), "category": category().pk}


def _sha256(name: str) -> str:
    if not name:
        return ""
    if not default_storage.exists(name):
        return "missing"
    with default_storage.open(name, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fingerprint() -> dict:
    """Every compared row, field by field, and every file they name, by its SHA-256."""
    found: dict = {"rows": {}, "files": {}}
    for label in COMPARED:
        model = apps.get_model(label)
        rows = list(model._base_manager.order_by("pk").values())
        found["rows"][label] = json.loads(json.dumps(rows, cls=DjangoJSONEncoder))
        if label in FILES:
            for name in model._base_manager.values_list(FILES[label], flat=True):
                found["files"][name] = _sha256(name)
    return found
