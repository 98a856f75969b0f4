"""One year-end report PDF under cProfile, in this process, on SQLite: where a PDF's time
goes (issue #14, Build 6: a PDF slower than its budget is found by profiling, not guessed).

    .venv/bin/python bench/points_pdf_profile.py                 # 30 reports, top 25 lines
    .venv/bin/python bench/points_pdf_profile.py --reports 50 --top 40 --sort cumulative

Renders a first report cold (the process's first: fonts, stylesheet and template loaded),
then ``--reports`` more through the same path the worker takes (``files.pdf_renderer``),
prints the cold and the warm time per report, and the profile of the warm ones, so that
what is paid once per process and what is paid per report show apart.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=30, help="Warm reports profiled.")
    parser.add_argument("--top", type=int, default=25, help="Lines of the profile printed.")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative).")
    return parser.parse_args()


def setup_django(tmp: str) -> None:
    os.environ.update(
        {
            "DEBUG": "0",
            "HTTPS": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MEDIA_ROOT": os.path.join(tmp, "media"),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhashui_rd.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def reports_to_render(count: int):
    """Unsaved reports of ``count`` representatives, each with a year of items."""
    from liaison.models import Representative
    from points import services
    from points.models import AnnualReport, Category, ReportRun
    from points.reports import totals
    from tests.points.year_end_helpers import chinese_name

    year = date.today().year - 1
    rules, _codes = services.rule_table(year)
    caps = services.category_caps_for_year(year)
    run = ReportRun(pk=1, year=year, total=count)
    out = []
    for i in range(count):
        rep = Representative(
            pk=i + 1, name=chinese_name(i), level=Representative.Level.COUNTY, term="第十九届"
        )
        counts = {code: (i * 7 + n) % 6 for n, code in enumerate(sorted(rules))}
        lines = totals.report_lines(counts, rules)
        report = AnnualReport(
            pk=i + 1,
            run=run,
            representative=rep,
            year=year,
            by_category=dict.fromkeys(Category.values, "12.0"),
            total=Decimal("72.0"),
            grade="合格",
            flags=[totals.FLAG_NO_VOTER_CONTACT] if i % 5 == 0 else [],
            rank=i + 1,
            rank_in_level=i + 1,
        )
        out.append({"report": report, "run": run, "lines": lines, "caps": caps})
    return out


def main():
    args = parse_args()
    tmp = tempfile.mkdtemp(prefix="zhashui-pdf-profile-")
    try:
        setup_django(tmp)
        from points.reports import files

        jobs = reports_to_render(args.reports + 1)
        started, cpu = time.perf_counter(), time.process_time()
        renderer = files.pdf_renderer()
        first = renderer.render(**jobs[0], level_size=len(jobs))
        cold = time.perf_counter() - started, time.process_time() - cpu
        profiler = cProfile.Profile()
        times, cpus = [], []
        for job in jobs[1:]:
            started, cpu = time.perf_counter(), time.process_time()
            profiler.enable()
            renderer.render(**job, level_size=len(jobs))
            profiler.disable()
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        print(
            f"first report (cold process): {cold[0] * 1000:.0f} ms "
            f"({cold[1] * 1000:.0f} ms of CPU), {len(first):,} bytes"
        )
        print(
            f"next {len(times)} reports: median {statistics.median(times) * 1000:.0f} ms "
            f"({statistics.median(cpus) * 1000:.0f} ms of CPU), best "
            f"{min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms; under the "
            "profiler, which slows Python code down more than the libraries it calls"
        )
        print(f"-- profile of the {len(times)} warm reports, by {args.sort}")
        pstats.Stats(profiler).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
