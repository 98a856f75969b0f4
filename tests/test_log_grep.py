"""Never a mobile number, a concern's text or a tracking link in a log line.

scripts/test-suite.sh runs the whole suite with LOG_DIR set (every pytest process, the
Celery workers and beat the tests start, gunicorn and nginx of the deployment test write
their files there, with the portal's own loggers at DEBUG), then runs the test marked
``log_grep`` last, alone: it reads every file in that folder and fails naming the file,
the line and what it found. The texts looked for are the demo county's concerns and every
Chinese sentence the tests themselves submit (their string literals)."""

import ast
import os
import re
from pathlib import Path

import pytest

from demo.concerns import DEMOS

ROOT = Path(__file__).resolve().parent.parent
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
TRACKING_LINK = re.compile(r"/t/[A-Za-z0-9_-]{16,64}")
CJK = re.compile(r"[\u4e00-\u9fff]")
# A sentence long enough to be a concern, a result or an address, never a label or a name.
MIN_CJK = 10


def concern_texts() -> set[str]:
    """The demo's concern texts and every long Chinese string literal in tests/."""
    texts = {demo.text for demo in DEMOS}
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and len(CJK.findall(node.value)) >= MIN_CJK:
                texts.add(node.value.strip())
    # A log line may hold a text cut short: look for the first 10 characters of each, from
    # its first Chinese one.
    starts = (CJK.search(text) for text in texts)
    return {m.string[m.start() : m.start() + MIN_CJK] for m in starts if m}


def scan(folder: Path, texts: set[str]) -> list[str]:
    """Every offending line in the files of ``folder``: "file:line: what"."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                what = []
                if MOBILE.search(line):
                    what.append(f"mobile {MOBILE.search(line).group(0)}")
                if TRACKING_LINK.search(line):
                    what.append("a tracking link")
                if CJK.search(line):
                    what += [f"concern text {t!r}" for t in texts if t in line]
                if what:
                    found.append(f"{path.relative_to(folder)}:{number}: {', '.join(what)}")
    return found


@pytest.mark.log_grep
def test_no_log_line_of_the_whole_suite_holds_personal_data():
    folder = Path(os.environ.get("LOG_DIR", ""))
    if not os.environ.get("LOG_DIR") or not folder.is_dir():
        pytest.skip("LOG_DIR is not set: scripts/test-suite.sh sets it for the whole suite.")
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"no log file in {folder}: the suite did not log there"
    found = scan(folder, concern_texts())
    assert not found, "Personal data in the logs:\n" + "\n".join(found[:50])


def test_the_scan_finds_a_number_a_text_and_a_link_and_passes_masked_lines(tmp_path):
    texts = concern_texts()
    assert {"村口的道路破损严重，", "路灯坏了三个月，晚上"} <= texts
    (tmp_path / "web.log").write_text(
        "INFO ok 138****5678 /t/…/photos/1/ ZS-2026-000123 at 1733123456789\n"
        "WARNING call 13812345678\n"
        "INFO saw /t/AbCdEfGhIjKlMnOpQrStUvWx/\n",
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "worker.log").write_text(
        "ERROR failed: 村口的道路破损严重，下雨天积水很深\n", encoding="utf-8"
    )
    assert scan(tmp_path, texts) == [
        "sub/worker.log:1: concern text '村口的道路破损严重，'",
        "web.log:2: mobile 13812345678",
        "web.log:3: a tracking link",
    ]
