"""Signals of the petitions app, so that code above a module hears of its events without
that module importing it."""

from django.dispatch import Signal

# Sent after every step change, with ``petition`` (refreshed) and ``action``, inside the
# transition's transaction. Points listen (automatic entries).
petition_step_changed = Signal()

# Sent with ``ids``, the notices whose e-mail is to go out now: by ``notifications.notify``
# once its transaction commits, and by the retry sweep. ``petitions/tasks.py`` listens and
# hands them to Celery (notifications cannot import the tasks that import it).
notice_emails_pending = Signal()
