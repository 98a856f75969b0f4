"""Every staff page and export at 1,000, 10,000 and 100,000 concerns (issue 12): the median
time of --repeats requests after one warm-up, the query count, and how both grow with size.

    make bench                                                   # PostgreSQL 15 + Redis
    scripts/with-services.sh .venv/bin/python bench/staff_pages.py
    .venv/bin/python bench/staff_pages.py --sizes 200,1000       # SQLite, a quick check only

Options: --sizes (default 1000,10000,100000, cumulative: build to the first, measure every
page, grow to the next, measure again), --repeats (default 7), --only (a substring of the
page names: measure only those), --keep (print the DATABASE_URL and leave the data; under
with-services.sh the cluster is thrown away anyway).

The database is migrated empty, loaded with the demo (load_demo), then grown with synthetic
concerns (bench/_staff_seed.py): three years from 2024-01-01, every town, village, station
and representative of the demo, every category (3% accusations), channel and level, steps
spread as a county's are (most closed and rated, a live queue of recent ones, a third of
those in handling overdue), 11.8% of them with the demo unit 柞水县交通运输局, three events
each, one or two ratings for closed ones, a notice for each assigned one, a record of staff
seeing the phone for a few; about 4% mention 路灯. Points entries grow in
proportion: 100,000 at the largest size (1,000 at 1,000 concerns of a 100,000 run), over
the demo's representatives and 1,500 synthetic ones, with appeals and audit rows, so the
points lists' growth factor is measured like the concerns'. ANALYZE after each growth.

Each page is requested in process with django.test.Client as the user who works on it
(force_login), one warm-up then --repeats timed requests; a page that does not answer 200 is
printed as an error. Per size, beside each median, the median time its queries took as the
cursor saw them (the rest is Python and templates); beside the admin concern list's default
page, the raw-SQL floor: its biggest SELECT as executed, run --repeats times on a cursor.
The statistics are cached (petitions/statistics.py): their rows are measured as staff meet
them, the warm-up counting and the timed requests reading the cache, and again "cold", the
cache forgotten before each timed request, as after any change to any concern.

Verdict per page: OK when the median at the largest size is at most 300 ms, at most 3× the
smallest size's, and the query count is the same at every size; else SLOW, GROWS or QUERIES.
On SQLite the figures mean little: PostgreSQL is what the county runs.
"""

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300
TARGET_GROWTH = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", default="", help="Measure only pages whose name holds this.")
    parser.add_argument("--keep", action="store_true", help="Print DATABASE_URL, keep the data.")
    args = parser.parse_args()
    args.sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    return args


def setup_django(tmp: str) -> None:
    os.environ.update(
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        MEDIA_ROOT=os.path.join(tmp, "media"),
        STATIC_ROOT=os.path.join(tmp, "static"),
        LOG_LEVEL="WARNING",
        # The test client's host, and loopback for anyone looking with --keep.
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhashui_rd.settings")
    import django  # only once the environment is set: settings read it at import

    django.setup()


# --- the pages -----------------------------------------------------------------------------


class Page:
    def __init__(self, name, user, url, follow=False, floor_of=False, cold=False):
        self.name, self.user, self.url, self.follow = name, user, url, follow
        self.floor_of = floor_of  # capture its biggest SELECT for the raw-SQL floor
        # Forget the cached statistics before each request (untimed): the figures counted
        # afresh, as after any change to any concern.
        self.cold = cold


def _last_page(client, url: str, param: str = "p") -> str:
    """The admin changelist's last page, read from the first page's ChangeList."""
    response = client.get(url)
    cl = getattr(response, "context_data", {}).get("cl") if response.status_code == 200 else None
    pages = cl.paginator.num_pages if cl else 1
    return f"{url}{'&' if '?' in url else '?'}{param}={pages}"


def pages(w, clients) -> list[Page]:
    """Every staff page and export, with the user who works on it. Built at each size: the
    last pages move as the data grows."""
    # Imported here, not at the top: only after setup_django() may Django's modules load.
    from django.urls import reverse

    from liaison.models import Representative
    from petitions.models import HANDLING_STEPS, Petition

    county, town, unit, rep, station = (
        clients[k] for k in ("county", "town", "unit", "rep", "station")
    )
    admin_list = reverse("admin:petitions_petition_changelist")
    entries = reverse("admin:points_pointentry_changelist")
    appeals = reverse("admin:points_appeal_changelist")
    audit = reverse("admin:points_pointaudit_changelist")
    stats = reverse("petitions:staff_statistics")
    csv_url = reverse("petitions:staff_statistics_csv")
    xlsx_url = reverse("petitions:staff_statistics_xlsx")
    if w.concern_pk is None:
        # Chosen once: one synthetic concern in the demo unit's hands (so the unit sees it
        # too), best in handling, measured at every size.
        synthetic = Petition.objects.filter(pk__gt=w.demo_max_pk).order_by("pk")
        concern = (
            synthetic.filter(unit=w.demo_unit, step__in=HANDLING_STEPS).first()
            or synthetic.filter(unit=w.demo_unit).first()
            or synthetic.first()
        )
        w.concern_pk = concern.pk
    tracking_no = Petition.objects.order_by("pk").values_list("tracking_no", flat=True)[
        Petition.objects.count() // 2
    ]
    phone = (
        Petition.objects.exclude(citizen_phone="")
        .filter(town=w.town_staff.staff_scope.town)
        .values_list("citizen_phone", flat=True)
        .first()
        or "13800001234"
    )
    rep_name = Representative.objects.filter(term="第十九届（基准）").values_list(
        "name", flat=True
    )[7]
    year = w.now.year - 1
    found = []
    for who, client in (("county", county), ("town", town)):
        q = f"{admin_list}?"
        found += [
            Page(f"admin list {who}: default", client, admin_list, floor_of=True),
            Page(f"admin list {who}: search 路灯", client, q + "q=路灯"),
            Page(f"admin list {who}: search tracking no", client, q + f"q={tracking_no}"),
            Page(f"admin list {who}: search phone last 4", client, q + f"q={phone[-4:]}"),
            Page(
                f"admin list {who}: search masked phone",
                client,
                q + f"q={phone[:3]}****{phone[-4:]}",
            ),
            Page(f"admin list {who}: step=supervising", client, q + "step__exact=supervising"),
            Page(f"admin list {who}: overdue=late", client, q + "overdue=late"),
            Page(f"admin list {who}: overdue=red", client, q + "overdue=red"),
            Page(f"admin list {who}: town", client, q + f"town__id__exact={w.towns[0].pk}"),
            Page(f"admin list {who}: unit", client, q + f"unit__id__exact={w.demo_unit.pk}"),
            Page(
                f"admin list {who}: category",
                client,
                q + f"category__id__exact={w.plain[0].pk}",
            ),
            Page(f"admin list {who}: channel", client, q + "channel__exact=qr"),
            Page(f"admin list {who}: level", client, q + "level__exact=county"),
            Page(f"admin list {who}: outcome", client, q + "outcome__exact=solved"),
            Page(f"admin list {who}: last page", client, _last_page(client, admin_list)),
            Page(f"/work/ {who} (→ admin list)", client, "/work/", follow=True),
            Page(f"statistics {who}", client, stats),
            Page(f"statistics {who}: cold (cache forgotten)", client, stats, cold=True),
            Page(f"statistics {who}: year {year}", client, f"{stats}?year={year}"),
            Page(f"statistics CSV {who}", client, csv_url),
            Page(f"statistics CSV {who}: cold (cache forgotten)", client, csv_url, cold=True),
            Page(f"statistics CSV {who}: year {year}", client, f"{csv_url}?year={year}"),
            Page(f"statistics XLSX {who}", client, xlsx_url),
            Page(f"statistics XLSX {who}: year {year}", client, f"{xlsx_url}?year={year}"),
        ]
    found += [
        Page("admin list station: default", station, admin_list),
        Page("/work/ station (→ admin list)", station, "/work/", follow=True),
        Page("/unit/ danwei", unit, "/unit/"),
        Page("/unit/ danwei: show=open", unit, "/unit/?show=open"),
        # The paginator's get_page gives the last page for any number past it.
        Page("/unit/ danwei: last page", unit, "/unit/?page=999999"),
        Page("/me/tasks/ daibiao", rep, "/me/tasks/"),
        Page("work page county", county, reverse("petitions:work_detail", args=[w.concern_pk])),
        Page("work page danwei", unit, reverse("petitions:work_detail", args=[w.concern_pk])),
        Page(
            "admin change page county",
            county,
            reverse("admin:petitions_petition_change", args=[w.concern_pk]),
        ),
        Page("points entries: default", county, entries),
        Page("points entries: status=pending", county, f"{entries}?status__exact=pending"),
        Page(
            "points entries: claims pending",
            county,
            f"{entries}?status__exact=pending&source__exact=",
        ),
        Page("points entries: year", county, f"{entries}?year__exact={year}"),
        Page("points entries: search name", county, f"{entries}?q={rep_name}"),
        Page("points entries: last page", county, _last_page(county, entries)),
        Page("points appeals: default", county, appeals),
        Page("points appeals: last page", county, _last_page(county, appeals)),
        Page("points audit: default", county, audit),
        Page("points audit: search name", county, f"{audit}?q={rep_name}"),
        Page("points audit: last page", county, _last_page(county, audit)),
    ]
    for model in ("survey", "notification", "personaldataview", "reception"):
        url = reverse(f"admin:petitions_{model}_changelist")
        found += [
            Page(f"admin {model}s: default", county, url),
            Page(f"admin {model}s: last page", county, _last_page(county, url)),
        ]
    return found


def measure(page: Page, repeats: int) -> dict:
    """One warm-up, then ``repeats`` timed requests: the median ms and the query count."""
    # Imported here, not at the top: only after setup_django() may Django's modules load.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from petitions.statistics import figures_forget

    client = page.user
    try:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.url, follow=page.follow)
        if response.status_code != 200:
            return {"error": f"HTTP {response.status_code}", "queries": len(ctx)}
        _ = response.content if not response.streaming else b"".join(response.streaming_content)
        times, sql = [], []
        for _i in range(repeats):
            if page.cold:
                figures_forget()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(page.url, follow=page.follow)
                if response.streaming:
                    b"".join(response.streaming_content)
                times.append((time.perf_counter() - started) * 1000)
            sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    except Exception as error:  # a broken page is a row of the table, not the end of the run
        return {"error": f"{type(error).__name__}: {str(error)[:60]}", "queries": 0}
    result = {
        "ms": statistics.median(times),
        # The time the database answered in, as the cursor saw it: the rest is Python.
        "sql": statistics.median(sql),
        "queries": len(ctx),
        "status": response.status_code,
    }
    if response.status_code != 200:
        result["error"] = f"HTTP {response.status_code}"
    if page.floor_of:
        result["floor"] = floor(ctx.captured_queries, repeats)
    return result


def floor(captured: list[dict], repeats: int) -> float | None:
    """The raw-SQL floor: the longest SELECT over the concerns, as executed, run on a cursor
    ``repeats`` times; its median ms."""
    # Imported here, not at the top: only after setup_django() may Django's modules load.
    from django.db import connection

    selects = [
        q["sql"]
        for q in captured
        if q["sql"].lstrip().upper().startswith("SELECT") and "petitions_petition" in q["sql"]
    ]
    if not selects:
        return None
    sql = max(selects, key=len)
    times = []
    with connection.cursor() as cursor:
        for _i in range(repeats):
            started = time.perf_counter()
            # Without parameters: the SQL is the one logged, its values already in place.
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# --- the tables ----------------------------------------------------------------------------


def _cell(r: dict) -> str:
    return f"{r['ms']:9.1f}" if "ms" in r and "error" not in r else f"{'ERROR':>9s}"


def print_size(size: int, results: dict) -> None:
    print(f"\n-- {size:,} concerns")
    print(f"{'page':52s} {'queries':>7s} {'ms':>9s} {'in SQL':>9s}  {'raw-SQL floor':>13s}")
    for name, r in results.items():
        sql = f"{r['sql']:9.1f}" if "sql" in r else f"{'':9s}"
        extra = f"  {r['floor']:10.1f} ms" if r.get("floor") is not None else ""
        if "error" in r:
            extra += f"  {r['error']}"
        print(f"{name:52s} {r['queries']:7d} {_cell(r)} {sql}{extra}", flush=True)


def verdict(rows: list[dict]) -> tuple[str, float | None]:
    if any("error" in r for r in rows):
        return "ERROR", None
    first, last = rows[0]["ms"], rows[-1]["ms"]
    growth = last / first if first else None
    problems = []
    if last > TARGET_MS:
        problems.append("SLOW")
    if growth is not None and growth > TARGET_GROWTH:
        problems.append("GROWS")
    if len({r["queries"] for r in rows}) > 1:
        problems.append("QUERIES")
    return " ".join(problems) or "OK", growth


def print_final(sizes: list[int], by_size: dict[int, dict]) -> None:
    print("\n== all sizes: median ms (queries), growth = ms at largest / ms at smallest")
    head = "".join(f"{f'{s:,}':>16s}" for s in sizes)
    print(f"{'page':52s}{head}{'growth':>8s}  verdict")
    names = list(by_size[sizes[-1]])
    counts = {"OK": 0}
    for name in names:
        rows = [by_size[s].get(name, {"error": "missing", "queries": 0}) for s in sizes]
        cells = "".join(
            f"{r['ms']:9.1f} ({r['queries']:3d})" if "error" not in r else f"{'ERROR':>16s}"
            for r in rows
        )
        word, growth = verdict(rows)
        counts[word] = counts.get(word, 0) + 1
        g = f"{growth:7.1f}x" if growth is not None else f"{'—':>8s}"
        print(f"{name:52s}{cells}{g}  {word}")
    for name in names:
        floors = [by_size[s].get(name, {}).get("floor") for s in sizes]
        if any(f is not None for f in floors):
            cells = "".join(f"{f:16.1f}" if f is not None else f"{'—':>16s}" for f in floors)
            print(f"{'  raw-SQL floor of ' + name.removeprefix('admin list '):52s}{cells}")
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)


# --- the run -------------------------------------------------------------------------------


def clients_for(w) -> dict:
    # Imported here, not at the top: only after setup_django() may Django's modules load.
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench._staff_seed import station_staff

    users = get_user_model().objects.in_bulk(
        ["xianrenda", "zhenjie", "danwei", "daibiao"], field_name="username"
    )
    found = {}
    for key, user in (
        ("county", users["xianrenda"]),
        ("town", users["zhenjie"]),
        ("unit", users["danwei"]),
        ("rep", users["daibiao"]),
        ("station", station_staff(w)),
    ):
        client = Client()
        client.force_login(user)
        found[key] = client
    return found


def main():
    args = parse_args()
    tmp = tempfile.mkdtemp(prefix="zhashui-bench-")
    try:
        setup_django(tmp)
        # After setup: the models need the app registry.
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from bench import _staff_seed as seed

        db = settings.DATABASES["default"]
        on_sqlite = connection.vendor == "sqlite"
        where = f"{db['HOST']}:{db['PORT']}/{db['NAME']}" if db.get("HOST") else db["NAME"]
        print(f"database: {connection.vendor} {where}", flush=True)
        if on_sqlite:
            print("SQLite: a quick check of the bench only; its figures mean little.")
        if args.keep:
            print(f"DATABASE_URL={os.environ['DATABASE_URL']}")
        started = time.perf_counter()
        call_command("migrate", "--no-input", verbosity=0)
        call_command("load_demo", verbosity=0)
        # DEBUG off serves static names from the manifest, as production does.
        call_command("collectstatic", "--no-input", verbosity=0)
        print(f"demo loaded in {time.perf_counter() - started:.1f} s", flush=True)
        w = seed.World(random.Random(12))
        seed.synthetic_representatives()
        clients = clients_for(w)
        by_size = {}
        for size in args.sizes:
            started = time.perf_counter()
            added = seed.grow_petitions(w, size)
            entries = round(seed.POINTS_AT_LARGEST * size / args.sizes[-1])
            points_added = seed.grow_points(w, entries)
            seed.analyze()
            print(
                f"\ngrew to {size:,} concerns (+{added:,}) and {entries:,} points entries "
                f"(+{points_added:,}) in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            print(seed.describe(w), flush=True)
            results = {}
            for page in pages(w, clients):
                if args.only and args.only not in page.name:
                    continue
                results[page.name] = measure(page, args.repeats)
            by_size[size] = results
            print_size(size, results)
        print_final(args.sizes, by_size)
        if on_sqlite:
            print("(SQLite: these figures mean little; run it on PostgreSQL for the real ones.)")
    finally:
        if args.keep:
            print(f"data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
