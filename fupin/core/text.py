"""Text helpers: pinyin search keys for Chinese names."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def _syllables(text: str) -> list[str]:
    # v_to_u then ü→u so that 略 is found by "lue" as people type it; "lve" is kept as a variant.
    return [s.replace("ü", "u").lower() for s in lazy_pinyin(text, v_to_u=True, errors="ignore")]


def pinyin_key(text: str) -> str:
    """A lower-case search key: full pinyin, the `v` spelling of ü, and the initials.

    略阳县 → "lueyangxian lveyangxian lyx"; a query is matched by substring against it.
    """
    syllables = _syllables(text)
    full = "".join(syllables)
    v_form = "".join(lazy_pinyin(text, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
    variants = dict.fromkeys([full, v_form, initials])
    return " ".join(v for v in variants if v)


def clean_cell(value: str) -> str:
    """Trim ordinary and full-width spaces, as the ledgers' reading rules require."""
    return value.strip().strip("\u3000").strip()
