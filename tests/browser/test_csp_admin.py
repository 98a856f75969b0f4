"""The administration under the Content-Security-Policy, in a browser (issue #10): a superuser
opens every admin list, change page and add page of a world with concerns at each step, and
the browser refuses nothing (tests/conftest.py fails the test on any refusal). Django's own
admin scripts (autocomplete, date pickers, inlines, collapse) run here: a script that writes
inline styles as HTML, rather than through element.style, would be caught."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch
from django_celery_beat.models import CrontabSchedule

from tests.base import make_user
from tests.browser.steps import sign_in
from tests.helpers import admin_url
from tests.test_phones import _admin_urls, world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser]


def _add_urls():
    urls = []
    for model in admin.site._registry:
        try:
            urls.append(admin_url(model, "add"))
        except NoReverseMatch:
            continue
    return urls


def test_every_admin_page_runs_under_the_policy(live_server, browser, world):  # noqa: F811
    root = make_user("root", staff=True, superuser=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        page = sign_in(context, live_server, root)
        urls = _admin_urls() + _add_urls()
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status in (200, 403), url
        # The periodic-task form's script (static/js/periodic-task.js) ran: the crontab's
        # "translation" row is hidden, as django_celery_beat's inline script did.
        # One schedule of its own: an earlier live-server test's flush removed the migrations'.
        crontab = CrontabSchedule.objects.create(minute="0", hour="2", day_of_month="1")
        page.goto(live_server.url + admin_url("django_celery_beat.PeriodicTask", "add"))
        assert page.locator(".field-crontab_translation").count() == 1
        assert page.locator(".field-crontab_translation").is_hidden()
        # … and choosing a schedule shows it in words under the field.
        help_text = page.locator(".field-crontab .help")
        before = help_text.inner_text()
        page.select_option("#id_crontab", value=str(crontab.pk))
        assert help_text.inner_text() != before
        assert help_text.inner_text().startswith(before.strip())
    finally:
        context.close()
    assert len(urls) > 50
