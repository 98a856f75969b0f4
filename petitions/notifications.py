"""In-app notices and their e-mails. Rows are written in the caller's transaction; on
commit, ``notice_emails_pending`` asks ``petitions/tasks.py`` to enqueue the e-mails. If the
broker is down, the row stays "pending" and the retry sweep (a beat job) sends it later: a
Redis outage delays a notice, never loses it.

A notice says which concern (its tracking number), what happened, and links to it; it never
carries the concern's text, its result, or a note about it. A notice outlives the right to
see its concern (a unit returns an assignment, another unit gets it), and a note may copy a
citizen's name or phone: what a notice holds must be fit for whoever it went to, forever.
Whoever may still see the concern reads the rest on its page.
"""

import smtplib
import socket

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from liaison.models import Representative, StaffScope
from petitions.models import Notification, Petition, Sms
from petitions.signals import notice_emails_pending
from petitions.sms.outbox import sms_queue

MAX_EMAIL_ATTEMPTS = 5


def _staff_users(petition: Petition):
    """Congress staff responsible for a petition: its station's and town's staff, and the
    county staff when nobody closer is set up. Accusations: county staff only."""
    User = get_user_model()
    if petition.is_accusation:
        return _county_staff_users()
    town_ids = {
        t
        for t in (petition.town_id, petition.station.town_id if petition.station_id else None)
        if t
    }
    q = Q(staff_scope__level=StaffScope.Level.TOWN, staff_scope__town_id__in=town_ids)
    if petition.station_id:
        q |= Q(
            staff_scope__level=StaffScope.Level.STATION, staff_scope__station_id=petition.station_id
        )
    users = list(User.objects.filter(q, is_active=True).distinct())
    if not users:
        users = list(
            User.objects.filter(staff_scope__level=StaffScope.Level.COUNTY, is_active=True)
        )
    return users


def _representative_users(petition: Petition):
    rep = petition.representative
    if rep is None or rep.user_id is None or petition.is_accusation:
        return []
    return [rep.user]


def _unit_users(petition: Petition):
    if petition.unit_id is None or petition.unit_id == petition.accused_unit_id:
        return []
    return list(petition.unit.members.filter(is_active=True))


def _accused_user_ids(petition: Petition | None) -> set:
    """The logins an accusation names: its accused unit's members and its accused
    representative. They never hear of it (信访工作条例 Art. 30), whatever else they are:
    county staff, a member of the unit it is assigned to."""
    if petition is None:
        return set()
    ids = set()
    if petition.accused_unit_id:
        ids |= set(
            get_user_model()
            .objects.filter(handling_units=petition.accused_unit_id)
            .values_list("pk", flat=True)
        )
    if petition.accused_representative_id:
        ids |= set(
            Representative.objects.filter(
                pk=petition.accused_representative_id, user__isnull=False
            ).values_list("user_id", flat=True)
        )
    return ids


def notify(*, petition: Petition | None, users, subject: str, actor=None) -> list[Notification]:
    """Write one notice per user (never to the person who acted, never to anyone the
    concern accuses) and have its e-mail enqueued once the transaction commits.
    ``subject``: the tracking number and the action, never the concern's text (see the
    module's docstring)."""
    seen, rows = {actor.pk} if actor is not None else set(), []
    seen |= _accused_user_ids(petition)
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                petition=petition,
                subject=subject[:120],
                email_status=(
                    Notification.EmailStatus.PENDING
                    if user.email
                    else Notification.EmailStatus.NONE
                ),
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.email_status == Notification.EmailStatus.PENDING]
    if ids:
        transaction.on_commit(lambda: _emails_pending(ids))
    return created


def _emails_pending(ids) -> None:
    notice_emails_pending.send(sender=Notification, ids=ids)


def notification_send_email(*, notification_id: int) -> bool:
    """Send one pending e-mail. Idempotent: claims the row first, so two workers never
    send it twice."""
    claimed = Notification.objects.filter(
        pk=notification_id, email_status=Notification.EmailStatus.PENDING
    ).update(
        email_status=Notification.EmailStatus.SENT,
        email_attempts=F("email_attempts") + 1,
        email_sent_at=timezone.now(),
    )
    if not claimed:
        return False
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        send_mail(n.subject, notice_email_body(n), settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
    except Exception as error:
        status = (
            Notification.EmailStatus.FAILED
            if n.email_attempts >= MAX_EMAIL_ATTEMPTS and not email_error_is_transient(error)
            else Notification.EmailStatus.PENDING
        )
        Notification.objects.filter(pk=n.pk).update(email_status=status, email_sent_at=None)
        raise
    return True


def email_error_is_transient(error: Exception) -> bool:
    """The mail server could not be reached, or said "try later" (a 4xx answer): nothing
    wrong with this e-mail, which stays pending however long the outage lasts: once the
    task's retries are spent, the sweep (every 5 minutes) tries again, so an SMTP outage
    delays a notice's e-mail, never loses it. A refusal (5xx: no such recipient, a rejected
    login) counts toward MAX_EMAIL_ATTEMPTS, then "failed"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(
        error, ConnectionError | TimeoutError | socket.gaierror | smtplib.SMTPServerDisconnected
    )


def notice_url(notification: Notification) -> str:
    """The absolute address of a notice's own page: it leads on to the concern, or says the
    concern has left the recipient's hands."""
    return settings.SITE_URL + reverse("petitions:notice", args=[notification.pk])


def notice_email_body(notification: Notification) -> str:
    """A notice's e-mail: its subject and the link to it. Not its ``body``, which notices
    written before the rule of this module's docstring may hold."""
    return _("%(subject)s\n\nSign in to see it: %(url)s") % {
        "subject": notification.subject,
        "url": notice_url(notification),
    }


def notifications_retry_pending(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """The sweep: enqueue e-mails still pending (the broker was down when they were made)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        Notification.objects.filter(
            email_status=Notification.EmailStatus.PENDING, created_at__lte=cutoff
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    _emails_pending(ids)
    return len(ids)


def mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def notices_of(user):
    """A user's notices, none about a concern that accuses them. ``notify`` never writes
    one, but a notice may predate the accusation's being recorded: county staff hear of
    every accusation on receipt, before its collector names whom it accuses (Art. 30)."""
    return (
        Notification.objects.filter(recipient=user)
        .exclude(petition__accused_unit__members=user)
        .exclude(petition__accused_representative__user=user)
    )


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return notices_of(user).filter(read_at__isnull=True).count()


# --- what each change tells whom --------------------------------------------------------------


def _county_staff_users():
    User = get_user_model()
    return list(User.objects.filter(staff_scope__level=StaffScope.Level.COUNTY, is_active=True))


def petition_received(petition: Petition, *, actor=None):
    sms_queue(petition=petition, kind=Sms.Kind.RECEIVED)  # the citizen's, if they consented
    if petition.is_accusation:
        # Confidential: only county staff hear of it, and without its text.
        notify(
            petition=petition,
            actor=actor,
            users=_county_staff_users(),
            subject=_("New confidential accusation %(no)s") % {"no": petition.tracking_no},
        )
        return
    notify(
        petition=petition,
        actor=actor,
        users=_representative_users(petition) + _staff_users(petition),
        subject=_("New concern %(no)s") % {"no": petition.tracking_no},
    )


def petition_assigned(petition: Petition, *, actor=None):
    notify(
        petition=petition,
        actor=actor,
        users=_unit_users(petition),
        subject=_("Concern %(no)s assigned to you, due %(date)s")
        % {"no": petition.tracking_no, "date": petition.deadline},
    )


def petition_returned(petition: Petition, *, reason: str, actor=None):
    """The unit's reason stays in the concern's history (see the module's docstring)."""
    notify(
        petition=petition,
        actor=actor,
        users=_staff_users(petition),
        subject=_("Concern %(no)s returned by the unit") % {"no": petition.tracking_no},
    )


def petition_reminded(petition: Petition, *, note: str, actor=None):
    """The note stays in the concern's history (see the module's docstring)."""
    notify(
        petition=petition,
        actor=actor,
        users=_unit_users(petition),
        subject=_("Reminder: concern %(no)s is due %(date)s")
        % {"no": petition.tracking_no, "date": petition.deadline},
    )


def petition_reported(petition: Petition, *, actor=None):
    sms_queue(petition=petition, kind=Sms.Kind.REPORTED)  # the citizen's, if they consented
    notify(
        petition=petition,
        actor=actor,
        users=_representative_users(petition) + _staff_users(petition),
        subject=_("Result reported for concern %(no)s") % {"no": petition.tracking_no},
    )


def petition_reopened(petition: Petition, *, actor=None):
    notify(
        petition=petition,
        actor=actor,
        users=_unit_users(petition) + _staff_users(petition) + _representative_users(petition),
        subject=_("Citizen unsatisfied: concern %(no)s is back in supervision")
        % {"no": petition.tracking_no},
    )


def petition_warning(petition: Petition, *, actor=None):
    colour = Petition.Warning(petition.warning).label
    notify(
        petition=petition,
        actor=actor,
        users=_unit_users(petition) + _staff_users(petition),
        subject=_("%(colour)s: concern %(no)s, due %(date)s")
        % {"colour": colour, "no": petition.tracking_no, "date": petition.deadline},
    )


def petition_closed_for_citizen(petition: Petition, *, actor=None):
    """Nothing to tell staff; the citizen reads the outcome on the tracking page."""
    return None


def petition_collect_warning(petition: Petition, *, actor=None):
    """The 15-day limit to decide acceptance (``collect_by``) is near or passed: the
    representative and staff who collect it hear of it (accusations: county staff only)."""
    colour = Petition.Warning(petition.warning).label
    notify(
        petition=petition,
        actor=actor,
        users=_representative_users(petition) + _staff_users(petition),
        subject=_("%(colour)s: decide whether to accept concern %(no)s by %(date)s")
        % {"colour": colour, "no": petition.tracking_no, "date": petition.collect_by},
    )


def petition_extension_requested(petition: Petition, *, actor=None):
    """County staff answer a unit's request for more time (the reason stays on the page)."""
    notify(
        petition=petition,
        actor=actor,
        users=_county_staff_users(),
        subject=_("The unit asks for more time on concern %(no)s") % {"no": petition.tracking_no},
    )


def petition_extension_answered(petition: Petition, *, actor=None):
    if petition.extension_status == "approved":
        subject = _("More time granted on concern %(no)s: now due %(date)s") % {
            "no": petition.tracking_no,
            "date": petition.deadline,
        }
    else:
        subject = _("More time refused on concern %(no)s: still due %(date)s") % {
            "no": petition.tracking_no,
            "date": petition.deadline,
        }
    notify(petition=petition, actor=actor, users=_unit_users(petition), subject=subject)


ESCALATION_SUBJECTS = {
    "urge": _lazy("Urged (催办): concern %(no)s is past its deadline"),
    "interview": _lazy("Interview of your head (约谈) about concern %(no)s"),
    "public_notice": _lazy("Public notice (通报) about concern %(no)s"),
    "flag": _lazy("Concern %(no)s flagged for the standing committee (挂牌督办)"),
}


def petition_escalated(petition: Petition, *, action: str, actor=None):
    """督办 of a red card: the unit hears of each step (the note stays on the page)."""
    notify(
        petition=petition,
        actor=actor,
        users=_unit_users(petition),
        subject=str(ESCALATION_SUBJECTS[action]) % {"no": petition.tracking_no},
    )


def calendar_missing_notify(*, year: int) -> list[Notification]:
    """County staff: next year's holidays are not entered (the beat job sends it once)."""
    return notify(
        petition=None,
        users=_county_staff_users(),
        subject=_("Enter the %(year)d holidays: deadlines in %(year)d count weekends only")
        % {"year": year},
    )
