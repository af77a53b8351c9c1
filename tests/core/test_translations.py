"""The Russian catalog: complete, compiled, and actually used by models, e-mails and pages."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.sla.models import PriorityChoices, RequestTypeChoices
from supportdesk.tickets.models import Request, Status

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif%]")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text.strip()[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Enough of the PO format for what makemessages writes."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        in_msgstr = target is not None and target[0] == "msgstr"
        if not line or (in_msgstr and not line.startswith(('"', "msgstr["))):
            finish()
        if not line:
            continue
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"stray string in {path}: {line}"
            kind, index = target
            if kind == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + _unquote(line)
            elif kind == "msgid":
                entry.msgid += _unquote(line)
            elif kind == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + _unquote(line)
            elif kind == "msgstr":
                entry.msgstrs[index] += _unquote(line)
        else:
            keyword, _sep, rest = line.partition(" ")
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            kind = "msgstr" if keyword.startswith("msgstr") else keyword
            target = (kind, index)
            if kind == "msgctxt":
                entry.msgctxt = _unquote(rest)
            elif kind == "msgid":
                entry.msgid = _unquote(rest)
            elif kind == "msgid_plural":
                entry.msgid_plural = _unquote(rest)
            elif kind == "msgstr":
                entry.msgstrs[index] = _unquote(rest)
    finish()
    return entries


def _catalog() -> tuple[Entry, list[Entry]]:
    entries = [entry for entry in parse_po(PO_FILE) if not entry.obsolete]
    headers = [entry for entry in entries if entry.msgid == ""]
    assert len(headers) == 1
    return headers[0], [entry for entry in entries if entry.msgid != ""]


def test_russian_is_the_default_language() -> None:
    assert settings.LANGUAGE_CODE == "ru"
    assert PO_FILE.is_file()
    assert MO_FILE.is_file(), "compile with: supportdesk compilemessages -l ru"


def test_model_names_and_choices_are_russian() -> None:
    with translation.override("ru"):
        assert str(Request._meta.verbose_name) == "обращение"
        assert str(Request._meta.verbose_name_plural) == "обращения"
        assert str(Request._meta.get_field("priority").verbose_name) == "приоритет"
        assert str(Status.WAITING.label) == "ожидает ответа клиента"
        assert str(Status.RESOLVED.label) == "решено"
        assert str(Status.CLOSED.label) == "закрыто"
        assert str(RequestTypeChoices.INCIDENT.label) == "инцидент"
        assert str(RequestTypeChoices.CONSULTATION.label) == "консультация"
        assert str(PriorityChoices.P1.label) == "P1 критический"


def test_english_is_still_available() -> None:
    with translation.override("en"):
        assert str(Request._meta.verbose_name) == "request"
        assert str(Status.WAITING.label) == "waiting for customer"


def test_email_texts_are_russian() -> None:
    with translation.override("ru"):
        line = _("We have registered your request %(title)s.") % {"title": "SD-7: VPN"}
        assert line == "Мы зарегистрировали ваше обращение SD-7: VPN."
        assert _("Request resolved") == "Обращение решено"
        assert _("SLA warning %(percent)s%%: %(clock)s of %(ref)s") % {
            "percent": 75,
            "clock": "x",
            "ref": "SD-1",
        } == ("Предупреждение SLA 75%: x по обращению SD-1")


def test_templates_are_russian() -> None:
    with translation.override("ru"):
        page = render_to_string("portal/link_error.html", {"message": "-"})
    assert "Эта ссылка недействительна" in page


def test_po_header_has_russian_plural_forms() -> None:
    header, _entries = _catalog()
    text = header.msgstrs[0]
    assert "Language: ru\n" in text
    assert "charset=UTF-8" in text
    assert "nplurals=3;" in text
    assert "fuzzy" not in header.flags


def test_every_message_is_translated_and_not_fuzzy() -> None:
    _header, entries = _catalog()
    assert len(entries) > 200
    problems = []
    for entry in entries:
        forms = 3 if entry.msgid_plural is not None else 1
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if sorted(entry.msgstrs) != list(range(forms)):
            problems.append(f"wrong number of forms: {entry.msgid!r}")
        if not all(text.strip() for text in entry.msgstrs.values()):
            problems.append(f"untranslated: {entry.msgid!r}")
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstrs.values():
            if "python-format" in entry.flags and sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {entry.msgid!r}")
    assert problems == []


def test_compiled_catalog_matches_the_po() -> None:
    """The committed .mo must be recompiled after every .po change."""
    _header, entries = _catalog()
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in entries
        if entry.msgid_plural is None and compiled.gettext(entry.msgid) != entry.msgstrs[0]
    ]
    assert stale == [], "run: supportdesk compilemessages -l ru"


def test_a_message_in_several_catalogs_is_translated_the_same() -> None:
    """Django merges the catalogs and the first one found wins (the project's, then the
    apps' in their order), so another translation of the same text in an app's catalog is
    never shown: each text has one wording everywhere (seen: "paused" had three)."""
    catalogs = sorted(Path(settings.BASE_DIR, "supportdesk").glob("**/locale/ru/LC_MESSAGES/*.po"))
    assert PO_FILE in catalogs
    assert len(catalogs) > 1
    wordings: dict[tuple[str | None, str, str | None], dict[str, list[str]]] = {}
    for path in catalogs:
        for entry in parse_po(path):
            if entry.msgid and not entry.obsolete:
                key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
                wording = " | ".join(entry.msgstrs[index] for index in sorted(entry.msgstrs))
                wordings.setdefault(key, {}).setdefault(wording, []).append(
                    str(path.relative_to(settings.BASE_DIR))
                )
    differing = {key[1]: found for key, found in wordings.items() if len(found) > 1}
    assert differing == {}


def test_one_english_word_with_two_meanings_has_a_context_each() -> None:
    """Where one English word means two things, each meaning has its context and its own
    Russian (before the contexts, the merged catalogs showed the other meaning's word: a
    missed SLA target read "пропущен", like a missed call; the link button "Ссылка")."""
    pairs = [
        (("SLA target", "missed"), "не в срок", "missed", "пропущен"),
        (("link to", "Link"), "Связать", "Link", "Ссылка"),
        (("money", "Total"), "Итого", "Total", "Всего"),
        (("a message", "E-mail"), "Письмо", "E-mail", "Электронная почта"),
        (("reaction", "answered"), "ответ дан", "answered", "отвечен"),
        (("release", "Notes"), "Описание", "Notes", "Примечания"),
        (("quantity", "hours"), "часы", "hours", "рабочие часы"),
    ]
    with translation.override("ru"):
        got = [
            (translation.pgettext(*context), translation.gettext(plain))
            for context, _with_context, plain, _plain in pairs
        ]
    assert got == [(with_context, plain) for _c, with_context, _p, plain in pairs]
