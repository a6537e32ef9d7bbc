"""Typos in free prose, told by the document's own words: a word written once as a homophone of
what the same document writes elsewhere between the same neighbours ("社区事物受理" where three
other sentences say "社区事务受理", "更游校的整合" beside "更有效的整合"), a homophone of one
of the template's fixed words ("设计资金" for 涉及资金, ``Template.wording``), a lone character
between two words the document elsewhere writes side by side ("进行跟全过程管理" beside
"进行全过程控制"), a word cut short before a punctuation mark ("推动辖区健、有序" for 健康), a
noun where the same words elsewhere take a verb before 并 ("组织制度并实施" beside
"组织制定并实施"), and three characters making no word one character apart from a term the
document writes elsewhere ("照晚金" beside "照顾金").

A dictionary alone cannot tell "事物" from "事务": both are words. The evidence is the
document's other sentences or its template, so a typo neither contradicts stays unreported.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import cache
from itertools import accumulate
from operator import itemgetter

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Severity
from yusuan.checks.passages import (
    ALL,
    Passage,
    context,
    form_passages,
    indicator_passages,
    passages,
)
from yusuan.templates import template_of
from yusuan.words import cut, frequency, is_word, part_of_speech, same_sound

# Characters whose homophones are accepted variants, not typos (的/地/得, 其他/其它, 制定/制订 …).
_VARIANTS = frozenset("的地得他它做作定订帐账象像那哪")
# Characters that end a word of their own as a suffix (运行费、 营商办、 商业便利度、): a word cut
# short is never told by them.
_SUFFIXES = frozenset(
    "费率性化者员局处科办类项款金层辆班队所站部委厅室股区县市省乡镇村街路号楼栋户人元万亿"
    "年月日次个件条座台套张份批度网制数额量值"
)
# Characters a phrase takes in between its words as a matter of course ("目录及编制", "省直各相关",
# "负责为区政府", "参保总人数").
_LINKS = frozenset("及和与并或各等的了之均也都对向从在把被将为以于由按给我其这该此所总全每")
_JOINS_VERBS = frozenset(("并", "并且"))
# A character a phrase takes between its words when it is an adverb ("平台已接入"), by its part
# of speech; prepositions are told one by one (_LINKS), since "跟" in "进行跟全过程" is a stray.
_ADVERB = "d"
_CUT_BEFORE = "、，；;。：:,"
_FREE_CHARACTER = 5000  # dictionary frequency of a character that stands alone as a word
_COMMON_WORD = 500  # dictionary frequency of a word a cut-short character should have begun


class _Words:
    """All passages joined by line breaks and split into words once: each word with the offset
    where it starts in the joined text. Neighbouring words in the list are neighbours in the
    text (a punctuation mark, a figure or a line break is a word of its own)."""

    def __init__(self, all_passages: list[Passage]) -> None:
        self.passages = all_passages
        self.text = "\n".join(p.text for p in all_passages)
        self.words = cut(self.text)
        self.starts = list(accumulate(map(len, self.words), initial=0))
        # Each word's length as a character (chr(2) for a two-character word), chr(0) for a word
        # not Chinese (a figure, a mark, a line break), so that a shape of words is found by a
        # regular expression, not by a loop over them all.
        self._shape = "".join(
            [chr(len(w)) if "\u4e00" <= w[0] <= "\u9fff" else "\x00" for w in self.words]
        )
        self._passage_starts = list(accumulate((len(p.text) + 1 for p in all_passages), initial=0))
        self._listed: str | None = None  # the words joined by a separator, when first asked

    def where(self, lengths: str) -> list[int]:
        """The index of each run of words whose lengths match ``lengths``, a pattern over the
        shape (r"[^\x00]\x02[^\x00]": a two-character word between two Chinese words)."""
        return [m.start() for m in _shape_pattern(lengths).finditer(self._shape)]

    def side_by_side(self, first: str, then: str) -> int:
        """How often the word ``first`` is followed by the word ``then``."""
        if self._listed is None:
            self._listed = "\x1f" + "\x1f".join(self.words) + "\x1f"
        return self._listed.count(f"\x1f{first}\x1f{then}\x1f")

    def place(self, at: int) -> tuple[Passage, int]:
        """The passage holding the joined text's offset ``at``, and the offset within it."""
        index = bisect_right(self._passage_starts, at) - 1
        return self.passages[index], at - self._passage_starts[index]

    def report(self, ck: Checker, at: int, end: int, around: tuple[int, int], message: str,
               path: str, mark: int | None = None, expected: str | None = None,
               actual: str | None = None) -> None:  # fmt: skip
        """Report ``message`` (its {label} and {quote} filled in) about the text from ``at`` to
        ``end``, quoted with ``around`` characters either side, located at ``mark`` (``at``)."""
        passage, start = self.place(at)
        quote = context(passage.text, start, start + end - at, *around)
        ck.report(
            message.format(label=passage.label, quote=quote),
            [passage.location(start + (mark - at if mark is not None else 0), quote, path)],
            expected=expected,
            actual=actual,
        )


@cache
def _shape_pattern(lengths: str) -> re.Pattern[str]:
    return re.compile(f"(?=({lengths}))")  # a lookahead: runs may overlap


_Use = tuple[str, int]  # a word (or two lone characters) and where it starts


def _uses(w: _Words) -> list[tuple[tuple[str, str], _Use]]:
    """Each two-character word, and each pair of lone characters (the shape a typo of a word
    takes), keyed by its two neighbouring Chinese words."""
    words, starts = w.words, w.starts
    keyed = [
        ((words[i], words[i + 2]), (words[i + 1], starts[i + 1]))
        for i in w.where(r"[^\x00]\x02[^\x00]")
    ]
    keyed += [
        ((words[i], words[i + 3]), (words[i + 1] + words[i + 2], starts[i + 1]))
        for i in w.where(r"[^\x00]\x01\x01[^\x00]")
    ]
    return keyed


def _homophone_typos(ck: Checker, w: _Words, path: str) -> None:
    keyed = _uses(w)
    # Only neighbours that hold more than one word matter: found by counting, before grouping.
    written = set((key, use[0]) for key, use in keyed)
    varied = {key for key, n in Counter(map(itemgetter(0), written)).items() if n > 1}
    between: dict[tuple[str, str], list[_Use]] = {}
    for key, use in keyed:
        if key in varied:
            between.setdefault(key, []).append(use)
    for key, uses in between.items():
        by_sound: dict[str, list[_Use]] = {}
        for use in uses:  # the same neighbours: now the same sound
            by_sound.setdefault(use[0].translate(same_sound()), []).append(use)
        for same in by_sound.values():
            _report_homophones(ck, w, same, path)
        if key[1] in _JOINS_VERBS:
            _report_noun_for_verb(ck, w, uses, path)


def _report_noun_for_verb(ck: Checker, w: _Words, uses: list[_Use], path: str) -> None:
    """Before 并 (which joins two verbs) the document writes a verb at least twice and, once, a
    noun a character apart from it: "组织制度并实施" beside two "组织制定并"."""
    counts = Counter(text for text, _ in uses)
    best, most = counts.most_common(1)[0]
    if most < 2:
        return
    for text, count in counts.items():
        if count > 1 or (text[0] == best[0]) == (text[1] == best[1]):
            continue  # not a one-off, or not one character apart
        if part_of_speech(text) != "n" or part_of_speech(best) != "v":
            continue
        _report_written_otherwise(ck, w, uses, text, best, most, path)


def _report_homophones(ck: Checker, w: _Words, uses: list[_Use], path: str) -> None:
    counts = Counter(text for text, _ in uses)
    if len(counts) < 2:
        return
    best = max(counts, key=lambda t: (counts[t], is_word(t), frequency(t)))
    for text, count in counts.items():
        if text == best or count > 1 or _accepted_variant(text, best):
            continue
        lone = not is_word(text)  # two lone characters: no word at all
        if not (lone and is_word(best)) and not (
            counts[best] >= 2 and frequency(best) > frequency(text)
        ):
            continue
        _report_written_otherwise(ck, w, uses, text, best, counts[best], path)


def _report_written_otherwise(ck: Checker, w: _Words, uses: list[_Use], text: str, best: str,
                              times: int, path: str) -> None:  # fmt: skip
    """Report the one use of ``text`` where the same neighbours hold ``best`` ``times`` times."""
    at = next(start for t, start in uses if t == text)
    message = (
        f"{{label}}“{{quote}}”：“{text}”疑为错别字，本文件他处同样的上下文写作“{best}”（{times}处）"
    )
    w.report(ck, at, at + 2, (4, 4), message, path, expected=best, actual=text)


def _accepted_variant(text: str, meant: str) -> bool:
    """Whether ``text`` differs from ``meant`` at a character whose homophones are accepted
    variants (的/地/得 …): then it is no typo."""
    pairs = zip(text, meant, strict=True)
    return any(a != b and (a in _VARIANTS or b in _VARIANTS) for a, b in pairs)


def _template_homophones(ck: Checker, w: _Words, path: str) -> None:
    """Where the document writes a template word's sound in other characters: each character is
    replaced by one standing for its reading, so a homophone reads as the word itself."""
    heard = w.text.translate(same_sound())
    for key, meant in _template_sounds(template_of(ck.disclosure).wording).items():
        at = heard.find(key)
        while at >= 0:
            written = w.text[at : at + len(key)]
            if written != meant and not _accepted_variant(written, meant):
                message = f"{{label}}“{{quote}}”：“{written}”疑为错别字，模板用语为“{meant}”"
                w.report(ck, at, at + len(key), (6, 6), message, path, expected=meant,
                         actual=written)  # fmt: skip
            at = heard.find(key, at + 1)


@cache
def _template_sounds(wording: tuple[str, ...]) -> dict[str, str]:
    """Each template word as it reads (``same_sound``'s characters) → the word."""
    return {word.translate(same_sound()): word for word in wording}


def _stray_characters(ck: Checker, w: _Words, path: str) -> None:
    """A lone character between two words that the document elsewhere writes side by side
    ("进行跟全过程管理" beside "进行全过程控制"): a word left half-written or a stray."""
    words, starts = w.words, w.starts
    for i in w.where(r"[^\x00\x01]\x01[^\x00\x01]"):
        a, c, b = words[i : i + 3]
        if c in _LINKS or c in _SUFFIXES or part_of_speech(c) == _ADVERB:
            continue
        if is_word(a[-1] + c) or is_word(c + b[0]):
            continue
        written = w.side_by_side(a, b) if a + b in w.text else 0
        if not written:
            continue
        message = (
            f"{{label}}“{{quote}}”：“{a}{c}{b}”中的“{c}”不成词，疑有缺字或多字"
            f"（本文件他处写作“{a}{b}”，{written}处）"
        )
        w.report(ck, starts[i], starts[i + 3], (4, 4), message, path, mark=starts[i + 1])


def _cut_short(ck: Checker, w: _Words, path: str) -> None:
    words, starts = w.words, w.starts
    vocabulary: set[str] | None = None  # the document's two-character words, when first asked
    for i in w.where(r"[^\x00\x01]\x01\x00"):
        before, char = words[i], words[i + 1]
        if words[i + 2][0] not in _CUT_BEFORE or char in _SUFFIXES or before.endswith("所"):
            continue
        if frequency(char) >= _FREE_CHARACTER:  # 中, 有, 高 end a phrase on their own
            continue
        if is_word(before[-1] + char):
            continue
        if vocabulary is None:
            vocabulary = {word for word in words if len(word) == 2 and word[0] >= "\u4e00"}
        begun = sorted(
            (v for v in vocabulary if v[0] == char and frequency(v) >= _COMMON_WORD),
            key=frequency,
            reverse=True,
        )
        if not begun:
            continue
        message = (
            f"{{label}}“{{quote}}”：“{before}{char}”后即是标点，“{char}”不单独成词，"
            f"疑有缺字（本文件他处有“{'”“'.join(begun[:2])}”）"
        )
        w.report(ck, starts[i + 1], starts[i + 1] + 1, (8, 6), message, path)


# Characters a term takes in turn without a slip: the level of government (区府办, 市府办) and
# the links of a phrase.
_INTERCHANGEABLE = frozenset("区市省县乡镇村") | _LINKS


def _garbled_terms(ck: Checker, w: _Words, path: str) -> None:
    """Three characters none of which makes a word with its neighbour, written once (and no two of
    them side by side elsewhere), where the document elsewhere writes the same three but for one
    character, and that one makes a word
    ("照晚金发放时间" beside "医疗照顾金", "长屯市政办发" beside twenty "长治市")."""
    words, starts = w.words, w.starts
    for i in w.where(r"\x01\x01\x01"):
        run = "".join(words[i : i + 3])
        if any(c in _LINKS for c in run) or w.text.count(run) != 1:
            continue
        if w.text.count(run[:2]) > 1 or w.text.count(run[1:]) > 1:
            continue  # the document writes a pair of them elsewhere: a term of its own (运维)
        for at in range(3):
            if run[at] in _INTERCHANGEABLE:
                continue
            for char, count in _written_otherwise(w.text, run, at).items():
                meant = run[:at] + char + run[at + 1 :]
                if char in _INTERCHANGEABLE:
                    continue
                if not (is_word(meant[:2]) or is_word(meant[1:])):
                    continue
                message = (
                    f"{{label}}“{{quote}}”：“{run}”不成词，疑为错别字，本文件他处写作“{meant}”"
                    f"（{count}处）"
                )
                w.report(ck, starts[i], starts[i] + 3, (4, 6), message, path, expected=meant,
                         actual=run)  # fmt: skip


def _written_otherwise(text: str, run: str, at: int) -> Counter[str]:
    """Each Chinese character that ``text`` writes in place of ``run[at]`` around the rest of
    the three-character ``run``, with how often."""
    # Found by string search from a fixed part (the other two characters side by side, or the
    # rarer of the two around the middle), not by a regular expression per run.
    if at == 0:
        anchor, shift, other = run[1:], -1, ""
    elif at == 2:
        anchor, shift, other = run[:2], 2, ""
    elif text.count(run[0]) <= text.count(run[2]):
        anchor, shift, other = run[0], 1, run[2]  # the middle, then the last at +2
    else:
        anchor, shift, other = run[2], -1, run[0]  # the middle, then the first at -2
    found: Counter[str] = Counter()
    start = text.find(anchor)
    while start >= 0:
        place = start + shift
        if 0 <= place < len(text) and (
            not other or text[place + shift : place + shift + 1] == other
        ):
            char = text[place]
            if char != run[at] and "\u4e00" <= char <= "\u9fff":
                found[char] += 1
        start = text.find(anchor, start + 1)
    return found


@rule(
    "TEXT-TYPO",
    "narrative",
    Severity.WARNING,
    "疑似错别字或缺字",
    "同一文件中，同样前后文的一个词只有一处写成同音的另一个字（如他处均为“社区事务受理”，"
    "一处写作“社区事物受理”）；与模板用语同音而字不同（如“设计资金”应为“涉及资金”）；"
    "一个不成词的单字夹在本文件他处连写的两个词之间（如“进行跟全过程管理”，他处为“进行全过程控制”）；"
    "一个不能单独成词的字后面直接是标点（如“推动辖区健、有序”）；“并”前他处用动词之处一次写成"
    "相差一字的名词（如“组织制度并实施”，他处为“组织制定并实施”）；或三个不成词的字与本文件他处"
    "的用语只差一字（如“照晚金”，他处为“照顾金”）。绩效目标表的指标名称和指标值一并检查。",
    ALL,
)
def typos(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    words = _Words(passages(ck) + form_passages(ck) + indicator_passages(ck))
    _homophone_typos(ck, words, path)
    _template_homophones(ck, words, path)
    _stray_characters(ck, words, path)
    _cut_short(ck, words, path)
    _garbled_terms(ck, words, path)
