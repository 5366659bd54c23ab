"""Text helpers: pinyin search keys for Chinese names."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def _char_readings(char: str) -> tuple[str, str, str]:
    """(pinyin with ü as u, pinyin with ü as v, initial) of one character; empty for non-Chinese.

    Keys are built character by character from this cache: a registry import computes one for every
    person, and pypinyin's per-call cost (tens of microseconds) would otherwise dominate it. Names
    carry no phrase context that pypinyin's phrase dictionary could use, so nothing is lost.
    """
    # Imported here: pypinyin loads its dictionaries on import (about 0.4 s), which every command
    # and worker would otherwise pay at start-up, needed or not.
    from pypinyin import Style, lazy_pinyin

    u_form = "".join(lazy_pinyin(char, v_to_u=True, errors="ignore")).replace("ü", "u").lower()
    v_form = "".join(lazy_pinyin(char, errors="ignore")).lower()
    initial = "".join(lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return u_form, v_form, initial


def pinyin_key(text: str) -> str:
    """A lower-case search key: full pinyin, the `v` spelling of ü, and the initials.

    略阳县 → "lueyangxian lveyangxian lyx"; a query is matched by substring against it. ü is spelt
    "u" (as people type 略 "lue") with "lve" kept as a variant.
    """
    readings = [_char_readings(char) for char in text]
    full = "".join(r[0] for r in readings)
    v_form = "".join(r[1] for r in readings)
    initials = "".join(r[2] for r in readings)
    variants = dict.fromkeys([full, v_form, initials])
    return " ".join(v for v in variants if v)


def clean_cell(value: str) -> str:
    """Trim ordinary and full-width spaces, as the ledgers' reading rules require."""
    return value.strip().strip("\u3000").strip()
