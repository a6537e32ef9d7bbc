"""The command line as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import expected, seed_path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yusuan.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_summary_in_chinese() -> None:
    result = run("parse", str(seed_path("002")))
    assert result.returncode == 0, result.stderr
    assert "长治市屯留区医疗保障局" in result.stdout
    assert "收入总计：756.21万元" in result.stdout
    assert "13/13" in result.stdout


def test_cells_csv_has_exact_columns_and_values() -> None:
    result = run("parse", str(seed_path("000")), "--format", "cells")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["table_no", "row_code", "row_label", "column", "value", "source"]
    by_key = {(r["table_no"], r["row_code"] or r["row_label"], r["column"]): r for r in rows}
    # Values read from the document: table 2, 2080505, 一般公共预算 = 32.17 (line 118).
    cell = by_key[("2", "2080505", "本年收入/一般公共预算")]
    assert cell["value"] == "32.17"
    assert cell["source"].endswith("000_0182f2b7f6a79aca.txt:118")
    assert by_key[("4", "八、社会保障和就业支出", "支出/金额/一般公共预算")]["value"] == "876.12"
    assert by_key[("6", "基本工资", "政府预算支出经济科目名称")]["value"] == "工资奖金津补贴"
    # Every non-blank expected value of every table is in the CSV.
    want = expected("000").TABLES
    values = {(r["table_no"], r["row_label"], r["value"]) for r in rows if r["value"]}
    for number, table in want.items():
        for row in table["rows"]:
            for text in row[3].values():
                assert (str(number), row[2], text) in values


def test_json_round_trip_and_schema(tmp_path: Path) -> None:
    out = tmp_path / "out" / "d.json"
    result = run("parse", str(seed_path("001")), "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.0"
    assert data["meta"]["unit_name"] == "汾阳市医疗保障局"
    t3 = data["tables"]["3"]
    total = next(r for r in t3["rows"] if r["label"] == "合计")
    assert total["cells"]["project"]["amount"] == "1793.21"  # Decimal as string
    blank = next(r for r in t3["rows"] if r["code"] == "208")
    assert blank["cells"]["project"]["amount"] is None
    schema = json.loads(run("schema").stdout)
    assert "Disclosure" in json.dumps(schema) and schema["title"] == "yusuan Disclosure"


def test_bad_input_gets_chinese_message_and_no_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "空文件.txt"
    empty.write_text("", encoding="utf-8")
    result = run("parse", str(empty))
    assert result.returncode == 1
    assert "错误" in result.stderr and "空文件.txt" in result.stderr and "文件为空" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run("parse", str(tmp_path / "missing.txt"))
    assert missing.returncode == 1 and "文件不存在" in missing.stderr


def test_truncated_document_exits_2_with_output(tmp_path: Path) -> None:
    lines = seed_path("000").read_text(encoding="utf-8").split("\n")[:300]
    target = tmp_path / "cut.txt"
    target.write_text("\n".join(lines), encoding="utf-8")
    result = run("parse", str(target), "--format", "summary")
    assert result.returncode == 2
    assert "阳泉市医疗保险管理服务中心" in result.stdout
    assert "不完整" in result.stderr and "Traceback" not in result.stderr


def test_failed_output_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    result = run("parse", str(tmp_path / "missing.txt"), "--format", "json", "-o", str(target))
    assert result.returncode == 1
    assert not target.exists()
    assert not list(tmp_path.glob(".result.json.*"))


def test_rules_document_is_current() -> None:
    """docs/rules.md is generated from the registry; a rule added without it fails here."""
    generated = run("rules", "--format", "markdown").stdout
    on_disk = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(
        encoding="utf-8"
    )
    assert generated.strip() == on_disk.strip()
    assert "NARR-CHANGE" in on_disk and "0.005 × (n + 1)" in on_disk
