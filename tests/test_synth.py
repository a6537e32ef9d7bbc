"""The text renderer and the synthetic corpus: round trips, clean documents, injected defects."""

from __future__ import annotations

import csv
import itertools
import random
import re
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

import yusuan
from yusuan.budget.build import build, wan
from yusuan.budget.io import load_data
from yusuan.cli import main
from yusuan.model import Disclosure
from yusuan.render.api import FORMATS, render
from yusuan.render.text import to_text
from yusuan.synth import Options, synthesize
from yusuan.synth.corpus import documents, plan
from yusuan.synth.defects import CROSS_YEAR, CROSS_YEAR_RULE, INJECTORS, KINDS, cross_year
from yusuan.synth.prior import actuals
from yusuan.synth.series import department_years
from yusuan.synth.units import department, unknown_codes

EXAMPLE = Path(str(files("yusuan.examples").joinpath("example_unit_2025.yaml")))


def every_cell(d: Disclosure) -> list[tuple[object, ...]]:
    """Every row of every table with all its cells (text and amount), in printed order."""
    rows = [
        (n, r.position, str(r.side), r.code, r.label, r.kind,
         sorted((k, c.text, c.amount) for k, c in r.cells.items()), t.no_data)
        for n, t in sorted(d.tables.items())
        for r in t.rows
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def errors(d: Disclosure) -> list[str]:
    return [f"{f.rule} {f.message}" for f in yusuan.check(d).errors]


# --- the text renderer ----------------------------------------------------------------------


def test_example_rendered_as_text_reads_back_cell_for_cell(tmp_path: Path) -> None:
    built = build(load_data(EXAMPLE))
    path = render(built, tmp_path, ("txt",))["txt"]
    assert path.suffix == ".txt" and "txt" in FORMATS
    back = yusuan.read(path)
    assert back.meta.extraction == "tab"
    assert (back.meta.unit_name, back.meta.year, back.meta.scope) == (
        "示例市数据服务中心",
        2025,
        "单位",
    )
    assert len(every_cell(built)) > 150
    assert every_cell(back) == every_cell(built)
    assert [t.project for t in back.performance_tables] == [
        t.project for t in built.performance_tables
    ]
    assert [(s.number, s.title) for s in back.sections] == [
        (s.number, s.title) for s in built.sections
    ]
    assert errors(back) == []


def test_text_keeps_blank_cells_and_puts_one_table_row_on_each_line() -> None:
    text = to_text(build(load_data(EXAMPLE)))
    assert "二、政府性基金预算\t230.00\t二、外交支出\t\t\t" in text
    assert "\n合计\t\t1104.61\t429.35\t675.26\n" in text
    assert "注：本表无数据" in text  # table 9 has no figures


def test_render_command_writes_text(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["render", str(EXAMPLE), "-o", str(tmp_path), "--format", "txt"]
    )
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("*.txt")
    assert yusuan.read(written).tables[1].rows


# --- synthetic data -------------------------------------------------------------------------


def test_every_code_the_themes_use_has_a_name() -> None:
    assert unknown_codes() == []


def test_units_range_from_tiny_to_large_and_departments_are_the_sum_of_their_units() -> None:
    totals = []
    for index in range(40):
        rng = random.Random(f"size:{index}")
        spec = department(index, 2)
        first = next(department_years(spec, range(2024, 2025), rng))
        unit_totals = [actuals(u).total for u in first.units]
        totals += unit_totals
        assert actuals(first.department).total == sum(unit_totals)
        assert first.department.unit.scope == "部门" and first.department.unit.units == [
            u.unit.name for u in first.units
        ]
        assert all(u.unit.scope == "单位" for u in first.units)
    assert min(totals) < Decimal(1_500_000) and max(totals) > Decimal(100_000_000)


def test_last_years_figures_are_the_figures_of_the_year_before() -> None:
    spec = department(5, 2)
    years = list(department_years(spec, range(2022, 2026), random.Random("years")))
    assert [y.year for y in years] == [2022, 2023, 2024, 2025]
    for before, after in itertools.pairwise(years):
        for old, new in zip((before.department, *before.units), (after.department, *after.units),
                            strict=True):  # fmt: skip
            assert new.unit.name == old.unit.name
            figures = actuals(old)
            prior = new.prior_year
            assert prior.total.prior == figures.total
            assert prior.general_spending.prior == figures.general_spending
            assert prior.three_public.prior == figures.three_public
            assert prior.operating_costs.prior == figures.operating_costs


def _stated_change(d: Disclosure) -> Decimal:
    """The signed 比上年 change of 收入总计 stated in section 一 (0 for 与上年持平)."""
    text = d.sections[0].text
    found = re.search(r"比上年(增加|减少)([\d,]+\.\d{2})万元", text)
    if found is None:
        assert "与上年持平" in text
        return Decimal(0)
    amount = Decimal(found.group(2).replace(",", ""))
    return amount if found.group(1) == "增加" else -amount


def test_stated_change_equals_the_difference_of_two_published_documents(tmp_path: Path) -> None:
    spec = department(8, 1)
    years = list(department_years(spec, range(2023, 2025), random.Random("change")))
    for old, new in zip((years[0].department, *years[0].units),
                        (years[1].department, *years[1].units), strict=True):  # fmt: skip
        a = yusuan.read(render(build(old), tmp_path / "a", ("txt",))["txt"])
        b = yusuan.read(render(build(new), tmp_path / "b", ("txt",))["txt"])
        grand = [
            next(r.amount("amount") for r in d.tables[1].rows if r.label == "收入总计")
            for d in (a, b)
        ]
        assert grand[0] is not None and grand[1] is not None
        assert _stated_change(b) == grand[1] - grand[0]


FORMATS_OF_SAMPLE = ["docx", "xlsx", "html", "pdf"]


def test_a_sample_of_generated_documents_passes_its_checks(tmp_path: Path) -> None:
    """30 documents of several departments and years, in every format: each reads back with
    every table cell and has no error."""
    sample = [data for p in plan(30, seed=11) for _, data, _ in documents(p, seed=11)]
    assert len(sample) == 30
    assert {d.unit.scope for d in sample} == {"部门", "单位"}
    assert len({d.unit.year for d in sample}) >= 3
    for i, data in enumerate(sample):
        fmt = FORMATS_OF_SAMPLE[i] if i < len(FORMATS_OF_SAMPLE) else "txt"
        built = build(data)
        path = render(built, tmp_path / str(i), (fmt,))[fmt]
        back = yusuan.read(path)
        assert back.meta.extraction == ("tab" if fmt == "txt" else fmt)
        assert every_cell(back) == every_cell(built), (fmt, data.unit.name)
        assert errors(back) == [], (fmt, data.unit.name)


# --- defects --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(INJECTORS))
def test_each_kind_of_defect_is_found_by_its_rules(tmp_path: Path, kind: str) -> None:
    built = build(load_data(EXAMPLE))
    defect = INJECTORS[kind](built, random.Random(kind))
    assert defect is not None and defect.kind == kind and defect.rules
    back = yusuan.read(render(built, tmp_path, ("txt",))["txt"])
    fired = {f.rule for f in yusuan.check(back).errors}
    assert set(defect.rules) <= fired, (defect, fired)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_corpus_with_a_defect_in_every_document(tmp_path: Path) -> None:
    kinds = tuple(k for k in KINDS if k != CROSS_YEAR)
    summary = synthesize(Options(40, tmp_path, seed=5, formats=("txt",), defect_rate=1.0,
                                 defect_kinds=kinds))  # fmt: skip
    assert summary.documents == 40 and sum(summary.defects.values()) == 40
    manifest = _read_csv(tmp_path / "manifest.csv")
    defects = {row["file"]: row for row in _read_csv(tmp_path / "defects.csv")}
    assert len(manifest) == 40 and len(defects) == 40
    assert len({row["kind"] for row in defects.values()}) >= 8
    for row in manifest:
        defect = defects[row["file"]]
        assert row["defect"] == defect["kind"] and defect["location"] and defect["description"]
        fired = {f.rule for f in yusuan.check(yusuan.read(tmp_path / row["file"])).errors}
        assert set(defect["rules"].split(";")) <= fired, (row["file"], defect, fired)


def test_corpus_without_defects_has_no_errors_and_is_the_same_for_any_number_of_workers(
    tmp_path: Path,
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    synthesize(Options(14, one, seed=9, formats=("txt",), defect_rate=0.0))
    synthesize(Options(14, two, seed=9, formats=("txt",), defect_rate=0.0, workers=2))
    manifest = (one / "manifest.csv").read_text(encoding="utf-8")
    assert manifest == (two / "manifest.csv").read_text(encoding="utf-8")
    assert (one / "defects.csv").read_text(encoding="utf-8").strip() == (
        "file,kind,rules,location,description"
    )
    rows = _read_csv(one / "manifest.csv")
    assert len(rows) == 14
    for row in rows:
        assert errors(yusuan.read(one / row["file"])) == [], row["file"]
    assert not list(one.rglob("*.tmp"))


def test_cross_year_defect_leaves_the_document_consistent_in_itself(tmp_path: Path) -> None:
    spec = department(2, 1)
    years = list(department_years(spec, range(2023, 2025), random.Random("cross")))
    data = years[1].units[0]
    changed = cross_year(data, random.Random(1))
    assert changed is not None
    wrong, defect = changed
    assert defect.kind == CROSS_YEAR and defect.rules == (CROSS_YEAR_RULE,)
    published = actuals(years[0].units[0])
    before, after = data.prior_year, wrong.prior_year
    changed_fields = [
        f for f in type(before).model_fields if getattr(before, f) != getattr(after, f)
    ]
    assert len(changed_fields) == 1
    (field,) = changed_fields
    assert getattr(before, field).prior == getattr(published, field)
    assert wan(getattr(after, field).prior) != wan(getattr(published, field))
    back = yusuan.read(render(build(wrong), tmp_path, ("txt",))["txt"])
    assert errors(back) == []


def test_synth_command_writes_the_corpus_and_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["synth", "--count", "6", "-o", str(tmp_path), "--seed", "2", "--formats", "txt"]
    )
    assert result.exit_code == 0, result.output
    assert "文档数：6" in result.output and "格式分布：txt 6" in result.output
    assert "缺陷数：" in result.output and "用时：" in result.output
    rows = _read_csv(tmp_path / "manifest.csv")
    assert len(rows) == 6 and all((tmp_path / r["file"]).exists() for r in rows)
    bad = CliRunner().invoke(
        main, ["synth", "--count", "2", "-o", str(tmp_path), "--formats", "doc"]
    )
    assert bad.exit_code == 1 and "不支持的格式" in bad.output


def test_a_new_run_removes_what_a_killed_run_left_half_written(tmp_path: Path) -> None:
    left = tmp_path / "示例省" / ".示例省数据局2024年度部门预算公开.txt.0123456789ab.tmp"
    left.parent.mkdir(parents=True)
    left.write_text("半个文件", encoding="utf-8")
    mine = tmp_path / ".notes.tmp"
    mine.write_text("not ours", encoding="utf-8")
    synthesize(Options(2, tmp_path, seed=1, formats=("txt",)))
    assert not left.exists() and mine.exists()
    assert len(_read_csv(tmp_path / "manifest.csv")) == 2
