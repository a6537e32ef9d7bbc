"""The Shanghai 部门决算 (final accounts): the real 普陀区财政局 2024 决算 read end to end, its
cells against values transcribed by hand from the printed pages (page images, not the program's
output), and the official blank template refused as a template.

The PDF was made with ONLYOFFICE: its text layer gives ，：；、 tight boxes at the foot of the line
(they used to come out as lines of their own), splits the Part 3 heading over two lines, and merges
the 类/款/项 header cells into the 合计 row of 收入决算表 and 支出决算表.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

import yusuan
from tests.conftest import SHARED
from yusuan.errors import BlankTemplateError, NotADisclosureError
from yusuan.model import Disclosure, RowKind, Side, Table
from yusuan.readers import load
from yusuan.readers.text import Line
from yusuan.recognize.headings import join_split_headings
from yusuan.templates import detect, get_template

FOLDER = SHARED / "real-docs" / "shanghai-final"
FINAL = FOLDER / "shpt_czj_2024_dept_final_good.pdf"
TEMPLATE = FOLDER / "template_dept_final_attachment2.pdf"
INCOME, SPENT = Side.INCOME, Side.EXPENDITURE


def _path(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"missing {path} (set YUSUAN_SHARED to the shared folder)")
    return path


@cache
def final() -> Disclosure:
    return yusuan.read(_path(FINAL))


def D(text: str) -> Decimal:
    return Decimal(text)


def table(key: str) -> Table:
    found = final().table(key)
    assert found is not None, key
    return found


def cells(key: str, row: str, side: Side | None = None, index: int = 0) -> dict[str, str | None]:
    """The printed text of each cell of a row (None for a blank cell)."""
    rows = table(key).find(row, side)
    assert len(rows) > index, (key, row, side)
    return {k: (c.text or None) for k, c in rows[index].cells.items()}


def amounts(key: str, row: str, side: Side | None = None, index: int = 0) -> dict[str, Decimal]:
    rows = table(key).find(row, side)
    assert len(rows) > index, (key, row, side)
    return {k: c.amount for k, c in rows[index].cells.items() if c.amount is not None}


# --- what the document is -----------------------------------------------------------------------


def test_the_final_accounts_template_is_detected() -> None:
    d = final()
    meta = d.meta
    assert meta.profile == "shanghai-final"
    assert meta.kind == "决算"
    assert get_template(meta.profile).kind == "决算"
    assert (meta.unit_name, meta.year, meta.scope, meta.amount_unit) == (
        "上海市普陀区财政局", 2024, "部门", "万元",
    )  # fmt: skip
    assert meta.units == [
        "上海市普陀区财政局（本级）", "上海市普陀区财政局财政所", "上海市普陀区国库收付中心",
    ]  # fmt: skip
    assert sorted(d.tables) == list(range(1, 10))
    assert [d.tables[n].key for n in range(1, 10)] == [
        "budget_summary", "income_summary", "expenditure_summary", "fiscal_summary",
        "general_expenditure", "basic_by_economic", "three_public", "fund_expenditure",
        "capital_expenditure",
    ]  # fmt: skip
    assert not d.issues, [i.message for i in d.issues]


def test_budget_documents_keep_their_templates() -> None:
    shanghai = SHARED / "real-docs" / "shanghai" / "shpt_czj_2025_dept_budget.pdf"
    d = yusuan.read(_path(shanghai))
    assert (d.meta.profile, d.meta.kind) == ("shanghai", "预算")
    lines = load(_path(FINAL)).lines
    assert detect([ln.compact for ln in lines]).key == "shanghai-final"


def test_every_cell_has_its_page_and_line() -> None:
    for number, t in final().tables.items():
        for row in t.rows:
            for key, cell in row.cells.items():
                assert cell.source is not None, (number, row.key, key)
                assert cell.source.page is not None and cell.source.line is not None
                assert cell.source.bbox is not None
    assert amounts_source("income_summary", "合计", "total") == (8, 95)
    assert amounts_source("fiscal_summary", "总计", "total", SPENT) == (13, 175)
    assert amounts_source("basic_by_economic", "人员经费合计", "amount") == (17, 245)


def amounts_source(key: str, row: str, column: str, side: Side | None = None) -> tuple[int, int]:
    found = table(key).row(row, side)
    assert found is not None
    source = found.cells[column].source
    assert source is not None and source.page is not None and source.line is not None
    return source.page, source.line


# --- 表1 收入支出决算总表 (pages 6-7) ------------------------------------------------------------


def test_income_and_expenditure_summary() -> None:
    t = table("budget_summary")
    assert [(c.key, c.header, c.side) for c in t.columns] == [
        ("amount", "收入/决算数", INCOME), ("total", "支出/决算数", SPENT),
    ]  # fmt: skip
    income = [r.label for r in t.rows if r.side == INCOME]
    assert income == [
        "一、一般公共预算财政拨款收入", "二、政府性基金预算财政拨款收入",
        "三、国有资本经营预算财政拨款收入", "四、上级补助收入", "五、事业收入", "六、经营收入",
        "七、附属单位上缴收入", "八、其他收入", "本年收入合计", "使用非财政拨款结余（含专用结余）",
        "年初结转和结余", "总计",
    ]  # fmt: skip
    spent = [r.label for r in t.rows if r.side == SPENT]
    assert len(spent) == 26 + 4
    assert spent[0] == "一、一般公共服务支出" and spent[25] == "二十六、抗疫特别国债安排的支出"
    assert spent[26:] == ["本年支出合计", "结余分配", "年末结转和结余", "总计"]
    assert cells("budget_summary", "一、一般公共预算财政拨款收入", INCOME) == {"amount": "2,940.05"}
    assert t.value("一、一般公共预算财政拨款收入", "amount", INCOME) == D("2940.05")
    assert t.value("二、政府性基金预算财政拨款收入", "amount", INCOME) is None
    assert t.value("八、其他收入", "amount", INCOME) == D("6.20")
    assert t.value("本年收入合计", "amount", INCOME) == D("2946.25")
    assert t.value("使用非财政拨款结余（含专用结余）", "amount", INCOME) is None
    assert t.value("年初结转和结余", "amount", INCOME) == D("49.14")
    assert t.value("总计", "amount", INCOME) == D("2995.39")
    assert t.value("一、一般公共服务支出", "total", SPENT) == D("2106.66")
    assert t.value("五、教育支出", "total", SPENT) is None
    assert t.value("八、社会保障和就业支出", "total", SPENT) == D("326.71")  # as printed
    assert t.value("九、卫生健康支出", "total", SPENT) == D("60.99")
    assert t.value("十九、住房保障支出", "total", SPENT) == D("445.69")
    assert t.value("本年支出合计", "total", SPENT) == D("2940.05")
    assert t.value("结余分配", "total", SPENT) is None
    assert t.value("年末结转和结余", "total", SPENT) == D("55.34")
    assert t.value("总计", "total", SPENT) == D("2995.39")
    totals = [r.label for r in t.rows if r.kind == RowKind.TOTAL]
    assert totals == ["本年收入合计", "本年支出合计", "总计", "总计"]


# --- 表2 收入决算表 (pages 8-9) ------------------------------------------------------------------


def test_income_by_function() -> None:
    t = table("income_summary")
    assert [c.key for c in t.columns] == [
        "total", "fiscal", "superior", "business", "operating", "affiliated", "other",
    ]  # fmt: skip
    assert [c.header for c in t.columns][:2] == ["本年收入合计", "财政拨款收入"]
    assert [r.key for r in t.rows] == [
        "合计", "201", "20106", "2010601", "2010602", "2010607", "2010608", "208", "20805",
        "2080501", "2080505", "2080506", "2080599", "210", "21011", "2101101", "221", "22102",
        "2210201", "2210203",
    ]  # fmt: skip
    assert [r.kind for r in t.rows[:4]] == [
        RowKind.TOTAL, RowKind.CLASS, RowKind.SECTION, RowKind.ITEM,
    ]  # fmt: skip
    assert cells("income_summary", "合计") == {
        "total": "2,946.25", "fiscal": "2,940.05", "superior": None, "business": None,
        "operating": None, "affiliated": None, "other": "6.20",
    }  # fmt: skip
    assert amounts("income_summary", "201") == {
        "total": D("2112.86"), "fiscal": D("2106.66"), "other": D("6.20"),
    }  # fmt: skip
    assert amounts("income_summary", "2010601") == {
        "total": D("1511.90"), "fiscal": D("1511.89"), "other": D("0.01"),
    }  # fmt: skip
    assert amounts("income_summary", "2010602") == {
        "total": D("16.19"), "fiscal": D("10.00"), "other": D("6.19"),
    }  # fmt: skip
    assert amounts("income_summary", "2080505") == {"total": D("160.75"), "fiscal": D("160.75")}
    assert amounts("income_summary", "2210203") == {"total": D("258.50"), "fiscal": D("258.50")}
    row = t.row("2080505")
    assert row is not None and row.label == "机关事业单位基本养老保险缴费支出"


# --- 表3 支出决算表 (pages 10-11) ----------------------------------------------------------------


def test_expenditure_by_function() -> None:
    t = table("expenditure_summary")
    assert [c.key for c in t.columns] == [
        "total", "basic", "project", "to_superior", "operating", "to_affiliated",
    ]  # fmt: skip
    assert len(t.rows) == 20
    assert amounts("expenditure_summary", "合计") == {
        "total": D("2940.05"), "basic": D("2336.91"), "project": D("603.14"),
    }  # fmt: skip
    assert amounts("expenditure_summary", "2010601") == {
        "total": D("1511.89"), "basic": D("1503.52"), "project": D("8.37"),
    }  # fmt: skip
    assert cells("expenditure_summary", "2010602") == {
        "total": "10.00", "basic": None, "project": "10.00", "to_superior": None,
        "operating": None, "to_affiliated": None,
    }  # fmt: skip
    assert amounts("expenditure_summary", "2080599") == {"total": D("0.94"), "basic": D("0.94")}
    assert amounts("expenditure_summary", "221") == {"total": D("445.69"), "basic": D("445.69")}


# --- 表4 财政拨款收入支出决算总表 (pages 12-13) --------------------------------------------------


def test_fiscal_summary() -> None:
    t = table("fiscal_summary")
    assert [(c.key, c.side) for c in t.columns] == [
        ("amount", INCOME), ("total", SPENT), ("general", SPENT), ("fund", SPENT),
        ("capital", SPENT),
    ]  # fmt: skip
    assert t.value("一、一般公共预算财政拨款", "amount", INCOME) == D("2940.05")
    assert t.value("二、政府性基金预算财政拨款", "amount", INCOME) is None
    assert t.value("本年收入合计", "amount", INCOME) == D("2940.05")
    assert t.value("年初财政拨款结转和结余", "amount", INCOME) == D("21.63")
    # the 年初结转和结余 by source: the second "一、一般公共预算财政拨款" of the income side
    assert amounts("fiscal_summary", "一、一般公共预算财政拨款", INCOME, 1) == {
        "amount": D("21.63")
    }
    assert t.value("总计", "amount", INCOME) == D("2961.68")
    assert cells("fiscal_summary", "八、社会保障和就业支出", SPENT) == {
        "total": "326.71", "general": "326.71", "fund": None, "capital": None,
    }  # fmt: skip
    assert amounts("fiscal_summary", "十九、住房保障支出", SPENT) == {
        "total": D("445.69"), "general": D("445.69"),
    }  # fmt: skip
    assert amounts("fiscal_summary", "本年支出合计", SPENT) == {
        "total": D("2940.05"), "general": D("2940.05"),
    }  # fmt: skip
    assert amounts("fiscal_summary", "年末财政拨款结转和结余", SPENT) == {
        "total": D("21.63"), "general": D("21.63"),
    }  # fmt: skip
    assert cells("fiscal_summary", "总计", SPENT) == {
        "total": "2,961.68", "general": "2,961.68", "fund": None, "capital": None,
    }  # fmt: skip
    # labels wrapped in their cells come back whole, their 、 in place
    labels = [r.label for r in t.rows if r.side == SPENT]
    assert "十四、资源勘探工业信息等支出" in labels
    assert "二十二、灾害防治及应急管理支出" in labels


# --- 表5 一般公共预算财政拨款支出决算表 (page 15) ------------------------------------------------


def test_general_public_expenditure() -> None:
    t = table("general_expenditure")
    assert [(c.key, c.header) for c in t.columns] == [
        ("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"),
    ]  # fmt: skip
    assert len(t.rows) == 20 and t.rows[-1].key == "合计"
    assert amounts("general_expenditure", "201") == {
        "total": D("2106.66"), "basic": D("1503.52"), "project": D("603.14"),
    }  # fmt: skip
    assert cells("general_expenditure", "2010607") == {
        "total": "135.25", "basic": None, "project": "135.25",
    }  # fmt: skip
    assert amounts("general_expenditure", "2010608") == {
        "total": D("449.52"), "project": D("449.52"),
    }  # fmt: skip
    assert amounts("general_expenditure", "2101101") == {"total": D("60.99"), "basic": D("60.99")}
    assert amounts("general_expenditure", "2210201") == {
        "total": D("187.19"), "basic": D("187.19"),
    }  # fmt: skip
    assert amounts("general_expenditure", "合计") == {
        "total": D("2940.05"), "basic": D("2336.91"), "project": D("603.14"),
    }  # fmt: skip


# --- 表6 一般公共预算财政拨款基本支出决算表 (pages 16-17) ---------------------------------


def test_basic_expenditure_by_economic_item() -> None:
    t = table("basic_by_economic")
    value = {r.key: r.amount("amount") for r in t.rows}
    assert value["301"] == D("2082.85")
    assert value["30101"] == D("262.33")
    assert value["30102"] == D("1238.58")
    assert value["30103"] is None
    assert value["30108"] == D("160.75")
    assert value["30112"] == D("1.61")
    assert value["30199"] == D("91.03")
    assert value["303"] == D("69.41")
    assert value["30302"] == D("69.10")
    assert value["30309"] == D("0.31")
    assert value["30399"] is None
    assert value["302"] == D("171.07")
    assert value["30201"] == D("21.21")
    assert value["30204"] == D("0.09")
    assert value["30213"] == D("2.83")
    assert value["30228"] == D("24.42")
    assert value["30229"] == D("42.77")
    assert value["30239"] == D("48.49")
    assert value["30299"] == D("11.53")
    assert value["310"] == D("13.58")
    assert value["31002"] == D("13.58")
    assert value["31099"] is None
    assert value["人员经费合计"] == D("2152.26")
    assert value["公用经费合计"] == D("184.65")
    # 301 + 13 items, 303 + 11, 302 + 27, 310 + 9, and the two 合计 rows
    assert len(value) == (1 + 13) + (1 + 11) + (1 + 27) + (1 + 9) + 2
    kinds = {r.key: r.kind for r in t.rows}
    assert (kinds["301"], kinds["30101"], kinds["人员经费合计"]) == (
        RowKind.GROUP, RowKind.ITEM, RowKind.TOTAL,
    )  # fmt: skip
    row = t.row("30212")
    assert row is not None and row.label == "因公出国（境）费用" and row.amount("amount") is None


# --- 表7 财政拨款“三公”经费支出决算表 (page 18) --------------------------------------------------


def test_three_public_budget_and_final() -> None:
    t = table("three_public")
    assert [c.key for c in t.columns] == [
        "total_budget", "total", "abroad_budget", "abroad", "car_total_budget", "car_total",
        "car_purchase_budget", "car_purchase", "car_operation_budget", "car_operation",
        "reception_budget", "reception",
    ]  # fmt: skip
    assert t.columns[0].header == "财政拨款“三公”经费/合计/预算数"
    assert t.columns[9].header == "财政拨款“三公”经费/公务用车购置及运行费/公务用车运行费/决算数"
    assert len(t.rows) == 1
    printed = cells("three_public", "合计")
    assert printed["total_budget"] == "0.95" and printed["reception_budget"] == "0.95"
    assert all(
        v is None for k, v in printed.items() if k not in ("total_budget", "reception_budget")
    )
    # the counts (团组, 人次, 车辆, 接待批次) are narrative: none, since nothing was spent
    seven = final().section("七")
    assert seven is not None and "2024年度无“三公”经费财政拨款支出" in seven.text


# --- 表8, 表9: 政府性基金 / 国有资本经营 (pages 19-20): kept as empty tables ------------


@pytest.mark.parametrize(
    ("key", "subject"),
    [("fund_expenditure", "政府性基金"), ("capital_expenditure", "国有资本经营")],
)
def test_funds_tables_without_data(key: str, subject: str) -> None:
    t = table(key)
    assert [c.key for c in t.columns] == [
        "carryover_start", "income", "total", "basic", "project", "carryover_end",
    ]  # fmt: skip
    assert [c.header for c in t.columns] == [
        "年初结转和结余", "本年收入", "本年支出/小计", "本年支出/基本支出", "本年支出/项目支出",
        "年末结转和结余",
    ]  # fmt: skip
    assert t.no_data
    assert t.note == f"注：上海市普陀区财政局无{subject}预算财政拨款支出，故本表无数据。"
    assert [r.label for r in t.rows] == ["合计"]
    assert all(c.amount is None and c.text == "" for c in t.rows[0].cells.values())


# --- narrative ----------------------------------------------------------------------------------


def test_narrative_sections() -> None:
    d = final()
    template = get_template("shanghai-final")
    assert [s.number for s in d.sections] == [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一",
    ]  # fmt: skip
    assert [s.title for s in d.sections] == [
        *(template.sections[n] for n in range(1, 11)), "其他重要事项的情况说明",
    ]  # fmt: skip
    five, eleven = d.section("五"), d.section("十一")
    assert five is not None and eleven is not None
    assert [s.title for s in five.subsections] == [
        "一般公共预算财政拨款支出决算总体情况", "一般公共预算财政拨款支出决算结构情况",
        "一般公共预算财政拨款支出决算具体情况",
    ]  # fmt: skip
    assert [s.title for s in eleven.subsections] == [
        "机关运行经费支出情况", "政府采购支出情况", "国有资产占有使用情况说明",
    ]  # fmt: skip
    one = d.section("一")
    assert one is not None
    # the ，：；detached from their lines by the text layer are back in place
    assert one.text.startswith(
        "上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比，"
        "收入支出总计减少56.95万元，下降1.87%。主要原因：基本支出中人员进出及退休变化，"
    )
    two = d.section("二")
    assert two is not None and "财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%" in (
        two.text.replace(" ", "")
    )
    detail = five.subsections[2].text
    assert "年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%" in detail
    assert "年初预算为 1560.05 万元，支出决算为1511.89万元" in detail
    assert "11、住房保障支出（类）住房改革支出（款）购房补贴（项）" in detail
    operating = eleven.subsections[0].text
    assert operating.startswith("机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。")
    procurement = eleven.subsections[1].text
    assert "政府采购金额（以合同签订为准）为251.25万元" in procurement
    assert "由中小企业供应商中标或成交的，采购金额246.47万元" in procurement
    assets = eleven.subsections[2].text
    assert "共有车辆0辆" in assets and "单价100万元（含）以上设备（不含车辆）2台（套）" in assets
    ten = d.section("十")
    assert ten is not None and "平均得分99.43分" in ten.text


def test_stated_facts() -> None:
    d = final()
    p = d.procurement
    assert p.total is not None and p.goods is not None and p.works is not None
    assert p.services is not None
    assert (p.total.value, p.goods.value, p.works.value, p.services.value) == (
        D("251.25"), D("4.79"), D("0"), D("246.47"),
    )  # fmt: skip
    assert p.total.source is not None and (p.total.source.page, p.total.source.line) == (24, 352)
    assert d.performance.projects == 4
    assert d.performance.amount is not None and d.performance.amount.value == D("598.42")
    assert d.assets.as_of == "2024年12月31日"
    assert d.assets.vehicles["实有"] == 0 and d.assets.vehicles["执法执勤用车"] == 0
    assert len(d.assets.vehicles) == 1 + 8
    assert d.assets.equipment_100 == 2


def test_part1_and_glossary() -> None:
    d = final()
    assert d.duties.startswith("第一条 根据《上海市普陀区机构改革方案》，制定本规定。")
    assert "（十二）完成区委、区政府交办的其他任务。" in d.duties
    assert d.organization.startswith("从预算单位构成看，上海市普陀区财政局部门决算包括：")
    assert [g.term for g in d.glossary] == [
        "财政拨款收入", "事业收入", "经营收入", "其他收入", "年初结转和结余", "年末结转和结余",
        "基本支出", "项目支出", "经营支出", "“三公”经费", "机关运行经费",
    ]  # fmt: skip


def test_no_line_is_only_punctuation() -> None:
    """The text layer's detached marks are put back into their lines by the PDF reader."""
    for line in load(_path(FINAL)).lines:
        texts = line.cells if line.cells is not None else [line.text]
        for text in texts:
            marks = [ch for ch in text if not ch.isspace()]
            if marks:
                assert not all(unicodedata.category(ch).startswith("P") for ch in marks), line


def test_split_headings_are_joined() -> None:
    lines = [
        Line(1, "第三部分上海市普陀区财政局2024年度部门决算情况", page=3),
        Line(2, "说明", page=3),
        Line(3, "一般公共预算财政拨款基本支出决算", page=4),
        Line(4, "表", page=4),
        Line(5, "单位：万元", page=4),
    ]
    joined = join_split_headings(lines)
    assert [(ln.number, ln.compact) for ln in joined] == [
        (1, "第三部分上海市普陀区财政局2024年度部门决算情况说明"),
        (3, "一般公共预算财政拨款基本支出决算表"),
        (5, "单位：万元"),
    ]


# --- checks --------------------------------------------------------------------------------------


# Defects the document really prints (page 21): 四 says "财政拨款收入支出总计0.3万元" where 表4
# prints 2961.68; 五（二） gives 一般公共服务支出 2106.66 ÷ 2940.05 as 71.73% (it is 71.65%).
TRUE_DEFECTS = ("0.3万元", "71.73%")


def test_checking_the_final_accounts_gives_no_false_error() -> None:
    report = yusuan.check(final())
    false = [f.message for f in report.errors if not any(d in f.message for d in TRUE_DEFECTS)]
    assert false == []
    from yusuan.checks.engine import rules_for

    run = {r.id for r in rules_for(final())}
    assert {"COMP-TABLES", "COMP-NO-DATA"} <= run
    # the rules of the 预算 templates' tables (Shanxi's table 10, Shanghai's 预算编制说明) do not
    assert not run & {"ARITH-THREE-PUBLIC", "SH-NARRATIVE", "COMP-PARTS"}


# --- the blank template --------------------------------------------------------------------------


def test_the_blank_template_is_refused_as_a_template() -> None:
    with pytest.raises(BlankTemplateError) as raised:
        yusuan.read(_path(TEMPLATE))
    assert isinstance(raised.value, NotADisclosureError)
    message = raised.value.describe()
    assert "未填写的决算公开模板" in message and "XX" in message
    assert "第1页“上海市XX局”" in message


def test_cli_reports_the_blank_template() -> None:
    yusuan_cli = Path(sys.executable).parent / "yusuan"
    done = subprocess.run(
        [str(yusuan_cli), "check", str(_path(TEMPLATE))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "未填写的决算公开模板" in done.stderr
    assert "Traceback" not in done.stderr


# --- the official template's layout: codes in one column ----------------------------------------

OFFICIAL_LAYOUT = "\n".join(
    "\t".join(cells)
    for cells in (
        ("上海市测试局",),
        ("2024年度部门决算",),
        ("收入决算表",),
        ("单位：万元",),
        ("项目", "", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
         "附属单位上缴收入", "其他收入"),
        ("功能分类科目编码", "科目名称", "", "", "", "", "", "", ""),
        ("合计", "", "120.50", "100.50", "", "", "", "", "20.00"),
        ("205", "教育支出", "120.50", "100.50", "", "", "", "", "20.00"),
        ("20502", "普通教育", "120.50", "100.50", "", "", "", "", "20.00"),
        ("2050205", "高等教育", "120.50", "100.50", "", "", "", "", "20.00"),
        ("一般公共预算财政拨款基本支出决算表",),
        ("单位：万元",),
        ("经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"),
        ("301", "工资福利支出", "80.00", "302", "商品和服务支出", "20.50"),
        ("30101", "基本工资", "80.00", "30201", "办公费", "20.50"),
        ("人员经费合计", "", "80.00", "公用经费合计", "", "20.50"),
    )
)  # fmt: skip


def test_codes_printed_in_one_column(tmp_path: Path) -> None:
    path = tmp_path / "final.txt"
    path.write_text(OFFICIAL_LAYOUT, encoding="utf-8")
    d = yusuan.read(path)
    assert (d.meta.profile, d.meta.kind, d.meta.year) == ("shanghai-final", "决算", 2024)
    income = d.table("income_summary")
    assert income is not None
    assert [(r.key, r.kind) for r in income.rows] == [
        ("合计", RowKind.TOTAL), ("205", RowKind.CLASS), ("20502", RowKind.SECTION),
        ("2050205", RowKind.ITEM),
    ]  # fmt: skip
    assert income.value("2050205", "total") == D("120.50")
    assert income.value("2050205", "other") == D("20.00")
    assert income.value("2050205", "superior") is None
    basic = d.table("basic_by_economic")
    assert basic is not None
    assert {r.key: r.amount("amount") for r in basic.rows} == {
        "301": D("80.00"), "302": D("20.50"), "30101": D("80.00"), "30201": D("20.50"),
        "人员经费合计": D("80.00"), "公用经费合计": D("20.50"),
    }  # fmt: skip
