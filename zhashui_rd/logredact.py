"""What may reach a log line, a log file or an error mail: never a citizen's mobile number
and never a tracking link's secret (个人信息保护法; the link alone opens a concern).

Pure Python, no Django import: deploy/gunicorn.conf.py loads it before Django is set up.
The log filter is the last line of defence; the code itself logs numbers masked
(liaison/privacy.py) and tracking links never, and the suite's log-grep test
(tests/test_log_grep.py) checks both in the logs of every process the tests start.
"""

import logging
import os
import re
import time
from logging.handlers import TimedRotatingFileHandler

# A tracking link's path: /t/<token>/… (petitions/views/citizen.py); the token is the secret.
TRACKING_PATH = re.compile(r"/t/[A-Za-z0-9_-]{8,}")
# A mainland mobile number not inside a longer run of digits (an id, a timestamp).
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def redact(text: str) -> str:
    """``text`` with tracking tokens replaced by ``…`` and mobile numbers masked
    (138****1234, the form liaison/privacy.py shows)."""
    text = TRACKING_PATH.sub("/t/…", text)
    return MOBILE.sub(r"\1****\3", text)


class RedactFilter(logging.Filter):
    """Rewrites every record a handler writes through :func:`redact`, its traceback too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A malformed call (wrong arguments): the handler reports it as logging always
            # does; a filter must never raise into the code that logged.
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # Formatted once here, so the cached text the formatter reuses is the cleaned one.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class SharedTimedRotatingFileHandler(TimedRotatingFileHandler):
    """A daily log file that several processes write at once (gunicorn's workers, a Celery
    worker's children). The stock handler lets each process rotate at midnight and deletes
    a dated file that already exists, i.e. the one the first process just made: here the
    first process to pass midnight rotates and prunes, and the others find the dated file
    and only reopen the fresh one."""

    def __init__(self, filename, *args, **kwargs):
        # A LOG_DIR that is not there yet is made (a first start, a bench's temporary one);
        # one the process may not write still fails at start, saying which.
        os.makedirs(os.path.dirname(os.path.abspath(filename)), exist_ok=True)
        super().__init__(filename, *args, **kwargs)

    def doRollover(self) -> None:
        # China keeps no daylight saving time, so the period start is plain local time.
        period_start = time.localtime(self.rolloverAt - self.interval)
        dated = self.rotation_filename(
            f"{self.baseFilename}.{time.strftime(self.suffix, period_start)}"
        )
        if not os.path.exists(dated):
            super().doRollover()
            return
        if self.stream:
            self.stream.close()
            self.stream = None
        if not self.delay:
            self.stream = self._open()
        self.rolloverAt = self.computeRollover(int(time.time()))
