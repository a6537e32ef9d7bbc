"""Shanghai the whole way: a real Shanghai PDF → budget data (元) → every published format →
read back. Expected figures are the ones printed in the PDFs (``pdftotext -layout``)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import yusuan
from tests.conftest import SHARED
from yusuan.budget.build import DataError, build
from yusuan.budget.extract import to_budget_data
from yusuan.budget.io import dump_data, load_data
from yusuan.budget.model import Annex as BudgetAnnex
from yusuan.budget.model import BudgetData
from yusuan.budget.shanghai_checks import problems
from yusuan.budget.workbook import read_workbook, write_workbook
from yusuan.cli import main
from yusuan.model import Disclosure
from yusuan.render.api import FORMATS, render
from yusuan.templates import SHANGHAI, TEMPLATES, UnsupportedStageError

PDFS = (
    "shpt_zfb_2025_unit_budget",
    "shpt_zfb_2025_dept_budget",
    "shpt_czj_2025_dept_budget",
    "shpt_sww_2025_dept_budget",
    "shpt_wljd_2023_dept_budget",
    "shpt_wljd_2024_budget",
)
ZFB_UNIT = "shpt_zfb_2025_unit_budget"


def pdf(stem: str) -> Path:
    path = SHARED / "real-docs" / "shanghai" / f"{stem}.pdf"
    if not path.exists():
        pytest.fail(f"missing {path}")
    return path


@cache
def original(stem: str) -> Disclosure:
    return yusuan.read(pdf(stem))


@cache
def data_of(stem: str) -> BudgetData:
    data, _ = to_budget_data(original(stem))
    return data


_NUMBERING = re.compile(r"^(\d+[、.．]\s*|[一二三四五六七八九十]+、)")


def figures(d: Disclosure) -> dict[tuple[object, ...], Decimal]:
    """Every printed amount by table, side, row (code, or label without its numbering) and
    column. The income lines' wording varies ("1.一般公共预算" / "1、一般公共预算资金")."""
    found = {}
    for table in d.tables.values():
        for row in table.rows:
            label = _NUMBERING.sub("", row.label).removesuffix("资金")
            for key, cell in row.cells.items():
                if cell.amount is not None:
                    found[(table.key, row.side, row.code or label, key)] = cell.amount
    return found


# --- yusuan data: amounts in 元 -----------------------------------------------------------------


def test_data_is_in_yuan() -> None:
    data = data_of(ZFB_UNIT)
    assert data.template == "shanghai"
    line = next(x for x in data.functions if x.code == "2010301")  # 行政运行
    # 支出预算总表: 12,029,501.84 = 11,919,501.84 basic + 110,000.00 project (元, as printed)
    assert (line.name, line.basic.general, line.project.general) == (
        "行政运行",
        Decimal("11919501.84"),
        Decimal("110000.00"),
    )
    # 职业年金缴费 (经济分类 30109): 881,579.76 元 of 人员经费.
    item = next(i for i in data.economic if i.code == "30109")
    assert (item.group, item.name, item.personnel, item.public) == (
        "工资福利支出",
        "职业年金缴费",
        Decimal("881579.76"),
        None,
    )
    # The 三公 table prints 万元: 因公出国(境)费 839.00, 公务接待费 28.50, 机关运行经费 213.28.
    assert data.three_public.abroad.general == Decimal("8390000.00")
    assert data.three_public.reception.general == Decimal("285000.00")
    assert data.three_public.car_purchase.general is None  # printed blank
    assert [c.amounts.general for c in data.operating_costs] == [Decimal("2132800.00")]
    # 预算编制说明: 财政拨款收入 9,101.68万元，比2024年预算减少2,389.52万元 → 11,491.20万元.
    assert data.prior_year.fiscal.prior == Decimal("114912000.00")
    assert data.prior_year.fiscal.reason == "项目调整"
    assert line.purpose == "行政单位的基本支出"
    # 政府采购 34万元 (服务), 编报绩效目标的项目共11个，涉及项目预算资金6626万元.
    assert data.procurement.services == Decimal("340000")
    assert (data.goal_summary.projects, data.goal_summary.amount) == (11, Decimal("66260000"))
    assert problems(data) == []


def test_impossible_prior_year_claims_are_not_taken() -> None:
    """wljd 2023 says 政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元 (copied from the line
    above): last year would have been −1421.25万元."""
    data, notes = to_budget_data(original("shpt_wljd_2023_dept_budget"))
    assert data.prior_year.fund_spending.prior is None
    assert data.prior_year.general_spending.prior == Decimal("150766100.00")  # 16497.86 − 1421.25
    assert any("推算的上年数为-1421.25万元，不可能" in n for n in notes), notes


def test_data_command_writes_yuan(tmp_path: Path) -> None:
    target = tmp_path / "data.yaml"
    result = CliRunner().invoke(main, ["data", str(pdf(ZFB_UNIT)), "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "template: shanghai" in text
    assert "general: 11919501.84" in text and "119195018400" not in text
    assert load_data(target) == data_of(ZFB_UNIT)


def test_shanxi_data_files_load_unchanged() -> None:
    example = Path(yusuan.__file__).parent / "examples" / "example_unit_2025.yaml"
    assert "template:" not in example.read_text(encoding="utf-8")
    data = load_data(example)
    assert data.template == "shanxi"
    assert build(data).meta.profile == "shanxi"


def test_data_identities_are_checked() -> None:
    data = data_of(ZFB_UNIT).model_copy(deep=True)
    data.economic[0].personnel = (data.economic[0].personnel or Decimal(0)) + 1
    data.functions[0].public = Decimal("99999999")
    found = problems(data)
    assert any(p.startswith("经济科目合计24,606,776.35元不等于") for p in found), found
    assert any("公用经费99,999,999.00元超过其基本支出" in p for p in found), found
    with pytest.raises(DataError, match="不符合上海模板"):
        build(data)


# --- render: every format reads back to every figure ----------------------------------------


CASES = [(stem, fmt) for stem in PDFS for fmt in FORMATS]


@pytest.mark.parametrize(("stem", "fmt"), CASES, ids=[f"{s[5:]}-{f}" for s, f in CASES])
def test_round_trip(stem: str, fmt: str, tmp_path: Path) -> None:
    dump_data(data_of(stem), tmp_path / "data.yaml")
    built = build(load_data(tmp_path / "data.yaml"))
    path = render(built, tmp_path / "out", (fmt,))[fmt]
    back = yusuan.read(path)
    assert back.meta.profile == "shanghai"
    meta = original(stem).meta
    assert (back.meta.unit_name, back.meta.year, back.meta.scope) == (
        meta.unit_name,
        meta.year,
        meta.scope,
    )
    assert figures(back) == figures(original(stem))
    assert {t.key: t.no_data for t in back.tables.values()} == {
        t.key: bool(t.no_data and not any(c.amount for r in t.rows for c in r.cells.values()))
        for t in original(stem).tables.values()
    }
    # No error the original has not (czj's explanation misprints a figure; ours is right).
    errors = yusuan.check(back).errors
    known = {f.rule for f in yusuan.check(original(stem)).errors}
    assert [f.message for f in errors if f.rule not in known] == []
    assert back.issues == []


def test_rendered_text_looks_like_the_pdf(tmp_path: Path) -> None:
    text = render(build(data_of(ZFB_UNIT)), tmp_path, ("txt",))["txt"].read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    # The order of the real document, with its headings.
    heads = ["上海市普陀区2025年区级单位预算", "预算单位：上海市普陀区人民政府办公室",
             "上海市普陀区人民政府办公室主要职能", "上海市普陀区人民政府办公室机构设置", "名词解释",
             "2025年单位预算编制说明", "2025年预算单位财务收支预算总表",
             "2025年单位“三公”经费和机关运行经费预算表", "其他相关情况说明",
             "一、2025年“三公”经费预算情况说明", "五、国有资产占有使用情况"]  # fmt: skip
    at = [lines.index(h) for h in heads]
    assert at == sorted(at)
    assert "编制单位：上海市普陀区人民政府办公室\t单位：元" not in lines  # (txt: one line each)
    assert "编制单位：上海市普陀区人民政府办公室" in lines and "单位：元" in lines
    assert "单位：万元" in lines and not any("公开表" in line for line in lines)
    # Tables in 元 with the printed headers; the text in 万元 (as the PDF words it).
    assert "功能分类科目编码\t\t\t功能分类科目名称\t合计\t基本支出\t项目支出" in lines
    assert "201\t03\t01\t行政运行\t12,029,501.84\t11,919,501.84\t110,000.00" in lines
    assert "867.50\t839.00\t28.50\t\t\t\t213.28" in lines
    assert (
        "1. “一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元，"
        "主要用于行政单位的基本支出。"
    ) in lines
    assert lines[lines.index("2025年单位预算编制说明") + 1].startswith(
        "2025年，上海市普陀区人民政府办公室收入预算9,101.68万元，其中：财政拨款收入9,101.68万元，"
        "比2024年预算减少2,389.52万元；"
    )
    assert "注：本单位2025年无政府性基金预算财政拨款安排的预算，故本表为空表。" in lines


def test_department_table_one_prints_budget_only(tmp_path: Path) -> None:
    """A 部门 document's 财务收支预算总表 prints 预算数 only (no 人员经费/公用经费 split)."""
    built = build(data_of("shpt_zfb_2025_dept_budget"))
    text = render(built, tmp_path, ("txt",))["txt"].read_text("utf-8")
    lines = text.splitlines()
    top = lines.index("2025年部门财务收支预算总表")
    assert lines[top + 2] == "编制部门：上海市普陀区人民政府办公室"
    assert "本年收入\t\t本年支出\t" in lines[top:] and "项目\t预算数\t项目\t预算数" in lines[top:]
    assert "一、财政拨款收入\t91,016,775.35\t一、一般公共服务支出\t82,096,797.42" in lines


# --- the workbook and unsupported stages -------------------------------------------------------


def test_template_command_offers_shanghai(tmp_path: Path) -> None:
    target = tmp_path / "sh.xlsx"
    result = CliRunner().invoke(main, ["template", "--template", "shanghai", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    facts = {row[0]: row[1] for row in book["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert facts["预算模板"] == "shanghai"
    headers = [c.value for c in book["功能科目"][2]]
    assert "基本支出-事业收入" in headers and "基本支出-财政专户管理资金" not in headers
    assert "项目" not in book.sheetnames  # no project tables in the Shanghai template


def test_workbook_round_trip(tmp_path: Path) -> None:
    data = data_of("shpt_wljd_2023_dept_budget")
    write_workbook(data, tmp_path / "w.xlsx")
    back = read_workbook(tmp_path / "w.xlsx")
    assert back.template == "shanghai"
    assert back.model_dump(exclude={"glossary"}) == data.model_dump(exclude={"glossary"})
    result = CliRunner().invoke(
        main, ["render", str(tmp_path / "w.xlsx"), "--format", "txt", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    rendered = next((tmp_path / "o").glob("*.txt"))
    assert figures(yusuan.read(rendered)) == figures(original("shpt_wljd_2023_dept_budget"))


def test_a_note_with_no_text_survives_the_workbook(tmp_path: Path) -> None:
    data = data_of("shpt_wljd_2023_dept_budget")
    data.notes.append(BudgetAnnex(title="六、其他", text=""))
    write_workbook(data, tmp_path / "w.xlsx")
    back = read_workbook(tmp_path / "w.xlsx")
    assert [(n.title, n.text) for n in back.notes] == [(n.title, n.text) for n in data.notes]


@pytest.fixture
def no_render_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shanghai as a template that only reads, checks and stores."""
    reduced = dataclasses.replace(SHANGHAI, stages=frozenset({"read", "check", "store"}))
    monkeypatch.setitem(TEMPLATES, "shanghai", reduced)


@pytest.mark.usefixtures("no_render_stages")
def test_unsupported_stages_say_so(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedStageError, match="暂不支持提取预算数据"):
        to_budget_data(original(ZFB_UNIT))
    with pytest.raises(UnsupportedStageError, match="暂不支持生成公开文件"):
        build(data_of(ZFB_UNIT))
    with pytest.raises(UnsupportedStageError, match="暂不支持预算数据填报模板"):
        write_workbook(None, tmp_path / "x.xlsx", "shanghai")
    runner = CliRunner()
    for args in (
        ["data", str(pdf(ZFB_UNIT)), "-o", str(tmp_path / "d.yaml")],
        ["render", str(pdf(ZFB_UNIT)), "--format", "txt", "-o", str(tmp_path / "o")],
        ["template", "--template", "shanghai", "-o", str(tmp_path / "t.xlsx")],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        assert (
            "暂不支持" in result.output
            and "该模板目前支持：读取、检查、入库与比较" in result.output
        )
    assert not (tmp_path / "d.yaml").exists() and not (tmp_path / "t.xlsx").exists()
