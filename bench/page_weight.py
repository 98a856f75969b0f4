"""The weight of a citizen's first load of a representative's QR page: the HTML and every
stylesheet, script and image it references (and the images those stylesheets reference),
compressed as they travel: static files as WhiteNoise serves them after `collectstatic`
(its precompressed .br and .gz files), the HTML gzipped at level 6, photos as stored.
Prints the bytes per resource and the total against the budget of issue #10 (40 KB).

    .venv/bin/python bench/page_weight.py    # the demo on a temporary SQLite database

The worst case is measured: the demo representative with the most stations (the longest
page), given a photo as the admin stores one (256 px, re-encoded). tests/test_page_weight.py
asserts the same budget with the same counting (``first_load``) in the test suite.
"""

import gzip
import io
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 40 * 1024
CSS_URL = re.compile(r"""url\(\s*["']?(?!data:)([^"')]+)["']?\s*\)""")


class _References(HTMLParser):
    """What a browser fetches to show the page: stylesheets, scripts, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and ({"stylesheet", "icon", "preload"} & set(rel)) and a.get("href"):
            self.urls.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            # Lazy images below the fold are fetched too, on a phone's short screen or not:
            # counted, the worst case.
            self.urls.append(a["src"])


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls))


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def first_load(
    html: bytes, *, fetch: Callable[[str], tuple[bytes, int]]
) -> list[tuple[str, int, int]]:
    """``(resource, bytes, compressed bytes)`` for the page and everything it references.
    ``fetch(url)`` returns a resource's bytes and its size as sent (compressed or not)."""
    rows = [("HTML", len(html), gzip_size(html))]
    queue = references(html.decode("utf-8"))
    seen = set()
    while queue:
        url = queue.pop(0)
        if url in seen or url.startswith(("data:", "http:", "https:", "//")):
            continue
        seen.add(url)
        data, sent = fetch(url)
        rows.append((url, len(data), sent))
        if url.split("?")[0].endswith(".css"):
            base = url.rsplit("/", 1)[0] + "/"
            for ref in CSS_URL.findall(data.decode("utf-8", "replace")):
                queue.append(ref if ref.startswith("/") else base + ref)
    return rows


def noisy_portrait() -> bytes:
    """A 1,200 × 1,500 camera photo that compresses worse than any real face: noise. The
    worst case of what the admin stores for a representative (256 px, re-encoded)."""
    # Here: Pillow is only needed by the callers that make the photo.
    from PIL import Image

    image = Image.merge("RGB", [Image.effect_noise((1200, 1500), 60) for _ in range(3)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def view_bytes(client, url: str) -> tuple[bytes, int]:
    """A resource a view draws (the page's QR code): its bytes, gzipped if it is text."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = response["Content-Type"].startswith(("text/", "image/svg"))
    return data, gzip_size(data) if text else len(data)


def report(rows: list[tuple[str, int, int]]) -> int:
    """Print the table; return the compressed total."""
    width = max(len(name) for name, _, _ in rows)
    print(f"{'resource':<{width}}  {'bytes':>9}  {'sent':>9}")
    for name, raw, sent in rows:
        print(f"{name:<{width}}  {raw:>9,}  {sent:>9,}")
    total = sum(sent for _, _, sent in rows)
    verdict = "within" if total <= BUDGET else "OVER"
    print(f"{'total':<{width}}  {sum(r for _, r, _ in rows):>9,}  {total:>9,}")
    print(f"budget {BUDGET:,} bytes: {verdict} ({total / BUDGET:.0%})")
    return total


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="zhashui-weight-")
    os.environ.update(
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=os.path.join(tmp, "static"),
        MEDIA_ROOT=os.path.join(tmp, "media"),
        SERVE_MEDIA="0",
        LOG_LEVEL="WARNING",
        SMS_BACKEND="locmem",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATABASE_URL=f"sqlite:///{tmp}/weight.sqlite3",
        DJANGO_SETTINGS_MODULE="zhashui_rd.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # After setup: these need the configured project.
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from liaison.images import clean_image
    from liaison.models import Representative

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    call_command("collectstatic", "--no-input", verbosity=0)

    rep = (
        Representative.objects.annotate(n=Count("memberships"))
        .filter(is_active=True)
        .order_by("-n", "pk")
        .first()
    )
    rep.photo.save("portrait.jpg", ContentFile(clean_image(noisy_portrait(), max_side=256)))
    url = rep.get_absolute_url()
    client = Client()
    response = client.get(url)
    assert response.status_code == 200, response.status_code

    static_root, media_root = Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)

    def fetch(ref: str) -> tuple[bytes, int]:
        path = ref.split("?")[0]
        if path.startswith(settings.STATIC_URL):
            file = static_root / path[len(settings.STATIC_URL) :]
            data = file.read_bytes()
            # WhiteNoise sends the smallest encoding the browser accepts: brotli, then gzip.
            sizes = [len(data)] + [
                Path(f"{file}{ext}").stat().st_size
                for ext in (".br", ".gz")
                if Path(f"{file}{ext}").exists()
            ]
            return data, min(sizes)
        if path.startswith(settings.MEDIA_URL):  # a photo, sent as stored by nginx
            data = (media_root / path[len(settings.MEDIA_URL) :]).read_bytes()
            return data, len(data)
        return view_bytes(client, ref)

    print(f"{rep.name}'s QR page {url[:12]}…, {rep.n} stations, with a photo")
    total = report(first_load(response.content, fetch=fetch))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if total <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
