"""What a 决算's 第三部分 says that no table prints, read back into 决算 data: each 项's 年初预算,
purpose and reason (五（三）、八、九), the 三公 reason and counts (七), 机关运行经费 (十一（一）),
政府采购 (十一（二）), 绩效 (十), 国有资产 (十一（三）) and last year's figures with the reasons
for the changes (一、四、五（一）、七、十一（一）)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from yusuan.budget.final_model import FinalData, FinalLine, Performance, Procurement
from yusuan.budget.final_tables import code_name
from yusuan.budget.final_text import budget_total, procurement_total
from yusuan.budget.model import Change
from yusuan.model import Disclosure, Side
from yusuan.money import WAN, parse_amount
from yusuan.names import normalize_name
from yusuan.sentences import full_text

N = r"(\d[\d,]*(?:\.\d+)?)"
Sums = list[tuple[Callable[[FinalData], Any], Decimal | None]]
_ITEM = re.compile(
    r"(?:^|(?<=[。；：:]))\d{1,2}[、.．]([^。；：]{2,40}?)（类）([^。；：]{2,40}?)（款）"
    r"([^。；：]{2,60}?)（项）"
)
_FIGURES = re.compile(r"年初预算为" + N + r"万元[，,]支出决算为" + N + "万元")
_REASON = re.compile(r"决算数(?:大于|小于)预算数的主要原因[：:](.*)$")
_SOURCES = (("五", "general", "一般公共预算财政拨款支出决算具体情况"),
            ("八", "fund", ""), ("九", "capital", ""))  # fmt: skip


def _compact(text: str) -> str:
    return "".join(text.split())


def _section(d: Disclosure, number: str, title: str = "") -> str:
    section = d.section(number)
    if section is None:
        return ""
    if title:
        section = next((s for s in section.subsections if s.title.startswith(title)), None)
    return _compact(full_text(section)) if section is not None else ""


def _wan(text: str | None) -> Decimal | None:
    value = parse_amount(text) if text else None
    return None if value is None else value * WAN


def _clean(text: str) -> str:
    return text.strip().rstrip("。；;")


def _budget_of(source: str) -> Callable[[FinalData], Any]:
    return lambda data: budget_total(data, source)


def _items(d: Disclosure, data: FinalData, notes: list[str], sums: Sums) -> None:
    by_names: dict[tuple[str, ...], FinalLine] = {}
    for each in data.functions:
        names = tuple(normalize_name(code_name(data, each.code[:n])) for n in (3, 5, 7))
        by_names[names] = each
    for number, source, title in _SOURCES:
        text = _section(d, number, title)
        starts = list(_ITEM.finditer(text))
        opening = _FIGURES.search(text[: starts[0].start()] if starts else text)
        if opening is not None:
            sums.append((_budget_of(source), parse_amount(opening.group(1))))
            reason = _REASON.search(text[opening.end() : starts[0].start() if starts else None])
            if reason and source == "general":
                data.reasons.general = _clean(reason.group(1).removesuffix("其中："))
        for i, match in enumerate(starts):
            body = text[match.end() : starts[i + 1].start() if i + 1 < len(starts) else None]
            names = tuple(normalize_name(n) for n in match.groups())
            line = by_names.get(names)
            if line is None:
                notes.append(
                    f"第三部分“{'-'.join(match.groups())}”在决算表中找不到，未提取其年初预算"
                )
                continue
            figures = _FIGURES.search(body)
            if figures is not None:
                setattr(line.budget, source, _wan(figures.group(1)))
            use = re.match(r"^。?主要用于[：:]?([^。]*)。", body)
            line.purpose = line.purpose or (use.group(1) if use else "")
            reason = _REASON.search(body[figures.end() :] if figures else body)
            line.reason = line.reason or (_clean(reason.group(1)) if reason else "")


def _int(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def _text(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    return _clean(found.group(1)) if found else ""


def _three_public(d: Disclosure, data: FinalData) -> None:
    text, t = _section(d, "七"), data.three_public
    t.reason = _text(r"决算数(?:小于|大于)预算数的主要原因[：:]([^。]*)。", text)
    t.abroad_groups = _int(r"团组(\d+)个", text)
    t.abroad_people = _int(r"团组\d+个、累计(\d+)人次", text)
    t.abroad_content = _text(r"开支内容包括[：:]([^。]*)。", text)
    t.car_purchase_use = _text(r"公务用车购置支出为?[\d,.]+万元。主要用于[：:]?([^。]*)。", text)
    t.cars_purchased = _int(r"购置公务用车(\d+)辆", text)
    t.car_operation_use = _text(r"公务用车运行维护支出[\d,.]+万元。主要用于[：:]?([^。]*)。", text)
    t.cars_held = _int(r"保有量为(\d+)辆", text)
    t.foreign_amount = _wan(_text(r"外宾接待支出" + N + "万", text) or None)
    t.reception_use = _text(r"国内公务接待支出[^。]*。主要用于[：:]?([^。]*)。", text)
    t.foreign_batches = _int(r"接待外宾(\d+)批次", text)
    t.foreign_people = _int(r"接待外宾\d+批次、(\d+)人次", text)
    rest = re.sub(r"接待外宾\d+批次、\d+人次", "", text)
    t.reception_batches = _int(r"接待(\d+)批次", rest)
    t.reception_people = _int(r"接待\d+批次、(\d+)人次", rest)


def _operating(d: Disclosure, data: FinalData) -> None:
    text = _section(d, "十一", "机关运行经费")
    if "无机关运行经费支出" in text:
        data.operating_costs.applies = False
        return
    stated = re.search(r"机关运行经费支出" + N + "万元", text)
    table = d.table("basic_by_economic")
    public = table.value("公用经费合计", "amount") if table is not None else None
    if stated and parse_amount(stated.group(1)) != public:
        data.operating_costs.amount = _wan(stated.group(1))


def _procurement(d: Disclosure, data: FinalData, sums: Sums) -> None:
    text = _section(d, "十一", "政府采购")
    p = Procurement()
    for key, word in (("goods", "货物"), ("works", "工程"), ("services", "服务")):
        setattr(p, key, _wan(_text(word + r"采购金额" + N + "万元", text) or None))
    p.sme_reserved = _wan(_text(r"面向中小企业预留政府采购项目预算金额" + N, text) or None)
    p.small_reserved = _wan(_text(r"面向小微企业预留政府采购项目预算金额" + N, text) or None)
    awarded = re.findall(r"由中小企业供应商中标或成交的[，,]采购金额" + N, text)
    p.sme_awarded = _wan(awarded[0]) if awarded else None
    p.other_sme_awarded = _wan(awarded[1]) if len(awarded) > 1 else None
    p.small_awarded = _wan(_text(r"由小微企业供应商中标或成交的[，,]采购金额" + N, text) or None)
    data.procurement = p
    total = re.search(r"政府采购金额(?:[（(]以合同签订为准[)）])?为?" + N + "万元", text)
    if total is not None:
        sums.append((procurement_total, parse_amount(total.group(1))))


def _performance(d: Disclosure, data: FinalData) -> None:
    text = _section(d, "十")
    p = Performance(system=_text(r"如下[：:](.*?)[：:]编报绩效目标", text))
    for kind, word in (("goal", "编报绩效目标"), ("tracked", "绩效跟踪评价"),
                       ("evaluated", "绩效自评")):  # fmt: skip
        found = re.search(word + r"的\d{4}年度项目(\d+)个[，,]涉及预算金额" + N + "万元", text)
        if found:
            setattr(p, f"{kind}_projects", int(found.group(1)))
            setattr(p, f"{kind}_amount", _wan(found.group(2)))
    score = re.search(r"平均得分" + N + "分", text)
    p.average_score = parse_amount(score.group(1)) if score else None
    for key, word in (("excellent", "“优”"), ("good", "“良”"), ("passed", "“合格”"),
                      ("failed", "“不合格”"), ("problems", "发现问题"),
                      ("fixed", "完成整改的"), ("fixing", "正在整改的")):  # fmt: skip
        setattr(p, key, _int(re.escape(word) + r"(?:的项目)?(\d+)个", text))
    data.performance = p


def narrative(d: Disclosure, data: FinalData, sums: Sums, notes: list[str]) -> None:
    """Fill ``data`` with the narrative's own figures (printed 万元 × 10000) and add the sums the
    text states of them to ``sums``."""
    _items(d, data, notes, sums)
    _three_public(d, data)
    _operating(d, data)
    _procurement(d, data, sums)
    _performance(d, data)
    a = d.assets
    data.assets.as_of = a.as_of or ""
    data.assets.vehicles = {k: v for k, v in a.vehicles.items() if k not in ("实有", "编制")}
    data.assets.equipment_100 = a.equipment_100


_CHANGE = r"(?:(增加|减少)" + N + r"万元|(持平))"


def _prior(current: Decimal | None, found: re.Match[str] | None, reason: str,
           what: str, notes: list[str], group: int = 1) -> Change:  # fmt: skip
    """Last year's figure (元) from this year's (万元) and the change ``found`` states: its groups
    ``group`` (增加/减少), ``group + 1`` (the amount) and ``group + 2`` (持平)."""
    if found is None:
        return Change()
    word, amount = found.group(group), parse_amount(found.group(group + 1) or "")
    value = current or Decimal(0)
    if word == "增加":
        value -= amount or 0
    elif word == "减少":
        value += amount or 0
    if value < 0:
        notes.append(f"“{found.group(0)}”推算的上年{what}为{value}万元，不可能，未提取上年数")
        return Change()
    return Change(prior=value * WAN, reason=reason)


def prior_year(d: Disclosure, data: FinalData, notes: list[str]) -> None:
    """Last year's figures: this year's as the table prints it, less the change the text states."""
    prior = data.prior_year
    t1, t4, t5, t7 = (d.table(k) for k in ("budget_summary", "fiscal_summary",
                                           "general_expenditure", "three_public"))  # fmt: skip

    def grand(table: Any) -> Decimal | None:
        return table.value("总计", "amount", Side.INCOME) if table is not None else None

    def reason(text: str, at: re.Match[str] | None, word: str = "主要原因[：:是]?") -> str:
        return _text("^[^。]*。?" + word + r"([^。]*)。", text[at.end() :]) if at else ""

    for key, number, title, subject, current in (
        ("total", "一", "", "收入支出总计", grand(t1)),
        ("fiscal", "四", "", "财政拨款收入支出总计", grand(t4)),
        ("general", "五", "一般公共预算财政拨款支出决算总体", "一般公共预算财政拨款支出",
         t5.value("合计", "total") if t5 is not None else None),
    ):  # fmt: skip
        text = _section(d, number, title)
        found = re.search(re.escape(subject) + _CHANGE, text)
        setattr(prior, key, _prior(current, found, reason(text, found), subject, notes))
    text = _section(d, "七")
    row = t7.rows[0] if t7 is not None and t7.rows else None
    final = {k: (row.amount(k) if row is not None else None) or Decimal(0)
             for k in ("total", "abroad", "car_total", "reception")}  # fmt: skip
    found = re.search(r"“三公”经费财政拨款支出决算数(?:比|与)\d{4}年度" + _CHANGE, text)
    prior.three_public = _prior(final["total"], found, "", "“三公”经费", notes)
    for key, label in (("abroad", "因公出国（境）费"), ("car_total", "公务用车购置及运行维护费"),
                       ("reception", "公务接待费")):  # fmt: skip
        found = re.search(re.escape(label) + "支出决算" + _CHANGE, text)
        why = _text(re.escape(label) + r"支出(?:增加|减少)的主要原因是([^。]*)。", text)
        setattr(prior, key, _prior(final[key], found, why, label, notes))
    text = _section(d, "十一", "机关运行经费")
    stated = re.search(r"机关运行经费支出" + N + r"万元[，,](?:比|与)\d{4}年度" + _CHANGE, text)
    if stated is not None:
        why = reason(text, stated, "主要原因是")
        prior.operating_costs = _prior(parse_amount(stated.group(1)), stated, why,
                                       "机关运行经费", notes, group=2)  # fmt: skip
