"""The web app on a store of the six Shanghai PDFs (9-table template): the unit, trend, comparison
and document pages show the figures the PDFs print (万元 as the pages show them; the values
transcribed by reading the PDFs, tests/expected/shanghai) under the documents' own table numbers,
and the budget editor drafts, edits, regenerates and round-trips Shanghai budget data."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

import yusuan
from tests.conftest import DATABASES, PG_SERVER, SHARED
from tests.webforms import chart_data, form_fields
from tests.webutil import Browser, add_user, context, make_app
from yusuan.budget.model import BudgetData, Unit
from yusuan.budget.workbook import write_workbook
from yusuan.derive.facts import facts
from yusuan.templates import SHANGHAI, SHANXI, TEMPLATES
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import receive

PDFS = (
    "shpt_czj_2025_dept_budget", "shpt_sww_2025_dept_budget", "shpt_wljd_2023_dept_budget",
    "shpt_wljd_2024_budget", "shpt_zfb_2025_dept_budget", "shpt_zfb_2025_unit_budget",
)  # fmt: skip
WLJD_2023, WLJD_2024 = "shpt_wljd_2023_dept_budget", "shpt_wljd_2024_budget"
WAN = Decimal(10000)
CENT = Decimal("0.01")
SHANXI_ONLY = ("表10", "表11", "表12", "表13", "第三部分", "山西")


def transcribed(stem: str) -> ModuleType:
    return importlib.import_module(f"tests.expected.shanghai.{stem}")


def table9(stem: str) -> dict[str, str]:
    """The 合计 row of a PDF's table 9 (“三公”经费和机关运行经费, printed in 万元)."""
    (row,) = [r for r in transcribed(stem).TABLES[9]["rows"] if r[2] == "合计"]
    return dict(row[3])


def total_row(stem: str, table: int, side: str | None = None) -> dict[str, str]:
    rows = [r for r in transcribed(stem).TABLES[table]["rows"]
            if r[2] in ("合计", "收入总计") and (side is None or r[0] == side)]  # fmt: skip
    return dict(rows[-1][3])


def wan(printed: str) -> str:
    """A table figure printed in 元, as the pages show it: 万元, two decimals, half up."""
    value = (Decimal(printed.replace(",", "")) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value:,.2f}"


def money(printed: str) -> str:
    """A 万元 figure of table 9 as the pages show it (two decimals)."""
    return f"{Decimal(printed):,.2f}"


def meta(stem: str) -> dict[str, Any]:
    return dict(transcribed(stem).META)


WLJD = meta(WLJD_2023)["unit_name"]  # 上海市普陀区人民政府万里街道办事处


@pytest.fixture(scope="module", params=DATABASES)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[FastAPI]:  # fmt: skip
    """One store of the six PDFs per database, brought in through the upload path."""
    from contextlib import ExitStack

    tmp = tmp_path_factory.mktemp(f"shanghai-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp / 'yusuan.db'}"
        else:
            from tests.pgtemp import throwaway_database

            try:
                url = stack.enter_context(throwaway_database(PG_SERVER, "yusuan_test"))
            except Exception as exc:
                pytest.fail(f"PostgreSQL at {PG_SERVER} is not usable: {exc}")
        application = make_app(url, tmp)
        for stem in PDFS:
            path = SHARED / "real-docs" / "shanghai" / f"{stem}.pdf"
            if not path.exists():
                pytest.fail(f"missing {path} (set YUSUAN_SHARED to the shared folder)")
            result = receive(context(application), SYSTEM, path.name, path.read_bytes())
            assert result.ok, result.message
        add_user(application, "rev", "reviewer")
        yield application
        context(application).store.close()


@pytest.fixture
def reviewer(app: FastAPI) -> Browser:
    browser = Browser(app)
    browser.login("rev")
    return browser


def unit_of(browser: Browser, name: str) -> int:
    (unit,) = [u["id"] for u in browser.get("/api/units").json() if u["name"] == name]
    return int(unit)


def documents(browser: Browser) -> dict[str, dict[str, Any]]:
    """The stored documents by the PDF's stem."""
    listed = browser.get("/api/documents").json()
    found = {Path(d["file_name"]).stem: d for d in listed}
    assert set(found) == set(PDFS), set(found)
    return found


def trend_rows(page: str, key: str) -> list[tuple[str, ...]]:
    """(year, value, change, rate) of one item of a unit's trend table."""
    return re.findall(rf'<tr data-key="{key}"[^>]*>\s*<td>[^<]*</td>\s*<td>(\d+)年</td>'
                      r'.*?<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>\s*'
                      r'<td class="num">([^<]*)</td>', page, re.S)  # fmt: skip


def change(before: str, after: str) -> tuple[str, str]:
    """The change and rate the page shows between two 万元 figures."""
    old, new = Decimal(before.replace(",", "")), Decimal(after.replace(",", ""))
    delta = new - old
    sign = "+" if delta > 0 else ""
    rate = (delta / old * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{sign}{delta:,.2f}", f"{rate}%"


def main_text(page: str) -> str:
    """What a page shows inside <main>, without markup."""
    body = page.split("<main", 1)[1]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# --- units, trends, comparisons ---------------------------------------------------------------


def test_unit_trend_shows_the_pdfs_three_public_and_operating_costs(reviewer: Browser) -> None:
    before, after = table9(WLJD_2023), table9(WLJD_2024)
    assert (before["total"], after["total"]) == ("22.91", "47.91")  # as the PDFs print them
    assert (before["operating"], after["operating"]) == ("786.09", "443.18")
    unit = unit_of(reviewer, WLJD)

    page = reviewer.get(f"/units/{unit}", params={"metric": "three_public"})
    assert page.status_code == 200 and f"<h1>{WLJD}</h1>" in page.text
    assert trend_rows(page.text, "three_public") == [
        ("2023", "22.91", "—", "—"), ("2024", "47.91", *change("22.91", "47.91")),
    ]  # fmt: skip
    for key, column in (("reception", "reception"), ("vehicles", "car_total"),
                        ("vehicle_operation", "car_operation")):  # fmt: skip
        shown = [value for _, value, _, _ in trend_rows(page.text, key)]
        assert shown == [money(before[column]), money(after[column])], key
    chart = chart_data(page.text, "trend-data")
    assert chart["categories"] == ["2023年", "2024年"]
    series = next(s for s in chart["series"] if s["name"] == "“三公”经费")
    assert series["data"] == ["22.91", "47.91"]

    page = reviewer.get(f"/units/{unit}", params={"metric": "operating_costs"})
    assert trend_rows(page.text, "operating_costs") == [
        ("2023", "786.09", "—", "—"), ("2024", "443.18", *change("786.09", "443.18")),
    ]  # fmt: skip
    api = reviewer.get(f"/api/units/{unit}/trend", params={"metric": "operating_costs"}).json()
    assert api["amount_unit"] == "元"
    assert [(r["year"], r["value"]) for r in api["rows"] if r["key"] == "operating_costs"] == [
        (2023, "7860900.00"), (2024, "4431800.00"),
    ]  # fmt: skip


def test_unit_facts_and_spending_are_the_pdfs(reviewer: Browser) -> None:
    unit = unit_of(reviewer, WLJD)
    page = reviewer.get(f"/units/{unit}").text  # the default metric: 主要数据
    for key, stem in (("personnel", WLJD_2023), ("personnel", WLJD_2024)):
        assert wan(total_row(stem, 8)[key]) in page, (key, stem)
    incomes = [value for _, value, _, _ in trend_rows(page, "income_total")]
    assert incomes == [wan(total_row(WLJD_2023, 1, "income")["amount"]),
                       wan(total_row(WLJD_2024, 1, "income")["amount"])]  # fmt: skip
    publics = [value for _, value, _, _ in trend_rows(page, "public")]
    assert publics == [wan(total_row(WLJD_2023, 8)["public"]),
                       wan(total_row(WLJD_2024, 8)["public"])]  # fmt: skip
    assert [v for _, v, _, _ in trend_rows(page, "three_public")] == ["22.91", "47.91"]
    assert [v for _, v, _, _ in trend_rows(page, "operating_costs")] == ["786.09", "443.18"]
    # spending by 类: the 类 rows of table 3 (支出预算总表), both years
    spending = chart_data(page, "spending-data")
    urban = next(s for s in spending["series"] if s["name"].startswith("212 "))
    expected = [wan(next(r[3]["total"] for r in transcribed(stem).TABLES[3]["rows"]
                         if r[1] == "212")) for stem in (WLJD_2023, WLJD_2024)]  # fmt: skip
    assert urban["data"] == [e.replace(",", "") for e in expected]  # chart data: plain decimals
    for metric in ("facts", "three_public", "operating_costs", "personnel_share", "per_head",
                   "findings"):  # fmt: skip
        shown = reviewer.get(f"/units/{unit}", params={"metric": metric})
        assert shown.status_code == 200, metric
        assert not re.search(r"表\d", main_text(shown.text)), metric
        assert not [w for w in SHANXI_ONLY if w in shown.text], metric


def test_comparisons_show_every_pdfs_table_9(reviewer: Browser) -> None:
    page = reviewer.get("/units", params={"metric": "three_public", "year": "all"}).text
    api = reviewer.get("/api/analytics/compare", params={"metric": "three_public"}).json()
    by_doc = {(r["unit_name"], r["year"], r["scope"]): r for r in api["rows"]}
    operating = reviewer.get("/units", params={"metric": "operating_costs", "year": "all"}).text
    for stem in PDFS:
        name, year, scope = meta(stem)["unit_name"], meta(stem)["year"], meta(stem)["scope"]
        printed = table9(stem)
        row = re.search(rf'<a href="/units/\d+">{name}</a></td><td>{year}</td><td>{scope}</td>'
                        rf'<td class="num">([\d.,—]+)</td>', page)  # fmt: skip
        assert row is not None and row.group(1) == money(printed["total"]), stem
        shown = re.search(rf'<a href="/units/\d+">{name}</a></td><td>{year}</td><td>{scope}</td>'
                          rf'<td class="num">([\d.,—]+)</td>', operating)  # fmt: skip
        assert shown is not None and shown.group(1) == money(printed["operating"]), stem
        exact = by_doc[(name, year, scope)]
        assert Decimal(exact["three_public"]) == Decimal(printed["total"]) * WAN, stem
    chart = chart_data(page, "compare-data")
    assert chart["unit"] == "万元" and f"{WLJD}（2024年）" in chart["categories"]
    vehicles = next(s for s in chart["series"] if s["name"] == "公务用车购置及运行费")
    assert vehicles["data"][chart["categories"].index(f"{WLJD}（2024年）")] == "46.56"
    # 区政府办公室 publishes a 单位 and a 部门 budget for 2025: the chart tells them apart
    office = meta("shpt_zfb_2025_unit_budget")["unit_name"]
    assert {f"{office}（2025年·单位预算）", f"{office}（2025年·部门预算）"} <= set(
        chart["categories"])  # fmt: skip
    for metric in ("three_public", "operating_costs", "personnel_share", "class_spending",
                   "per_head", "findings"):  # fmt: skip
        shown = reviewer.get("/units", params={"metric": metric, "year": "all"})
        assert shown.status_code == 200, metric
        assert not re.search(r"表\d", main_text(shown.text)), metric
        assert not [w for w in SHANXI_ONLY if w in shown.text], metric
    shares = reviewer.get("/units", params={"metric": "personnel_share", "year": "2024"}).text
    personnel = total_row(WLJD_2024, 8)
    assert wan(personnel["personnel"]) in shares and wan(personnel["total"]) in shares


def test_document_views_number_tables_as_the_document_does(reviewer: Browser) -> None:
    for stem, document in documents(reviewer).items():
        page = reviewer.get(f"/documents/{document['id']}")
        assert page.status_code == 200, stem
        numbers = {int(n) for n in re.findall(r"表(\d+)", main_text(page.text))}
        assert numbers <= set(range(1, 10)), (stem, numbers)
        assert not [w for w in SHANXI_ONLY if w in page.text], stem
        for spec in SHANGHAI.tables:  # each table under its own number and title
            title = rf"表{spec.number} (\d{{4}}年)?\S*{spec.name}"
            assert re.search(title, main_text(page.text)), (stem, spec.number)
        tables = reviewer.get(f"/api/documents/{document['id']}/tables").json()
        three_public = next(t for t in tables if t["number"] == 9)
        assert three_public["amount_unit"] == "万元", stem
        book = load_workbook(io.BytesIO(reviewer.get(
            f"/documents/{document['id']}/checklist.xlsx").content))  # fmt: skip
        items = [str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row
                 if c]  # fmt: skip
        assert "表9 “三公”经费和机关运行经费预算表" in items and "表10" not in " ".join(items)
    page = reviewer.get(f"/documents/{documents(reviewer)[WLJD_2023]['id']}").text
    assert "表6 2023年部门政府性基金预算支出功能分类预算表" in main_text(page)


# --- the budget editor ------------------------------------------------------------------------

CAR = "three_public.car_operation.general"


def start(browser: Browser, fields: dict[str, Any]) -> Any:
    return browser.post_form("/budget/start", {"replace": "1", **fields})


def draft_id(response: Any) -> int:
    assert response.status_code == 303, main_text(response.text)[:500]
    found = re.match(r"/budget/(\d+)\?msg=draft_created$", response.headers["location"])
    assert found is not None
    return int(found.group(1))


def read_back(browser: Browser, draft: int, fmt: str, tmp_path: Path) -> yusuan.Disclosure:
    download = browser.get(f"/budget/{draft}/files/{fmt}")
    assert download.status_code == 200, download.text
    assert "attachment" in download.headers["content-disposition"]
    path = tmp_path / f"back.{fmt}"
    path.write_bytes(download.content)
    return yusuan.read(path)


def test_a_draft_from_a_shanghai_document_is_a_shanghai_draft(
    reviewer: Browser, tmp_path: Path
) -> None:
    printed = table9(WLJD_2024)  # 万元: 公务用车购置费 25, 运行费 21.56, 公务接待费 1.35
    draft = draft_id(start(reviewer, {"unit_id": unit_of(reviewer, WLJD), "source": "document"}))
    info = reviewer.get(f"/api/budget/drafts/{draft}").json()
    assert info["template"] == "shanghai" and info["template_name"] == SHANGHAI.name
    assert info["year"] == 2024
    page = reviewer.get(f"/budget/{draft}").text
    assert f"公开模板：{SHANGHAI.name}" in page
    fields = form_fields(page, "draft-form")
    # the form of the Shanghai workbook: six sources, 公用经费 and 用途 by 科目, 经济科目 codes
    shanghai_only = {"functions.0.basic.business", "functions.0.public", "functions.0.purpose",
                     "economic.0.code", "procurement.sme", "goal_summary.projects"}  # fmt: skip
    assert shanghai_only <= set(fields)
    assert not {"projects.__rows", "staffing.authorized", "functions.0.basic.special"} & set(fields)
    assert Decimal(fields[CAR]) == Decimal(printed["car_operation"]) * WAN
    assert Decimal(fields["three_public.car_purchase.general"]) == Decimal(
        printed["car_purchase"]) * WAN  # fmt: skip
    assert {int(n) for n in re.findall(r"表(\d+)", main_text(page))} <= {8, 9}

    saved = reviewer.post_form(f"/budget/{draft}", {**fields, CAR: "300000"})
    assert saved.status_code == 303, main_text(saved.text)[:800]
    assert reviewer.post_form(f"/budget/{draft}/render").status_code == 303
    info = reviewer.get(f"/api/budget/drafts/{draft}").json()
    assert info["check"]["errors"] == 0, info["check"]["findings"]
    assert set(info["files"]) == {"docx", "pdf", "html", "xlsx"}
    page = reviewer.get(f"/budget/{draft}").text
    assert "检查通过，没有错误" in page
    expected = (Decimal(printed["reception"]) + Decimal(printed["car_purchase"])) * WAN + 300000
    for fmt in ("docx", "pdf", "html", "xlsx"):
        back = read_back(reviewer, draft, fmt, tmp_path)
        assert back.meta.profile == "shanghai" and back.meta.unit_name == WLJD, fmt
        found = facts(back)
        assert found["three_public"] == expected, fmt
        assert found["operating_costs"] == Decimal(printed["operating"]) * WAN, fmt
        total = {r.label: r.cells["total"].text for r in back.table("three_public").rows}
        assert total["合计"] == f"{expected / WAN:.2f}", fmt
        assert [f.message for f in yusuan.check(back).errors] == [], fmt

    # the workbook of a Shanghai draft is the Shanghai workbook, and it comes back unchanged
    book = reviewer.get(f"/budget/{draft}/files/workbook")
    sheet = load_workbook(io.BytesIO(book.content))["基本信息"]
    facts_sheet = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert facts_sheet["预算模板"] == "shanghai" and facts_sheet["公务用车运行费"] == 300000
    before = reviewer.get(f"/api/budget/drafts/{draft}/data").json()
    uploaded = reviewer.client.post(
        f"/budget/{draft}/upload", data={"csrf_token": reviewer.csrf},
        files={"file": ("book.xlsx", book.content)}, follow_redirects=False,
    )  # fmt: skip
    assert uploaded.status_code == 303, main_text(uploaded.text)[:800]
    after = reviewer.get(f"/api/budget/drafts/{draft}/data").json()
    assert BudgetData.model_validate(after) == BudgetData.model_validate(before)  # by value

    # a workbook of the other template cannot be merged onto it
    other = BudgetData(template="shanxi", unit=Unit(name=WLJD, year=2024))
    write_workbook(other, tmp_path / "shanxi.xlsx")
    refused = reviewer.client.post(
        f"/budget/{draft}/upload", data={"csrf_token": reviewer.csrf},
        files={"file": ("shanxi.xlsx", (tmp_path / "shanxi.xlsx").read_bytes())},
        follow_redirects=False,
    )  # fmt: skip
    assert refused.status_code == 400
    assert f"上传的工作簿是{SHANXI.name}的，而该草稿是{SHANGHAI.name}的" in refused.text


def test_a_blank_draft_offers_both_templates(reviewer: Browser) -> None:
    page = reviewer.get("/budget").text
    drafted = {
        k: t for k, t in TEMPLATES.items() if t.supports("render") and t.supports("workbook")
    }
    assert set(drafted) == {"shanxi", "shanghai"}  # (the 决算 template is read and checked only)
    for key, template in drafted.items():
        assert f'<option value="{key}">{template.name}</option>' in page
        assert f'href="/budget/template.xlsx?template={key}"' in page
        book = reviewer.get("/budget/template.xlsx", params={"template": key})
        assert book.status_code == 200
        sheets = load_workbook(io.BytesIO(book.content)).sheetnames
        assert ("项目" in sheets) == (key == "shanxi")  # Shanxi's project tables
        assert ("其他说明" in sheets) == (key == "shanghai")  # Shanghai's 其他相关情况说明
    assert reviewer.get("/budget/template.xlsx", params={"template": "beijing"}).status_code == 400
    unit = unit_of(reviewer, meta("shpt_czj_2025_dept_budget")["unit_name"])

    # by default a blank draft follows the unit's documents; either template may be chosen
    same = draft_id(start(reviewer, {"unit_id": unit, "source": "blank", "year": "2026"}))
    assert reviewer.get(f"/api/budget/drafts/{same}").json()["template"] == "shanghai"
    chosen = draft_id(start(reviewer, {"unit_id": unit, "source": "blank", "year": "2027",
                                       "template": "shanxi"}))  # fmt: skip
    info = reviewer.get(f"/api/budget/drafts/{chosen}").json()
    assert info["template"] == "shanxi" and info["template_name"] == SHANXI.name
    fields = form_fields(reviewer.get(f"/budget/{chosen}").text, "draft-form")
    assert "staffing.authorized" in fields and "functions.0.basic.business" not in fields

    blank = {"unit_id": unit, "source": "blank", "year": 2028, "template": "shanghai",
             "replace": True}  # fmt: skip
    api = reviewer.api("POST", "/api/budget/drafts", json=blank)
    assert api.status_code == 201 and api.json()["template"] == "shanghai"
    # a blank Shanghai draft, filled in the form, regenerates a clean disclosure
    draft = api.json()["id"]
    fields = form_fields(reviewer.get(f"/budget/{draft}").text, "draft-form")
    filled = {
        "functions.0.code": "2010601", "functions.0.name": "行政运行",
        "functions.0.basic.general": "1000000", "functions.0.public": "200000",
        "functions.1.code": "2010602", "functions.1.name": "一般行政管理事务",
        "functions.1.project.general": "300000",
        "economic.0.group": "工资福利支出", "economic.0.code": "30101",
        "economic.0.name": "基本工资", "economic.0.personnel": "800000",
        "economic.1.group": "商品和服务支出", "economic.1.code": "30201",
        "economic.1.name": "办公费", "economic.1.public": "200000",
        "three_public.reception.general": "9500",
        "operating_costs.0.unit": "上海市普陀区财政局",
        "operating_costs.0.amounts.general": "200000",
        "texts.duties": "负责本区财政工作。", "texts.organization": "内设机构10个。",
    }  # fmt: skip
    assert reviewer.post_form(f"/budget/{draft}", {**fields, **filled}).status_code == 303
    assert reviewer.post_form(f"/budget/{draft}/render").status_code == 303
    check = reviewer.get(f"/api/budget/drafts/{draft}").json()["check"]
    assert check["errors"] == 0, check["findings"]


def test_a_template_without_a_stage_says_so(reviewer: Browser, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:  # fmt: skip
    unit = unit_of(reviewer, WLJD)
    draft = draft_id(start(reviewer, {"unit_id": unit, "source": "document"}))
    reading_only = replace(SHANGHAI, stages=frozenset({"read", "check", "store"}))
    monkeypatch.setitem(TEMPLATES, "shanghai", reading_only)

    refused = start(reviewer, {"unit_id": unit, "source": "document"})
    assert refused.status_code == 400
    assert f"{SHANGHAI.name}暂不支持提取预算数据（yusuan data）" in refused.text
    assert "Traceback" not in refused.text
    regenerated = reviewer.post_form(f"/budget/{draft}/render")
    assert regenerated.status_code == 400
    assert f"{SHANGHAI.name}暂不支持生成公开文件（yusuan render）" in regenerated.text
    book = reviewer.get(f"/budget/{draft}/files/workbook")
    assert book.status_code == 400
    assert f"{SHANGHAI.name}暂不支持预算数据填报模板（yusuan template）" in book.text
    api = reviewer.api("POST", f"/api/budget/drafts/{draft}/render")
    assert api.status_code == 400 and "暂不支持生成公开文件" in api.json()["detail"]


# --- in a browser -----------------------------------------------------------------------------


def test_shanghai_pages_in_a_browser(app: FastAPI, reviewer: Browser) -> None:
    """The unit, comparison, document and editor pages of Shanghai units as chromium draws them,
    with their charts and no script errors; screenshots in ``out/screenshots/shanghai-*.png``."""
    import os

    from playwright.sync_api import expect, sync_playwright

    from tests.liveserver import served
    from tests.webutil import PASSWORD

    chromium_path = os.environ.get("YUSUAN_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium_path).exists():
        pytest.fail(f"chromium not found at {chromium_path} (`make system-deps` installs it)")
    shots = Path(os.environ.get("YUSUAN_SCREENSHOTS", Path(__file__).parents[1] / "out"
                                / "screenshots"))  # fmt: skip
    shots.mkdir(parents=True, exist_ok=True)
    unit = unit_of(reviewer, WLJD)
    draft = draft_id(start(reviewer, {"unit_id": unit, "source": "document"}))
    document = documents(reviewer)[WLJD_2024]["id"]
    errors: list[str] = []
    with served(app) as url, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = chromium.new_context(base_url=url, viewport={"width": 1440, "height": 900},
                                    locale="zh-CN").new_page()  # fmt: skip
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto("/login")
        page.fill("input[name=username]", "rev")
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('登录')")
        page.goto(f"/units/{unit}?metric=three_public")
        expect(page.locator("h1")).to_contain_text(WLJD)
        expect(page.locator("#trend-chart canvas").first).to_be_visible()
        expect(page.locator("tr[data-key=three_public]").nth(1)).to_contain_text("47.91")
        page.screenshot(path=str(shots / "shanghai-1-unit-three-public.png"), full_page=True)
        page.goto(f"/units/{unit}?metric=operating_costs")
        expect(page.locator("tr[data-key=operating_costs]").first).to_contain_text("786.09")
        page.screenshot(path=str(shots / "shanghai-2-unit-operating-costs.png"))
        page.goto("/units?metric=operating_costs&year=all")
        expect(page.locator("#compare-chart canvas").first).to_be_visible()
        page.screenshot(path=str(shots / "shanghai-3-compare.png"))
        page.goto(f"/documents/{document}")
        expect(page.locator("h1")).to_contain_text(WLJD)
        page.screenshot(path=str(shots / "shanghai-4-document.png"))
        page.goto(f"/budget/{draft}")
        expect(page.locator("#draft-template")).to_contain_text(SHANGHAI.name)
        page.screenshot(path=str(shots / "shanghai-5-editor.png"))
        chromium.close()
    assert not errors, errors
