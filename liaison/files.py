"""Private files (citizens' photos, result attachments, evidence, year-end reports) are
never on a public media URL: a view checks access, then answers with this response.

Behind nginx (``PRIVATE_FILES_X_ACCEL``) the response is empty and names the file in
``X-Accel-Redirect``; nginx then sends it from its ``internal`` location (deploy/nginx/), so
a gunicorn worker is not tied up streaming a 10 MB photo to a phone on a weak connection.
The access check is the same either way: only the view decides, nginx never serves that
location to a client directly.
"""

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def private_file_response(
    file, *, content_type=None, filename: str = "", as_attachment: bool = False
) -> HttpResponse:
    """Serve ``file`` (a model's file field) after the caller's access check; 404 when it is
    missing from storage. Personal data: never kept by shared caches."""
    if settings.PRIVATE_FILES_X_ACCEL:
        response = _x_accel_response(
            file, content_type=content_type, filename=filename, as_attachment=as_attachment
        )
    else:
        try:
            handle = file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(
            handle, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
    response["Cache-Control"] = "private, no-store"
    # A file is no page: the Content-Security-Policy is for our HTML. On a photo opened on
    # its own, Chromium's built-in image viewer styles itself inline and the policy would
    # report it as refused; the file's type is fixed (nosniff) and it runs nothing.
    response._csp_exempt = True
    return response


def _x_accel_response(file, *, content_type, filename, as_attachment) -> HttpResponse:
    """The same headers as FileResponse would send (type, disposition), no body."""
    if not file or not file.storage.exists(file.name):
        raise Http404
    name = filename or posixpath.basename(file.name)
    if content_type is None:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(content_type=content_type)
    disposition = content_disposition_header(as_attachment, name)
    if disposition:
        response["Content-Disposition"] = disposition
    prefix = settings.PRIVATE_FILES_X_ACCEL_PREFIX.rstrip("/")
    response["X-Accel-Redirect"] = f"{prefix}/{quote(file.name, safe='/')}"
    return response
