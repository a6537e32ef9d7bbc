"""Units and years: comparisons across units and a unit's trend, by page (tables and ECharts
data) and API, with the seeds' real figures; exports; a unit user sees only their own units."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from tests.conftest import expected, parsed, seed_path
from tests.webforms import chart_data
from tests.webutil import Browser, add_user, context, ingest_seed, make_app, unit_id
from yusuan.budget.build import build
from yusuan.budget.extract import to_budget_data
from yusuan.render.text import to_text
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import receive

FENYANG = expected("001").META["unit_name"]  # 汾阳市医疗保障局, 2024
YANGQUAN = expected("000").META["unit_name"]  # 阳泉市医疗保险管理服务中心, 2025
CENTRE = expected("003").META["unit_name"]  # 汾阳市医疗保险服务中心, 2025


def printed(seed: str, table: int, label: str, column: str = "total") -> str:
    """A figure of a seed's table as transcribed by hand (万元)."""
    for row in expected(seed).TABLES[table]["rows"]:
        if row[2] == label:
            return str(row[3][column])
    raise KeyError(label)


def next_year(app: FastAPI, seed: str, car_operation: Decimal) -> int:
    """The seed's unit a year later, with another 公务用车运行维护费 (元), stored as a text
    document through the upload path; its disclosure id."""
    data, _ = to_budget_data(parsed(seed))
    data.unit.year += 1
    data.three_public.car_operation.general = car_operation
    text = to_text(build(data))
    result = receive(context(app), SYSTEM, f"{seed}-next.txt", text.encode("utf-8"))
    assert result.ok and result.disclosure_id, result.message
    return result.disclosure_id


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    for seed in ("000", "001", "002", "003"):
        ingest_seed(application, seed)
    add_user(application, "rev", "reviewer")
    add_user(application, "fenyang", "unit", [unit_id(application, FENYANG)])
    yield application
    context(application).store.close()


@pytest.fixture
def reviewer(app: FastAPI) -> Browser:
    browser = Browser(app)
    browser.login("rev")
    return browser


def test_comparison_shows_the_documents_figures(app: FastAPI, reviewer: Browser) -> None:
    three_public = printed("001", 10, "合计")  # 7.50 万元
    assert three_public == "7.50"
    page = reviewer.get("/units", params={"metric": "three_public", "year": "2024"})
    assert page.status_code == 200
    row = re.search(rf'<a href="/units/\d+">{FENYANG}</a></td><td>2024</td><td>单位</td>'
                    rf'<td class="num">([\d.,—]+)</td>', page.text)  # fmt: skip
    assert row is not None and row.group(1) == three_public
    chart = chart_data(page.text, "compare-data")
    assert chart["type"] == "hstack" and chart["unit"] == "万元"
    assert chart["categories"] == [FENYANG]
    vehicles = next(s for s in chart["series"] if s["name"] == "公务用车购置及运行费")
    assert vehicles["data"] == [three_public]
    # the default year is the newest, where the centre has 5.00 万元
    newest = reviewer.get("/units").text
    assert 'option value="2025" selected' in newest
    assert printed("003", 10, "合计") in chart_data(newest, "compare-data")["series"][2]["data"]

    api = reviewer.get("/api/analytics/compare", params={"metric": "three_public"}).json()
    by_unit = {(r["unit_name"], r["year"]): r for r in api["rows"]}
    assert by_unit[(FENYANG, 2024)]["three_public"] == "75000.00"  # 元, exact
    assert by_unit[(CENTRE, 2025)]["vehicle_operation"] == "50000.00"
    assert api["amount_unit"] == "元" and api["label"] == "“三公”经费"
    # 机关运行经费 of seed 001: 14.14 万元
    operating = reviewer.get(
        "/api/analytics/compare", params={"metric": "operating_costs", "year": 2024}
    ).json()
    assert [(r["unit_name"], r["operating_costs"]) for r in operating["rows"]] == [
        (FENYANG, str(Decimal(printed("001", 11, FENYANG)) * 10000))
    ]
    # every metric renders, with its chart
    for metric in ("operating_costs", "personnel_share", "class_spending", "per_head", "findings"):
        shown = reviewer.get("/units", params={"metric": metric, "year": "all"})
        assert shown.status_code == 200, metric
        assert chart_data(shown.text, "compare-data")["categories"], metric
    # the list of units, found by name
    units = reviewer.get("/units", params={"q": "汾阳"}).text.split('id="units"')[1]
    assert FENYANG in units and CENTRE in units and YANGQUAN not in units
    classes = chart_data(reviewer.get("/units?metric=class_spending&year=2024").text,
                         "compare-data")  # fmt: skip
    health = next(s for s in classes["series"] if s["name"].startswith("210 "))
    assert health["data"] == [printed("001", 3, "卫生健康支出")]


def test_unit_trend_across_years(app: FastAPI, reviewer: Browser) -> None:
    later = next_year(app, "001", Decimal("80000"))
    fenyang = unit_id(app, FENYANG)
    page = reviewer.get(f"/units/{fenyang}", params={"metric": "three_public"})
    assert page.status_code == 200
    assert f"<h1>{FENYANG}</h1>" in page.text
    rows = re.findall(r'<tr data-key="three_public"[^>]*>\s*<td>[^<]*</td>\s*<td>(\d+)年</td>'
                      r'.*?<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>\s*'
                      r'<td class="num">([^<]*)</td>', page.text, re.S)  # fmt: skip
    assert rows == [("2024", "7.50", "—", "—"), ("2025", "8.00", "+0.50", "6.67%")]
    assert f'href="/documents/{later}"' in page.text
    chart = chart_data(page.text, "trend-data")
    assert chart["type"] == "line" and chart["categories"] == ["2024年", "2025年"]
    series = next(s for s in chart["series"] if s["name"] == "“三公”经费")
    assert series["data"] == ["7.50", "8.00"]
    # spending by 类: both years, the seed's table 3 figure
    spending = chart_data(page.text, "spending-data")
    health = next(s for s in spending["series"] if s["name"].startswith("210 "))
    assert health["data"] == [printed("001", 3, "卫生健康支出")] * 2

    api = reviewer.get(f"/api/units/{fenyang}/trend", params={"metric": "three_public"}).json()
    total = [r for r in api["rows"] if r["key"] == "three_public"]
    assert [(r["year"], r["value"], r["change"], r["rate"]) for r in total] == [
        (2024, "75000.00", None, None), (2025, "80000.00", "5000.00", "6.67"),
    ]  # fmt: skip
    codes = reviewer.get(f"/api/units/{fenyang}/spending", params={"level": 3}).json()
    assert {r["code"] for r in codes["rows"]} == {"208", "210", "221"}
    assert reviewer.get(f"/api/units/{fenyang}/spending", params={"level": 4}).status_code == 422
    facts = reviewer.get(f"/units/{fenyang}").text  # the default metric: 主要数据
    assert "收入总计" in facts and printed("001", 3, "合计") in facts


def test_exports(app: FastAPI, reviewer: Browser) -> None:
    fenyang = unit_id(app, FENYANG)
    download = reviewer.get("/units/export", params={"metric": "three_public", "year": "all",
                                                     "format": "csv"})  # fmt: skip
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert download.content.startswith("\ufeff".encode())  # Excel reads the Chinese
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert {r["unit_name"] for r in rows} == {FENYANG, YANGQUAN, CENTRE, "长治市屯留区医疗保障局"}
    assert next(r for r in rows if r["unit_name"] == FENYANG)["three_public"] == "75000.00"

    book = reviewer.get(f"/units/{fenyang}/export", params={"metric": "three_public",
                                                            "format": "xlsx"})  # fmt: skip
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    first = dict(zip(header, table[1], strict=True))
    assert first["key"] == "three_public" and Decimal(str(first["value"])) == Decimal("75000")
    api = reviewer.get(f"/api/units/{fenyang}/trend/export", params={"metric": "three_public"})
    assert api.status_code == 200 and "75000.00" in api.content.decode("utf-8-sig")

    facts = reviewer.get("/units/store-export", params={"what": "facts", "format": "csv"})
    assert facts.status_code == 200
    found = [r for r in csv.DictReader(io.StringIO(facts.content.decode("utf-8-sig")))
             if r["unit_name"] == FENYANG and r["key"] == "three_public"]  # fmt: skip
    assert [Decimal(r["value"]) for r in found] == [Decimal("75000")]
    assert reviewer.get("/api/analytics/export", params={"what": "findings"}).status_code == 200


def test_unit_user_sees_only_their_units(app: FastAPI) -> None:
    next_year(app, "001", Decimal("80000"))
    own, other = unit_id(app, FENYANG), unit_id(app, YANGQUAN)
    user = Browser(app)
    user.login("fenyang")
    listing = user.get("/units", params={"year": "all"}).text
    assert FENYANG in listing and YANGQUAN not in listing and CENTRE not in listing
    assert chart_data(listing, "compare-data")["categories"] == [
        f"{FENYANG}（2025年）",
        f"{FENYANG}（2024年）",
    ]
    for metric in ("three_public", "operating_costs", "personnel_share", "class_spending",
                   "per_head", "findings"):  # fmt: skip
        rows = user.get("/api/analytics/compare", params={"metric": metric}).json()["rows"]
        assert {r["unit_id"] for r in rows} <= {own}, metric
    ranked = user.get("/api/analytics/compare", params={"metric": "findings"}).json()["rows"]
    assert [r["rank"] for r in ranked] == [1, 2]
    assert user.get(f"/units/{own}").status_code == 200

    missing = user.get("/api/units/999999/trend")
    for url in (f"/units/{other}", f"/units/{other}/export", f"/api/units/{other}/trend",
                f"/api/units/{other}/spending", f"/api/units/{other}/trend/export"):  # fmt: skip
        response = user.get(url)
        assert response.status_code == 404, url
        assert YANGQUAN not in response.text, url
    assert user.get(f"/api/units/{other}/trend").json() == missing.json()
    exported = user.get("/units/export", params={"year": "all"}).content.decode("utf-8-sig")
    assert FENYANG in exported and YANGQUAN not in exported and CENTRE not in exported
    # whole-store exports cover every unit: reviewers and admins only
    assert user.get("/units/store-export").status_code == 403
    assert user.get("/api/analytics/export").status_code == 403
    assert "导出全部数据" not in listing


def test_chart_data_is_never_markup(app: FastAPI, reviewer: Browser) -> None:
    evil = '</script><script>alert("x")</script>局'
    text = seed_path("001").read_text(encoding="utf-8-sig").replace(FENYANG, evil)
    stored = reviewer.upload([("files", ("evil.txt", text.encode(), "text/plain"))])
    assert stored[0]["status"] == "stored"
    evil_id = unit_id(app, evil)
    for url in ("/units?year=all", f"/units/{evil_id}", "/units?metric=findings&year=all"):
        page = reviewer.get(url).text
        assert "<script>alert" not in page and "</script><script>" not in page, url
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert all('src="/static/' in s or 'type="application/json"' in s for s in scripts)
        data = chart_data(page, "compare-data" if url.startswith("/units?") else "trend-data")
        assert evil in str(data) or url.startswith(f"/units/{evil_id}")  # JSON keeps the name
    # ECharts is served by the application, with its licence; no CDN
    page = reviewer.get("/units").text
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in page
    assert "cdn" not in page.lower()
    echarts = reviewer.get("/static/vendor/echarts/echarts.min.js")
    assert echarts.status_code == 200 and "Apache" in echarts.text[:2000]
    assert "Apache License" in reviewer.get("/static/vendor/echarts/LICENSE").text
    assert "JSON.parse" in reviewer.get("/static/charts.js").text


def test_pages_answer_quickly(app: FastAPI, reviewer: Browser) -> None:
    """Well under 300 ms (the best of five, as the machine is shared with other test runs)."""
    fenyang = unit_id(app, FENYANG)
    for url in ("/units", f"/units/{fenyang}", "/api/analytics/compare"):
        reviewer.get(url)  # warm
        times = []
        for _ in range(5):
            started = time.perf_counter()
            assert reviewer.get(url).status_code == 200
            times.append(time.perf_counter() - started)
        assert min(times) < 0.3, (url, times)
