"""A 决算's 情况说明 item by item: each 项 "年初预算为A万元，支出决算为B万元" against its table row,
the direction it states (决算数大于/小于预算数, 持平) and the reason the template asks for; and the
economic items 人员经费 and 公用经费 are said to include, against the 基本支出 table."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.checks.engine import Checker, rule
from yusuan.checks.final import FINAL
from yusuan.checks.final_text import Part, parts
from yusuan.checks.final_text import parts as parts_of
from yusuan.checks.findings import Location, Severity
from yusuan.checks.tolerance import sum_tolerance
from yusuan.final_sentences import ItemSentence, item_row, item_sentences, opening_figures
from yusuan.names import normalize_name
from yusuan.sentences import NUMBER

_VERDICT = re.compile(r"决算数(大于|小于|等于|与预算数(?:基本)?持平|与年初预算(?:基本)?持平)")
# The sections whose items are read, and the table their 支出决算 figures come from.
_ITEM_TABLES = (
    ("一般公共预算财政拨款支出决算具体情况", "general_expenditure"),
    ("政府性基金预算财政拨款收入支出决算情况说明", "fund_expenditure"),
    ("国有资本经营预算财政拨款收入支出决算情况说明", "capital_expenditure"),
)
_LEVEL = Decimal("0.01")  # 持平 may hide a change under 1 %
CENT = Decimal("0.01")  # 万元 printed to the fen of 万元: a difference within it is rounding


@rule(
    "FINAL-NARR-ITEMS",
    "narrative",
    Severity.ERROR,
    "决算说明中逐项的预决算数或增减方向有误",
    "“XX（类）XX（款）XX（项）……年初预算为A万元，支出决算为B万元。决算数大于（小于）预算数的主要原因："
    "……”：B 应等于决算表该项的支出合计；“大于”“小于”“持平”应与 A、B 相符；A、B 不同时应写明原因"
    "（写持平的不用）；各项的年初预算、支出决算相加应等于本节开头的总数。",
    FINAL,
)
def items(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for title, key in _ITEM_TABLES:
        table = ck.table(key)
        if table is None or table.no_data:
            continue
        for part in parts(ck, title):
            found = item_sentences(part.text)
            for item in found:
                names = item.names
                label = f"{part.label}“{names[0]}（类）{names[1]}（款）{names[2]}（项）”"
                row = item_row(table, names)
                printed = (row.amount("total") or Decimal(0)) if row is not None else None
                if row is not None and printed is not None and abs(printed - item.final) > CENT:
                    ck.report(
                        f"{label}支出决算为{item.final}万元，表{table.number}“{row.code} "
                        f"{row.label}”为{printed}万元",
                        [part.location(item.figures, path)],
                        expected=printed,
                        actual=item.final,
                    )
                _verdict(ck, part, label, item)
            _sums(ck, part, found)


def _verdict(ck: Checker, part: Part, label: str, item: ItemSentence) -> None:
    path = ck.disclosure.meta.source_file
    budget, final, after = item.budget, item.final, item.after
    verdict = _VERDICT.search(after[:40])
    gap = final - budget
    where = [part.location(item.figures, path)]
    if verdict is None:
        if abs(gap) > CENT:
            ck.report(
                f"{label}年初预算{budget}万元、支出决算{final}万元，未说明决算数大于（小于）"
                "预算数的原因",
                where,
                severity=Severity.WARNING,
            )
        return
    word = verdict.group(1)
    level = "持平" in word or word == "等于"
    wrong = (
        (word == "大于" and gap <= 0)
        or (word == "小于" and gap >= 0)
        or (level and budget and abs(gap) / budget >= _LEVEL)
        or (level and not budget and gap)
    )
    if wrong:
        actual = "大于" if gap > 0 else "小于" if gap < 0 else "等于"
        ck.report(
            f"{label}称“{verdict.group(0)}”，但年初预算{budget}万元、支出决算{final}万元，决算数"
            f"{actual}预算数",
            where,
        )
    elif not level and "原因" not in after[verdict.end() : verdict.end() + 12]:
        ck.report(f"{label}“{verdict.group(0)}”之后未写原因", where, severity=Severity.WARNING)


def _sums(ck: Checker, part: Part, found: list[ItemSentence]) -> None:
    """The items' figures against the section's opening total, when it states one."""
    opening = opening_figures(part.text)
    if opening is None or len(found) < 2:
        return
    path = ck.disclosure.meta.source_file
    for what, total, values in (
        ("年初预算", opening[0], [i.budget for i in found]),
        ("支出决算", opening[1], [i.final for i in found]),
    ):
        added = sum(values, Decimal(0))
        difference = total - added
        if difference == 0:
            continue
        rounding = abs(difference) <= sum_tolerance(len(values))
        ck.report(
            f"{part.label}各项{what}之和为{added}万元，本节开头为{total}万元"
            + ("（尾差）" if rounding else ""),
            [part.location(opening[2][-30:], path)],
            expected=added,
            actual=total,
            severity=Severity.INFO if rounding else None,
            rounding=rounding,
        )


# --- 人员经费 and 公用经费: what they are said to include -----------------------------------

_INCLUDES = re.compile(r"(人员经费|公用经费)" + NUMBER + r"万元[，,]主要包括[：:]([^；。]+)")
_GROUPS = {"人员经费": ("301", "303"), "公用经费": ("302", "307", "309", "310", "399")}


@rule(
    "FINAL-NARR-INCLUDES",
    "narrative",
    Severity.WARNING,
    "人员经费、公用经费所列项目与基本支出决算表不符",
    "“人员经费XXX万元，主要包括：……；公用经费XXX万元，主要包括：……”列举的经济分类款应正是一般公共"
    "预算财政拨款基本支出决算表中有数的款：表中为空的不列，有数的不漏（模板：不涉及的不列）。",
    FINAL,
)
def includes(ck: Checker) -> None:
    table = ck.table("basic_by_economic")
    if table is None:
        return
    path = ck.disclosure.meta.source_file
    for part in parts(ck, "一般公共预算财政拨款基本支出决算情况说明"):
        for match in _INCLUDES.finditer(part.text):
            kind, listing = match.group(1), match.group(3)
            named = [normalize_name(n.strip("等 ")) for n in re.split(r"[、，,]", listing) if n]
            rows = [
                r for r in table.rows if r.code and len(r.code) == 5 and r.code[:3] in _GROUPS[kind]
            ]
            groups = {normalize_name(r.label) for r in table.rows if r.code and len(r.code) == 3}
            spent = {normalize_name(r.label): r for r in rows if r.amount("amount")}
            blank = [
                n
                for n in named
                if n not in spent
                and n not in groups
                and any(normalize_name(r.label) == n for r in rows)
            ]
            elided = "…" in listing or listing.rstrip().endswith("等")
            missing = [] if elided else [r for n, r in spent.items() if n not in named]
            if not blank and not missing:
                continue
            said = []
            if blank:
                said.append("列了表中为空的" + "、".join(f"“{n}”" for n in blank))
            if missing:
                said.append(
                    "漏了表中有数的"
                    + "、".join(
                        f"“{r.label}”（{r.code}，{r.amount('amount')}万元）" for r in missing
                    )
                )
            quote = match.group(0)[:40]
            ck.report(
                f"{part.label}{kind}“主要包括”{'；'.join(said)}（表{table.number}）",
                [part.location(quote, path)],
            )


# --- 三公 counts --------------------------------------------------------------------------------

# count attribute → (its name, the 三公 table column of the money it goes with, the word for it)
_COUNTED = (
    ("groups", "因公出国（境）团组", "abroad", "因公出国（境）费"),
    ("vehicles_bought", "公务用车购置数", "car_purchase", "公务用车购置费"),
    ("receptions", "公务接待批次", "reception", "公务接待费"),
)
_AT_LEAST = (
    ("travellers", "groups", "因公出国（境）人次", "团组数"),
    ("guests", "receptions", "公务接待人次", "接待批次"),
    ("foreign_guests", "foreign_receptions", "外宾接待人次", "外宾接待批次"),
    ("receptions", "foreign_receptions", "公务接待批次", "其中外宾接待批次"),
)


@rule(
    "FINAL-THREE-COUNTS",
    "narrative",
    Severity.WARNING,
    "“三公”经费说明中的团组、车辆、接待数与支出不符",
    "“三公”经费说明所列因公出国（境）团组数、公务用车购置数、公务接待批次应与决算表的支出相符：有"
    "支出必有团组（车辆、批次），无支出则为0；人次不少于团组数（批次），外宾批次不多于全部批次；"
    "公务用车保有量为0时不应有运行维护费，与国有资产说明的车辆数一致。",
    FINAL,
)
def three_public_counts(ck: Checker) -> None:
    d = ck.disclosure
    counts = d.three_public_counts
    table = d.table("three_public")
    row = table.rows[0] if table is not None and table.rows else None
    for attribute, name, column, money in _COUNTED:
        count = getattr(counts, attribute)
        spent = row.amount(column) if row is not None else None
        if count is None or count.value is None or (spent is None and row is None):
            continue
        if count.value > 0 and not spent:
            ck.report(
                f"“三公”经费说明称{name}{count.text}，决算表{money}为0",
                [Location(count.source, "“三公”经费说明", count.sentence)],
            )
        elif count.value == 0 and spent:
            ck.report(
                f"“三公”经费说明称{name}为0，决算表{money}为{spent}万元",
                [Location(count.source, "“三公”经费说明", count.sentence)],
            )
    for many, few, many_name, few_name in _AT_LEAST:
        more, less = getattr(counts, many), getattr(counts, few)
        if more is None or less is None or more.value is None or less.value is None:
            continue
        if more.value < less.value:
            ck.report(
                f"“三公”经费说明中{many_name}{more.text}少于{few_name}{less.text}",
                [Location(more.source, "“三公”经费说明", more.sentence)],
            )
    held = counts.vehicles_held
    if held is not None and held.value == 0 and row is not None and row.amount("car_operation"):
        ck.report(
            f"公务用车保有量为0辆，决算表公务用车运行费为{row.amount('car_operation')}万元",
            [Location(held.source, "“三公”经费说明", held.sentence)],
        )
    owned = d.assets.vehicles.get("实有") if d.assets.vehicles else None
    if held is not None and held.value is not None and owned is not None and owned != held.value:
        ck.report(
            f"“三公”经费说明公务用车保有量{held.text}辆，国有资产说明车辆{owned}辆",
            [Location(held.source, "“三公”经费说明", held.sentence)],
        )


# --- 政府采购 ------------------------------------------------------------------------------------

_RESERVED = re.compile(r"面向(中小|小微)企业预留政府采购项目预算金额" + NUMBER + "万元")
_AWARDED = re.compile(
    r"在面向(中小|小微)企业预留的?政府采购项目中[，,]由\1企业供应商中标或成交的[，,]"
    r"采购金额" + NUMBER + "万元"
)


@rule(
    "FINAL-NARR-PROCUREMENT",
    "narrative",
    Severity.ERROR,
    "政府采购情况说明的金额不衔接",
    "政府采购金额应等于货物、工程、服务采购金额之和（万元四舍五入的差异为尾差）；面向中小（小微）企业"
    "预留的项目中由中小（小微）企业中标或成交的金额不应超过预留的预算金额，面向小微企业预留的不应"
    "超过面向中小企业预留的，中小企业中标或成交的金额合计不应超过政府采购金额。",
    FINAL,
)
def procurement(ck: Checker) -> None:
    d = ck.disclosure
    p = d.procurement
    path = d.meta.source_file
    parts = [f for f in (p.goods, p.works, p.services) if f is not None and f.value is not None]
    if p.total is not None and p.total.value is not None and parts:
        added = sum((f.value for f in parts if f.value is not None), Decimal(0))
        gap = p.total.value - added
        if gap:
            rounding = abs(gap) <= sum_tolerance(len(parts))
            ck.report(
                f"政府采购金额{p.total.text}万元，货物、工程、服务采购金额之和为{added}万元"
                + ("（尾差）" if rounding else ""),
                [Location(p.total.source, "政府采购支出情况", p.total.sentence)],
                expected=added,
                actual=p.total.value,
                severity=Severity.INFO if rounding else None,
                rounding=rounding,
            )
    for part in parts_of(ck, "政府采购"):
        reserved = {m.group(1): Decimal(m.group(2)) for m in _RESERVED.finditer(part.text)}
        awarded = {
            m.group(1): (Decimal(m.group(2)), m.group(0)) for m in _AWARDED.finditer(part.text)
        }
        for size, (amount, quote) in awarded.items():
            if size in reserved and amount > reserved[size]:
                ck.report(
                    f"面向{size}企业预留项目中{size}企业中标或成交{amount}万元，多于预留的"
                    f"{reserved[size]}万元",
                    [part.location(quote[-30:], path)],
                )
        if "小微" in reserved and "中小" in reserved and reserved["小微"] > reserved["中小"]:
            ck.report(
                f"面向小微企业预留{reserved['小微']}万元，多于面向中小企业预留的"
                f"{reserved['中小']}万元",
                [part.location("面向小微企业预留", path)],
            )
