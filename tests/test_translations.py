"""Every UI string has a Russian translation, and the placeholders survive translation."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_every_msgid_is_translated_to_russian_and_none_is_fuzzy():
    missing = [m.id for m in _catalog("ru") if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple)
                                                                            else [m.string]))]
    assert missing == []


def test_russian_translations_keep_every_placeholder():
    broken = []
    for message in _catalog("ru"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        broken += [ids[0] for s in strings if set(PLACEHOLDER.findall(s)) != wanted]
    assert broken == []


def test_the_compiled_catalog_is_not_older_than_the_po_file():
    for lang in ("ru", "en"):
        folder = ROOT / "translations" / lang / "LC_MESSAGES"
        assert (folder / "messages.mo").stat().st_mtime >= (folder / "messages.po").stat().st_mtime - 1
