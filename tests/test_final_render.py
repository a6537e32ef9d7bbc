"""决算 the whole way: the real Shanghai 部门决算 (普陀区财政局 2024, PDF) → 决算 data (元) → every
published format → read back: every table cell and every narrative figure equal to the original,
and no error-level finding. The original has two real errors in its text (四 "财政拨款收入支出总计
0.3万元" for 2,961.68; 五（二） "占71.73%" for 71.65%); the data regenerates correct sentences."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import yusuan
from tests.conftest import SHARED
from yusuan.budget.build import DataError, build
from yusuan.budget.extract import to_budget_data
from yusuan.budget.final_extract import to_final_data
from yusuan.budget.final_model import (
    Assets,
    Balances,
    Budgeted,
    EconomicAmount,
    FinalData,
    FinalLine,
    Income,
    Item,
    Split,
    ThreePublic,
    Unit,
)
from yusuan.budget.final_text import wan
from yusuan.budget.io import DataFileError, dump_data, load_any, load_data
from yusuan.budget.model import Change
from yusuan.checks.findings import Severity
from yusuan.cli import main
from yusuan.model import Disclosure, Side
from yusuan.render.api import FORMATS, render
from yusuan.sentences import full_text
from yusuan.templates import UnsupportedStageError

PDF = SHARED / "real-docs" / "shanghai-final" / "shpt_czj_2024_dept_final_good.pdf"
D = Decimal


@pytest.fixture(scope="module")
def original() -> Disclosure:
    if not PDF.exists():
        pytest.fail(f"missing {PDF} (set YUSUAN_SHARED to the shared folder)")
    return yusuan.read(PDF)


@pytest.fixture(scope="module")
def extracted(original: Disclosure) -> tuple[FinalData, list[str]]:
    return to_final_data(original)


@pytest.fixture(scope="module")
def data(extracted: tuple[FinalData, list[str]]) -> FinalData:
    return extracted[0]


@pytest.fixture(scope="module")
def rendered(data: FinalData, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The data written to YAML, loaded again and rendered once in every format."""
    folder = tmp_path_factory.mktemp("final")
    dump_data(data, folder / "决算.yaml")
    return render(build(load_any(folder / "决算.yaml")), folder / "out", FORMATS)


def figures(d: Disclosure) -> dict[tuple[object, ...], list[Decimal]]:
    """Every printed amount by table key, side, row (code or label) and column."""
    found: dict[tuple[object, ...], list[Decimal]] = {}
    for table in d.tables.values():
        for row in table.rows:
            for key, cell in row.cells.items():
                if cell.amount is not None:
                    found.setdefault((table.key, row.side, row.key, key), []).append(cell.amount)
    return found


_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(万元|%|个|辆|分|批次|人次|台)")


def narrative(d: Disclosure) -> dict[str, list[tuple[Decimal, str]]]:
    """Every figure of 第三部分, section by section, in order (amounts, shares, counts)."""
    found = {}
    for section in d.sections:
        text = "".join(full_text(section).split())
        found[section.number] = [(D(n.replace(",", "")), u) for n, u in _FIGURE.findall(text)]
    return found


def corrected(d: Disclosure) -> dict[str, list[tuple[Decimal, str]]]:
    """The original's figures with its two misprints put right (the tables' figures)."""
    found = narrative(d)
    four = found["四"]
    assert four[0] == (D("0.3"), "万元")
    four[0] = (D("2961.68"), "万元")
    five = found["五"]
    at = five.index((D("71.73"), "%"))
    five[at] = (D("71.65"), "%")
    return found


# --- yusuan data: what the document says, in 元 ------------------------------------------------


def test_data_holds_the_tables_in_yuan(data: FinalData) -> None:
    assert (data.template, data.unit.name, data.unit.year, data.unit.scope) == (
        "shanghai-final", "上海市普陀区财政局", 2024, "部门",
    )  # fmt: skip
    lines = {line.code: line for line in data.functions}
    assert len(lines) == 11
    running = lines["2010601"]  # 行政运行: 1,511.89 spent (1,503.52 basic + 8.37 project)
    assert running.name == "行政运行"
    assert (wan(running.general.basic), wan(running.general.project)) == (D("1503.52"), D("8.37"))
    assert wan(running.income.other) == D("0.01")  # 其他收入
    assert wan(lines["2010602"].income.other) == D("6.19")
    # 年初结转和结余 49.14 = 21.63 一般公共预算 + 27.51 非财政拨款; nothing else carried.
    assert data.balances == Balances(general_start=D("216300"), other_start=D("275100"))
    economic = {item.code: wan(item.amount) for item in data.economic}
    assert len(economic) == 23 and economic["30309"] == D("0.31")  # 奖励金
    assert data.three_public.reception == Item(budget=D("9500"), final=None)
    assert data.three_public.abroad == Item()
    assert sum((item.amount or 0 for item in data.economic), D(0)) == sum(
        (line.general.basic or 0 for line in data.functions), D(0)
    )


def test_data_holds_what_the_narrative_says(extracted: tuple[FinalData, list[str]]) -> None:
    data, notes = extracted
    running = next(x for x in data.functions if x.code == "2010601")
    assert wan(running.budget.general) == D("1560.05")  # 年初预算为 1560.05 万元
    assert running.purpose == "局本部人员经费及公用经费等的基本支出"
    assert running.reason == "人员进出及退休变化，减少人员经费开支"
    assert next(x for x in data.functions if x.code == "2010602").reason == ""  # 基本持平
    assert data.reasons.general == "因年度工作计划安排，个别信息化项目和中介机构服务调减"
    reason = "基本支出中人员进出及退休变化，以及项目支出中合同支付进度条款等原因减少支付"
    prior = data.prior_year
    # 2995.39 + 56.95; 财政拨款 持平 on the table's 2961.68 (the text misprints 0.3);
    # 2940.05 + 63.14
    assert prior.total == Change(prior=D("30523400"), reason=reason)
    assert prior.fiscal == Change(prior=D("29616800"), reason=reason)
    assert prior.general == Change(prior=D("30031900"), reason=reason)
    assert prior.operating_costs.prior == D("1821000")  # 184.65 − 2.55
    assert prior.operating_costs.reason.startswith("优化办公环境")
    assert prior.three_public == Change(prior=D("0"))  # 决算数与2023年度持平 (0.00)
    assert data.three_public.reason == "当年度无“三公”经费支出"
    p = data.performance
    assert (p.goal_projects, wan(p.goal_amount), p.evaluated_projects, p.average_score) == (
        4, D("598.42"), 4, D("99.43"),
    )  # fmt: skip
    assert (p.excellent, p.good, p.passed, p.failed, p.problems, p.fixed, p.fixing) == (
        4, 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    assert p.system.startswith("本部门制定了普陀区财政局预算绩效管理实施办法")
    c = data.procurement
    assert [wan(v) for v in (c.goods, c.works, c.services, c.sme_reserved, c.small_reserved,
                             c.sme_awarded, c.small_awarded, c.other_sme_awarded)] == [
        D("4.79"), 0, D("246.47"), D("246.47"), 0, D("246.47"), 0, D("4.79"),
    ]  # fmt: skip
    # 251.25 = 4.79 + 0 + 246.47 in 元, rounded (the printed parts add up to 251.26)
    assert wan((c.goods or 0) + (c.works or 0) + (c.services or 0)) == D("251.25")
    assert data.assets.equipment_100 == 2 and sum(data.assets.vehicles.values()) == 0
    assert [(m.name, m.note) for m in data.members] == [
        ("上海市普陀区财政局（本级）", ""), ("上海市普陀区财政局财政所", "预算不单列，并入本级"),
        ("上海市普陀区国库收付中心", "预算不单列，并入本级"),
    ]  # fmt: skip
    assert data.texts.organization.startswith("从预算单位构成看") and "序号" not in (
        data.texts.organization
    )
    # 表1/表4 print 208 as 326.71 (so that their 类 add up to 2,940.05), 表3/表5 as 326.72.
    assert [(a.table, a.row, a.column, a.amount) for a in data.adjustments] == [
        ("budget_summary", "八、社会保障和就业支出", "total", D("-0.01")),
        ("fiscal_summary", "八、社会保障和就业支出", "total", D("-0.01")),
        ("fiscal_summary", "八、社会保障和就业支出", "general", D("-0.01")),
    ]
    assert len(notes) == 3 and all("尾差调整" in n for n in notes), notes


def test_data_file_round_trips(data: FinalData, tmp_path: Path) -> None:
    for name in ("决算.yaml", "决算.json"):
        dump_data(data, tmp_path / name)
        assert load_any(tmp_path / name) == data
    text = (tmp_path / "决算.yaml").read_text(encoding="utf-8")
    assert "template: shanghai-final" in text and "basic: 15035200" in text
    with pytest.raises(DataFileError, match="这是决算数据"):
        load_data(tmp_path / "决算.yaml")


# --- render: every format reads back to every figure ------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(fmt: str, rendered: dict[str, Path], original: Disclosure) -> None:
    back = yusuan.read(rendered[fmt])
    meta = back.meta
    assert (meta.profile, meta.kind, meta.unit_name, meta.year, meta.scope) == (
        "shanghai-final", "决算", "上海市普陀区财政局", 2024, "部门",
    )  # fmt: skip
    assert meta.units == original.meta.units
    assert figures(back) == figures(original)
    assert {t.key: t.no_data for t in back.tables.values()} == {
        t.key: t.no_data for t in original.tables.values()
    }
    assert narrative(back) == corrected(original)
    assert [(s.number, s.title) for s in back.sections] == [
        (s.number, s.title) for s in original.sections
    ]
    assert [g.term for g in back.glossary] == [g.term for g in original.glossary]
    assert back.issues == []
    errors = [f for f in yusuan.check(back).findings if f.severity == Severity.ERROR]
    assert [f.message for f in errors] == []


def test_the_original_has_its_two_errors(original: Disclosure) -> None:
    errors = [f.rule for f in yusuan.check(original).findings if f.severity == Severity.ERROR]
    assert sorted(errors) == ["FINAL-NARR-AMOUNTS", "FINAL-NARR-SHARES"]


def test_rendered_text_looks_like_the_pdf(rendered: dict[str, Path]) -> None:
    lines = [x for x in rendered["txt"].read_text(encoding="utf-8").splitlines() if x.strip()]
    heads = ["上海市普陀区财政局", "2024年度部门决算", "目 录", "第一部分 上海市普陀区财政局概况",
             "二、部门决算单位构成", "第二部分 上海市普陀区财政局2024年度部门决算表",
             "收入支出决算总表", "一般公共预算财政拨款基本支出决算表",
             "国有资本经营预算财政拨款收入支出决算表",
             "第三部分 上海市普陀区财政局2024年度部门决算情况说明",
             "（三）一般公共预算财政拨款支出决算具体情况", "第四部分 名词解释"]  # fmt: skip
    at = [len(lines) - 1 - lines[::-1].index(h) for h in heads]  # (the 目录 names them too)
    assert at == sorted(at)
    assert "2\t上海市普陀区财政局财政所\t预算不单列，并入本级" in lines
    assert "八、其他收入\t6.20\t八、社会保障和就业支出\t326.71" in lines
    assert "201\t06\t01\t行政运行\t1,511.89\t1,503.52\t8.37\t\t\t" in lines
    assert "303\t09\t奖励金\t0.31\t302\t29\t福利费\t42.77" in lines
    assert "人员经费合计\t\t\t2,152.26\t公用经费合计\t\t\t184.65" in lines
    assert "0.95\t\t\t\t\t\t\t\t\t\t0.95\t" in lines
    assert "注：上海市普陀区财政局无政府性基金预算财政拨款支出，故本表无数据。" in lines
    assert "上海市普陀区财政局2024年度财政拨款收入支出总计2961.68万元。与2023年度相比，" \
        "财政拨款收入支出总计持平。主要原因：基本支出中人员进出及退休变化，以及项目支出中合同" \
        "支付进度条款等原因减少支付。" in lines  # fmt: skip
    assert "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.20万元，" \
        "占0.21%。" in lines  # fmt: skip
    assert "上海市普陀区财政局2024年度无“三公”经费财政拨款支出。" in lines


# --- edited data: totals recomputed, still passing its checks ------------------------------


def test_edited_data_recomputes_every_total(data: FinalData, tmp_path: Path) -> None:
    edited = data.model_copy(deep=True)
    it = next(x for x in edited.functions if x.code == "2010607")  # 信息化建设 135.25 project
    assert it.general.project is not None
    it.general.project += D("100000")  # +10万元
    back = yusuan.read(render(build(edited), tmp_path, ("txt",))["txt"])
    t1, t3, t4, t5 = (back.table(k) for k in ("budget_summary", "expenditure_summary",
                                              "fiscal_summary", "general_expenditure"))  # fmt: skip
    assert t1 is not None and t3 is not None and t4 is not None and t5 is not None
    assert t5.value("2010607", "total") == D("145.25")
    assert t5.value("201", "project") == D("613.14")
    assert t5.value("合计", "total") == D("2950.05")
    assert t3.value("合计", "project") == D("613.14")
    assert t1.value("本年支出合计", "total", Side.EXPENDITURE) == D("2950.05")
    assert t1.value("年末结转和结余", "total", Side.EXPENDITURE) == D("45.34")  # 55.34 − 10
    assert t1.value("总计", "total", Side.EXPENDITURE) == D("2995.39")
    assert t4.value("年末财政拨款结转和结余", "general", Side.EXPENDITURE) == D("11.63")
    assert t4.value("总计", "amount", Side.INCOME) == D("2961.68")
    text = "".join("".join(full_text(s).split()) for s in back.sections)
    assert "年初预算为135.90万元，支出决算为145.25万元。决算数大于预算数" in text
    assert "本年支出合计2950.05万元，其中：基本支出2336.91万元，占79.22%；项目支出613.14万元，" \
        "占20.78%。" in text  # fmt: skip
    assert "一般公共预算财政拨款支出减少53.14万元，下降1.77%" in text  # on 3003.19
    errors = [f for f in yusuan.check(back).findings if f.severity == Severity.ERROR]
    assert [f.message for f in errors] == []


def test_data_that_does_not_add_up_is_refused(data: FinalData) -> None:
    edited = data.model_copy(deep=True)
    edited.functions[0].general.basic = (edited.functions[0].general.basic or D(0)) + 1
    with pytest.raises(DataError, match=r"经济科目合计.*不相等"):
        build(edited)


def _small_unit() -> FinalData:
    """A unit with 政府性基金 money, 三公 spending and 事业收入: the paths the real one lacks."""
    return FinalData(
        unit=Unit(name="上海市测试区示例中心", year=2024, scope="单位"),
        code_names={
            "205": "教育支出",
            "20502": "普通教育",
            "212": "城乡社区支出",
            "21208": "国有土地使用权出让收入安排的支出",
        },
        functions=[
            FinalLine(
                code="2050205",
                name="高等教育",
                income=Income(general=D("1234567.89"), business=D("300000")),
                general=Split(basic=D("1000000"), project=D("234567.89")),
                other=Split(project=D("250000")),
                operating=D("20000"),
                budget=Budgeted(general=D("1300000")),
                reason="项目结余",
            ),
            FinalLine(
                code="2120801",
                name="征地和拆迁补偿支出",
                income=Income(fund=D("500000")),
                fund=Split(project=D("450000")),
                fund_start=D("100000"),
                budget=Budgeted(fund=D("600000")),
                reason="进度放缓",
            ),
        ],
        balances=Balances(general_start=D("50000"), other_start=D("10000")),
        economic=[
            EconomicAmount(code="30101", name="基本工资", amount=D("600000")),
            EconomicAmount(code="30231", name="公务用车运行维护费", amount=D("400000")),
        ],
        three_public=ThreePublic(
            car_operation=Item(budget=D("90000"), final=D("80000")),
            reception=Item(budget=D("25000"), final=D("20000")),
            reason="厉行节约",
            cars_held=2,
            reception_batches=5,
            reception_people=40,
        ),
        assets=Assets(vehicles={"其他用车": 2}, equipment_100=0),
    )


def test_a_unit_with_funds_and_three_public_passes_its_checks(tmp_path: Path) -> None:
    back = yusuan.read(render(build(_small_unit()), tmp_path, ("txt",))["txt"])
    fund = back.table("fund_expenditure")
    assert fund is not None and not fund.no_data
    assert {k: fund.value("2120801", k) for k in ("carryover_start", "income", "total",
                                                  "carryover_end")} == {
        "carryover_start": D("10.00"), "income": D("50.00"), "total": D("45.00"),
        "carryover_end": D("15.00"),
    }  # fmt: skip
    t1 = back.table("budget_summary")
    assert t1 is not None
    # 16.00 + 203.46 − 195.46
    assert t1.value("年末结转和结余", "total", Side.EXPENDITURE) == D("24.00")
    text = "".join("".join(full_text(s).split()) for s in back.sections)
    assert "公务用车保有量为2辆" in text and "共接待5批次、40人次" in text
    assert "政府性基金预算财政拨款收入50.00万元，支出45.00万元，支出具体情况如下：" in text
    found = [f for f in yusuan.check(back).findings if f.severity != Severity.INFO]
    assert [f.message for f in found] == []
    assert back.issues == []


def test_a_unit_with_funds_and_three_public_round_trips(tmp_path: Path) -> None:
    """Its rendering → 决算 data again: the same figures and the narrative's counts."""
    first = yusuan.read(render(build(_small_unit()), tmp_path / "a", ("txt",))["txt"])
    again, notes = to_final_data(first)
    assert notes == []
    t = again.three_public
    assert (t.cars_held, t.reception_batches, t.reception_people, t.reason) == (
        2,
        5,
        40,
        "厉行节约",
    )
    fund = next(x for x in again.functions if x.code == "2120801")
    assert (wan(fund.fund_start), wan(fund.budget.fund), fund.reason) == (
        D("10.00"),
        D("60.00"),
        "进度放缓",
    )
    second = yusuan.read(render(build(again), tmp_path / "b", ("txt",))["txt"])
    assert figures(second) == figures(first)
    assert narrative(second) == narrative(first)


# --- the commands ------------------------------------------------------------------------------


def test_data_and_render_commands(tmp_path: Path, original: Disclosure) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["data", str(PDF), "-o", str(tmp_path / "决算.yaml")])
    assert result.exit_code == 0, result.output
    assert "决算数据已写入" in result.output and "尾差调整" in result.output
    result = runner.invoke(
        main, ["render", str(tmp_path / "决算.yaml"), "--format", "txt", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    back = yusuan.read(next(tmp_path.glob("*决算公开.txt")))
    assert figures(back) == figures(original)
    result = runner.invoke(main, ["data", str(PDF), "-o", str(tmp_path / "决算.xlsx")])
    assert result.exit_code == 1 and "只能写成 .yaml 或 .json" in result.output
    with pytest.raises(UnsupportedStageError, match="只能提取为决算数据"):
        to_budget_data(original)  # (budget data is the 预算's: Shanxi's or Shanghai's)


def test_data_schema_of_finals_validates_the_real_final(data: FinalData, tmp_path: Path) -> None:
    """``yusuan data-schema --kind 决算`` describes 决算 data: the data read from the real 决算
    validates against it, and the budget schema (the default) refuses it."""
    import json

    import jsonschema_rs

    runner = CliRunner()
    final_schema = json.loads(runner.invoke(main, ["data-schema", "--kind", "决算"]).output)
    budget_schema = json.loads(runner.invoke(main, ["data-schema"]).output)
    out = tmp_path / "final.json"
    dump_data(data, out)
    instance = json.loads(out.read_text(encoding="utf-8"))
    assert instance["template"] == "shanghai-final"
    jsonschema_rs.validator_for(final_schema).validate(instance)
    assert not jsonschema_rs.validator_for(budget_schema).is_valid(instance)
