"""Typos in free prose, told by the document's own words: a word written once as a homophone of
what the same document writes elsewhere between the same neighbours ("社区事物受理" where three
other sentences say "社区事务受理", "更游校的整合" beside "更有效的整合"), a homophone of one
of the template's fixed words ("设计资金" for 涉及资金, ``Template.wording``), a lone character
between two words the document elsewhere writes side by side ("进行跟全过程管理" beside
"进行全过程控制"), and a word cut short before a punctuation mark ("推动辖区健、有序" for 健康).

A dictionary alone cannot tell "事物" from "事务": both are words. The evidence is the
document's other sentences or its template, so a typo neither contradicts stays unreported.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from itertools import accumulate, pairwise

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Severity
from yusuan.checks.passages import ALL, Passage, context, form_passages, passages
from yusuan.templates import template_of
from yusuan.words import frequency, is_word, reading, spans

# Characters whose homophones are accepted variants, not typos (的/地/得, 其他/其它, 制定/制订 …).
_VARIANTS = frozenset("的地得他它做作定订帐账象像那哪")
# Characters that end a word of their own as a suffix (运行费、 营商办、 商业便利度、): a word cut
# short is never told by them.
_SUFFIXES = frozenset(
    "费率性化者员局处科办类项款金层辆班队所站部委厅室股区县市省乡镇村街路号楼栋户人元万亿"
    "年月日次个件条座台套张份批度网制数额量值"
)
# Characters a phrase takes in between its words as a matter of course ("目录及编制", "省直各相关",
# "负责为区政府").
_LINKS = frozenset("及和与并或各等的了之均也都对向从在把被将为以于由按给我其这该此所")
_CUT_BEFORE = "、，；;。：:,"
_FREE_CHARACTER = 5000  # dictionary frequency of a character that stands alone as a word
_COMMON_WORD = 500  # dictionary frequency of a word a cut-short character should have begun


def _chinese(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _tokens(text: str) -> list[tuple[str, int]]:
    """The words of ``text`` made of Chinese characters, with their offsets (a dictionary word
    is Chinese throughout or not at all)."""
    return [(w, at) for w, at in spans(text) if _chinese(w[0])]


_Tokenized = list[tuple[Passage, list[tuple[str, int]]]]

_Use = tuple[str, Passage, int]  # a word (or two lone characters), where it is, its offset


def _uses(tokens: list[tuple[str, int]], passage: Passage) -> list[tuple[tuple[str, str], _Use]]:
    """Each two-character word, and each pair of lone characters (the shape a typo of a word
    takes), keyed by its two neighbouring words."""
    keyed = []
    for i in range(1, len(tokens) - 1):
        word, start = tokens[i]
        if len(word) == 2:
            unit, after = word, i + 1
        elif len(word) == 1 and len(tokens[i + 1][0]) == 1 and i + 2 < len(tokens):
            unit, after = word + tokens[i + 1][0], i + 2
        else:
            continue
        if tokens[i - 1][1] + len(tokens[i - 1][0]) != start or tokens[after][1] != start + 2:
            continue  # a neighbour across a punctuation mark or a line's end is no neighbour
        keyed.append(((tokens[i - 1][0], tokens[after][0]), (unit, passage, start)))
    return keyed


def _sound(text: str) -> tuple[str, ...]:
    return tuple(reading(c) for c in text)


def _homophone_typos(ck: Checker, tokenized: _Tokenized, path: str) -> None:
    between: dict[tuple[str, str], list[_Use]] = {}
    for passage, tokens in tokenized:
        for key, use in _uses(tokens, passage):
            between.setdefault(key, []).append(use)
    for uses in between.values():
        if len(uses) < 2 or all(u[0] == uses[0][0] for u in uses):
            continue
        by_sound: dict[tuple[str, ...], list[_Use]] = {}
        for use in uses:  # the same neighbours: now the same sound
            by_sound.setdefault(_sound(use[0]), []).append(use)
        for same in by_sound.values():
            _report_homophones(ck, same, path)


def _report_homophones(ck: Checker, uses: list[_Use], path: str) -> None:
    counts = Counter(text for text, _, _ in uses)
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
        _, passage, start = next(u for u in uses if u[0] == text)
        quote = context(passage.text, start, start + 2, 4, 4)
        ck.report(
            f"{passage.label}“{quote}”：“{text}”疑为错别字，本文件他处同样的上下文写作"
            f"“{best}”（{counts[best]}处）",
            [passage.location(start, quote, path)],
            expected=best,
            actual=text,
        )


def _accepted_variant(text: str, meant: str) -> bool:
    """Whether ``text`` differs from ``meant`` at a character whose homophones are accepted
    variants (的/地/得 …): then it is no typo."""
    pairs = zip(text, meant, strict=True)
    return any(a != b and (a in _VARIANTS or b in _VARIANTS) for a, b in pairs)


def _template_homophones(ck: Checker, all_passages: list[Passage], path: str) -> None:
    """Where the document writes a template word's sound in other characters: each character is
    replaced by one standing for its reading, so a homophone reads as the word itself."""
    present = set().union(*(p.text for p in all_passages)) if all_passages else set()
    stand_in: dict[str, str] = {}  # a reading → the character that stands for it
    canonical: dict[int, str] = {}
    for char in present:
        if _chinese(char):
            canonical[ord(char)] = stand_in.setdefault(reading(char), char)
    wanted = {}
    for word in template_of(ck.disclosure).wording:
        sounds = [stand_in.get(reading(c)) for c in word]
        if all(sounds):
            wanted["".join(s for s in sounds if s)] = word
    starts = list(accumulate((len(p.text) + 1 for p in all_passages), initial=0))
    heard = "\n".join(p.text for p in all_passages).translate(canonical)
    for key, meant in wanted.items():
        at = heard.find(key)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            passage, start = all_passages[index], at - starts[index]
            written = passage.text[start : start + len(key)]
            if written != meant and not _accepted_variant(written, meant):
                quote = context(passage.text, start, start + len(key), 6, 6)
                ck.report(
                    f"{passage.label}“{quote}”：“{written}”疑为错别字，模板用语为“{meant}”",
                    [passage.location(start, quote, path)],
                    expected=meant,
                    actual=written,
                )
            at = heard.find(key, at + 1)


def _stray_characters(ck: Checker, tokenized: _Tokenized, path: str) -> None:
    """A lone character between two words that the document elsewhere writes side by side
    ("进行跟全过程管理" beside "进行全过程控制"): a word left half-written or a stray."""
    adjacent: Counter[tuple[str, str]] = Counter()
    for _, tokens in tokenized:
        for (a, i), (b, j) in pairwise(tokens):
            if i + len(a) == j:
                adjacent[(a, b)] += 1
    for passage, tokens in tokenized:
        for (a, i), (c, j), (b, k) in zip(tokens, tokens[1:], tokens[2:], strict=False):
            if len(c) != 1 or len(a) < 2 or len(b) < 2 or i + len(a) != j or j + 1 != k:
                continue
            if c in _LINKS or c in _SUFFIXES or not adjacent[(a, b)]:
                continue
            if is_word(a[-1] + c) or is_word(c + b[0]):
                continue
            quote = context(passage.text, i, k + len(b), 4, 4)
            ck.report(
                f"{passage.label}“{quote}”：“{a}{c}{b}”中的“{c}”不成词，疑有缺字或多字"
                f"（本文件他处写作“{a}{b}”，{adjacent[(a, b)]}处）",
                [passage.location(j, quote, path)],
            )


def _cut_short(ck: Checker, tokenized: _Tokenized, path: str) -> None:
    vocabulary = {word for _, tokens in tokenized for word, _ in tokens if len(word) == 2}
    for passage, tokens in tokenized:
        for (before, _), (char, start) in pairwise(tokens):
            end = start + 1
            if len(char) != 1 or len(before) < 2 or char in _SUFFIXES or before.endswith("所"):
                continue
            if frequency(char) >= _FREE_CHARACTER:  # 中, 有, 高 end a phrase on their own
                continue
            if end >= len(passage.text) or passage.text[end] not in _CUT_BEFORE:
                continue
            if passage.text[start - 1 : start] != before[-1] or is_word(before[-1] + char):
                continue
            begun = sorted(
                (w for w in vocabulary if w[0] == char and frequency(w) >= _COMMON_WORD),
                key=frequency,
                reverse=True,
            )
            if not begun:
                continue
            quote = context(passage.text, start, end, 8, 6)
            ck.report(
                f"{passage.label}“{quote}”：“{before}{char}”后即是标点，“{char}”不单独成词，"
                f"疑有缺字（本文件他处有“{'”“'.join(begun[:2])}”）",
                [passage.location(start, quote, path)],
            )


@rule(
    "TEXT-TYPO",
    "narrative",
    Severity.WARNING,
    "疑似错别字或缺字",
    "同一文件中，同样前后文的一个词只有一处写成同音的另一个字（如他处均为“社区事务受理”，"
    "一处写作“社区事物受理”）；与模板用语同音而字不同（如“设计资金”应为“涉及资金”）；"
    "一个不成词的单字夹在本文件他处连写的两个词之间（如“进行跟全过程管理”，他处为“进行全过程控制”）；"
    "或一个不能单独成词的字后面直接是标点（如“推动辖区健、有序”）。",
    ALL,
)
def typos(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    all_passages = passages(ck) + form_passages(ck)
    tokenized = [(passage, _tokens(passage.text)) for passage in all_passages]
    _homophone_typos(ck, tokenized, path)
    _template_homophones(ck, all_passages, path)
    _stray_characters(ck, tokenized, path)
    _cut_short(ck, tokenized, path)
