"""Private files (citizens' photos, result attachments, evidence, year-end reports) are
never on a public media URL: a view checks access, then answers with this response."""

from django.http import FileResponse, Http404


def private_file_response(
    file, *, content_type=None, filename: str = "", as_attachment: bool = False
) -> FileResponse:
    """Serve ``file`` (a model's file field) after the caller's access check; 404 when it is
    missing from storage. Personal data: never kept by shared caches."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=as_attachment, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response
