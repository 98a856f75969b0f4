"""Citizens' photos: checked by decoding, never by extension; re-encoded without metadata
(the code is ``liaison/images.py``'s, shared with the representatives' and stations' own
photos); and their thumbnails, which the tracking and work pages show instead of the
2,048 px photos.

A photo is accepted only if Pillow decodes it as JPEG, PNG or WebP within the size and
pixel limits. It is then turned upright (EXIF orientation), shrunk to at most 2,048 px,
and re-encoded as a fresh JPEG that carries no EXIF, GPS, XMP or ICC data at all.
"""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image

from liaison.images import PhotoRejected, clean_image, thumbnail_bytes
from liaison.images import photo_too_big_message as _too_big
from petitions.models import PetitionPhoto, thumbnail_upload_to

__all__ = ["PhotoRejected", "clean_photo", "clean_photo_uploads", "photo_thumbnail", "save_photo"]


def photo_too_big_message() -> str:
    return _too_big(settings.PETITION_PHOTO_MAX_BYTES)


def clean_photo(data: bytes) -> bytes:
    """Validate ``data`` and return the re-encoded JPEG bytes, or raise PhotoRejected."""
    return clean_image(data)


def clean_photo_uploads(form, names, *, oversized=()) -> list[bytes]:
    """The photos of ``form``'s file fields ``names``, checked and re-encoded, for its
    ``clean()``: each refused photo becomes an error on its field, so the whole form is
    invalid before anything is created. ``oversized`` names the fields whose file the upload
    handler already dropped for its size."""
    photos = []
    for name in names:
        upload = form.cleaned_data.get(name)
        if name in oversized or (upload and upload.size > settings.PETITION_PHOTO_MAX_BYTES):
            # Refused before a byte is read into memory.
            form.add_error(name, photo_too_big_message())
            continue
        if not upload:
            continue
        try:
            photos.append(clean_photo(upload.read()))
        except PhotoRejected as error:
            form.add_error(name, str(error))
    return photos


def save_photo(*, petition, data: bytes):
    """Store an already cleaned photo under a random name."""
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
    photo = PetitionPhoto(petition=petition, width=width, height=height)
    photo.image.save("photo.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


def photo_thumbnail(*, photo, source: str = "image"):
    """The thumbnail of ``photo`` (a concern's or a visit's photo, or a result attachment
    that is an image: any model with a ``thumbnail`` file field), made from its ``source``
    file on the first request and kept in the same private storage, behind the same views.
    Lazily, not by a data migration: photos stored before thumbnails existed get theirs the
    first time a page shows them, and a deployment does not wait on decoding every photo.
    Two first requests at once: one name is kept (a conditional update), the other file
    removed."""
    if photo.thumbnail:
        return photo.thumbnail
    original = getattr(photo, source)
    try:
        with original.open("rb") as handle:
            data = thumbnail_bytes(handle.read())
    except (FileNotFoundError, ValueError):
        # Missing from storage (or PhotoRejected, a ValueError, for a file that is no
        # photo): the original answers, and its view says 404 when it is missing.
        return original
    storage = photo.thumbnail.storage
    name = storage.save(thumbnail_upload_to(photo, "thumbnail.jpg"), ContentFile(data))
    model = type(photo)
    if model.objects.filter(pk=photo.pk, thumbnail="").update(thumbnail=name):
        photo.thumbnail.name = name
        return photo.thumbnail
    storage.delete(name)
    photo.thumbnail.name = model.objects.values_list("thumbnail", flat=True).get(pk=photo.pk)
    return photo.thumbnail
