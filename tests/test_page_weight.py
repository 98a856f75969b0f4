"""Weight (issue #10, §8): a citizen's first load of a representative's QR page (the HTML, its
stylesheets, scripts and images) is at most 40 KB compressed; the vendored files no page uses
are not shipped; the citizens' Bootstrap subset is up to date with their templates.

The counting is bench/page_weight.py's (``first_load``): static files as collected, gzipped
at level 6 (WhiteNoise's .gz; its brotli files are smaller still), the HTML gzipped too,
images as they are. A budget, not a timing: exact on any machine.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.urls import reverse

from bench.page_weight import BUDGET, first_load, gzip_size, noisy_portrait, view_bytes
from liaison.images import clean_image
from tests.base import make_station, make_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"


@pytest.fixture
def rep():
    """A representative as a long QR page shows one: a photo as the admin stores it (the
    worst case: noise compresses worst), a long biography, three stations."""
    world = make_world()
    rep = world.rep_a
    rep.bio = "长期从事农村基层工作，关注道路交通、饮水安全和留守老人照护等问题。" * 3
    rep.occupation = "柞水县某镇某村党支部书记、村委会主任"
    rep.save(update_fields=["bio", "occupation"])
    rep.photo.save("p.jpg", ContentFile(clean_image(noisy_portrait(), max_side=256)))
    for n in range(2):
        station = make_station(town=world.town_a, name=f"第{n}联络站")
        rep.memberships.create(station=station)
    return rep


def _fetch(client):
    def fetch(url: str) -> tuple[bytes, int]:
        path = url.split("?")[0]
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path[len(settings.STATIC_URL) :])
            assert found, f"{url} is not a static file"
            data = Path(found).read_bytes()
            return data, min(len(data), gzip_size(data))
        if path.startswith(settings.MEDIA_URL):
            data = (Path(settings.MEDIA_ROOT) / path[len(settings.MEDIA_URL) :]).read_bytes()
            return data, len(data)
        return view_bytes(client, url)

    return fetch


def test_a_citizens_first_load_of_a_qr_page_is_at_most_40_kb_compressed(client, rep):
    response = client.get(rep.get_absolute_url())
    assert response.status_code == 200
    rows = first_load(response.content, fetch=_fetch(client))
    names = [name for name, _raw, _sent in rows]
    # It counted what the page really loads: the photo, the styles, the QR code.
    assert any(rep.photo.name in name for name in names)
    assert any(name.endswith(".css") for name in names)
    total = sum(sent for _name, _raw, sent in rows)
    assert total <= BUDGET, "\n".join(f"{n} {s}" for n, _r, s in rows)


def test_the_concern_form_and_the_tracking_page_load_the_citizens_bootstrap(client, rep):
    """The citizen's pages use the subset, and so stay light past the QR page too."""
    response = client.get(reverse("petitions:concern_to_representative", args=[rep.qr_token]))
    rows = first_load(response.content, fetch=_fetch(client))
    names = [name for name, _raw, _sent in rows]
    assert any("bootstrap.citizen.min.css" in n for n in names)
    assert not any(n.endswith("bootstrap.min.css") for n in names)
    assert sum(sent for _n, _r, sent in rows) <= BUDGET


def test_no_unused_vendored_file_is_shipped():
    shipped = sorted(p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file())
    assert shipped == [
        "README.md",
        "bootstrap/5.3.9/LICENSE",
        "bootstrap/5.3.9/css/bootstrap.citizen.min.css",
        "bootstrap/5.3.9/css/bootstrap.min.css",
    ]
    for css in VENDOR.rglob("*.css"):
        assert "sourceMappingURL" not in css.read_text(encoding="utf-8"), css
    referencing = subprocess.run(
        # The README says what was left out, and why.
        [
            "grep",
            "-rlE",
            "--exclude=README.md",
            r"bootstrap\.bundle|\.(css|js)\.map|sourceMappingURL",
            "templates",
            "static",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert referencing == []


def test_the_citizens_bootstrap_is_up_to_date_with_their_templates():
    result = subprocess.run(
        [sys.executable, "scripts/purge_bootstrap.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
