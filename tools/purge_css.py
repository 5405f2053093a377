"""Write static/css/bootstrap-used.css: the Bootstrap rules the site's markup can use.

    python tools/purge_css.py          # rewrite the file
    python tools/purge_css.py --check  # exit 1 when the file is out of date (the tests run it)

A rule is kept when every class its selector names appears somewhere in the templates
(ours and crispy-bootstrap5's, so every form class crispy can render stays), in the
Python code (css_class=…) or in our scripts; element-only rules (Bootstrap's reboot) are
kept; dark-theme rules go; custom properties no kept rule reads go. No dependency: a
small brace-matching reader is enough for Bootstrap's minified CSS. Run it (`make css`)
after adding a Bootstrap class to a template.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "static/vendor/bootstrap/bootstrap.min.css"
TARGET = ROOT / "static/css/bootstrap-used.css"
CLASS_RE = re.compile(r"\.((?:\\.|[A-Za-z0-9_-])+)")
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")
PY_CLASS_RE = re.compile(r"""(?:css_class\s*=|["']class["']\s*:)\s*["']([^"']*)["']""")
VAR_RE = re.compile(r"var\((--[A-Za-z0-9_-]+)")
GROUPING_AT_RULES = ("@media", "@supports", "@container", "@layer")


def markup_tokens():
    import crispy_bootstrap5

    crispy = Path(crispy_bootstrap5.__file__).parent / "templates"
    files = [
        *ROOT.glob("templates/**/*.html"),
        *crispy.glob("**/*.html"),
        *ROOT.glob("static/js/*.js"),
    ]
    tokens = set()
    for path in files:
        tokens.update(TOKEN_RE.findall(path.read_text(encoding="utf-8", errors="ignore")))
    # In Python, only class names given to forms and widgets (css_class=…, "class": …).
    for path in ROOT.glob("*/**/*.py"):
        if not {".venv", "tests", "migrations"} & set(path.parts):
            for value in PY_CLASS_RE.findall(path.read_text(encoding="utf-8")):
                tokens.update(value.split())
    return tokens


def scan_until(css, i, stops):
    """Index of the first character of `stops` at nesting level 0, outside strings."""
    depth, quote = 0, None
    while i < len(css):
        char = css[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char in stops:
            return i
        i += 1
    return i


def matching_brace(css, i):
    """Index of the brace closing the one at i."""
    depth = 0
    while True:
        j = scan_until(css, i, "{}")
        depth += 1 if css[j] == "{" else -1
        if depth == 0:
            return j
        i = j + 1


def parse(css):
    """[(prelude, body)] for statements; body is a list for grouping at-rules, else text."""
    nodes, i = [], 0
    while i < len(css):
        j = scan_until(css, i, "{;}")
        prelude = css[i:j].strip()
        if j >= len(css) or css[j] == "}":
            break
        if css[j] == ";":
            nodes.append((prelude, None))
            i = j + 1
            continue
        end = matching_brace(css, j)
        inner = css[j + 1 : end]
        nodes.append((prelude, parse(inner) if prelude.startswith(GROUPING_AT_RULES) else inner))
        i = end + 1
    return nodes


def split_top(text, separator):
    parts, i = [], 0
    while i <= len(text):
        j = scan_until(text, i, separator)
        parts.append(text[i:j])
        i = j + 1
    return parts


def keep_selector(selector, used):
    if "data-bs-theme=dark" in selector:
        return False
    return all(name.replace("\\", "") in used for name in CLASS_RE.findall(selector))


def purge(nodes, used):
    kept = []
    for prelude, body in nodes:
        if body is None:
            kept.append((prelude, None))
        elif isinstance(body, list):
            children = purge(body, used)
            if any(child_body is not None for _, child_body in children):
                kept.append((prelude, children))
        elif prelude.startswith("@"):
            kept.append((prelude, body))  # @keyframes, @font-face: filtered below
        else:
            selectors = [s for s in split_top(prelude, ",") if keep_selector(s, used)]
            if selectors:
                kept.append((",".join(selectors), body))
    return kept


def serialize(nodes):
    out = []
    for prelude, body in nodes:
        if body is None:
            out.append(f"{prelude};")
        elif isinstance(body, list):
            out.append(f"{prelude}{{{serialize(body)}}}")
        else:
            out.append(f"{prelude}{{{body}}}")
    return "".join(out)


def drop_unused(nodes, text):
    """Drop @keyframes nobody animates and custom properties nobody reads."""
    read = set(VAR_RE.findall(text))
    result = []
    for prelude, body in nodes:
        if isinstance(body, list):
            result.append((prelude, drop_unused(body, text)))
        elif prelude.startswith("@keyframes") and prelude.split()[-1] not in text.replace(
            prelude, ""
        ):
            continue
        elif isinstance(body, str) and "--" in body:
            declarations = [
                d
                for d in split_top(body, ";")
                if d.strip()
                and not (d.strip().startswith("--") and d.split(":")[0].strip() not in read)
            ]
            if declarations:
                result.append((prelude, ";".join(declarations)))
        else:
            result.append((prelude, body))
    return result


def build():
    source = SOURCE.read_text(encoding="utf-8")
    banner_end = source.index("*/") + 2
    banner = source[source.index("/*") : banner_end]
    nodes = purge(parse(source[banner_end:]), markup_tokens())
    # Custom properties read other custom properties: drop until nothing changes.
    text = serialize(nodes)
    while True:
        nodes = drop_unused(nodes, text)
        smaller = serialize(nodes)
        if smaller == text:
            break
        text = smaller
    note = "/* Generated by tools/purge_css.py from bootstrap.min.css: do not edit. */"
    return f"{banner}\n{note}\n{text}\n"


def main():
    css = build()
    if "--check" in sys.argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != css:
            sys.exit(f"{TARGET.relative_to(ROOT)} is out of date: run `make css`.")
        return
    TARGET.write_text(css, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(css):,} bytes (from {SOURCE.stat().st_size:,})")


if __name__ == "__main__":
    main()
