"""The county dashboard (/staff/dashboard/, issue #14 part 5) at 100,000 concerns: its time
cold (the cache cleared before each request, as after any change) and warm (the figures read
from the cache), and its query count, beside the 300 ms target.

    scripts/with-services.sh .venv/bin/python bench/dashboard.py        # PostgreSQL + Redis
    .venv/bin/python bench/dashboard.py --size 2000 --repeats 2         # SQLite, a quick check

The database is migrated, loaded with the demo and grown with staff_pages.py's synthetic
concerns and points entries (bench/_staff_seed.py: three years of concerns, a third of those
in handling overdue, 100,000 approved-or-not points entries over 1,500 more
representatives), then ANALYZEd. The page is requested in process with django.test.Client
as county staff (the whole county) and as town staff, one warm-up then --repeats timed
requests each way; the medians are printed.
"""

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.staff_pages import setup_django  # noqa: E402 (the path above first)

TARGET_MS = 300
PAGE = "/staff/dashboard/"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    return parser.parse_args()


def timed(client, repeats: int, *, cold: bool) -> tuple[float, int]:
    """The median ms of ``repeats`` requests (after one warm-up) and the query count."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(PAGE)
    assert response.status_code == 200, response.status_code
    times, queries = [], 0
    for _i in range(repeats):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(PAGE)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx)
    return statistics.median(times), queries


def signed_in(user):
    """A client signed in as ``user``, past the second factor (county staff must pass one),
    as the tests sign staff in (tests/conftest.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from liaison.two_factor.services import confirmed_device

    client = Client()
    client.force_login(user)
    device = confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main():
    args = parse_args()
    tmp = tempfile.mkdtemp(prefix="zhashui-bench-")
    try:
        setup_django(tmp)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection

        from bench import _staff_seed as seed
        from petitions.models import Petition

        db = settings.DATABASES["default"]
        print(f"database: {connection.vendor} {db.get('HOST') or db['NAME']}", flush=True)
        if connection.vendor == "sqlite":
            print("SQLite: a quick check of the bench only; its figures mean little.")
        started = time.perf_counter()
        call_command("migrate", "--no-input", verbosity=0)
        call_command("load_demo", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)
        w = seed.World(random.Random(12))
        seed.synthetic_representatives()
        seed.grow_petitions(w, args.size)
        seed.grow_points(w, round(seed.POINTS_AT_LARGEST * args.size / 100_000))
        seed.analyze()
        print(
            f"seeded {Petition.objects.count():,} concerns in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        print(seed.describe(w), flush=True)
        users = get_user_model().objects.in_bulk(["xianrenda", "zhenjie"], field_name="username")
        print(f"\n{'who':<14}{'cold ms':>10}{'warm ms':>10}{'queries':>9}   target")
        for label, username in (("county staff", "xianrenda"), ("town staff", "zhenjie")):
            client = signed_in(users[username])
            cold_ms, cold_q = timed(client, args.repeats, cold=True)
            warm_ms, warm_q = timed(client, args.repeats, cold=False)
            verdict = "OK" if cold_ms <= TARGET_MS else "SLOW"
            print(
                f"{label:<14}{cold_ms:>10.0f}{warm_ms:>10.0f}{cold_q:>5}/{warm_q:<3}"
                f"   ≤ {TARGET_MS} ms cold: {verdict}",
                flush=True,
            )
        # Where a cold request's time goes: its slowest queries as the cursor saw them.
        from django.core.cache import cache
        from django.test.utils import CaptureQueriesContext

        client = signed_in(users["xianrenda"])
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            client.get(PAGE)
            total = (time.perf_counter() - started) * 1000
        spent = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
        in_sql = sum(float(q["time"]) for q in spent) * 1000
        print(f"\none cold request: {total:.0f} ms, {in_sql:.0f} ms of it in SQL; slowest:")
        for q in spent[:6]:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:100]}")
        print(
            "\nqueries: cold/warm (warm reads the figures from the cache). The machine is "
            "shared (2 cores): timings wander from run to run."
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
