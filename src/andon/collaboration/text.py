"""Comment text: finding the @mentions in it, and showing it safely.

Comments are plain text. Shown, they are escaped, keep their line breaks, have their web
addresses made clickable, and have the mentions that named a real person highlighted; nothing a
person types can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe

# An @ that starts a word: not inside an e-mail address or a path such as example.com/@team.
MENTION = re.compile(r"(?<![\w.+/@-])@([\w.+-]*[\w+-])")


def mentioned_names(text: str) -> list[str]:
    """The names written after an @, in order, each once (compared without case)."""
    seen: dict[str, str] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).lower(), match.group(1))
    return list(seen.values())


def _plain(text: str) -> str:
    return str(urlize(text, nofollow=True, autoescape=True))


def render(text: str, known: Iterable[str] = ()) -> SafeString:
    """The comment as HTML: escaped, links clickable, line breaks kept, known mentions marked."""
    names = {name.lower() for name in known}
    parts: list[str] = []
    position = 0
    for match in MENTION.finditer(text):
        if match.group(1).lower() not in names:
            continue
        parts.append(_plain(text[position : match.start()]))
        parts.append(format_html('<span class="mention">@{}</span>', match.group(1)))
        position = match.end()
    parts.append(_plain(text[position:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>")
    # Safe: every part above was escaped by urlize or built by format_html.
    return mark_safe(html)


def excerpt(text: str, length: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
