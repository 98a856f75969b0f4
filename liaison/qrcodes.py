"""Pure QR rendering: a URL in, PNG or SVG bytes out. No database, no request."""

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(url: str) -> qrcode.QRCode:
    # Level M survives a smudge or a crease on a printed card; border 4 is the spec's quiet zone.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_png(url: str, *, box_size: int = 10) -> bytes:
    """The QR code of ``url`` as PNG bytes."""
    code = _qr(url)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as a standalone SVG document."""
    code = _qr(url)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode").encode("utf-8")


def qr_svg_inline(url: str) -> str:
    """The QR code as an ``<svg>`` element to embed in an HTML page (no XML prolog)."""
    svg = qr_svg(url).decode("utf-8")
    return svg[svg.index("<svg") :]
