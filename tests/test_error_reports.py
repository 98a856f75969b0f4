"""Error mails to ADMINS carry no citizen's data: no POST value, no frame variable, no
tracking link, no mobile number (zhashui_rd/error_reports.py, the logging config)."""

import logging
import sys

from django.core import mail
from django.test import RequestFactory
from django.utils.log import AdminEmailHandler

from zhashui_rd.error_reports import PrivateExceptionReporter
from zhashui_rd.logredact import RedactFilter, redact

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWx"
PHONE = "13912345678"
TEXT = "村口的道路破损严重，下雨天积水很深。"


def _error_mail(settings):
    settings.ADMINS = [("IT", "it@zhashui.example.cn")]
    request = RequestFactory().post(
        f"/t/{TOKEN}/survey/?phone={PHONE}",
        {"text": TEXT, "citizen_phone": PHONE},
        HTTP_REFERER=f"https://rd.example.cn/t/{TOKEN}/",
    )
    request.COOKIES["sessionid"] = "s3cr3t-session"
    handler = AdminEmailHandler(
        include_html=False, reporter_class="zhashui_rd.error_reports.PrivateExceptionReporter"
    )
    handler.addFilter(RedactFilter())
    logger = logging.getLogger("tests.error_mail")
    logger.addHandler(handler)
    try:
        petition_text = TEXT  # a frame variable holding the concern  # noqa: F841
        raise ValueError("boom")
    except ValueError:
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
    finally:
        logger.removeHandler(handler)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_an_error_mail_shows_the_failure_but_no_citizens_data(settings):
    message = _error_mail(settings)
    whole = message.subject + message.body
    assert "ValueError" in whole
    assert "/t/…/survey/" in message.subject
    for secret in (TOKEN, PHONE, TEXT, "s3cr3t-session"):
        assert secret not in whole, secret


def test_redact_masks_numbers_and_tracking_links_only():
    assert redact(f"GET /t/{TOKEN}/qr.png from {PHONE}") == "GET /t/…/qr.png from 139****5678"
    # Not a mobile: inside a longer number, or not starting 13–19.
    assert redact("order 2026013912345678 and 12912345678") == (
        "order 2026013912345678 and 12912345678"
    )
    assert redact("/r/SomeRepresentativeToken/") == "/r/SomeRepresentativeToken/"


def test_the_reporter_redacts_its_text(settings):
    request = RequestFactory().get(f"/t/{TOKEN}/")
    try:
        raise ValueError(PHONE)
    except ValueError:
        reporter = PrivateExceptionReporter(request, *sys.exc_info(), is_email=True)
    text = reporter.get_traceback_text()
    assert PHONE not in text and TOKEN not in text


def test_a_malformed_log_call_never_raises_through_the_filter():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s and %s", ("one",), None)
    assert RedactFilter().filter(record) is True
