"""Every stated change recomputed, whatever the sentence shape, on every template.

Where the text gives last year's figure A and this year's B ("2022年当年预算执行数为11.67万元，
2023年预算安排45.41万元，比2022年预算执行数增加314.82%"), the stated change C, its direction and
its rate P must follow from them: C = B − A, P = C ÷ A (undefined when A = 0), 持平 when A = B.
An item that states its amount twice ("“…住房公积金（项）”220.63万元 … 2023年预算安排441.25万元")
must state one amount. Sentences that give no A are left to NARR-CHANGE (the rate against this
year's figure) and to the cross-year check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Severity
from yusuan.checks.passages import ALL, Passage, passages
from yusuan.checks.tolerance import sum_tolerance

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*万元"
_RATE = r"(\d+(?:\.\d+)?)\s*%"
# "2022年当年预算执行数为1.48万元", "上年预算数为…万元"
_BEFORE = re.compile(
    r"(\d{4}\s*年|上年)(?:度)?(?:当年)?(?:预算)?(?:执行数|预算数|预算)?(?:为|是)\s*" + _AMOUNT
)
# "2023年预算安排2.63万元", "本年预算…万元"
_NOW = re.compile(r"(\d{4}\s*年|本年)(?:度)?(?:预算)?(?:安排|预算数为|为)\s*" + _AMOUNT)
_CHANGED = re.compile(r"(增加|减少)\s*" + _AMOUNT)
_RATED = re.compile(r"(增长|下降|增加|减少)\s*" + _RATE)
_SAME = re.compile(r"持平|相同|不变")
_ITEM = re.compile(r"(?:^|\n)\s*(\d{1,3})\s*[.．、]\s*“([^”]{2,80})”(?:科目)?\s*" + _AMOUNT)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Unit:
    """A list item or a sentence: where a figure, its previous year and its change are told."""

    start: int
    text: str


def units_of(ck: Checker, passage: Passage) -> list[Unit]:
    """``_units`` once per passage and check run (four rules read them)."""
    cache: dict[int, list[Unit]] = ck.memo.setdefault("units", {})  # type: ignore[assignment]
    found = cache.get(id(passage))
    if found is None:
        found = cache[id(passage)] = _units(passage)
    return found


def _units(passage: Passage) -> list[Unit]:
    """A passage cut into its numbered items, and the text outside items into sentences."""
    text = passage.text
    starts = [m.start() for m in _ITEM.finditer(text)]
    found: list[Unit] = []
    bounds = [0, *starts, len(text)]
    for begin, end in pairwise(bounds):
        if begin in starts:
            found.append(Unit(begin, text[begin:end]))
            continue
        at = begin
        for match in re.finditer(r"[。；]", text[begin:end]):
            found.append(Unit(at, text[at : begin + match.end()]))
            at = begin + match.end()
        if at < end:
            found.append(Unit(at, text[at:end]))
    return found


def _previous(text: str, year: int | None) -> re.Match[str] | None:
    """The first "<last year>…为A万元" of a whitespace-free text ("上年" counts as last year)."""
    for match in _BEFORE.finditer(text):
        if year is None or match.group(1) == "上年" or _year(match.group(1), 0) == year - 1:
            return match
    return None


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _year(text: str, default: int) -> int:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else default


@rule(
    "TEXT-CHANGE-RECOMPUTE",
    "narrative",
    Severity.ERROR,
    "所述增减与上年数、本年数不符",
    "说明同时给出上年数A、本年数B时，所述增减额应为B − A，增减率应为(B − A) ÷ A × 100%（A为0时"
    "不应写增减率），方向应与增减一致，A = B时才是“持平”；同一项目只应有一个本年金额。",
    ALL,
)
def recompute(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for unit in units_of(ck, passage):
            _check_unit(ck, passage, unit, year, path)


def _check_unit(ck: Checker, passage: Passage, unit: Unit, year: int | None, path: str) -> None:
    if "万元" not in unit.text or ("为" not in unit.text and "是" not in unit.text):
        return  # (last year's figure is always "…为X万元")
    text = "".join(unit.text.split())
    before = _previous(text, year)
    now = next(
        (m for m in _NOW.finditer(text, before.end() if before else 0)
         if year is None or _year(m.group(1), year) == year or m.group(1) == "本年"),
        None,
    )  # fmt: skip
    item = _ITEM.match(unit.text)
    if before is None or now is None:
        return
    a, b = _decimal(before.group(2)), _decimal(now.group(2))
    if item is not None and _decimal(item.group(3)) != b:
        titled = _decimal(item.group(3))
        ck.report(
            f"{passage.label}第{item.group(1)}项“{item.group(2)}”列{item.group(3)}万元，"
            f"同一项又称“{now.group(0)}”：一项两数",
            [passage.location(unit.start, now.group(0), path)],
            expected=titled,
            actual=b,
        )
        b = titled  # the item's own amount goes on (SH-NARRATIVE-CODES holds it to the tables)
    tail = text[now.end() :]
    quote_at = unit.start
    where = f"{passage.label}（上年{before.group(2)}万元，本年{b}万元）"
    changed = _CHANGED.search(tail)
    rated = _RATED.search(tail)
    if changed is not None:
        c = _decimal(changed.group(2)) * (1 if changed.group(1) == "增加" else -1)
        if abs(c - (b - a)) > sum_tolerance(2):
            ck.report(
                f"{where}“{changed.group(0)}”：应为{_moved(b - a)}",
                [passage.location(quote_at, changed.group(0), path)],
                expected=b - a,
                actual=c,
            )
            return
    if rated is not None:
        rate = _decimal(rated.group(2))
        up = rated.group(1) in ("增长", "增加")
        if a == 0:
            ck.report(
                f"{where}上年为0，“{rated.group(0)}”无从计算，应只写增减额{_moved(b - a)}",
                [passage.location(quote_at, rated.group(0), path)],
                severity=Severity.WARNING,
            )
            return
        expected = ((b - a) / a * HUNDRED).quantize(CENT, ROUND_HALF_UP)
        if (expected > 0) != up and expected != 0:
            ck.report(
                f"{where}“{rated.group(0)}”：方向与数字相反，应为"
                f"{'增长' if expected > 0 else '下降'}{abs(expected)}%",
                [passage.location(quote_at, rated.group(0), path)],
                expected=abs(expected),
                actual=rate,
            )
            return
        places = len(rated.group(2).split(".")[1]) if "." in rated.group(2) else 0
        tolerance = Decimal(1).scaleb(-places) / 2 + HUNDRED * sum_tolerance(2) / a
        if abs(rate - abs(expected)) > tolerance:
            ck.report(
                f"{where}“{rated.group(0)}”：应为{'增长' if expected > 0 else '下降'}"
                f"{abs(expected)}%",
                [passage.location(quote_at, rated.group(0), path)],
                expected=abs(expected),
                actual=rate,
            )
            return
    if changed is None and rated is None and _SAME.search(tail) and a != b:
        ck.report(
            f"{where}称“持平”，实际{_moved(b - a)}",
            [passage.location(quote_at, _SAME.search(tail).group(0), path)],  # type: ignore[union-attr]
            expected=b - a,
            actual=Decimal(0),
        )


def _moved(amount: Decimal) -> str:
    if amount == 0:
        return "持平"
    return f"{'增加' if amount > 0 else '减少'}{abs(amount)}万元"


def explicit_previous(sentence: str, year: int | None) -> bool:
    """Whether a sentence states last year's figure itself (then this module checks it)."""
    return _previous("".join(sentence.split()), year) is not None


# --- reasons that say nothing ---------------------------------------------------------------

_REASON = re.compile(r"原因(?:是|为|主要是)?[：:]?\s*([^。；;]{1,60})")
_SAID_CHANGE = re.compile(
    _AMOUNT + r"[，,]?(?:比|较)(?:上年|\d{4}年)(?:度)?(?:预算|年初预算)?(?:数|执行数)?"
    r"(增加|减少)\s*" + _AMOUNT
)
_HOLLOW = re.compile(
    r"^(?:项目调整|根据实际(?:情况|需要)(?:调整|安排)|[\u4e00-\u9fff（）()]{0,40}?"
    r"(?:经费|支出|资金|预算)?(?:增加|减少|保持不变|不变|持平))等?$"
)
_LIMIT = Decimal(10)  # % beyond which the template asks for a reason


def _movement(text: str, year: int | None) -> tuple[Decimal, int] | None:
    """The rate (%) and direction (+1/−1) of the change a unit states, when it can be told."""
    if "万元" not in text and "%" not in text and not _SAME.search(text):
        return None
    before = _previous(text, year)
    now = _NOW.search(text, before.end()) if before is not None else None
    if before is not None and now is not None:
        a, b = _decimal(before.group(2)), _decimal(now.group(2))
        if a > 0:
            return abs(b - a) / a * HUNDRED, (1 if b >= a else -1)
        return None
    said = _SAID_CHANGE.search(text)
    if said is not None:
        current, change = _decimal(said.group(1)), _decimal(said.group(3))
        sign = 1 if said.group(2) == "增加" else -1
        prior = current - sign * change
        return (change / prior * HUNDRED, sign) if prior > 0 else None
    rated = _RATED.search(text)
    if rated is not None:
        return _decimal(rated.group(2)), (1 if rated.group(1) in ("增长", "增加") else -1)
    if _SAME.search(text):
        return Decimal(0), 1
    return None


def _item_entries(ck: Checker, passage: Passage) -> dict[str, str]:
    """The 项 name of each numbered item of a passage ("15" → "机关事业单位职业年金缴费支出")."""
    found = {}
    for unit in units_of(ck, passage):
        item = _ITEM.match(unit.text)
        if item is not None:
            parts = [p for p in _PATH_SPLIT.split("".join(item.group(2).split())) if p]
            if len(parts) == 3:
                found[item.group(1)] = parts[2]
    return found


@rule(
    "TEXT-REASON-HOLLOW",
    "narrative",
    Severity.WARNING,
    "增减原因是套话或与增减不符",
    "变动超过10%时，原因应说明实际情况：只写“项目调整”或把增减换个说法（“××经费增加”）不算原因；"
    "原因所说的增减方向应与数字一致。同一段落的同类套话合并为一条。",
    ALL,
)
def hollow_reasons(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        hollow: list[tuple[int, str]] = []
        pending: tuple[Decimal, int] | None = None  # the largest change not yet explained
        entries = _item_entries(ck, passage)
        for unit in units_of(ck, passage):
            text = "".join(unit.text.split())
            moved = _movement(text, year)
            reason = _REASON.search(text)
            if reason is None:
                if moved is not None and (pending is None or moved[0] > pending[0]):
                    pending = moved
                continue
            last, pending = moved or pending, None
            if last is None:
                continue
            said = reason.group(1).strip("：:，, ")
            at = unit.start + max(0, unit.text.find("原因"))
            rate, sign = last
            direction = "增加" if sign > 0 else "减少"
            opposite = "减少" if sign > 0 else "增加"
            item = _ITEM.match(unit.text)
            own = entries.get(item.group(1)) if item else None
            other = next((number for number, entry in entries.items()
                          if own and entry != own and entry not in own and said.startswith(entry)),
                         None)  # fmt: skip
            if (said.endswith(opposite) or said.endswith(opposite + "等")) and rate > 0:
                ck.report(
                    f"{passage.label}“原因是：{said}”，而所述数字为{direction}",
                    [passage.location(at, said, path)],
                )
            elif other is not None and item is not None:
                ck.report(
                    f"{passage.label}第{item.group(1)}项“{own}”的原因“{said}”说的是第{other}项",
                    [passage.location(at, said, path)],
                )
            elif rate > _LIMIT and _HOLLOW.match(said):
                hollow.append((at, said))
        _restated_reasons(ck, passage, path)
        if hollow:
            start, said = hollow[0]
            more = f"（本段共{len(hollow)}处）" if len(hollow) > 1 else ""
            ck.report(
                f"{passage.label}变动超过{_LIMIT}%，原因只写“{said}”，未说明实际原因{more}",
                [passage.location(start, said, path)],
            )


# "…持平。主要原因：……减少支付": a reason for a change where none is stated. "决算数小于预算数的主要
# 原因：当年度无“三公”经费支出": the difference said again.
_LEVEL_REASON = re.compile(
    r"持平[。，,]\s*主要原因(?:是|为)?[：:]?\s*([^。]{0,60}?(?:减少|增加|下降|增长|调减|调增)[^。]{0,20})"
)
_RESTATED = re.compile(
    r"决算数[大小]于预算数的主要原因(?:是|为)?[：:]?\s*((?:当年度?|本年度?|全年)?(?:无|没有|未发生)"
    r"[^，。；]{0,24}(?:支出|经费))[。；]"
)


def _restated_reasons(ck: Checker, passage: Passage, path: str) -> None:
    for pattern, why in ((_LEVEL_REASON, "称持平，原因却讲增减"),
                         (_RESTATED, "原因只是把决算与预算的差异重说一遍")):  # fmt: skip
        for match in pattern.finditer(passage.text):
            said = "".join(match.group(1).split())
            ck.report(
                f"{passage.label}{why}：“{said}”",
                [passage.location(match.start(1), said, path)],
            )


# --- one figure, two changes; one use, copied ---------------------------------------------------


@rule(
    "TEXT-CHANGE-PAIRS",
    "narrative",
    Severity.ERROR,
    "收入与支出同额而增减不同",
    "预算收支平衡：说明中金额相同的收入与支出（如财政拨款收入与财政拨款支出），比上年的增减也应相同。",
    ALL,
)
def change_pairs(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        said: dict[tuple[str, Decimal], tuple[Decimal, str, int]] = {}
        text = passage.text
        for match in _SAID_NAMED.finditer(text):
            name = match.group(1)
            side = "收入" if "收入" in name else "支出" if "支出" in name else None
            if side is None:
                continue
            what = name.replace("收入", "").replace("支出", "").replace("预算", "")
            current = _decimal(match.group(2))
            sign = 1 if match.group(3) == "增加" else -1
            change = sign * _decimal(match.group(4))
            other = said.get((what + ("支出" if side == "收入" else "收入"), current))
            if other is not None and other[0] != change:
                ck.report(
                    f"{passage.label}{other[1]}与“{name}”同为{match.group(2)}万元，"
                    f"比上年增减却分别为{other[0]}万元和{change}万元",
                    [
                        passage.location(other[2], other[1], path),
                        passage.location(match.start(), name, path),
                    ],
                    expected=other[0],
                    actual=change,
                )
            said[(what + side, current)] = (change, name, match.start())


_SAID_NAMED = re.compile(
    r"((?:财政拨款|一般公共预算拨款)?(?:收入|支出)(?:预算)?)\s*" + _AMOUNT
    + r"[，,]?\s*(?:比|较)(?:上年|\d{4}年)(?:度)?(?:预算|年初预算)?(?:数|执行数)?(增加|减少)\s*"
    + _AMOUNT
)  # fmt: skip
_PATH_SPLIT = re.compile(r"\s*(?:（[类款项]\s*[)）]|\([类款项]\s*[)）]|-)\s*")
_USE = re.compile(r"主要用于([^，。；]+)")


@rule(
    "TEXT-COPIED-USE",
    "narrative",
    Severity.WARNING,
    "科目用途照抄其他科目",
    "预算编制说明逐项列出的科目，其“主要用于……”应说明本科目的用途，不应照抄另一科目的名称。",
    ("shanghai",),  # (the template whose 预算编制说明 lists every 科目 with its use)
)
def copied_uses(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        items = []
        for unit in units_of(ck, passage):
            item = _ITEM.match(unit.text)
            used = _USE.search(unit.text)
            if item is None or used is None:
                continue
            parts = [p for p in _PATH_SPLIT.split("".join(item.group(2).split())) if p]
            if len(parts) != 3:
                continue
            section, entry = parts[1], parts[2]
            items.append((item.group(1), section, entry, "".join(used.group(1).split()), unit))
        names = {(s + e): n for n, s, e, _, _ in items}
        for number, section, entry, use, unit in items:
            source = names.get(use)
            if source is not None and source != number and use != section + entry:
                at = unit.start + max(0, unit.text.find("主要用于"))
                ck.report(
                    f"{passage.label}第{number}项“{entry}”的用途写作“{use}”，是第{source}项的科目名称",
                    [passage.location(at, use, path)],
                )
