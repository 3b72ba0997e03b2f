"""Rates: a percentage read against the rate word before it (纠错率为25.4%), as a share of the count
before it (占比1.78%), or by its place in a list (直接纠错率和综合纠错率分别为9.6%、27.3%)."""
from __future__ import annotations

import re

from . import clauses as C
from .reading import Context, Read, domains

_YEAR_IN_LIST = re.compile(r"(?:19|20)\d{2}(?=年)")
_OTHER_MEDIATION = re.compile(r"人民调解|矛盾纠纷|民间纠纷|信访|诉前|诉调|法院|仲裁")
_PRINCIPAL = re.compile(r"一把手|主要负责人|主要领导|正职")


class RateRules:
    """The rules for percentages, mixed into the block reader, which gives what is declared here."""

    masked: str
    ctx: Context

    def skip(self, r: Read, reason: str, indicator: str = "", start: int | None = None) -> None:
        raise NotImplementedError

    def accept(self, r: Read, indicator: str, rule: str, note: str = "", approximate: bool = False) -> None:
        raise NotImplementedError

    def who(self, r: Read, cue_at: int) -> None:
        raise NotImplementedError

    def quote_start(self, start: int, end: int) -> int:
        raise NotImplementedError

    def rate(self, r: Read, before: str, approximate: bool) -> None:
        if r.mention.value > 100:
            self.skip(r, "a malformed number: a rate over 100%")
            return
        share = C.SHARE.search(before)
        if share:
            self.share(r, before[:share.start()], approximate)
            return
        if self.rate_list(r, before):
            return
        k = before.rfind("率")
        if k < 0 and r.earlier and r.earlier[-1].mention.end > r.clause and C.RATE_LINK.fullmatch(before):
            before = self.masked[r.clause:r.mention.start]  # 纠错率由15.2%降至12.3%: the rate word before both
            r.since = r.clause
            r.quote_from = self.quote_start(r.clause, r.mention.start)
            k = before.rfind("率")
        if k < 0:
            self.skip(r, "a change, not a rate" if re.search(r"增幅|降幅|增速|增长|下降", before) else
                      "a percentage without a named rate")
            return
        known = None
        for rm in C.RATE_CUE.finditer(before):
            if rm.end() == k + 1:
                known = rm
        if known is None:
            word = C.OTHER_RATE.search(before[max(0, k - 4):k + 1])
            self.skip(r, f"another rate ({word.group(0) if word else '率'}), not an indicator")
            return
        gap = before[k + 1:]
        if gap in ("由", "从"):
            self.skip(r, "a baseline (an earlier period's figure)")
            return
        gap = re.sub(r"^[由从][\d.]+%", "", gap.replace(C.FILLER, ""))  # 纠错率由15.2%降至12.3%
        if not C.RATE_LINK.fullmatch(gap):
            self.skip(r, "the rate word is not followed by its number")
            return
        indicator, note = C.RATE_CUES[known.group(0)]
        if indicator == "复议调解和解" and (_OTHER_MEDIATION.search(self.masked[r.sent[0]:r.mention.start])
                                        or C.R not in domains(self.masked + self.ctx.heading_text)):
            self.skip(r, "the rate of another kind of mediation (人民调解, 矛盾纠纷)", indicator)
            return
        if indicator == "出庭应诉率" and _PRINCIPAL.search(before[max(0, known.start() - 8):known.start()]):
            note = "主要负责人"  # the rate of the principal heads (一把手), not of all heads
        self.who(r, r.since + known.start())
        if r.subject.part:
            self.skip(r, r.subject.part, indicator)
            return
        r.kind = "rate"
        self.accept(r, indicator, f"rate: {known.group(0)} + number", note, approximate)

    def rate_list(self, r: Read, before: str) -> bool:
        """直接纠错率、综合纠错率分别为9.6%、27.3%, or 2021年、2022年败诉率分别为8.1%、7.2%: each rate
        by its place in the list, of rate words or of years. False when the number is in no such list."""
        prev = r.earlier[-1] if r.earlier else None
        listed = C.RESPECTIVELY.search(before)
        if prev is not None and prev.rates is not None and before.strip() in ("、", "和", "及", ","):
            (words, years), position = prev.rates, prev.listed_pos + 1
        elif listed:
            at = r.since + listed.start()
            words = [w for w in C.RATE_CUE.finditer(self.masked, r.clause, at)]
            years = [int(y.group(0)) for y in _YEAR_IN_LIST.finditer(self.masked, r.sent[0], at)]
            if not words or (len(words) < 2 and len(years) < 2):
                return False
            position = 0
        else:
            return False
        if len(words) >= 2:
            word, year = (words[position] if position < len(words) else None), None
        else:
            word, year = words[0], years[position] if position < len(years) else None
        if word is None or (len(words) < 2 and year is None):
            self.skip(r, "a list of rates that does not pair with its words or years")
            return True
        r.rates, r.listed_pos = (words, years), position
        r.quote_from = self.quote_start(r.clause, r.mention.start)
        indicator, note = C.RATE_CUES[word.group(0)]
        self.who(r, word.start())
        if r.subject.part:
            self.skip(r, r.subject.part, indicator)
            return True
        r.kind, r.year = "rate", year
        self.accept(r, indicator, f"rate: {word.group(0)} + number (listed with 分别)", note)
        return True

    def share(self, r: Read, head: str, approximate: bool) -> None:
        """占比1.78% / 占审结总数的33.6%: the share that the count before it is of its whole."""
        cue = None
        for cue in C.COUNT_CUE.finditer(head):
            pass
        if cue is not None:
            kind, note = C.COUNT_CUES[cue.group(0)]
            self.who(r, r.since + cue.start())
        else:
            prev = r.earlier[-1] if r.earlier else None
            if prev is None or prev.figure is None:
                self.skip(r, "a share of something that is not an indicator")
                return
            kind, note, r.subject = prev.kind, prev.figure.note, prev.subject
        indicator = C.RATE_OF.get(kind)
        if not indicator:
            self.skip(r, "a share of something that is not an indicator")
        elif r.subject.part:
            self.skip(r, r.subject.part, indicator)
        else:
            r.kind = "rate"
            self.accept(r, indicator, f"rate: share (占) of a {indicator[:-1]} count",
                        note + "率" if note.endswith("纠错") else note, approximate)
