"""The public pages a QR code leads to, served to anonymous visitors from the cache.

A scanned QR code must open at once on a weak connection, and a county's codes are scanned
in bursts (a station's reception day, a poster at a market). The representative's page, the
station's page (by its slug or its QR code) and the home page are the same for every
anonymous visitor, so the view's rendered body is kept in the default cache (Redis in
production, process memory in ``make run``) and the next visitor gets it without a query or
a template.

**What the pages read** (every one of these, when it changes, bumps the version; the
receivers are connected in liaison/apps.py, and in points/apps.py for the points rows):

- home (``liaison/home.html``): towns (name, order), active stations (name, slug, kind,
  town, village), each station's latest star rating, the count of active representatives;
- station page (``liaison/station_detail.html``): the station's own fields (name, kind,
  sector, town, photo, feature, address, opening hours, contact phone, legal-service room,
  QR token), its latest star rating, its memberships (role, duty hours) and their active
  representatives (name, level, QR token), its next duty days (date, hours, cancelled) and
  their rosters (duty shifts and their representatives), and the rhythm's themes of today
  (``Theme``: the year's, the season's, the month's);
- representative page (``liaison/representative_detail.html``): the representative's own
  fields (name, photo, level, term, occupation, bio, active, QR token), their memberships
  (role, duty hours) and stations (name, slug, active, opening hours, address, contact
  phone, town), and the yearly records published by the points app (``Publication``, which
  pins a run's ``AnnualReport`` rows: points/publication.py);
- grid page (``liaison/grid_detail.html``, issue #11): the grid's own fields (name,
  description, public contact phone, active), its town, its station (name, slug, address,
  opening hours, contact phone, QR token), its villages, its active representatives (name,
  level, QR token) and deputies (name, post), and this year's count of its 微实事 (the
  petitions app's flag: ``workflow.petition_mark_micro_matter`` forgets the pages, as the
  flag is written by an update that sends no signal); the station page and the
  representative page also list their active grids (name, town);
- the representative page's five links (issue #11): the ``Link`` rows of kind 常委会组成人员 ↔
  代表 to the representative and their ``Leader`` (name, post, active); their
  ``ProfessionalGroup`` and the group's current ``Link`` to a ``WorkingCommittee`` (names);
  an ended link is a queryset update, which ``liaison.links.link_end`` announces itself;
- the public boards (petitions/views/boards.py, issue #14; ``@public_page(vary_on=…)``,
  one copy per page and year): the names of towns, stations and units, and counts of
  concerns. No receiver forgets them when a concern changes (every transition would throw
  away every QR page): their figures are at most ``PUBLIC_PAGE_CACHE_SECONDS`` old, and
  each page says when it counted them;
- every page (``base.html``, ``base_citizen.html``): ``CONGRESS_NAME``, the static files'
  names, the translations. These change only with a deploy: they are in the release
  fingerprint of the key (``_release``), not in the version.

Not read, so not watched: the holiday calendar banner (staff pages only), the header's
menu and the notices badge (``base_citizen.html`` shows neither), anything of the
concerns (the "post a concern" form is its own page, never cached: it carries a one-time
key and a CSRF token).

**Time**: the station page shows its next duty days from today on, so every key holds
today's date (Asia/Shanghai): at midnight the pages are drawn afresh, so the station
page's themes of the season and the month change on the first day of the next. Nothing else
on these pages depends on the time.

**Who gets the cached body**: a visitor with no signed-in user and no message waiting, on
a GET. The view's own response is kept (body and content type), never the middleware's
output: cookies, the CSRF cookie, CSP and other headers are added to each response
afresh. A response that sets a cookie or used a CSRF token is not kept at all.

**Never stale**: the version is a random token in the cache, replaced on every change (now,
and again once the change is committed, so that a page drawn in between from the rows of
before is left behind). Each kept page carries the version read before it was drawn, and
is served only while that is still the version: the version and the page are read in one
round trip (``get_many``), and a stale copy is simply drawn again in its place. A random token rather than a counter: if the key is lost (evicted,
Redis restarted) a counter would start again at 1 and could meet pages kept under an old 1;
a fresh token never does. Entries also expire after ``PUBLIC_PAGE_CACHE_SECONDS``, which
bounds the one case a change can be missed: the cache unreachable at the moment of the
change and back afterwards with the pages of before.

**Cache down**: every read and write is wrapped; the page is drawn as if there were no
cache, and for ``OUTAGE_PAUSE_SECONDS`` this process does not try again, so that an outage
costs one failed connection per process, not one per request.
"""

import functools
import hashlib
import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

log = logging.getLogger(__name__)

VERSION_KEY = "liaison:public:version"
OUTAGE_PAUSE_SECONDS = 5
# Browsers may keep a page this long without asking again: a change reaches a phone that
# already holds the page at most a minute later (the server's copy is never stale).
BROWSER_MAX_AGE = 60

# The templates of the pages served through ``public_page``: the public boards (issue #14)
# are the petitions app's pages, drawn from its templates.
RELEASE_TEMPLATES = (
    "base*.html",
    "liaison/*.html",
    "petitions/boards*.html",
    "petitions/_board*.html",
)

_skip_until = 0.0  # monotonic time until which this process leaves the cache alone
_release_cache: list[str] = []


# --- the version ---------------------------------------------------------------------------


def _new_version() -> str:
    return secrets.token_hex(8)


def public_pages_forget() -> None:
    """Every cached public page is stale from now on."""
    try:
        cache.set(VERSION_KEY, _new_version(), timeout=None)
    except Exception:  # the cache is down: nothing can be read from it either
        log.warning("public page cache unreachable: not invalidated")


def public_pages_changed(**_kwargs) -> None:
    """Something a public page shows changed (a post_save, post_delete or m2m_changed
    receiver): forget the pages now, and again once the change is committed (a page drawn
    in between, before the change was visible, shows the rows of before)."""
    public_pages_forget()
    transaction.on_commit(public_pages_forget)


def _release() -> str:
    """What a deploy changes on every page: the templates these pages use, the compiled
    translations, the static files' hashed names, the congress's name. Read once per
    process (a deploy restarts the workers); two releases side by side during a rolling
    deploy keep apart."""
    if not _release_cache:
        digest = hashlib.sha256(settings.CONGRESS_NAME.encode())
        templates = Path(settings.BASE_DIR) / "templates"
        files = [path for pattern in RELEASE_TEMPLATES for path in sorted(templates.glob(pattern))]
        for folder in settings.LOCALE_PATHS:
            files += sorted(Path(folder).glob("*/LC_MESSAGES/*.mo"))
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
        _release_cache.append(digest.hexdigest()[:16])
    return _release_cache[0]


def _key(request, vary_on=None) -> str:
    # The path only, never the query string: these views ignore it, and random query
    # strings must not fill the cache with copies. A view that reads its query string says
    # what it read (``vary_on``), as one of a few values.
    extra = vary_on(request) if vary_on is not None else ""
    path = hashlib.sha256(f"{request.path}\n{extra}".encode()).hexdigest()[:32]
    today = timezone.localdate().isoformat()
    return f"liaison:public:page:{_release()}:{get_language()}:{today}:{path}"


def _read(key: str):
    """(the current version, the page kept under ``key`` if it was drawn under it): one
    round trip to the cache on the hit path."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:  # never set, or lost: a fresh token, which no kept page carries
        version = cache.get_or_set(VERSION_KEY, _new_version, timeout=None)
    entry = found.get(key)
    if entry is not None and entry["version"] != version:
        entry = None
    return version, entry


# --- who may be served from the cache ------------------------------------------------------


def _anonymous_and_quiet(request) -> bool:
    """No signed-in user and no message to show: the page is the one every visitor gets.
    Costs no query for a visitor without a session cookie."""
    if request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies:
        # Without a session nobody is signed in and no message is kept for later, and
        # without the messages cookie none is waiting: nothing to load (the QR page's
        # usual visitor, a first scan, costs no look-up at all).
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not len(get_messages(request))


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
        # A page that drew a CSRF token would hand it to everyone: never kept.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        # Checked in full after the view: a message it queued would be lost in a kept page.
        and not (getattr(request, "user", None) and request.user.is_authenticated)
        and not len(get_messages(request))
    )


def _browser_headers(response, etag: str, state: str) -> None:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={BROWSER_MAX_AGE}"
    # The same URL gives a signed-in user a page drawn for them (never this one).
    patch_vary_headers(response, ["Cookie"])
    response["X-Public-Cache"] = state


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _from_entry(request, entry) -> HttpResponse:
    if request.META.get("HTTP_IF_NONE_MATCH") == entry["etag"]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["body"], content_type=entry["content_type"])
    _browser_headers(response, entry["etag"], "hit")
    return response


def _cache_down(action: str) -> None:
    global _skip_until
    _skip_until = time.monotonic() + OUTAGE_PAUSE_SECONDS
    log.warning("public page cache unreachable: page %s without it", action)


def public_page(view=None, *, vary_on=None):
    """Serve ``view`` to anonymous visitors from the cache (see the module's docstring).

    ``@public_page(vary_on=f)`` for a page that reads its query string: ``f(request)`` gives
    what the page depends on, as a short string of FEW possible values (the public boards'
    year, checked: anything else is this year's), and each value is kept apart. A page
    whose figures no change announces (the boards count concerns) is as old as
    ``PUBLIC_PAGE_CACHE_SECONDS`` at most, and says so."""
    if view is None:
        return functools.partial(public_page, vary_on=vary_on)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            settings.PUBLIC_PAGE_CACHE_SECONDS <= 0  # turned off
            or time.monotonic() < _skip_until
            or not _anonymous_and_quiet(request)
        ):
            return view(request, *args, **kwargs)
        try:
            key = _key(request, vary_on)
            version, entry = _read(key)
        except Exception:
            _cache_down("drawn")
            return view(request, *args, **kwargs)
        if entry is not None:
            return _from_entry(request, entry)

        response = view(request, *args, **kwargs)
        if not _keepable(request, response):
            return response
        body = response.content
        entry = {
            # The version read before the page was drawn: a change committed meanwhile has
            # replaced it, and this copy is never served.
            "version": version,
            "body": body,
            "content_type": response["Content-Type"],
            "etag": _etag(body),
        }
        try:
            cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
        except Exception:
            _cache_down("not kept")
        _browser_headers(response, entry["etag"], "miss")
        return response

    return wrapper
