"""Text out of e-mail bodies, as pure functions: charsets, ``format=flowed``, HTML to
text and to safe HTML, and where a reply's own words end (quoted history, signatures)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3


class UnknownCharset(ValueError):
    """A charset label no codec answers to: the text cannot be read faithfully."""

    def __init__(self, label: str) -> None:
        super().__init__(f"unknown charset {label!r}")
        self.label = label


# Labels mail clients write that Python's codec registry does not know, or knows as
# something narrower than what the senders mean (WHATWG's encoding table does the same).
CHARSET_ALIASES = {
    "x-cp1251": "cp1251",
    "win-1251": "cp1251",
    "cp-1251": "cp1251",
    "windows-1251": "cp1251",
    "koi8r": "koi8_r",
    "x-mac-cyrillic": "mac_cyrillic",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-unknown": "",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "x-gbk": "gbk",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
}


def codec_for(label: str) -> str:
    """The Python codec for a MIME charset label, or UnknownCharset."""
    name = label.strip().strip("\"'").lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name if name else _unknown(label)
    except LookupError:
        return _unknown(label)


def _unknown(label: str) -> str:
    raise UnknownCharset(label)


def decode_text(data: bytes, label: str | None) -> str:
    """Bytes of a text part in its declared charset. Undecodable bytes become U+FFFD (a
    damaged line is still worth reading); a label no codec knows is UnknownCharset."""
    codec = codec_for(label) if label else "ascii"
    if codec == "ascii" and not data.isascii():
        # "us-ascii" (or no label) over 8-bit text: senders mean UTF-8, or here, where
        # the customers write Russian, Windows-1251.
        for guess in ("utf-8", "cp1251"):
            try:
                return data.decode(guess)
            except UnicodeDecodeError:
                continue
    return data.decode(codec, errors="replace")


def unflow(text: str, *, delsp: bool) -> str:
    """Undo RFC 3676 ``format=flowed``: a line ending in a space continues on the next
    line of the same quote depth (Thunderbird writes plain text this way)."""
    out: list[str] = []
    current: str | None = None
    current_depth = 0

    def flush() -> None:
        nonlocal current
        if current is not None:
            out.append(
                ("> " * current_depth).rstrip(" ") + (" " if current_depth else "") + current
            )
            current = None

    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        if line == "-- ":  # the signature separator is never a flowed line
            flush()
            out.append(line)
            continue
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):  # space-stuffing
            content = content[1:]
        flowed = content.endswith(" ")
        if flowed and delsp:
            content = content[:-1]
        if current is not None and depth == current_depth:
            current += content
        else:
            flush()
            current, current_depth = content, depth
        if not flowed:
            flush()
    flush()
    return "\n".join(out)


# -- HTML ------------------------------------------------------------------------------

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
})  # fmt: skip
_SKIPPED = frozenset({"head", "script", "style", "title", "template", "xml"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.quote_depth = 0
        self.skipping = 0
        self.pre = 0

    def _break(self, *, blank: bool = False) -> None:
        """End the current line. An empty one counts only where the sender made it: a
        ``<br>``, or a paragraph of a no-break space (Outlook's empty line)."""
        raw = "".join(self.line)
        text = raw if self.pre else re.sub(r"[ \t\r\n\f\u00a0]+", " ", raw).strip()
        prefix = "> " * self.quote_depth
        if text:
            self.lines.append((prefix + text).rstrip())
        elif blank or "\u00a0" in raw:
            self.lines.append(prefix.rstrip())
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self._break(blank=True)
        elif tag in _BLOCKS:
            self._break()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.line.append("- ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.line.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._break()
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in ("td", "th"):
            self.line.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.line.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML body: blocks become lines, blockquotes ``>``."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    extractor._break()
    return "\n".join(extractor.lines).strip("\n")


_SAFE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})  # fmt: skip
_SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}


def sanitize_html(html: str, *, image_url: Callable[[str], str | None] | None = None) -> str:
    """HTML safe to show inside a page: no script, style, event or form, links that do not
    pass the referrer, and no remote image (a tracking pixel tells the sender who read
    the mail, and when). ``cid:`` images, which the message carries itself, stay: with
    ``image_url`` each becomes the address that serves that part (None drops it)."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            if not value.lower().startswith("cid:"):
                return None
            return image_url(content_id(value[4:])) if image_url else value
        return value

    return nh3.clean(
        html,
        tags=set(_SAFE_TAGS),
        clean_content_tags={"script", "style", "title", "head"},
        attributes={tag: set(names) for tag, names in _SAFE_ATTRIBUTES.items()},
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def content_id(value: str) -> str:
    """A Content-ID or ``cid:`` reference as one key: no angle brackets, no escapes."""
    return unquote(value.strip().strip("<>").strip())


# -- where the reply ends --------------------------------------------------------------

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(Исходное сообщение|Пересылаемое сообщение|Переадресованное сообщение|"
    r"Original Message|Forwarded message|Weitergeleitete Nachricht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_RULE = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(From|От|Von|De)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\*?(Sent|Date|Отправлено|Дата|Gesendet|Envoyé)\s*:\*?", re.IGNORECASE
)
# "On 23.11.2026 12:05, Support wrote:" (Thunderbird, Apple Mail, Gmail in English),
# "23.11.2026 12:05, Служба поддержки пишет:" (Thunderbird in Russian), "...написал(а):",
# Gmail in Russian: "пн, 23 нояб. 2026 г. в 12:05, Служба поддержки <support@...>:".
_ATTRIBUTIONS = (
    re.compile(r"^\s*On\s.+\swrote:\s*$", re.IGNORECASE),
    re.compile(r"\s(пишет|писал|писала|писал\(а\)|написал|написала|написал\(а\))\s*:\s*$"),
    re.compile(r"\d{4}\s*г\.\s*в\s*\d{1,2}:\d{2}.*:\s*$"),
)
_SIGNATURE = frozenset({"-- ", "--"})


def _attribution_at(lines: list[str], index: int) -> bool:
    line = lines[index]
    if any(pattern.search(line) for pattern in _ATTRIBUTIONS):
        return True
    # Gmail wraps a long attribution: "On Mon, ... Support <support@...>" / "wrote:".
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return bool(
        re.match(r"^\s*On\s", line, re.IGNORECASE)
        and re.match(r"^\s*(\S.*\s)?wrote:\s*$", following, re.IGNORECASE)
    )


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _introduces_quote(lines: list[str], index: int) -> int:
    """How many lines of attribution start at ``index`` ("... пишет:", "On ... wrote:", or
    any line ending in ":" right above a ``>`` quote); 0 when none does."""
    for length in (1, 2):
        following = index + length
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following >= len(lines) or not _quoted(lines[following]):
            continue
        if length == 1 and (lines[index].rstrip().endswith(":") or _attribution_at(lines, index)):
            return 1
        if length == 2 and _attribution_at(lines, index):
            return 2
    return 0


def _history_start(lines: list[str]) -> int:
    """Where the quoted history of a reply written above it begins: Outlook's "From: ...
    Sent:" block (with its rule line) or "-----Исходное сообщение-----"; else the end."""
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line):
            return index
        if _HEADER_FROM.match(line) and any(
            _HEADER_SENT.match(following) for following in lines[index + 1 : index + 5]
        ):
            return index - 1 if index and _OUTLOOK_RULE.match(lines[index - 1]) else index
        if _attribution_at(lines, index) and not _introduces_quote(lines, index):
            return index  # "... wrote:" over an unquoted copy (Outlook on a Mac)
    return len(lines)


def reply_part(text: str) -> str:
    """The sender's own words: without the quoted history (Outlook's "From: ... Sent:"
    block or "-----Исходное сообщение-----" and all below it; ``>`` quotes with their
    "... wrote:" / "... пишет:" line, above or below the reply) and without the ``-- ``
    signature. When nothing would remain (a message that is all quote), the whole text."""
    lines = text.split("\n")
    lines = lines[: _history_start(lines)]
    own: list[str] = []
    index = 0
    while index < len(lines):
        if skip := _introduces_quote(lines, index):
            index += skip
            continue
        line = lines[index]
        if _quoted(line):
            index += 1
            continue
        if line.rstrip("\r") in _SIGNATURE:
            # The signature runs to the next quote (a reply above a quote) or the end.
            index += 1
            while (
                index < len(lines)
                and not _introduces_quote(lines, index)
                and not _quoted(lines[index])
            ):
                index += 1
            continue
        own.append(line.rstrip())
        index += 1
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(own)).strip()
    return result or text.strip()
