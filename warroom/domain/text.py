"""User text: kept exactly as given in the log, made harmless whenever it is shown. One function
per medium: `safe`/`one_line` for a terminal, `tmux_text` for tmux's status line, `html_text` for the
status page and its feed, `slack_text` for a chat message; Markdown has
`postmortem.cell`, and JSON takes the text as it is."""

from __future__ import annotations

import re
from functools import cache

MAX_TEXT = 100_000

_SURROGATES = "[\ud800-\udfff]"
# C0 controls but newline and tab, DEL, and the C1 range (CSI, OSC, ... as single bytes).
_CONTROLS = "[\x00-\x08\x0b-\x1f\x7f-\x9f]"
# Bidirectional overrides and isolates: they reorder what follows them on the line (a name
# could be made to read as another). Shown as their code, like the C1 controls.
_BIDI = "[\u202a-\u202e\u2066-\u2069]"


@cache
def _pattern(expression: str) -> re.Pattern[str]:
    """Compiled when first needed: most text is printable and never needs one, and compiling
    these ranges costs the status line milliseconds at every call (issue 26)."""
    return re.compile(expression)


def clean_input(text: str) -> str:
    """Text as it is stored: lone surrogates (undecodable bytes) become U+FFFD."""
    if text.isprintable():  # a surrogate is not printable (category Cs)
        return text
    return _pattern(_SURROGATES).sub("\ufffd", text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}"


def safe(text: str) -> str:
    """Text that can go to a terminal: no control character or bidi override reaches it raw."""
    if text.isprintable():  # controls (Cc), bidi overrides (Cf) and surrogates (Cs) are not
        return text
    text = _pattern(_CONTROLS).sub(_picture, clean_input(text))
    bidi = _pattern(_BIDI)
    return bidi.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if bidi.search(text) else text


def one_line(text: str, limit: int | None = None) -> str:
    """`safe` text on one line, optionally shortened with an ellipsis."""
    flat = safe(text).replace("\r\n", " ⏎ ").replace("\n", " ⏎ ").replace("\t", " ")
    if limit is not None and len(flat) > limit:
        return flat[: max(limit - 1, 0)] + "…"
    return flat


def tmux_text(text: str, limit: int | None = None) -> str:
    """`one_line` text for tmux's status line, where `#` starts a style or a format: doubled,
    tmux shows it as one `#` and runs nothing."""
    return one_line(text, limit).replace("#", "##")


# what XML 1.0 forbids even escaped (U+FFFE, U+FFFF, lone surrogates, C0 controls): a feed
# holding one is not well-formed, so each becomes U+FFFD
_NOT_XML = "[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def html_text(text: str) -> str:
    """`safe` text for HTML and XML (the status page, its Atom feed): `<`, `>`, `&` and quotes
    as entities, so a title holding `<script>` is shown, never run."""
    import html

    return _pattern(_NOT_XML).sub("\ufffd", html.escape(safe(text), quote=True))


def slack_text(text: str, limit: int | None = None) -> str:
    """`one_line` text for a Slack-compatible `text` field: `&`, `<` and `>` as Slack asks, so
    text cannot make a link or mention anyone (`<!channel>`)."""
    return one_line(text, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet opens safely: text it would run as a formula (=, +, -, @) is
    quoted with a '; nothing is empty, a truth is true or false."""
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if isinstance(value, str) and text[:1] in ("=", "+", "-", "@") else text


_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


def counted(number: int, word: str) -> str:
    """A count and its word, in the plural unless one: "1 finding", "2 findings", "0 incidents"."""
    return f"{number:,} {word}" + ("" if number == 1 else "s")


def is_email(text: str) -> bool:
    """An address mail goes to as it is written: a plain local part and a host name, no display
    name, quotes, brackets or spaces, at most 254 characters. One rule for every address warroom
    mails (a person paged, a subscriber)."""
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None
