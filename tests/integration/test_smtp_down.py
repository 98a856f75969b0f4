"""SMTP down (issue #10, §6): a notice's e-mail sent by the real worker to a loopback port
where nothing listens fails, stays pending and is retried by Celery; once a (tiny, real)
SMTP server listens on that port, the next retry delivers it. An outage longer than the
task's retries leaves it pending for the sweep, which delivers it once the server is back.
No notice lost, none sent twice: the server receives exactly one message for each."""

import email
import email.header
import socket
import socketserver
import threading
import time

import pytest

from petitions import notifications, tasks
from petitions.models import Notification
from tests.base import make_world, receive

pytestmark = [pytest.mark.celery_worker]

RETRY_SECONDS = 3


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self._reply("220 test-smtp ESMTP")
        recipients, lines, in_data = [], [], False
        while line := self.rfile.readline():
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.received.append((recipients, b"".join(lines)))
                    recipients, lines, in_data = [], [], False
                    self._reply("250 OK")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self._reply("250 test-smtp")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb in (b"MAIL", b"RSET", b"NOOP"):
                self._reply("250 OK")
            elif verb == b"DATA":
                in_data = True
                self._reply("354 End data with <CR><LF>.<CR><LF>")
            elif verb == b"QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, received: list[tuple[list[str], bytes]]):
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        # (recipients, message) of every message, kept across the server's restarts.
        self.received = received
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.shutdown()
        self.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}.")


def _subject(message: bytes) -> str:
    header = email.message_from_bytes(message)["Subject"]
    return str(email.header.make_header(email.header.decode_header(header)))


def _start_worker(celery_worker_factory, port: int) -> None:
    celery_worker_factory(
        env={
            "DJANGO_SETTINGS_MODULE": "tests.integration.fault_settings",
            "TEST_SMTP_PORT": str(port),
            "TEST_EMAIL_RETRY_SECONDS": str(RETRY_SECONDS),
            # The same, for the settings of issue #10's deploy part (EMAIL_HOST / EMAIL_PORT).
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
    )


def _notice(world) -> Notification:
    petition, _ = receive(world)
    return Notification.objects.select_related("petition").get(
        petition=petition, recipient=world.rep_a_user
    )


def _pending_after(notice: Notification, attempts: int):
    def check():
        notice.refresh_from_db()
        return notice.email_attempts >= attempts and notice.email_status == "pending"

    return check


def test_a_notice_waits_out_an_smtp_outage_and_goes_out_once(celery_worker_factory):
    port = _closed_port()
    _start_worker(celery_worker_factory, port)
    world = make_world()
    world.rep_a_user.email = "rep-a@example.cn"
    world.rep_a_user.save(update_fields=["email"])

    # A short outage: nothing listens, two tries fail, the notice waits (not lost, not
    # failed); a server comes up, and the task's next retry delivers it.
    received: list[tuple[list[str], bytes]] = []
    short = _notice(world)
    _wait(_pending_after(short, 2), 60, "two failed tries")
    assert short.email_sent_at is None
    server = SMTPServer(port, received)
    try:
        _wait(lambda: received, 30, "the retry to deliver")
        time.sleep(1)
    finally:
        server.close()
    short.refresh_from_db()
    assert short.email_status == "sent" and short.email_sent_at is not None

    # A long one: the task's retries are all spent (1 + max_retries tries) and the notice is
    # still pending; once the server is back, the sweep (beat, every 5 minutes) sends it.
    long = _notice(world)
    tries = 1 + tasks.send_notification_email.max_retries
    assert tries > notifications.MAX_EMAIL_ATTEMPTS
    _wait(_pending_after(long, tries), 120, "the retries to be spent")
    time.sleep(RETRY_SECONDS * 2)
    long.refresh_from_db()
    assert (long.email_status, long.email_attempts) == ("pending", tries)
    server = SMTPServer(port, received)
    try:
        assert notifications.notifications_retry_pending(older_than_seconds=0) == 1
        _wait(lambda: len(received) == 2, 30, "the sweep to deliver")
        # Nothing left for the sweep, and no second copy however long we wait for one.
        assert notifications.notifications_retry_pending(older_than_seconds=0) == 0
        time.sleep(RETRY_SECONDS * 2)
    finally:
        server.close()
    assert [recipients for recipients, _ in received] == [["rep-a@example.cn"]] * 2
    subjects = [_subject(message) for _, message in received]
    assert short.petition.tracking_no in subjects[0]
    assert long.petition.tracking_no in subjects[1]
    assert not Notification.objects.filter(email_status="pending").exists()
