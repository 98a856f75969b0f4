"""SMS to a citizen who left a mobile and consented (issue 9, item 6): the three messages,
the outbox (retries, the sweep, the daily cap, one of each kind), and the backends."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from petitions import tasks, workflow
from petitions.models import Petition, Sms
from petitions.sms import backends, outbox
from tests.petitions.citizen_helpers import drive_to_reported, rep_at_one_station, rep_url, submit
from zhashui_rd.celery import app as celery_app

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.SMS_BACKEND = "locmem"
    settings.SMS_SIGN_NAME = "柞水人大"
    settings.SMS_TEMPLATE_RECEIVED = "SMS_100001"
    settings.SMS_TEMPLATE_REPORTED = "SMS_100002"
    settings.SMS_TEMPLATE_REMINDER = "SMS_100003"
    settings.SMS_DAILY_CAP_PER_NUMBER = 5
    backends.outbox.clear()
    backends.failures = 0
    yield backends.outbox
    backends.outbox.clear()
    backends.failures = 0


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post(client, on_commit, rep=None, **overrides):
    rep = rep or rep_at_one_station()[0]
    overrides.setdefault("mobile", MOBILE)
    overrides.setdefault("name", "王小明")
    with on_commit():
        response, petition, token = submit(client, rep_url(rep), **overrides)
    return response, petition, token


def report(petition, on_commit):
    with on_commit():
        return drive_to_reported(petition)


def remind(on_commit, *, days):
    with on_commit():
        return outbox.sms_remind_to_rate(now=timezone.now() + timedelta(days=days))


def test_a_concern_with_a_mobile_and_consent_gets_the_three_sms_in_order(client, on_commit):
    response, petition, token = post(client, on_commit)
    assert response.status_code == 200 and petition is not None
    petition = report(petition, on_commit)
    assert remind(on_commit, days=2) == 0, "not before three days"
    assert remind(on_commit, days=3.01) == 1
    assert remind(on_commit, days=4) == 0, "one reminder only"

    sent = backends.outbox
    assert [s.template for s in sent] == ["SMS_100001", "SMS_100002", "SMS_100003"]
    assert {s.phone for s in sent} == {MOBILE}
    assert {s.sign_name for s in sent} == {"柞水人大"}
    link = f"t/{token}"
    assert [s.params for s in sent] == [{"no": petition.tracking_no, "link": link}] * 3
    assert len(link) <= 35, "Alibaba's limit for one variable"
    # The link leads to the tracking page, which carries the rating form once reported.
    page = client.get("/" + link, follow=True)
    assert page.redirect_chain == [(reverse("petitions:track", args=[token]), 301)]
    assert reverse("petitions:track_survey", args=[token]) in page.content.decode()
    # Never the concern's text, its result, or anyone's name.
    rendered = " ".join(
        backends.render(t, s.params)
        for t, s in zip(outbox.TEMPLATE_SETTINGS.values(), sent, strict=True)
    )
    for secret in ("王小明", "积水", "路面已修复", petition.representative.name):
        assert secret not in rendered
    assert list(
        Sms.objects.filter(petition=petition).order_by("pk").values_list("kind", "status")
    ) == [("received", "sent"), ("reported", "sent"), ("reminder", "sent")]
    assert not Sms.objects.filter(phone_digest__contains=MOBILE).exists()


def test_the_beat_tasks_remind_and_sweep(client, on_commit):
    _response, petition, _token = post(client, on_commit)
    petition = report(petition, on_commit)
    Petition.objects.filter(pk=petition.pk).update(
        reported_at=timezone.now() - timedelta(days=3, minutes=1)
    )
    with on_commit():
        assert tasks.remind_citizens_to_rate.delay().get() == 1
        assert tasks.retry_pending_sms.delay().get() == 0
    assert [s.template for s in backends.outbox] == ["SMS_100001", "SMS_100002", "SMS_100003"]


def test_no_reminder_once_the_result_is_rated(client, on_commit):
    _response, petition, _token = post(client, on_commit)
    petition = report(petition, on_commit)
    with on_commit():
        workflow.petition_survey(petition=petition, rating="satisfied")
    assert remind(on_commit, days=5) == 0
    assert [s.template for s in backends.outbox] == ["SMS_100001", "SMS_100002"]


def test_no_sms_from_a_form_without_a_mobile(client, on_commit):
    response, petition, _token = post(client, on_commit, mobile="")
    assert response.status_code == 200
    report(petition, on_commit)
    remind(on_commit, days=5)
    assert backends.outbox == []
    assert not Sms.objects.exists()


@pytest.mark.parametrize(
    ("phone", "consent"),
    [(MOBILE, False), ("02988888888", True), ("", True)],
    ids=["no consent", "landline", "no number"],
)
def test_no_sms_without_a_mobile_and_consent(on_commit, phone, consent):
    """The citizen's form insists on consent with a number and takes mobiles only; a
    concern recorded by staff (a call, a letter) may have either without the other."""
    from petitions import services  # the service directly, as staff intake calls it

    rep, station = rep_at_one_station()
    with on_commit():
        petition, _token, _ = services.petition_receive(
            channel=Petition.Channel.PHONE,
            text="电话反映：路灯不亮。",
            representative=rep,
            station=station,
            citizen_phone=phone,
            consent=consent,
        )
        drive_to_reported(petition)
    remind(on_commit, days=5)
    assert backends.outbox == []
    assert not Sms.objects.exists()


@pytest.fixture
def celery_retries():
    """Tasks run in process here; let a task's retries run too, as a worker would (with
    errors propagating, Celery stops at the first retry: see the next test)."""
    before = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = before


def test_sms_backoff_doubles():
    assert [tasks.sms_backoff(n) for n in range(4)] == [60, 120, 240, 480]


def test_a_provider_error_is_retried_and_never_shows_to_the_citizen(
    client, on_commit, caplog, celery_retries
):
    backends.failures = 2
    with caplog.at_level(logging.INFO):
        response, petition, token = post(client, on_commit)
    assert response.status_code == 200 and token
    assert len(backends.outbox) == 1
    sms = Sms.objects.get(petition=petition)
    assert (sms.status, sms.attempts, sms.error) == ("sent", 3, "")
    assert MOBILE not in caplog.text and "138****5678" in caplog.text


def test_a_provider_error_without_a_worker_waits_for_the_sweep(client, on_commit):
    backends.failures = 1
    response, petition, token = post(client, on_commit)
    assert response.status_code == 200 and token
    sms = Sms.objects.get(petition=petition)
    assert (sms.status, sms.attempts) == ("pending", 1)
    with on_commit():
        assert outbox.sms_retry_pending(older_than_seconds=0) == 1
    assert Sms.objects.get(petition=petition).status == "sent"
    assert len(backends.outbox) == 1


def test_a_provider_down_for_good_gives_up_after_five_tries(client, on_commit, celery_retries):
    backends.failures = 100
    response, petition, _token = post(client, on_commit)
    assert response.status_code == 200 and petition is not None
    sms = Sms.objects.get(petition=petition)
    assert (sms.status, sms.attempts) == ("failed", outbox.MAX_SMS_ATTEMPTS)
    assert "locmem failure" in sms.error
    with on_commit():
        assert outbox.sms_retry_pending(older_than_seconds=0) == 0
    assert backends.outbox == []


def test_the_sweep_sends_what_the_broker_never_took(client, on_commit):
    # No on_commit here: as if the broker had been down when the concern came in.
    response, petition, _token = submit(client, rep_url(rep_at_one_station()[0]), mobile=MOBILE)
    assert response.status_code == 200
    assert Sms.objects.get(petition=petition).status == "pending"
    with on_commit():
        assert outbox.sms_retry_pending() == 0, "younger rows are left to their task"
        assert outbox.sms_retry_pending(older_than_seconds=0) == 1
    assert Sms.objects.get(petition=petition).status == "sent"
    assert len(backends.outbox) == 1


def test_the_daily_cap_per_number(client, on_commit, settings):
    settings.SMS_DAILY_CAP_PER_NUMBER = 2
    rep = rep_at_one_station()[0]
    petitions = [post(client, on_commit, rep=rep)[1] for _ in range(3)]
    other = post(client, on_commit, rep=rep, mobile="13900001111")[1]
    assert [Sms.objects.get(petition=p).status for p in petitions] == ["sent", "sent", "capped"]
    assert Sms.objects.get(petition=other).status == "sent"
    assert len(backends.outbox) == 3
    with on_commit():
        assert outbox.sms_retry_pending(older_than_seconds=0) == 0, "a capped one is not retried"


def test_at_most_one_of_each_kind_per_concern(client, on_commit):
    _response, petition, _token = post(client, on_commit)
    with on_commit():
        assert outbox.sms_queue(petition=petition, kind=Sms.Kind.RECEIVED) is None
    petition = report(petition, on_commit)
    with on_commit():
        workflow.petition_survey(petition=petition, rating="unsatisfied")
        petition.refresh_from_db()
        member = petition.unit.members.first()
        workflow.petition_report(
            petition=petition, actor=member, result="再次处理。", outcome=Petition.Outcome.SOLVED
        )
    assert Sms.objects.filter(petition=petition, kind="reported").count() == 1
    assert [s.template for s in backends.outbox] == ["SMS_100001", "SMS_100002"]


def test_a_number_erased_before_sending_is_not_texted(client, on_commit):
    _response, petition, _token = submit(client, rep_url(rep_at_one_station()[0]), mobile=MOBILE)
    Petition.objects.filter(pk=petition.pk).update(citizen_phone="")
    with on_commit():
        outbox.sms_retry_pending(older_than_seconds=0)
    assert Sms.objects.get(petition=petition).status == "dropped"
    assert backends.outbox == []


def test_a_concern_without_a_form_key_gets_the_portals_address_and_its_number(on_commit):
    from petitions import services  # the service directly: no form, so no one-time key

    rep, station = rep_at_one_station()
    with on_commit():
        petition, _token, _ = services.petition_receive(
            channel=Petition.Channel.PHONE,
            text="电话反映：路灯不亮。",
            representative=rep,
            station=station,
            citizen_phone=MOBILE,
            consent=True,
        )
    no = petition.tracking_no
    assert backends.outbox[0].params == {"no": no, "link": f"?no={no}"}


def test_the_console_backend_prints_the_number_masked(client, on_commit, settings, capsys):
    settings.SMS_BACKEND = "console"
    _response, petition, token = post(client, on_commit)
    out = capsys.readouterr().out
    assert "138****5678" in out and MOBILE not in out
    assert petition.tracking_no in out and "您反映的问题已受理" in out
    # Nor the link's secret: the console is a log (journald) in production.
    assert token not in out and "/t/…" in out


def test_the_aliyun_backend_builds_the_request(settings):
    from petitions.sms import aliyun  # the SDK is imported only for this backend

    settings.SMS_ACCESS_KEY_ID = "LTAI-test"
    settings.SMS_ACCESS_KEY_SECRET = "secret-test"
    body = mock.Mock(code="OK", message="OK", biz_id="900619746936498440^0")
    with mock.patch.object(aliyun.Client, "send_sms", return_value=mock.Mock(body=body)) as call:
        provider_id = aliyun.AliyunBackend().send(
            phone=MOBILE,
            template_setting="SMS_TEMPLATE_REPORTED",
            params={"no": "ZS-2026-000001", "link": "t/abc/survey/"},
        )
    assert provider_id == "900619746936498440^0"
    (request,), _ = call.call_args
    assert request.phone_numbers == MOBILE
    assert request.sign_name == "柞水人大"
    assert request.template_code == "SMS_100002"
    assert request.template_param == '{"no":"ZS-2026-000001","link":"t/abc/survey/"}'


def test_the_aliyun_backend_raises_on_a_refusal_and_the_outbox_masks_the_number(
    client, on_commit, settings, celery_retries
):
    from petitions.sms import aliyun  # the SDK is imported only for this backend

    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ACCESS_KEY_ID = "LTAI-test"
    settings.SMS_ACCESS_KEY_SECRET = "secret-test"
    body = mock.Mock(code="isv.MOBILE_NUMBER_ILLEGAL", message=f"{MOBILE} invalid", biz_id=None)
    with mock.patch.object(aliyun.Client, "send_sms", return_value=mock.Mock(body=body)) as call:
        response, petition, _token = post(client, on_commit)
    assert response.status_code == 200
    assert call.call_count == outbox.MAX_SMS_ATTEMPTS
    sms = Sms.objects.get(petition=petition)
    assert sms.status == "failed"
    assert sms.error == "isv.MOBILE_NUMBER_ILLEGAL: 138****5678 invalid"


def test_the_beat_schedules_are_shipped():
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"petitions.tasks.retry_pending_sms", "petitions.tasks.remind_citizens_to_rate"} <= tasks
