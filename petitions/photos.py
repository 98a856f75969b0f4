"""Citizens' photos: checked by decoding, never by extension; re-encoded without metadata.

A photo is accepted only if Pillow decodes it as JPEG, PNG or WebP within the size and
pixel limits. It is then turned upright (EXIF orientation), shrunk to at most 2,048 px,
and re-encoded as a fresh JPEG that carries no EXIF, GPS, XMP or ICC data at all.
"""

import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from petitions.models import PetitionPhoto

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; the message says why, in the user's language."""


# Set once for the whole process (changing them per call would not be thread-safe):
# Pillow refuses images above twice this many pixels, and warns above it; the warning is
# turned into an error so that anything above the limit is refused.
Image.MAX_IMAGE_PIXELS = settings.PETITION_PHOTO_MAX_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)


def photo_too_big_message() -> str:
    return _("Each photo may be at most %(mb)d MB.") % {
        "mb": settings.PETITION_PHOTO_MAX_BYTES // (1024 * 1024)
    }


def clean_photo(data: bytes) -> bytes:
    """Validate ``data`` and return the re-encoded JPEG bytes, or raise PhotoRejected."""
    if len(data) > settings.PETITION_PHOTO_MAX_BYTES:
        raise PhotoRejected(photo_too_big_message())
    too_large = PhotoRejected(_("This image is too large to process."))
    try:
        image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
        if image.format not in ALLOWED_FORMATS:
            raise PhotoRejected(_("Only JPEG, PNG or WebP photos are accepted."))
        # Checked here too, whatever the process-wide setting says.
        if image.width * image.height > settings.PETITION_PHOTO_MAX_PIXELS:
            raise too_large
        if image.format == "JPEG":
            # Decode at a reduced scale when the photo is far bigger than we keep.
            side = settings.PETITION_PHOTO_MAX_SIDE
            image.draft("RGB", (side, side))
        image.load()
        image = ImageOps.exif_transpose(image)
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise PhotoRejected(_("Only JPEG, PNG or WebP photos are accepted.")) from None
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((settings.PETITION_PHOTO_MAX_SIDE, settings.PETITION_PHOTO_MAX_SIDE))
    out = io.BytesIO()
    # A new image object carries no info dict: no exif, no icc_profile, no xmp.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


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
