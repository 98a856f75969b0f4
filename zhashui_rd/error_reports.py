"""Error mails to ADMINS (and DEBUG pages) without the citizens' data they would carry.

Django's reporter hides only the POST fields a view marks as sensitive and settings whose
names look secret. A concern form posts a citizen's text, name and mobile; a tracking link
carries its secret in the path; any frame's local variables may hold a petition. So every
POST value, every cookie, every frame's variables are hidden here, and what is left (the
URL, the headers, the traceback's lines) goes through the same redaction as the logs.
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from zhashui_rd.logredact import redact


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """DEFAULT_EXCEPTION_REPORTER_FILTER: hides every POST value and every frame variable."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        # The names stay, to show the shape of the failure; no value can carry personal data.
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)


class PrivateExceptionReporter(ExceptionReporter):
    """The reporter of the mail_admins handler: its text and HTML pass through redact()."""

    def get_traceback_text(self):
        return redact(super().get_traceback_text())

    def get_traceback_html(self):
        return redact(super().get_traceback_html())
