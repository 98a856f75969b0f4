"""The CJK font the report PDFs embed, cut once per process to the characters of GB 2312.

Every PDF embeds a subset of the glyphs it uses. WeasyPrint cuts that subset from the font
file the text was laid out with, keeping each glyph's id; cut from the whole Noto Sans CJK
SC (65,535 glyphs, the CJK ideographs high among them) it takes about a third of a report's
time and leaves tens of thousands of empty glyphs in every file
(bench/points_pdf_profile.py). Cut from this font instead (GB 2312's 7,445 characters, the
ones the law asks official documents to use, with ASCII, Latin-1 and CJK punctuation: about
14,000 glyphs with the layout's alternates), the same reports render faster and weigh less
than half, with the same outlines and metrics. A name with a character outside GB 2312 is
drawn from the whole font, which the stylesheet names next (points/reports/files.py).

The cut is HarfBuzz's (libharfbuzz-subset0, a fifth of a second); fontTools, the only other
subsetter at hand, takes half a minute. Without HarfBuzz's subsetter this module returns
None and the reports are drawn from the whole font, as before.
"""

import ctypes
import logging
import shutil
import subprocess
from functools import cache

logger = logging.getLogger(__name__)

FAMILY = "Noto Sans CJK SC"

# ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width forms.
RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))


@cache
def characters() -> tuple[int, ...]:
    """The code points of GB 2312 and of RANGES, sorted."""
    found = {cp for first, last in RANGES for cp in range(first, last + 1)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned cell of the table
    return tuple(sorted(found))


def _system_font() -> tuple[str, int] | None:
    """The file and face index of FAMILY as fontconfig finds it; None when it is missing."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        answer = subprocess.run(  # noqa: S603 - fc-match from PATH, our own arguments
            [fc_match, "-f", "%{file}\n%{index}\n%{family}", FAMILY],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(answer) < 3 or FAMILY not in answer[2].split(","):
        return None  # fontconfig's nearest match is another font: fonts-noto-cjk is missing
    return answer[0], int(answer[1] or 0)


def _harfbuzz():
    """HarfBuzz and its subsetter through ctypes, with the signatures used below."""
    hb = ctypes.CDLL("libharfbuzz.so.0")
    subset = ctypes.CDLL("libharfbuzz-subset.so.0")
    p, uint = ctypes.c_void_p, ctypes.c_uint
    for lib, name, result, args in (
        (hb, "hb_blob_create_from_file", p, [ctypes.c_char_p]),
        (hb, "hb_blob_get_length", uint, [p]),
        (hb, "hb_blob_get_data", ctypes.c_void_p, [p, ctypes.POINTER(uint)]),
        (hb, "hb_blob_destroy", None, [p]),
        (hb, "hb_face_create", p, [p, uint]),
        (hb, "hb_face_reference_blob", p, [p]),
        (hb, "hb_face_destroy", None, [p]),
        (hb, "hb_set_add", None, [p, ctypes.c_uint32]),
        (subset, "hb_subset_input_create_or_fail", p, []),
        (subset, "hb_subset_input_unicode_set", p, [p]),
        (subset, "hb_subset_input_destroy", None, [p]),
        (subset, "hb_subset_or_fail", p, [p, p]),
    ):
        function = getattr(lib, name)
        function.restype, function.argtypes = result, args
    return hb, subset


def _cut(hb, subset, path: str, index: int, codepoints) -> bytes | None:
    """The face's glyphs for ``codepoints`` (and their layout alternates), as a font file."""
    blob = hb.hb_blob_create_from_file(path.encode())
    face = hb.hb_face_create(blob, index)
    wanted = subset.hb_subset_input_create_or_fail()
    out = out_blob = None
    try:
        if not wanted or not hb.hb_blob_get_length(blob):
            return None
        unicodes = subset.hb_subset_input_unicode_set(wanted)
        for codepoint in codepoints:
            hb.hb_set_add(unicodes, codepoint)
        out = subset.hb_subset_or_fail(face, wanted)
        if not out:
            return None
        out_blob = hb.hb_face_reference_blob(out)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(out_blob, ctypes.byref(length))
        return ctypes.string_at(data, length.value) if data and length.value else None
    finally:
        if out_blob:
            hb.hb_blob_destroy(out_blob)
        if out:
            hb.hb_face_destroy(out)
        if wanted:
            subset.hb_subset_input_destroy(wanted)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def common_font() -> bytes | None:
    """FAMILY cut to ``characters()``, as an OpenType file; None when the font or HarfBuzz's
    subsetter is missing (the reports are then drawn from the whole font)."""
    found = _system_font()
    if found is None:
        logger.warning("Report PDFs: %s not found (fonts-noto-cjk)", FAMILY)
        return None
    try:
        hb, subset = _harfbuzz()
    except (OSError, AttributeError):
        logger.warning(
            "Report PDFs: HarfBuzz's subsetter is missing (libharfbuzz-subset0); each PDF "
            "is cut from the whole CJK font, which is slower"
        )
        return None
    return _cut(hb, subset, *found, characters())
