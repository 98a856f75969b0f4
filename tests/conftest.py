import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.two_factor.services import confirmed_device, second_factor_required
from tests.demo.helpers import demo_loaded
from zhashui_rd.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent

# `make test` runs the suite in two pytest-xdist processes, each with its own test database.
# Their real Celery workers share one Redis, so each process (and the workers it starts,
# through CELERY_QUEUE) sends to and consumes from its own queue: a worker never runs a task
# against the other process's database.
TEST_QUEUE = f"tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
celery_app.conf.task_default_queue = TEST_QUEUE
# And its own cache keys: the processes share one Redis but not their databases.
settings.CACHES["default"]["KEY_PREFIX"] = TEST_QUEUE


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    """Uploaded files go to a temporary folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_statistics():
    """No test reads the figures another test cached (its database was rolled back, its
    ids come again)."""
    # Imported here: the app registry is ready only once the tests run.
    from petitions.statistics import figures_forget

    figures_forget()


@pytest.fixture(autouse=True)
def _fresh_public_pages():
    """No test is served a public page another test cached (its rows were rolled back,
    their ids and tokens come again)."""
    # Imported here: the app registry is ready only once the tests run.
    from liaison.public_cache import public_pages_forget

    public_pages_forget()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2's deliberate slowness is for attackers, not for a test suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _pass_second_factor(client, user):
    """What signing in with the code does, for a client a test signed in: a user who must pass
    the second factor gets a confirmed authenticator (if they have none) and the session is
    marked verified by it, as django_otp.login marks it. The rule of who must is the
    portal's own (liaison/two_factor/services.py): nothing is weakened, the code is skipped."""
    # A fresh copy: roles_for caches who a user is on the object, and the test keeps its own.
    fresh = get_user_model()._default_manager.get(pk=user.pk)
    if not second_factor_required(fresh):
        return
    device = confirmed_device(fresh) or TOTPDevice.objects.create(
        user=fresh, name="authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _verified_logins(request, monkeypatch):
    """Users a test signs in with ``client.force_login`` or ``client.login`` have passed the
    second factor too (two-factor sign-in, issue #10), so that the suite's staff reach their
    pages. A test about the second factor asks for ``unverified_logins`` to sign in with the
    password alone."""
    if "unverified_logins" in request.fixturenames:
        return
    force_login, login = ClientMixin.force_login, ClientMixin.login

    def verified_force_login(self, user, backend=None):
        force_login(self, user, backend)
        _pass_second_factor(self, user)

    def verified_login(self, **credentials):
        signed_in = login(self, **credentials)
        if signed_in:
            user_id = self.session[SESSION_KEY]
            _pass_second_factor(self, get_user_model()._default_manager.get(pk=user_id))
        return signed_in

    monkeypatch.setattr(ClientMixin, "force_login", verified_force_login)
    monkeypatch.setattr(ClientMixin, "login", verified_login)


@pytest.fixture
def unverified_logins():
    """Ask for it to sign test clients in with the password alone (see _verified_logins)."""


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Rate limits off: many tests post the same form again and again. The tests of the
    limits switch them on (settings.RATELIMIT_ENABLE = True) and clear their counters
    (tests/helpers.clear_own_cache)."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Run tasks in process, except in tests that talk to the real worker."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, loaded once for the test module that asks for it (every test of the
    module after the first that asks sees it); returns load_demo's output. Tests still
    need ``django_db``; each one's changes are rolled back. tests/demo/ loads it once for
    the whole package."""
    with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("demo-media")) as output:
        yield output


@pytest.fixture
def celery_worker_factory(transactional_db):
    """Start real Celery worker processes consuming from the real Redis broker, connected to
    the test database: ``start(env=None, args=())`` returns the process once it answers a
    ping; every one still running is stopped after the test. Tests using it must commit
    their data (transactional_db)."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: run the suite through `make test`.")
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        pytest.skip("The worker needs a database server: run the suite through `make test`.")
    db = settings.DATABASES["default"]
    procs = []

    def start(env=None, args=()):
        full_env = dict(os.environ)
        full_env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
        full_env["DEBUG"] = "1"
        full_env["CELERY_QUEUE"] = TEST_QUEUE
        full_env.update(env or {})
        hostname = f"test-worker-{os.getpid()}-{len(procs)}@localhost"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "zhashui_rd",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=WARNING",
                "-n",
                hostname,
                *args,
            ],
            cwd=ROOT,
            env=full_env,
        )
        procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if celery_app.control.ping(destination=[hostname], timeout=1):
                return proc
            if proc.poll() is not None:
                pytest.fail("The Celery worker exited at start-up.")
        pytest.fail("The Celery worker did not answer a ping within 60 s.")

    try:
        yield start
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def celery_worker_process(celery_worker_factory):
    """One real Celery worker process on the test database (see celery_worker_factory)."""
    return celery_worker_factory()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed: run the suite through `make test`.")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's async-safety guard has nothing to protect here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        watch_csp(browser)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    """A page on a 375×667 phone viewport, as a citizen in WeChat sees it."""
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    yield page
    context.close()


# --- Content-Security-Policy in the browser tests (issue #10) ---
# Every page the browser tests open runs under the site's policy, and a test fails when the
# browser refused anything on its pages: an inline script, style or handler that slipped into a
# template would otherwise only leave a line in a console nobody reads, and a page that looks
# broken on a citizen's phone. Every context made from the ``browser`` fixture is watched.
CSP_VIOLATIONS: list[str] = []


def _csp_message(text: str) -> None:
    if "Content Security Policy" in text or "Content-Security-Policy" in text:
        CSP_VIOLATIONS.append(text)


def watch_csp(browser) -> None:
    """Record every console message and page error about the policy, in every context."""
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", lambda message: _csp_message(message.text))
        context.on("weberror", lambda error: _csp_message(str(error.error)))
        return context

    browser.new_context = watched_context


def fail_on_csp_violations() -> None:
    """Fail the test if the browser refused anything since the last call."""
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    if found:
        pytest.fail("The Content-Security-Policy refused:\n" + "\n".join(found))


@pytest.fixture(autouse=True)
def _no_csp_violation():
    """At teardown (after the test's own pages are closed): no refusal was recorded."""
    CSP_VIOLATIONS.clear()
    yield
    fail_on_csp_violations()
