"""Loaded into a test worker (``celery worker -I tests.integration.points_kill_hook``): the
first time a year-end totals chunk holding the marker representative starts, the worker
kills itself with SIGKILL, as a lost machine would, before the message is acknowledged.

"First time" is a file: the hook deletes it before dying, so the redelivered chunk runs.
Set POINTS_KILL_FLAG (the file) and POINTS_KILL_REPRESENTATIVE (the marker's id).
"""

import os
import signal

from celery.signals import task_prerun


@task_prerun.connect
def _die_once(sender=None, kwargs=None, **_ignored):
    flag = os.environ.get("POINTS_KILL_FLAG")
    marker = os.environ.get("POINTS_KILL_REPRESENTATIVE")
    if not flag or not marker or sender is None:
        return
    if sender.name != "points.tasks.build_report_chunk":
        return
    if int(marker) not in (kwargs or {}).get("representative_ids", ()):
        return
    try:
        os.unlink(flag)
    except FileNotFoundError:
        return
    os.kill(os.getpid(), signal.SIGKILL)
