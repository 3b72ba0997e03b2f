"""Traditional characters (繁体): OpenCC's traditional→simplified table, one character for one.

Matching folds 復議 to 复议 character by character (indexer/tokens.py: fold), so offsets in a block's
text stay valid. A report written in traditional characters is parsed on a simplified copy of the
same length — furniture, metadata, blocks and labels then work as on simplified text — and its
blocks are mapped back to the original characters by position (`Restorer`).

The character table is OpenCC's t2s conversion applied to one character at a time (phrases need
two or more, so only the character table applies). It ships in the package (t2s.py, generated from
OpenCC and checked against it by tests/test_variants.py), so neither a search nor an index run
loads OpenCC: the table is read on the first character above U+3400.
"""
from __future__ import annotations

_table: dict[str, str] | None = None

# A text is traditional when this share of its Han characters have a different simplified form.
# Simplified reports score 0–0.2% (a 乾 here and there); traditional ones 15–30%.
TRADITIONAL_SHARE = 0.05


def simplified_char(ch: str) -> str:
    """The simplified form of one character (itself when it has none or is not Han)."""
    global _table
    if ch < "\u3400":
        return ch
    if _table is None:
        from .t2s import SIMPLIFIED, TRADITIONAL
        _table = dict(zip(TRADITIONAL, SIMPLIFIED, strict=True))
    return _table.get(ch, ch)


def simplify(text: str) -> str:
    """Text with each traditional character replaced by its simplified form (same length)."""
    return "".join(map(simplified_char, text))


def is_traditional(lines: list[str]) -> bool:
    """Whether a report is written in traditional characters."""
    han = changed = 0
    for line in lines:
        for ch in line:
            if ch >= "\u3400":
                han += 1
                changed += simplified_char(ch) != ch
    return han > 0 and changed >= 10 and changed / han >= TRADITIONAL_SHARE


class Restorer:
    """Maps pieces of the simplified copy of some lines back to the original characters.

    `normalise` is the line normalisation the pipeline applied (white space only), so that a
    normalised simplified line and its normalised original have the same length."""

    def __init__(self, original_lines: list[str], normalise) -> None:
        originals = [normalise(x) for x in original_lines]
        self.original = "\n".join(originals)
        self.simplified = simplify(self.original)
        self.cursor = 0

    def __call__(self, text: str | None) -> str | None:
        """The original characters of a piece of simplified text (unchanged if not found)."""
        if not text:
            return text
        at = self.simplified.find(text, self.cursor)
        if at < 0:
            at = self.simplified.find(text)
        if at < 0:
            return text
        self.cursor = at + len(text)
        return self.original[at:at + len(text)]
