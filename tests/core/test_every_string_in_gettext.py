"""Issue 12: nothing English on a Russian page. Every message the code and the templates ask
gettext for has a Russian translation (in one of our catalogs, not fuzzy, or in Django's own
for what Django's apps ask), every app's ru catalog is complete, and no template shows text
outside {% trans %} / {% blocktrans %}."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation

from tests.core.test_translations import parse_po

ROOT = Path(settings.BASE_DIR) / "supportdesk"
CATALOGS = sorted(ROOT.glob("**/locale/ru/LC_MESSAGES/django.po"))
TEMPLATES = sorted(
    {*ROOT.glob("**/templates/**/*.html"), *ROOT.glob("**/admin_templates/**/*.html")}
)
GETTEXT = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
Message = tuple[str | None, str, str | None, str]  # context, msgid, plural, where


def _python_messages() -> list[Message]:
    found: list[Message] = []
    for path in sorted(ROOT.glob("**/*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT:
                continue
            context, singular, plural = GETTEXT[name]
            strings: list[str | None] = [
                arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                for arg in node.args
            ]

            def at(index: int | None, strings: list[str | None] = strings) -> str | None:
                return None if index is None or index >= len(strings) else strings[index]

            msgid = at(singular)
            if msgid:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append((at(context), msgid, at(plural), where))
    return found


def _template_messages() -> list[Message]:
    engine = engines["django"]
    found: list[Message] = []
    for path in TEMPLATES:
        template = engine.from_string(path.read_text(encoding="utf-8")).template  # type: ignore[attr-defined]
        where = str(path.relative_to(ROOT))
        for node in template.nodelist.get_nodes_by_type(TranslateNode):
            literal = node.filter_expression.var.literal
            if isinstance(literal, str):  # the tag looks a "%" up as "%%"
                found.append((node.message_context, literal.replace("%", "%%"), None, where))
        for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
            singular, _vars = node.render_token_list(node.singular)
            plural = node.render_token_list(node.plural)[0] if node.plural else None
            context = node.message_context.var if node.message_context else None
            found.append((context, singular, plural, where))
    return found


def _ours() -> set[tuple[str, str]]:
    """(msgid, plural) translated, not fuzzy, in one of our catalogs."""
    done = set()
    for path in CATALOGS:
        for entry in parse_po(path):
            texts = entry.msgstrs.values()
            usable = entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
            if usable and texts and all(text.strip() for text in texts):
                done.add((entry.msgid, entry.msgid_plural or ""))
    return done


def _translated_elsewhere(context: str | None, msgid: str, plural: str | None) -> bool:
    """Django's own catalogs (a message the admin or auth also asks for)."""
    with translation.override("ru"):
        if plural:
            got = (
                translation.npgettext(context, msgid, plural, 5)
                if context
                else translation.ngettext(msgid, plural, 5)
            )
            return got not in (msgid, plural)
        got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
        return got != msgid


def test_every_catalog_is_complete_and_not_fuzzy() -> None:
    assert len(CATALOGS) >= 4
    problems = []
    for path in CATALOGS:
        for entry in parse_po(path):
            if entry.obsolete or not entry.msgid:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{path.relative_to(ROOT)}: fuzzy {entry.msgid!r}")
            if not entry.msgstrs or not all(text.strip() for text in entry.msgstrs.values()):
                problems.append(f"{path.relative_to(ROOT)}: untranslated {entry.msgid!r}")
    assert problems == []


def test_every_message_asked_for_has_a_russian_translation() -> None:
    ours = _ours()
    messages = _python_messages() + _template_messages()
    assert len(messages) > 1000
    missing = sorted(
        f"{where}: {msgid!r}"
        for context, msgid, plural, where in messages
        if re.search(r"[A-Za-z]", msgid)
        and (msgid, plural or "") not in ours
        and not _translated_elsewhere(context, msgid, plural)
    )
    assert missing == []


# -- text outside gettext in templates ------------------------------------------------------

# What may stand as it is in either language: names, codes, units of no language.
ALLOWED = frozenset(
    [
        "supportdesk",
        "SD",
        "SLA",
        "API",
        "CSV",
        "PDF",
        "XLSX",
        "MSK",
        "UTC",
        "P1",
        "P2",
        "P3",
        "P4",
        "ID",
        "IMAP",
        "SMTP",
        "URL",
        "JSON",
        "CTS",
        "eXpress",
        "Mango",
        "Office",
        "Alertmanager",
        "htmx",
        "OpenAPI",
        "Swagger",
        "SHA-256",
        "Typst",
        "E-mail",
        "e-mail",
        "Message-ID",
        "Prometheus",
        "SSE",
        "HTTP",
        "Redis",
    ]
)
_VERBATIM = re.compile(
    r"\{%\s*(blocktrans|blocktranslate)\b.*?\{%\s*end(blocktrans|blocktranslate)\s*%\}"
    r"|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}",
    re.S,
)
_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё0-9\-]*")


class _TextNodes(HTMLParser):
    """Visible text and the attributes people read; <code>, <pre>, <kbd>, scripts and styles
    are verbatim by nature."""

    VERBATIM = frozenset({"script", "style", "code", "pre", "kbd"})
    READ = frozenset({"title", "placeholder", "alt", "aria-label"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.inside = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside += tag in self.VERBATIM
        for name, value in attrs:
            if name in self.READ and value:
                self.handle_words(value)

    def handle_endtag(self, tag: str) -> None:
        self.inside -= tag in self.VERBATIM

    def handle_data(self, data: str) -> None:
        if not self.inside:
            self.handle_words(data)

    def handle_words(self, text: str) -> None:
        words = (word.strip("-") for word in _WORD.findall(text))
        self.words.extend(word for word in words if word not in ALLOWED)


def words_outside_gettext(source: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(_TAGS.sub(" ", _VERBATIM.sub(" ", source)))
    return parser.words


def test_the_scan_sees_text_outside_gettext() -> None:
    assert words_outside_gettext('<p>{% trans "Hello" %} world</p>') == ["world"]
    assert words_outside_gettext('<input placeholder="Search">') == ["Search"]
    assert words_outside_gettext("<h1>{% blocktrans %}Hi {{ x }}{% endblocktrans %}</h1>") == []
    assert words_outside_gettext("<p>SD-{{ id }} · P1 · 12:00 MSK</p>") == []
    assert words_outside_gettext("<p>Поиск</p>") == ["Поиск"]


def test_no_template_shows_text_outside_gettext() -> None:
    assert len(TEMPLATES) > 50
    found = {
        str(path.relative_to(ROOT)): words
        for path in TEMPLATES
        if (words := words_outside_gettext(path.read_text(encoding="utf-8")))
    }
    assert found == {}
