"""Build a Shanghai 部门决算 disclosure from 决算 data: 第一部分 概况, the nine tables, the eleven
sections of 第三部分 and 第四部分 名词解释 (``yusuan render``).

The data must hold together before it can make a document whose tables agree: the identities it
cannot derive (the 基本支出 by 经济分类 against the 基本支出 by 功能分类) are checked first and
said in Chinese."""

from __future__ import annotations

from decimal import Decimal

from yusuan.budget.final_model import FinalData
from yusuan.budget.final_notes import other_matters, performance, three_public
from yusuan.budget.final_tables import FINAL, Rounded, derive_tables, total
from yusuan.budget.final_text import (
    Figures,
    basic_section,
    fund_section,
    general_section,
    overall_sections,
)
from yusuan.budget.tables import DataError
from yusuan.model import Disclosure, GlossaryEntry, Meta, Source
from yusuan.recognize.narrative import read_facts

FINAL_GLOSSARY: tuple[tuple[str, str], ...] = (
    ("财政拨款收入", "指单位本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款、政府性"
     "基金预算财政拨款和国有资本经营预算财政拨款。"),
    ("事业收入", "指事业单位开展专业业务活动及其辅助活动取得的收入。"),
    ("经营收入", "指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。"),
    ("其他收入", "指单位取得的除“财政拨款收入”“事业收入”“经营收入”等以外的收入。"),
    ("年初结转和结余", "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"),
    ("年末结转和结余", "指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟"
     "到以后年度按有关规定继续使用的资金。"),
    ("基本支出", "指单位为保障机构正常运转、完成日常工作任务而发生的各项支出。"),
    ("项目支出", "指单位为完成特定的行政工作任务或事业发展目标，在基本支出之外发生的各项支出。"),
    ("经营支出", "指事业单位在专业活动及辅助活动之外开展非独立核算经营活动发生的支出。"),
    ("“三公”经费", "指单位使用本级财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和"
     "公务接待费。其中：因公出国（境）费反映单位参加国际合作交流、重大项目洽谈、境外培训研修等"
     "的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务接待费反映全国性"
     "专业会议、国家重大政策调研、专项检查以及外事团组接待交流等执行公务或开展业务所需住宿费、"
     "交通费、伙食费等支出；公务用车购置及运行维护费反映编制内公务车辆的报废更新，以及用于安排"
     "市内因公出差、公务文件交换、日常工作开展等所需公务用车燃料费、维修费、过路过桥费、保险费"
     "等支出。"),
    ("机关运行经费", "指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本"
     "支出中的日常公用经费支出。"),
)  # fmt: skip


def _yuan(value: Decimal | None) -> str:
    return f"{value or 0:,.2f}元"


def identities(data: FinalData) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """What the data must make equal in 元 and cannot derive: (what, one side, the other)."""
    econ = total(item.amount for item in data.economic)
    basic = total(line.general.basic for line in data.functions)
    found = []
    if data.economic:
        found.append(("经济科目合计（一般公共预算财政拨款基本支出决算表）与功能科目一般公共预算"
                      "财政拨款基本支出", econ, basic))  # fmt: skip
    return found


def problems(data: FinalData) -> list[str]:
    found = [f"{what}不相等：{_yuan(a)}、{_yuan(b)}" for what, a, b in identities(data)
             if (a or 0) != (b or 0)]  # fmt: skip
    codes = [line.code for line in data.functions]
    found += [f"功能科目{code}重复" for code in sorted({c for c in codes if codes.count(c) > 1})]
    codes = [item.code for item in data.economic]
    found += [f"经济科目{code}重复" for code in sorted({c for c in codes if codes.count(c) > 1})]
    return found


def _organization(data: FinalData) -> str:
    """The 单位构成 text and its table (序号 | 单位名称 | 备注, one tab-separated line a row)."""
    text = data.texts.organization.strip()
    if not data.members:
        return text
    rows = ["序号\t单位名称\t备注"]
    rows += [f"{i}\t{m.name}\t{m.note}" for i, m in enumerate(data.members, start=1)]
    return "\n".join([text, *rows] if text else rows)


def _no_data_note(data: FinalData, key: str) -> str:
    what = {"fund_expenditure": "政府性基金预算", "capital_expenditure": "国有资本经营预算"}
    if key in what:
        return f"注：{data.unit.name}无{what[key]}财政拨款支出，故本表无数据。"
    return f"注：{data.unit.name}本年度无相关收入和支出，故本表无数据。"


def write_sections(d: Disclosure, data: FinalData) -> None:
    """第三部分's eleven sections, in order, from the tables just built and the data."""
    f = Figures(d)
    d.sections = [
        *overall_sections(d, data, f),
        general_section(d, data, f),
        basic_section(data, f),
        three_public(data, f),
        fund_section(data, f, "fund", 8),
        fund_section(data, f, "capital", 9),
        performance(data),
        other_matters(data, f),
    ]


def build_final(data: FinalData, source_file: str = "") -> Disclosure:
    """The 决算 disclosure of the data, as the template prints it."""
    found = problems(data)
    if found:
        raise DataError("决算数据不符合上海部门决算模板：" + "；".join(found[:10]))
    source = Source(source_file or "<决算数据>")
    unit = data.unit
    d = Disclosure(
        meta=Meta(unit_name=unit.name, year=unit.year, scope=unit.scope, kind=FINAL.kind,
                  units=[m.name for m in data.members], amount_unit=FINAL.amount_unit,
                  source_file=source_file, profile=FINAL.key, extraction="data"),
        duties=data.texts.duties.strip(),
        organization=_organization(data),
    )  # fmt: skip
    d.tables = derive_tables(data, Rounded(data, source), source)
    for table in d.tables.values():
        if table.no_data:
            table.note = _no_data_note(data, table.key)
    glossary = [(g.term, g.definition) for g in data.glossary] or list(FINAL_GLOSSARY)
    d.glossary = [GlossaryEntry(term, definition) for term, definition in glossary]
    write_sections(d, data)
    read_facts(d)
    return d
