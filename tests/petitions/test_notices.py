"""In-app notices (issue #3, item 11): the header badge and the list, for representatives,
units and staff alike; marking them read is a POST. Issue 13: a notice carries the tracking
number, the action and a link, never the concern's text; a notice whose concern has left the
user's hands says so in words, on the list and on its own page, instead of leading to a 404."""

import re
import smtplib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petitions import notifications, tasks, workflow
from petitions.models import Notification, Petition
from tests.base import make_county_staff, make_user, make_world, receive, to_step
from tests.helpers import page_text, tags, tr

pytestmark = pytest.mark.django_db

ROWS = [1, 50]
SESSION_AND_USER = 2
# Who the user is (liaison.roles.roles_for: a unit member's staff scope, representative and
# units), asked once a request: it says which concerns are theirs and draws the header's menu.
UNIT_ROLES = 3
NOTICES_QUERIES = SESSION_AND_USER + UNIT_ROLES + 2 + 1  # the count and the page; the badge


def _notice(user, petition=None, subject="有新的群众诉求", read=False):
    return Notification.objects.create(
        recipient=user,
        petition=petition,
        subject=subject,
        read_at=timezone.now() if read else None,
        email_status=Notification.EmailStatus.NONE,
    )


def _badge(response):
    """The number on the header's notices link, or None when it shows no badge."""
    link = re.search(
        rf'<a[^>]*href="{re.escape(reverse("petitions:notices"))}"[^>]*>(.*?)</a>',
        response.content.decode(),
        re.S,
    )
    assert link, "the header links to the notices"
    badge = re.search(r'<span class="badge[^"]*"[^>]*>\s*(\d+)\s*</span>', link.group(1))
    return int(badge.group(1)) if badge else None


@pytest.fixture
def world():
    return make_world()


def test_it_lists_the_users_notices_newest_first_with_unread_ones_marked(client, world):
    petition, _ = receive(world)
    to_step(world, petition, "assigned")  # the unit's to see, and so to link to
    Notification.objects.filter(recipient=world.unit_user).delete()
    old = _notice(world.unit_user, subject="较早的通知", read=True)
    new = _notice(world.unit_user, petition, subject="最新的通知")
    _notice(world.county, subject="别人的通知")
    client.force_login(world.unit_user)
    response = client.get(reverse("petitions:notices"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [new, old]
    text = page_text(response)
    assert "别人的通知" not in text
    unread = [li for li in tags(response, "li") if "notice-unread" in (li.get("class") or "")]
    assert len(unread) == 1
    hrefs = [a["href"] for a in tags(response, "a")]
    assert reverse("petitions:work_detail", args=[petition.pk]) in hrefs


def test_it_pages_the_notices_thirty_at_a_time(client):
    user = make_user()
    for index in range(31):
        _notice(user, subject=f"通知{index}")
    client.force_login(user)
    first = client.get(reverse("petitions:notices"))
    assert len(first.context["page"].object_list) == 30
    second = client.get(reverse("petitions:notices"), {"page": 2})
    assert [n.subject for n in second.context["page"].object_list] == ["通知0"]


def test_the_workflow_notices_reach_each_kind_of_user(client, world):
    """A received concern tells its representative; an assignment tells the unit."""
    petition, _ = receive(world)
    to_step(world, petition, "assigned")
    for user in (world.rep_a_user, world.unit_user):
        client.force_login(user)
        response = client.get(reverse("petitions:notices"))
        assert any(n.petition_id == petition.pk for n in response.context["page"].object_list)


def test_the_header_shows_the_unread_count_on_every_work_page(client, world):
    petition, _ = receive(world)
    to_step(world, petition, "assigned")
    _notice(world.unit_user)
    expected = Notification.objects.filter(recipient=world.unit_user, read_at=None).count()
    assert expected >= 2
    client.force_login(world.unit_user)
    for url in (
        reverse("petitions:unit_list"),
        reverse("petitions:work_detail", args=[petition.pk]),
        reverse("liaison:my_page"),  # a unit member is sent on to their queue
    ):
        response = client.get(url, follow=True)
        assert _badge(response) == expected
        hrefs = [a["href"] for a in tags(response, "a")]
        assert reverse("petitions:work_home") in hrefs


def test_marking_all_read_is_a_post_and_touches_only_the_users_notices(client, world):
    _notice(world.unit_user)
    others = _notice(world.county)
    client.force_login(world.unit_user)
    url = reverse("petitions:notices_mark_read")
    assert client.get(url).status_code == 405
    assert Notification.objects.filter(recipient=world.unit_user, read_at=None).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:notices")
    assert not Notification.objects.filter(recipient=world.unit_user, read_at=None).exists()
    others.refresh_from_db()
    assert others.read_at is None
    page = client.get(reverse("petitions:notices"))
    assert _badge(page) is None
    assert tr("All notices marked as read.") in page_text(page)
    assert tr("Mark all as read") not in page_text(page)


def test_it_says_so_when_there_are_no_notices(client):
    # Congress staff: a user who is nobody (no scope, no unit) gets no notices, and their
    # menu offers none.
    client.force_login(make_county_staff())
    response = client.get(reverse("petitions:notices"))
    assert tr("No notices yet.") in page_text(response)
    assert _badge(response) is None


def test_it_asks_an_anonymous_visitor_to_sign_in(client):
    for response in (
        client.get(reverse("petitions:notices")),
        client.post(reverse("petitions:notices_mark_read")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_admin_pays_no_query_for_the_badge(admin_client):
    """The count is lazy: pages that do not show the badge never run it."""
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(reverse("admin:index")).status_code == 200
    assert captured.captured_queries
    assert not any("petitions_notification" in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("rows", ROWS)
def test_it_renders_the_notices_in_constant_queries(client, world, django_assert_num_queries, rows):
    petition, _ = receive(world)
    Notification.objects.filter(recipient=world.unit_user).delete()
    for index in range(rows):
        _notice(world.unit_user, petition if index % 2 else None, read=index % 3 == 0)
    client.force_login(world.unit_user)
    with django_assert_num_queries(NOTICES_QUERIES):
        response = client.get(reverse("petitions:notices"))
    assert len(response.context["page"].object_list) == min(rows, 30)


def test_a_notices_email_goes_out_once_its_transaction_commits(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.rep_a_user.email = "rep-a@example.cn"
    world.rep_a_user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        petition, _ = receive(world)
        notice = Notification.objects.get(petition=petition, recipient=world.rep_a_user)
        assert notice.email_status == Notification.EmailStatus.PENDING
        assert mailoutbox == []  # nothing leaves before the commit
    notice.refresh_from_db()
    assert notice.email_status == Notification.EmailStatus.SENT
    assert [m.to for m in mailoutbox] == [["rep-a@example.cn"]]


def test_with_the_broker_down_a_notice_waits_for_the_sweep(
    world, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    """The SQLite side of tests/integration/test_redis_outage.py."""
    world.rep_a_user.email = "rep-a@example.cn"
    world.rep_a_user.save(update_fields=["email"])
    delay = tasks.send_notification_email.delay

    def broker_down(pk):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.send_notification_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        petition, _ = receive(world)
    notice = Notification.objects.get(petition=petition, recipient=world.rep_a_user)
    assert notice.email_status == Notification.EmailStatus.PENDING
    assert mailoutbox == []

    monkeypatch.setattr(tasks.send_notification_email, "delay", delay)
    assert notifications.notifications_retry_pending(older_than_seconds=0) >= 1
    notice.refresh_from_db()
    assert notice.email_status == Notification.EmailStatus.SENT
    assert [m.to for m in mailoutbox] == [["rep-a@example.cn"]]


def _pending_email(world) -> Notification:
    world.rep_a_user.email = "rep-a@example.cn"
    world.rep_a_user.save(update_fields=["email"])
    return Notification.objects.create(
        recipient=world.rep_a_user, subject="ZS-2026-000001", email_status="pending"
    )


def _try_to_send(notice, times):
    for _ in range(times):
        with pytest.raises(OSError):
            notifications.notification_send_email(notification_id=notice.pk)
    notice.refresh_from_db()


def test_with_the_mail_server_down_an_email_stays_pending_however_many_tries(world, monkeypatch):
    """Issue 10: an SMTP outage outlasting the task's retries leaves the e-mail to the sweep,
    never "failed" (tests/integration/test_smtp_down.py, on the real worker)."""
    notice = _pending_email(world)

    def server_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(notifications, "send_mail", server_down)
    _try_to_send(notice, notifications.MAX_EMAIL_ATTEMPTS + 2)
    assert notice.email_status == Notification.EmailStatus.PENDING
    assert notice.email_attempts == notifications.MAX_EMAIL_ATTEMPTS + 2
    assert notifications.notifications_retry_pending(older_than_seconds=0) == 1


def test_an_email_the_server_refuses_fails_after_the_last_try(world, monkeypatch):
    notice = _pending_email(world)

    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"rep-a@example.cn": (550, b"No such user")})

    monkeypatch.setattr(notifications, "send_mail", refused)
    _try_to_send(notice, notifications.MAX_EMAIL_ATTEMPTS - 1)
    assert notice.email_status == Notification.EmailStatus.PENDING
    _try_to_send(notice, 1)
    assert notice.email_status == Notification.EmailStatus.FAILED
    assert notifications.notifications_retry_pending(older_than_seconds=0) == 0


@pytest.mark.parametrize(
    "error, transient",
    [
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPDataError(451, b"try again later"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.cn": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.cn": (550, b"no such user")}), False),
        (smtplib.SMTPAuthenticationError(535, b"bad password"), False),
        (smtplib.SMTPSenderRefused(553, b"not allowed", "noreply@example.cn"), False),
    ],
)
def test_only_an_unreachable_server_or_a_try_later_answer_is_transient(error, transient):
    assert notifications.email_error_is_transient(error) is transient


# --- what a notice holds (issue 13) -------------------------------------------------------------

CONCERN_TEXT = "独有的诉求内容：村东头的桥栏杆断了"
RESULT_TEXT = "独有的办理结果：栏杆已焊好"
CITIZEN_PHONE = "13700001111"
NOTE = f"独有的备注：请回电 {CITIZEN_PHONE}"


def _every_kind_of_notice(world):
    """One concern driven through every change that sends notices, with its text, result and
    notes each unmistakable; at the end it is with the unit again, reopened."""
    petition, _ = receive(
        world, text=CONCERN_TEXT, citizen_name="张三", citizen_phone=CITIZEN_PHONE
    )
    to_step(world, petition, "assigned")
    workflow.petition_return(petition=petition, actor=world.unit_user, reason=NOTE)
    petition.refresh_from_db()
    workflow.petition_assign(petition=petition, actor=world.county, unit=world.unit, note=NOTE)
    petition.refresh_from_db()
    workflow.petition_remind(petition=petition, actor=world.county, note=NOTE)
    workflow.petition_accept(petition=petition, actor=world.unit_user)
    petition.refresh_from_db()
    workflow.petition_report(
        petition=petition,
        actor=world.unit_user,
        result=RESULT_TEXT,
        outcome=Petition.Outcome.SOLVED,
    )
    petition.refresh_from_db()
    workflow.petition_survey(petition=petition, rating="unsatisfied", comment=NOTE)
    petition.refresh_from_db()
    petition.warning = Petition.Warning.YELLOW
    notifications.petition_warning(petition)
    return petition


def test_no_notice_and_no_email_carries_the_concerns_text(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    for user in (world.rep_a_user, world.town_staff_a, world.county, world.unit_user):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        petition = _every_kind_of_notice(world)
    notices = list(Notification.objects.filter(petition=petition))
    kinds = {re.sub(r"[\d-]+", "#", n.subject.replace(petition.tracking_no, "")) for n in notices}
    assert len(kinds) == 7, "received, assigned, returned, reminded, reported, reopened, warned"
    assert mailoutbox
    for words in (CONCERN_TEXT, RESULT_TEXT, NOTE, CITIZEN_PHONE, "张三"):
        for n in notices:
            assert words not in n.subject + n.body
        for mail in mailoutbox:
            assert words not in mail.subject + mail.body
    for n in notices:
        assert petition.tracking_no in n.subject
    for mail in mailoutbox:
        assert petition.tracking_no in mail.subject


def test_a_notices_email_links_to_the_notices_own_page(
    world, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://rd.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        petition, _ = receive(world)
        to_step(world, petition, "assigned")
    notice = Notification.objects.get(petition=petition, recipient=world.unit_user)
    (mail,) = [m for m in mailoutbox if m.to == [world.unit_user.email]]
    url = "https://rd.example.cn" + reverse("petitions:notice", args=[notice.pk])
    assert url in mail.body
    assert notice.subject in mail.body


def test_the_list_never_shows_what_an_old_notice_holds(client, world):
    """Notices written before issue 13 held the concern's text: the list leaves it out."""
    petition, _ = receive(world, text=CONCERN_TEXT)
    to_step(world, petition, "assigned")
    Notification.objects.filter(recipient=world.unit_user).update(body=CONCERN_TEXT)
    client.force_login(world.unit_user)
    response = client.get(reverse("petitions:notices"))
    assert response.context["page"].object_list
    assert CONCERN_TEXT not in response.content.decode()


def _returned_and_reassigned(world):
    """ZS-2026-000040 in the demo: the unit returns an assignment, another unit gets it."""
    petition, _ = receive(world, text=CONCERN_TEXT)
    to_step(world, petition, "assigned")
    workflow.petition_return(petition=petition, actor=world.unit_user, reason="不属于本单位职责")
    petition.refresh_from_db()
    workflow.petition_assign(petition=petition, actor=world.county, unit=world.other_unit)
    return petition


def test_a_unit_reads_in_words_that_a_concern_it_returned_is_no_longer_its(client, world):
    petition = _returned_and_reassigned(world)
    notice = Notification.objects.get(petition=petition, recipient=world.unit_user)
    client.force_login(world.unit_user)
    work_url = reverse("petitions:work_detail", args=[petition.pk])
    assert client.get(work_url).status_code == 404  # the concern itself stays out of reach

    listing = client.get(reverse("petitions:notices"))
    assert notice.subject in page_text(listing)
    assert tr("This concern is no longer within your remit.") in page_text(listing)
    assert work_url not in [a["href"] for a in tags(listing, "a")]
    assert CONCERN_TEXT not in listing.content.decode()

    page = client.get(reverse("petitions:notice", args=[notice.pk]))
    assert page.status_code == 200
    assert notice.subject in page_text(page)
    assert tr("This concern is no longer within your remit.") in page_text(page)
    assert CONCERN_TEXT not in page.content.decode()


def test_a_notices_page_leads_on_to_its_concern_while_the_user_may_see_it(client, world):
    petition = _returned_and_reassigned(world)
    notice = Notification.objects.filter(petition=petition, recipient=world.other_unit_user).get()
    client.force_login(world.other_unit_user)
    response = client.get(reverse("petitions:notice", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:work_detail", args=[petition.pk])
    listing = client.get(reverse("petitions:notices"))
    assert reverse("petitions:work_detail", args=[petition.pk]) in [
        a["href"] for a in tags(listing, "a")
    ]
    assert tr("This concern is no longer within your remit.") not in page_text(listing)


def test_a_notice_without_a_concern_opens_as_itself(client, world):
    notice = _notice(world.unit_user, subject="系统维护通知")
    client.force_login(world.unit_user)
    response = client.get(reverse("petitions:notice", args=[notice.pk]))
    assert response.status_code == 200
    assert "系统维护通知" in page_text(response)
    assert tr("This concern is no longer within your remit.") not in page_text(response)


def test_a_notices_page_is_its_recipients_alone(client, world):
    notice = _notice(world.unit_user, subject="交通运输局的通知")
    client.force_login(world.other_unit_user)
    assert client.get(reverse("petitions:notice", args=[notice.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("petitions:notice", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
