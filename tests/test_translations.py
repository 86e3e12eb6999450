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


def test_every_msgid_in_the_code_is_in_the_catalog(tmp_path):
    """A string added to the code without `make translations` would show in English in the Russian UI."""
    import subprocess
    import sys

    script = (ROOT / "tools" / "update_translations.sh").read_text()
    folders = re.search(r"-o translations/messages.pot (.+)", script).group(1).split()
    keywords = re.findall(r"-k (\S+)", script)
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", *[f"-k{k}" for k in keywords], "-o", str(pot),
                    *folders], cwd=ROOT, check=True)
    with open(pot, "rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("ru") if m.id}
    assert sorted(extracted - known) == []
