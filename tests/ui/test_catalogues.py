"""The message catalogues: every key the code uses is in every catalogue, every entry is
translated, and the compiled ``.mo`` files are those of the ``.po`` sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import trafficdash
from trafficdash.i18n.catalogue import CATALOGUES, DOMAIN
from trafficdash.i18n.locales import DEFAULT_LOCALE, LOCALES

PACKAGE = Path(trafficdash.__file__).parent
ROOT = PACKAGE.parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _catalogue(locale: str):
    with (CATALOGUES / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _keys_used_in_code() -> set[str]:
    """Literal keys of ``t("...")`` and ``tn("...")`` calls, as ``pybabel extract -F babel.cfg``
    lists them; keys built at run time (``t(f"status.{s}")``) are checked by their pages' tests."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, _options = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(PACKAGE), method_map=method_map)
    return {message for _filename, _line, message, _comments, _context in found}


def test_every_key_used_in_the_code_is_in_every_catalogue() -> None:
    used = _keys_used_in_code()
    assert len(used) > 150  # the extraction found the code's keys (a broken pattern finds none)
    for locale in LOCALES:
        have = {m.id for m in _catalogue(locale) if m.id}
        missing = sorted(used - have)
        assert not missing, f"{locale} lacks {missing}"


@pytest.mark.parametrize("locale", [code for code in LOCALES if code != DEFAULT_LOCALE])
def test_every_entry_is_translated_with_the_same_placeholders(locale: str) -> None:
    source = {m.id: m.string for m in _catalogue(DEFAULT_LOCALE) if m.id}
    translated = {m.id: m for m in _catalogue(locale) if m.id}
    assert set(translated) == set(source), "the catalogues must carry the same keys"
    for key, message in translated.items():
        assert message.string, f"{locale}: {key} is untranslated"
        assert not message.fuzzy, f"{locale}: {key} is marked fuzzy"
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(source[key])), key


@pytest.mark.parametrize("locale", list(LOCALES))
def test_compiled_catalogues_are_current(locale: str) -> None:
    with (CATALOGUES / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
        shipped = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in _catalogue(locale) if m.id and not m.fuzzy}
    assert shipped == source, f"{locale}: run `pybabel compile -d trafficdash/i18n/catalogues -D {DOMAIN}`"


def test_a_missing_key_fails_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a module using a key no catalogue has is reported."""
    (tmp_path / "page.py").write_text('from trafficdash.i18n import t\nt("nowhere.to.be.found")\n')
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    assert _keys_used_in_code() == {"nowhere.to.be.found"}
