"""Build the citizen pages' Bootstrap: the rules of bootstrap.min.css that those pages can use.

    .venv/bin/python scripts/purge_bootstrap.py          # writes the file
    .venv/bin/python scripts/purge_bootstrap.py --check  # fails if the file is out of date

Citizens open the portal from a QR code on a weak connection, and their first load must stay
under 40 KB compressed (issue #10, tests/test_page_weight.py); the whole of Bootstrap is
31 KB of it. This keeps a rule only if every class its selector names is a word of the
citizen pages' sources: their templates (from base_citizen.html and the pages extending it,
with every template they include, and those of crispy-bootstrap5 with which the sign-in page
draws its form), the forms and views that draw them, and a short list of
classes made at run time (``alert-{{ message.tags }}``). Words, not parsed classes: a word
that merely looks like a class keeps a rule too (the safe direction, as PurgeCSS's default
extractor). Element and attribute rules, the :root variables, @media and @supports blocks
are kept (their inner rules filtered the same way); dark-mode rules and @keyframes no kept
rule animates go. Staff and work pages keep the whole bootstrap.min.css.
"""

import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor" / "bootstrap" / "5.3.9" / "css"
SOURCE = VENDOR / "bootstrap.min.css"
TARGET = VENDOR / "bootstrap.citizen.min.css"
TEMPLATES = ROOT / "templates"

# The citizen's pages: base_citizen.html and every template that extends it (found below),
# besides these Python sources that write classes into them.
PYTHON_SOURCES = [
    "petitions/citizen_forms.py",
    "petitions/views/citizen.py",
    "liaison/forms.py",
    "liaison/views/public.py",
    "liaison/templatetags",
    "petitions/templatetags",
]
# Classes made at run time: Django's message levels as alert-{{ message.tags }}.
SAFELIST = {"alert-success", "alert-info", "alert-warning", "alert-danger", "alert-error"}

WORD = re.compile(r"[A-Za-z0-9_-]+")
CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
INCLUDE = re.compile(r"""\{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def _with_includes(pages: list[Path], roots: list[Path]) -> list[Path]:
    """``pages`` and every template they include or extend, by name under ``roots``."""
    seen: list[Path] = []
    pages = list(pages)
    while pages:
        path = pages.pop()
        if path in seen or not path.exists():
            continue
        seen.append(path)
        for name in INCLUDE.findall(path.read_text()):
            pages.extend(root / name for root in roots if (root / name).exists())
    return sorted(seen)


def citizen_templates() -> list[Path]:
    """base_citizen.html, the templates extending it, what they include, recursively; and
    crispy-bootstrap5's templates with which the sign-in page draws its form (|crispy: the
    form, each field, their errors)."""
    import crispy_bootstrap5  # here: only this build reads the package's templates

    crispy = Path(crispy_bootstrap5.__file__).parent / "templates"
    pages = [TEMPLATES / "base.html", TEMPLATES / "base_citizen.html"]
    for path in sorted(TEMPLATES.rglob("*.html")):
        if re.search(r"""\{%\s*extends\s+["']base_citizen\.html["']""", path.read_text()):
            pages.append(path)
    pages += [crispy / "bootstrap5" / "uni_form.html", crispy / "bootstrap5" / "field.html"]
    return _with_includes(pages, [TEMPLATES, crispy])


def used_words() -> set[str]:
    files = citizen_templates()
    for source in PYTHON_SOURCES:
        path = ROOT / source
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    words = set(SAFELIST)
    for path in files:
        words.update(WORD.findall(path.read_text()))
    return words


def _split_selectors(prelude: str) -> list[str]:
    """Split a selector list at its top-level commas (not those inside :not(…) or :is(…))."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _keep_selector(selector: str, words: set[str]) -> bool:
    if "data-bs-theme=dark" in selector.replace('"', ""):
        return False
    return all(name in words for name in CLASS.findall(selector))


def _filter(rules, words: set[str]) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            kept = [s for s in _split_selectors(prelude) if _keep_selector(s, words)]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule":
            head = "@" + rule.at_keyword + tinycss2.serialize(rule.prelude)
            if rule.at_keyword in ("media", "supports") and rule.content is not None:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                kept = _filter(inner, words)
                if kept:
                    out.append(head.rstrip() + "{" + "".join(kept) + "}")
            elif rule.at_keyword == "keyframes":
                out.append(head.rstrip() + "{" + tinycss2.serialize(rule.content).strip() + "}")
            elif rule.at_keyword != "charset":  # the licence line above carries it
                out.append(tinycss2.serialize([rule]).strip())
    return out


def _drop_unused_keyframes(rules: list[str]) -> list[str]:
    body = "".join(r for r in rules if not r.startswith("@keyframes"))
    return [
        r
        for r in rules
        if not r.startswith("@keyframes") or re.match(r"@keyframes\s+([\w-]+)", r).group(1) in body
    ]


def build() -> str:
    css = SOURCE.read_text(encoding="utf-8")
    licence = css[: css.index("*/") + 2]
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = _drop_unused_keyframes(_filter(rules, used_words()))
    note = "/* The citizen pages' subset, made by scripts/purge_bootstrap.py (static/vendor/README.md) */"
    return licence + "\n" + note + "\n" + "".join(kept) + "\n"


def main() -> int:
    css = build()
    if "--check" in sys.argv:
        if TARGET.read_text(encoding="utf-8") != css:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run scripts/purge_bootstrap.py")
            return 1
        return 0
    TARGET.write_text(css, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(css):,} bytes (from {SOURCE.stat().st_size:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
