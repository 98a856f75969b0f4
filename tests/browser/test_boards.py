"""The public boards in a browser (issue #14): a citizen on a 375×667 phone goes from the home
page to the county's board, then to a town's; the figures fit the screen (no sideways
scroll), axe-core finds no serious violation, and a screenshot of each page is kept in
var/screenshots/boards-*.png."""

import secrets
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from petitions.models import Petition, Step
from tests.base import make_station, make_town, make_unit
from tests.helpers import axe_serious_violations

pytestmark = [pytest.mark.browser]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"boards-{name}.png"), full_page=True)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def board_world(transactional_db):
    town = make_town("营盘镇")
    busy = make_station(town, name="营盘镇朱家湾村人大代表联络站")
    quiet = make_station(town, name="康养产业代表联络站")
    unit, _user = make_unit("柞水县交通运输局")
    today = timezone.localdate()
    rows = []
    for n, (station, rating) in enumerate(
        [(busy, "satisfied")] * 9 + [(busy, "unsatisfied")] * 3 + [(quiet, "satisfied")] * 2
    ):
        rows.append(
            Petition(
                tracking_no=f"ZS-BB-{n:06d}",
                token_hash=secrets.token_hex(32),
                submit_key=uuid.uuid4(),
                channel=Petition.Channel.STATION_PAGE,
                step=Step.CLOSED,
                station=station,
                town=town,
                unit=unit,
                level=Petition.Level.TOWN,
                text="村道塌方，请尽快修复。",
                deadline=today + timedelta(days=5 if n % 6 else -1),
                reported_at=timezone.now(),
                outcome=Petition.Outcome.SOLVED if n % 4 else Petition.Outcome.ANSWERED,
                result_text="已修复。",
                rating=rating,
                closed_at=timezone.now(),
            )
        )
    Petition.objects.bulk_create(rows)
    return {"town": town, "busy": busy, "quiet": quiet}


def test_a_citizen_reads_the_boards_on_a_phone(live_server, phone_page, board_world):
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.click("a[href='/boards/']")
    page.wait_for_load_state()
    assert page.url.endswith("/boards/")
    text = page.inner_text("main")
    assert "全县" in text and "营盘镇" in text and "14" in text
    _shoot(page, "county")
    found = axe_serious_violations(page)

    page.click(f"a[href^='/boards/towns/{board_world['town'].pk}/']")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "营盘镇朱家湾村人大代表联络站" in text and "康养产业代表联络站" in text
    # The busy station's twelve concerns are shown; the quiet one's two are not.
    busy, quiet = page.locator("li.board-row").all()[:2]
    quiet_text, busy_text = (
        (busy.inner_text(), quiet.inner_text())
        if "康养" in busy.inner_text()
        else (quiet.inner_text(), busy.inner_text())
    )
    assert "12" in busy_text and "%" in busy_text
    assert "不足10件" in quiet_text and "%" not in quiet_text
    _shoot(page, "town")
    found += axe_serious_violations(page)

    page.goto(f"{live_server.url}/boards/units/?year=abc")
    assert "柞水县交通运输局" in page.inner_text("main")
    _shoot(page, "units")
    # WCAG 2.1 AA, as every citizen page (tests/browser/test_accessibility.py).
    assert found + axe_serious_violations(page) == []
