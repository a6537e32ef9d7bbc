"""Text a reviewer reads line by line, on every template: template residue, repeated words and
punctuation, rates printed with too many places, wording of amounts, changes without a reason,
parts that do not add up (the years are in ``text_years``). Each rule quotes the words it is
about with their line.
"""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Severity
from yusuan.checks.passages import ALL, Passage, context, form_passages, passages
from yusuan.words import cut, is_word

# --- template residue and slips -------------------------------------------------------------

_RESIDUE = re.compile(
    r"[XＸ]{2,}|[×＊*]{2,}|某某|待填写|待补充|（此处[^）]{0,10}）|"
    r"增加（减少）|增长（下降）|增加/减少|增长/下降|增加\(减少\)|增长\(下降\)|"
    r"(?:增加|减少|增长|下降)持平|（列示至[^）]{0,12}）"
)


@rule(
    "TEXT-RESIDUE",
    "narrative",
    Severity.ERROR,
    "模板文字未替换",
    "说明中不应留有模板的占位和提示文字：XX、×××、某某、待填写、“增加（减少）”“增长（下降）”"
    "二选一未选、“增加持平”等。",
    ALL,
)
def residue(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for match in _RESIDUE.finditer(passage.text):
            quote = context(passage.text, match.start(), match.end())
            ck.report(
                f"{passage.label}留有模板文字“{match.group(0)}”：“…{quote}…”",
                [passage.location(match.start(), quote, path)],
            )


# A word printed twice in a row: the words of the template's sentences, and doubled punctuation.
_REPEATED = re.compile(
    r"(增加|减少|增长|下降|主要|其中|预算|支出|收入|万元|经费|用于|原因|比上年|的|是|为)\1"
    r"|([。，；、：；])[。，；、：；]"
)


@rule(
    "TEXT-REPEATED",
    "narrative",
    Severity.WARNING,
    "字词或标点重复",
    "同一字词连写两次（如“增加增加”），或两个标点连用（如“。。”“。；”“，，”）。",
    ALL,
)
def repeated(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck) + form_passages(ck):
        text = passage.text.replace("\n", "")
        flat_to_raw: list[int] = []  # built on the first match only
        for match in _REPEATED.finditer(text):
            if match.group(1) in ("的", "是", "为") and _legit_double(text, match.start()):
                continue
            _report_repeat(ck, passage, text, match.start(), match.end(), flat_to_raw, path)
        for match in _DOUBLED_CHARACTER.finditer(text):
            if not _REPEATED.match(text, match.start()) and _stray_double(text, match.start()):
                _report_repeat(ck, passage, text, match.start(), match.end(), flat_to_raw, path)


def _report_repeat(
    ck: Checker, passage: Passage, text: str, start: int, end: int, cache: list[int], path: str
) -> None:
    quote = context(text, start, end)
    at = _raw_offset(passage.text, start, cache)
    ck.report(
        f"{passage.label}“{text[start:end]}”重复：“…{quote}…”",
        [passage.location(at, quote, path)],
    )


_DOUBLED_CHARACTER = re.compile(r"([\u4e00-\u9fff])\1")
_NUMERALS = set("一二三四五六七八九十百千万")


def _stray_double(text: str, at: int) -> bool:
    """A character printed twice where the words do not call for it: "编织织建" splits as
    编织/织/建, a word and the same character again, stray. "工作作为" (工作/作为), "常常" and
    "交通路路口" (交通/路/路口: a name's last character before a word) are not slips."""
    if text[at] in _NUMERALS or is_word(text[at : at + 2]):
        return False
    start = max(0, at - 6)
    window = text[start : at + 8]
    ends = []  # (start, end) of each word of the window
    offset = start
    for word in cut(window):
        ends.append((offset, offset + len(word)))
        offset += len(word)
    first = next(span for span in ends if span[0] <= at < span[1])
    second = next(span for span in ends if span[0] <= at + 1 < span[1])
    if first == second:
        return False  # one word holds both
    return first[1] - first[0] > 1 and second[1] - second[0] == 1


def _raw_offset(text: str, flat: int, cache: list[int]) -> int:
    """The offset in ``text`` of offset ``flat`` of the text without its line breaks."""
    if not cache:
        cache.extend(i for i, ch in enumerate(text) if ch != "\n")
    return cache[flat]


def _legit_double(text: str, at: int) -> bool:
    """ "是是非非", "为为" are not slips of the template's sentences; "的的确确" neither."""
    return text[at : at + 4] in ("的的确确", "是是非非")


@rule(
    "TEXT-END-MARK",
    "narrative",
    Severity.WARNING,
    "段落结尾标点有误",
    "一段说明应以句号结束；以“；”“，”“、”结尾的，多是删去模板的“……（不涉及的不列）”后留下的。",
    ALL,
)
def end_mark(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text.rstrip()
        if len(text) < 10 or text[-1] not in "；;，,、":
            continue
        quote = "".join(text[-30:].split())
        ck.report(
            f"{passage.label}以“{text[-1]}”结尾：“…{quote}”",
            [passage.location(len(text) - 1, quote, path)],
        )


# A phrase may close on one of these characters ("详见…绩效目标表", "…1113850元", "无").
_CLOSING = set("表无元号日等年月人次个项家处费率度")
_FINAL = re.compile(r"[。；;！!.）)”\"’：:]$")


@rule(
    "TEXT-CUT-OFF",
    "narrative",
    Severity.WARNING,
    "句子未写完",
    "说明段落或绩效目标表的文字在词语中间结束（如“构建政府主”），应把句子写完整。",
    ALL,
)
def cut_off(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck) + form_passages(ck):
        text = passage.text.rstrip()
        flat = "".join(text.split())
        if len(flat) < 20 or _FINAL.search(flat) or flat[-1] in _CLOSING:
            continue
        if any(is_word(flat[-n:]) for n in (2, 3, 4)):
            continue  # ends on a word
        words = cut(flat[-12:])
        if len(words) < 2 or len(words[-1]) != 1 or not _HAN.match(words[-1]):
            continue
        if len(words[-2]) < 2 or not _HAN.match(words[-2][-1]):
            continue  # "…进/馆", "…第198号": not a word broken off
        quote = flat[-30:]
        ck.report(
            f"{passage.label}在“{words[-2]}{words[-1]}”处结束，句子似未写完：“…{quote}”",
            [passage.location(max(0, len(text) - 1), quote, path)],
        )


_HAN = re.compile(r"[\u4e00-\u9fff]")


_RATE = re.compile(r"(?:增长|下降|占|为)\s*(\d+\.\d{3,})\s*%")


@rule(
    "TEXT-RATE-PLACES",
    "narrative",
    Severity.WARNING,
    "百分比小数位数过多",
    "增减率、占比保留两位小数（如12.35%），不应写成三位以上小数。",
    ALL,
)
def rate_places(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for match in _RATE.finditer(passage.text):
            quote = context(passage.text, match.start(), match.end(), 6, 1)
            ck.report(
                f"{passage.label}“{match.group(1)}%”保留了{len(match.group(1).split('.')[1])}位小数，"
                "应保留两位",
                [passage.location(match.start(1), quote, path)],
            )


_PAIRS = (("（(", "）)"), ("“", "”"), ("《", "》"))
_ANY_BRACKET = re.compile(r"[（()）“”《》]")


@rule(
    "TEXT-BRACKETS",
    "narrative",
    Severity.WARNING,
    "括号或引号不成对",
    "一句话中的括号（）、引号“”、书名号《》应成对出现；全角括号不应与半角括号混用（如“（款)”）。",
    ALL,
)
def brackets(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        start = 0
        ends = [m.end() for m in re.finditer(r"[。；;！？]", text)] + [len(text)]
        closed_by = 0  # a bracket opened in an earlier sentence is closed in this one
        for index, end in enumerate(ends):
            sentence = text[start:end]
            problem = None if index < closed_by else _unpaired(sentence)
            later = ends[index + 1 : index + 1 + _BRACKET_REACH]
            if problem and (closing := _spans(text, start, later)) is not None:
                closed_by = index + 1 + closing  # "（其中，…；…。…）": one bracket over sentences
                problem = None
            if problem:
                quote = "".join(sentence.split())[:40]
                at = start + len(sentence) - len(sentence.lstrip())
                ck.report(
                    f"{passage.label}{problem}：“{quote}”", [passage.location(at, quote, path)]
                )
            start = end


_BRACKET_REACH = 6  # sentences a bracket may run over (the 决算 template's 绩效 sentence runs 5)


def _spans(text: str, start: int, later_ends: list[int]) -> int | None:
    """How many more sentences a bracket opened in the sentence at ``start`` runs over before
    it is closed, if it is closed within ``later_ends``."""
    for count, end in enumerate(later_ends, 1):
        if _unpaired(text[start:end]) is None:
            return count
    return None


def _unpaired(sentence: str) -> str | None:
    if not _ANY_BRACKET.search(sentence):
        return None
    for lefts, rights in _PAIRS:
        opened = sum(sentence.count(c) for c in lefts)
        closed = sum(sentence.count(c) for c in rights)
        if opened != closed:
            return f"一句中“{lefts[0]}”{opened}个、“{rights[0]}”{closed}个，不成对"
    if re.search(r"（[^（）()]*\)|\([^（）()]*）", sentence):
        return "全角括号与半角括号混用"
    return None


# --- changes without a reason ---------------------------------------------------------------

_CHANGE = re.compile(
    r"(?:比|较)(?:上年|\d{4}年)(?:度)?(?:预算|年初预算)?(?:数|执行数)?(增加|减少)\s*"
    r"(\d[\d,]*(?:\.\d+)?)\s*万元"
)
_BEFORE_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*万元[，,]?\s*$")
_REASON_WORDS = ("原因", "主要是", "由于", "因为")
_REASON_LIMIT = 10  # % a change may move without a stated reason (the template's rule)


@rule(
    "TEXT-REASON",
    "narrative",
    Severity.WARNING,
    "增减变动较大而未说明原因",
    f"比上年增减超过{_REASON_LIMIT}%的，同一句或同一段应说明原因（“主要原因是……”）。",
    ALL,
)
def reasons(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        for sentence_start, sentence in _sentences(text):
            for match in _CHANGE.finditer(sentence):
                head = _BEFORE_AMOUNT.search(sentence[: match.start()])
                if head is None:
                    continue
                now = Decimal(head.group(1).replace(",", ""))
                change = Decimal(match.group(2).replace(",", ""))
                before = now - change if match.group(1) == "增加" else now + change
                if before <= 0 or change * 100 <= before * _REASON_LIMIT:
                    continue
                # a reason in the same sentence or later in the same paragraph or section part
                following = text[sentence_start : sentence_start + len(sentence) + 400]
                if any(word in following for word in _REASON_WORDS):
                    continue
                quote = "".join(match.group(0).split())
                rate = (change / before * 100).quantize(Decimal("0.01"))
                ck.report(
                    f"{passage.label}“{quote}”（变动{rate}%）未说明原因",
                    [passage.location(sentence_start + match.start(2), quote, path)],
                )


def _sentences(text: str) -> list[tuple[int, str]]:
    found, start = [], 0
    for match in re.finditer(r"[。；;]", text):
        found.append((start, text[start : match.end()]))
        start = match.end()
    if start < len(text):
        found.append((start, text[start:]))
    return found


# --- words and figures ------------------------------------------------------------------------

# "1.35万元。比2022年预算持平": a full stop between an amount and what it is compared with.
# "X万元。比上年增加": the template's one sentence broken; "X万元。与2023年度相比，…" is a sentence
# of its own (the 决算 template's).
_BROKEN = re.compile(r"万元。(?=(?:比|与|较)(?:上年|\d{4}年))(?!与(?:上年|\d{4}年度?)相比)")
# "1720.00万，其中": 万 with no 元 after an amount.
_WAN_ALONE = re.compile(r"(\d[\d,]*(?:\.\d+)?)万(?=[，,。；;（()）、]|$)")
# "拟从2020年起" in a 2025 document: a plan dated before the document's own year.
_PLAN = re.compile(r"(?:拟|计划|预计|将)(?:从|于|自|在)?(\d{4})年")


@rule(
    "TEXT-WORDING",
    "narrative",
    Severity.WARNING,
    "金额、单位或时间的写法有误",
    "金额后不应用句号把比较隔开（“1.35万元。比上年持平”）；金额应写“万元”而不是“万”；"
    "“拟从××××年起”的年度不应早于文件年度。",
    ALL,
)
def wording(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        for match in _BROKEN.finditer(text):
            quote = context(text, match.start(), match.end(), 8, 10)
            ck.report(
                f"{passage.label}“{quote}”：金额与比较之间误用句号",
                [passage.location(match.start(), quote, path)],
            )
        for match in _WAN_ALONE.finditer(text):
            quote = context(text, match.start(), match.end(), 8, 2)
            ck.report(
                f"{passage.label}“{match.group(0)}”：金额单位应为“万元”",
                [passage.location(match.start(), quote, path)],
            )
        for match in _PLAN.finditer(text):
            planned = int(match.group(1))
            if year is not None and planned < year:
                quote = context(text, match.start(), match.end(), 4, 8)
                ck.report(
                    f"{passage.label}“{quote}”：{year}年的文件称“{match.group(0)}”，年度已过",
                    [passage.location(match.start(), quote, path)],
                    expected=str(year),
                    actual=str(planned),
                )


# --- figures that must add up inside a sentence ---------------------------------------------

_UNITS = "平方米|万元|辆|台|人|个"
# "8013平方米（其中计容面积7998平方米，不计容面积105平方米）": a figure and its parts in brackets
_BRACKETED_PARTS = re.compile(
    rf"(\d[\d,]*(?:\.\d+)?)({_UNITS})[（(]其中[:：]?([^（）()]{{4,80}})[)）]"
)
_PART = re.compile(rf"(\d[\d,]*(?:\.\d+)?)({_UNITS})")
# A heading of Shanghai's project pages that follows text left without its full stop.
_NEXT_HEADING = re.compile(
    r"([\u4e00-\u9fff])\n?(?=[二三四五六七]、(?:立项依据|实施主体|实施方案|实施周期|年度预算安排|绩效目标))"
)
_ANY_HEADING = re.compile(
    r"[一二三四五六七]、(项目概述|项目概况|立项依据|实施主体|实施方案|实施周期|年度预算安排|绩效目标)"
)


@rule(
    "TEXT-SUMS",
    "narrative",
    Severity.WARNING,
    "说明中的分项之和与总数不符，或段末缺少句号",
    "“X（其中A，B）”中A与B之和应等于X（面积、金额、数量）；项目说明各段的叙述应以句号结束。",
    ALL,
)
def text_sums(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        for match in _BRACKETED_PARTS.finditer(text):
            total, unit = Decimal(match.group(1).replace(",", "")), match.group(2)
            parts = [Decimal(m.group(1).replace(",", "")) for m in _PART.finditer(match.group(3))
                     if m.group(2) == unit]  # fmt: skip
            added = sum(parts, Decimal(0))
            if len(parts) >= 2 and added != total:
                quote = "".join(match.group(0).split())
                ck.report(
                    f"{passage.label}“{quote}”：分项之和为{added}{unit}，与{total}{unit}不符",
                    [passage.location(match.start(), quote, path)],
                    expected=added,
                    actual=total,
                )
        if "实施" not in text:
            continue  # (only project pages have these headings)
        for match in _NEXT_HEADING.finditer(text):
            opened = list(_ANY_HEADING.finditer(text, 0, match.start()))
            if not opened or opened[-1].group(1) in ("实施主体", "实施周期"):
                continue  # a name or a period needs no full stop
            if match.start() - opened[-1].end() < 25:
                continue
            quote = text[max(0, match.start() - 12) : match.end()].replace("\n", "")
            ck.report(
                f"{passage.label}“{quote}”段末缺少句号",
                [passage.location(match.start(), quote, path)],
            )
