"""Photos, at the bottom floor: checked by decoding, never by extension; re-encoded without
metadata; and their thumbnails. Pure: bytes in, bytes out, no model, no request.

A photo is accepted only if Pillow decodes it as JPEG, PNG or WebP within the size and
pixel limits. It is then turned upright (EXIF orientation), shrunk to at most ``max_side``
px, and re-encoded as a fresh JPEG that carries no EXIF, GPS, XMP or ICC data at all (GPS is
sensitive personal information, 个人信息保护法 Art. 28). The citizens' photos
(``petitions/photos.py``) and the representatives' and stations' own (``liaison/forms.py``)
go through the same code.
"""

import io
import warnings

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# A thumbnail's longest side: twice the 96 CSS px the pages show a photo at, for phones
# with a device pixel ratio of 2; about 15–30 KB where the original is 300–600 KB.
THUMBNAIL_SIDE = 320
THUMBNAIL_QUALITY = 75


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; the message says why, in the user's language."""


# Set once for the whole process (changing them per call would not be thread-safe):
# Pillow refuses images above twice this many pixels, and warns above it; the warning is
# turned into an error so that anything above the limit is refused.
Image.MAX_IMAGE_PIXELS = settings.PETITION_PHOTO_MAX_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)


def photo_too_big_message(max_bytes: int) -> str:
    return _("Each photo may be at most %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}


def _decode(data: bytes, *, max_pixels: int, draft_side: int) -> Image.Image:
    too_large = PhotoRejected(_("This image is too large to process."))
    try:
        image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
        if image.format not in ALLOWED_FORMATS:
            raise PhotoRejected(_("Only JPEG, PNG or WebP photos are accepted."))
        # Checked here too, whatever the process-wide setting says.
        if image.width * image.height > max_pixels:
            raise too_large
        if image.format == "JPEG":
            # Decode at a reduced scale when the photo is far bigger than we keep.
            image.draft("RGB", (draft_side, draft_side))
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
    return image


def _encode(image: Image.Image, *, side: int, quality: int) -> bytes:
    image.thumbnail((side, side))
    out = io.BytesIO()
    # A new image object carries no info dict: no exif, no icc_profile, no xmp.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def clean_image(
    data: bytes,
    *,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
    max_side: int | None = None,
) -> bytes:
    """Validate ``data`` and return the re-encoded JPEG bytes, or raise PhotoRejected. The
    limits default to the citizens' (PETITION_PHOTO_*)."""
    max_bytes = max_bytes or settings.PETITION_PHOTO_MAX_BYTES
    max_pixels = max_pixels or settings.PETITION_PHOTO_MAX_PIXELS
    max_side = max_side or settings.PETITION_PHOTO_MAX_SIDE
    if len(data) > max_bytes:
        raise PhotoRejected(photo_too_big_message(max_bytes))
    image = _decode(data, max_pixels=max_pixels, draft_side=max_side)
    return _encode(image, side=max_side, quality=85)


def thumbnail_bytes(data: bytes, *, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small JPEG of a photo already stored re-encoded (or any accepted photo): at most
    ``side`` px on its longest side, no metadata."""
    image = _decode(data, max_pixels=settings.PETITION_PHOTO_MAX_PIXELS, draft_side=side)
    return _encode(image, side=side, quality=THUMBNAIL_QUALITY)
