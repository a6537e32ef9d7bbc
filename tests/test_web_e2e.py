"""End to end in a real browser: the web application served by uvicorn on a free loopback port
(temporary SQLite store and data folder), driven by Debian's chromium through Playwright as its
users would drive it.

The tests run in order and share one server and one browser: the admin uploads the Shanxi seeds
and a DOCX and an XLSX rendered from the bundled example (file picker and a dispatched drop) and
creates a reviewer and a unit user; the reviewer follows a finding to the cells and source lines
it cites, downloads the 检查表 (HTML, XLSX) and JSON, returns and then passes a document and
dismisses a finding; the unit user sees only their unit, by page and by API token, and edits
their budget data and regenerates the disclosure. Screenshots of the main pages are written to
``out/screenshots/`` (or ``YUSUAN_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

import yusuan
from tests.conftest import ROOT, seed_path
from tests.liveserver import served
from tests.webutil import PASSWORD, add_user, context, make_app, workers
from yusuan.budget.build import build
from yusuan.budget.io import load_data
from yusuan.render.api import render

CHROMIUM = os.environ.get("YUSUAN_CHROMIUM", "/usr/bin/chromium")
# Playwright's launch() gives the browser a fresh temporary profile (user-data dir) every time.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(os.environ.get("YUSUAN_SCREENSHOTS", ROOT / "out" / "screenshots"))
EXAMPLE = ROOT / "src" / "yusuan" / "examples" / "example_unit_2025.yaml"
EXAMPLE_UNIT = "示例市数据服务中心"
SEED_UNIT = "阳泉市医疗保险管理服务中心"  # seed 000: four errors
VIEWPORT = {"width": 1440, "height": 900}
WAIT_MS = 20_000
JS_ERRORS: dict[int, list[str]] = {}  # script errors and console errors of each open page

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@dataclass
class Site:
    url: str
    folder: Path
    documents: dict[str, list[int]] = field(default_factory=dict)  # unit name → ids
    passwords: dict[str, str] = field(default_factory=dict)
    dismissed: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The application served by uvicorn (in a thread) on a free 127.0.0.1 port, with only its
    first admin; everything else comes in through the pages."""
    folder = tmp_path_factory.mktemp("e2e")
    app = make_app(f"sqlite:///{folder / 'yusuan.db'}", folder)
    add_user(app, "admin", "admin")
    try:
        with served(app) as url, workers(app, 1):  # uploads are read by a queue worker
            yield Site(url, folder, passwords={"admin": PASSWORD})
    finally:
        context(app).store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM} (`make system-deps` installs it)")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A DOCX and an XLSX disclosure rendered from the bundled example's budget data."""
    folder = tmp_path_factory.mktemp("rendered")
    written = render(build(load_data(EXAMPLE)), folder, ("docx", "xlsx"))
    return {fmt: Path(path) for fmt, path in written.items()}


# --- helpers --------------------------------------------------------------------------------


def session(browser: Browser, site: Site, username: str) -> tuple[BrowserContext, Page]:
    """A browser context of its own (its own cookies) signed in through the login form."""
    ctx = browser.new_context(base_url=site.url, viewport=VIEWPORT, locale="zh-CN",  # type: ignore[arg-type]
                              accept_downloads=True)  # fmt: skip
    ctx.set_default_timeout(WAIT_MS)
    page = ctx.new_page()
    errors = JS_ERRORS.setdefault(id(page), [])
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/documents")
    expect(page).to_have_url(re.compile(r"/login\?next=/documents$"))
    if username == "admin":
        readable(page)
        shot(page, "00-login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", site.passwords[username])
    page.click("button:has-text('登录')")
    expect(page).to_have_url(re.compile(r"/documents$"))
    return ctx, page


def no_js_errors(page: Page, allowed: tuple[str, ...] = ()) -> None:
    """The page's script ran without errors (an expected 404 is allowed by its text)."""
    errors = [e for e in JS_ERRORS.get(id(page), []) if not any(a in e for a in allowed)]
    assert not errors, errors


def shot(page: Page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def readable(page: Page, skip: str = "") -> str:
    """The visible text of the page: Chinese, and no markup shown as text (except in ``skip``,
    e.g. the source pane, which shows a file's lines as they are, tags included)."""
    text = page.inner_text("body") if not skip else page.evaluate(
        """(skip) => {
             const body = document.body.cloneNode(true);
             body.querySelectorAll(skip).forEach(n => n.remove());
             return body.textContent;
           }""",
        skip,
    )  # fmt: skip
    assert re.search(r"[\u4e00-\u9fff]", text), "no Chinese on the page"
    for raw in ("</", "<td", "<div", "&lt;", "&gt;", "&amp;", "&quot;", "{{", "{%"):
        assert raw not in text, f"raw markup {raw!r} shown on {page.url}"
    return text


def downloaded(page: Page, selector: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    path = download.path()
    return download.suggested_filename, Path(path).read_bytes()


def sheet_text(content: bytes) -> tuple[list[str], str]:
    workbook = load_workbook(io.BytesIO(content))
    cells = [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]  # fmt: skip
    return workbook.sheetnames, "\n".join(cells)


def findings_of(page: Page, doc: int) -> list[dict[str, Any]]:
    response = page.request.get(f"/api/documents/{doc}/findings")
    assert response.status == 200
    found: list[dict[str, Any]] = response.json()
    return found


# --- admin: uploads and accounts --------------------------------------------------------------


def test_admin_uploads_by_drag_and_drop_and_creates_accounts(
    browser: Browser, site: Site, rendered: dict[str, Path]
) -> None:
    ctx, page = session(browser, site, "admin")
    shot(page, "01-documents-empty")
    page.click("nav >> text=上传")
    expect(page).to_have_url(re.compile(r"/upload$"))
    # four seeds through the file picker
    seeds = [seed_path(s) for s in ("000", "001", "002", "003")]
    page.set_input_files("#file-input", [str(p) for p in seeds])
    # the DOCX and XLSX dropped on the zone: a real DataTransfer with File objects
    payload = [{"name": p.name, "data": base64.b64encode(p.read_bytes()).decode(),
                "type": "application/octet-stream"} for p in rendered.values()]  # fmt: skip
    transfer = page.evaluate_handle(
        """(files) => {
             const transfer = new DataTransfer();
             for (const f of files) {
               const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
               transfer.items.add(new File([bytes], f.name, {type: f.type}));
             }
             return transfer;
           }""",
        payload,
    )
    page.dispatch_event("#drop-zone", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("#drop-zone", "dragover", {"dataTransfer": transfer})
    expect(page.locator("#drop-zone")).to_have_class(re.compile(r"\bover\b"))
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})
    expect(page.locator("#drop-zone")).not_to_have_class(re.compile(r"\bover\b"))
    items = page.locator("#progress li")
    expect(items).to_have_count(6)
    # every file ends with its outcome and a link to the stored document; no bar is left
    expect(page.locator("#progress li.result-stored")).to_have_count(6, timeout=60_000)
    expect(page.locator("#progress progress")).to_have_count(0)
    shot(page, "02-upload-progress")
    names = items.locator(".file").all_inner_texts()
    assert sorted(names) == sorted([p.name for p in seeds] + [p.name for p in rendered.values()])
    for link in items.locator("a:not(.file)").all():
        href = link.get_attribute("href") or ""
        assert re.fullmatch(r"/documents/\d+", href), href
        unit = link.inner_text().split(" ")[0]
        site.documents.setdefault(unit, []).append(int(href.rsplit("/", 1)[1]))
        assert re.search(r"错误 \d+ · 警告 \d+", link.inner_text())
    for ids in site.documents.values():  # in the order stored: a unit's first is its version 1
        ids.sort()  # (the files are read as they come, not in the order of the list)
    assert len(site.documents[EXAMPLE_UNIT]) == 2  # the DOCX and the XLSX
    assert len(site.documents[SEED_UNIT]) == 1
    readable(page)

    # the list shows them all; the recent uploads are on the upload page after a reload
    page.click("nav >> text=文件")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(6)
    text = readable(page)
    assert SEED_UNIT in text and EXAMPLE_UNIT in text and "待审" in text
    shot(page, "03-documents")

    # a reviewer and a unit user bound to the example unit, created on the users page
    page.click("nav >> text=用户管理")
    form = page.locator("form[action='/admin/users']")
    form.locator("input[name=username]").fill("shenhe")
    form.locator("input[name=display_name]").fill("审核员张")
    form.locator("select[name=role]").select_option("reviewer")
    form.locator("input[name=password]").fill("shenhe-password-1")
    form.locator("button:has-text('创建')").click()
    expect(page.locator(".token-once")).to_contain_text("已创建用户 shenhe（审核人员）")
    form = page.locator("form[action='/admin/users']")
    form.locator("input[name=username]").fill("danwei")
    form.locator("input[name=display_name]").fill("数据中心填报员")
    form.locator("select[name=role]").select_option("unit")
    form.locator("select[name=unit_ids]").select_option(label=EXAMPLE_UNIT)
    form.locator("button:has-text('创建')").click()  # no password: one is generated
    once = page.locator(".token-once")
    expect(once).to_contain_text("已创建用户 danwei（单位用户）")
    site.passwords["shenhe"] = "shenhe-password-1"
    site.passwords["danwei"] = once.locator("code.token").inner_text().strip()
    assert len(site.passwords["danwei"]) >= 12
    row = page.locator("table.list tr", has_text="danwei")
    expect(row).to_contain_text(EXAMPLE_UNIT)
    expect(row).to_contain_text("单位用户")
    readable(page)
    shot(page, "04-users")
    no_js_errors(page)
    ctx.close()


# --- reviewer: findings, downloads, review ----------------------------------------------------


def test_reviewer_follows_a_finding_to_its_cells_and_lines(browser: Browser, site: Site) -> None:
    ctx, page = session(browser, site, "shenhe")
    page.click(f"table.list a:has-text('{SEED_UNIT}')")
    doc = site.documents[SEED_UNIT][0]
    expect(page).to_have_url(re.compile(rf"/documents/{doc}$"))
    expect(page.locator("h1")).to_contain_text(SEED_UNIT)
    expect(page.locator(".counts")).to_contain_text("错误 4")
    assert page.locator(".hl, .hl-line").count() == 0
    # an error that cites table cells and source lines
    finding = page.locator(
        ".group-error .finding:not([data-targets='']):not([data-lines=''])"
    ).first
    targets = (finding.get_attribute("data-targets") or "").split()
    lines = (finding.get_attribute("data-lines") or "").split()
    assert targets and lines
    finding.locator(".msg").click()
    expect(finding).to_have_class(re.compile(r"\bactive\b"))
    highlighted = page.locator(".hl")
    expect(highlighted).to_have_count(len(targets))
    assert sorted(highlighted.evaluate_all("ns => ns.map(n => n.id)")) == sorted(targets)
    expect(page.locator(".hl-line")).to_have_count(len(lines))
    lit = page.locator(".hl-line").evaluate_all("ns => ns.map(n => n.id)")
    assert sorted(lit) == sorted(f"L{n}" for n in lines)
    # the highlight is visible: the stylesheet's colour, scrolled into view in both panes
    colour = page.locator(".hl").first.evaluate("n => getComputedStyle(n).backgroundColor")
    assert colour == "rgb(255, 224, 102)", colour
    line_colour = page.locator(".hl-line").first.evaluate(
        "n => getComputedStyle(n).backgroundColor"
    )
    assert line_colour == "rgb(255, 243, 191)", line_colour
    # the panes scroll to the first cell and the first line the finding names
    expect(page.locator(f"[id='{targets[0]}']")).to_be_in_viewport()
    expect(page.locator(f"#L{lines[0]}")).to_be_in_viewport()
    # a figure the finding quotes is in a highlighted cell and on a highlighted line
    quoted = re.findall(r"「([^」]+)」", finding.locator(".locs").inner_text())
    cells = highlighted.all_inner_texts()
    source = page.locator(".hl-line .tx").all_inner_texts()
    assert any(q in cells and any(q in line for line in source) for q in quoted), (quoted, cells)
    readable(page, skip=".source-pane")
    shot(page, "05-document-highlight")
    page.locator(".source-pane").screenshot(path=str(SCREENSHOTS / "05b-source-pane.png"))

    # another finding moves the highlight
    chosen = finding.get_attribute("id")
    other = page.locator(f".finding:not([data-lines='']):not([id='{chosen}'])").first
    other.locator(".f-title").click()
    expect(other).to_have_class(re.compile(r"\bactive\b"))
    expect(finding).not_to_have_class(re.compile(r"\bactive\b"))
    wanted = (other.get_attribute("data-lines") or "").split()
    expect(page.locator(".hl-line")).to_have_count(len(wanted))
    no_js_errors(page)
    ctx.close()


def test_reviewer_downloads_the_checklist_and_json(browser: Browser, site: Site) -> None:
    ctx, page = session(browser, site, "shenhe")
    doc = site.documents[SEED_UNIT][0]
    page.goto(f"/documents/{doc}")
    findings = findings_of(page, doc)
    errors = [f for f in findings if f["severity"] == "error" and not f["rounding"]]
    assert len(errors) == 4

    name, content = downloaded(page, "a:has-text('HTML 检查报告')")
    assert name.endswith("检查报告.html") and SEED_UNIT in name
    report = html.unescape(content.decode("utf-8"))
    assert SEED_UNIT in report
    for finding in errors:
        assert finding["message"] in report

    name, content = downloaded(page, "a:has-text('XLSX 检查表')")
    assert name.endswith("检查表.xlsx")
    sheets, text = sheet_text(content)
    assert sheets[0] == "汇总" and SEED_UNIT in text
    for finding in errors:
        assert finding["message"] in text

    name, content = downloaded(page, "a:has-text('JSON')")
    assert name.endswith(".json")
    data = json.loads(content)
    document = data["documents"][0]
    assert document["unit_name"] == SEED_UNIT
    assert sorted(f["id"] for f in document["findings"]) == sorted(f["id"] for f in findings)

    name, content = downloaded(page, "a:has-text('原始文件')")
    assert content == seed_path("000").read_bytes()
    no_js_errors(page)
    ctx.close()


def test_reviewer_returns_then_passes_and_dismisses_a_finding(browser: Browser, site: Site) -> None:
    ctx, page = session(browser, site, "shenhe")
    doc = site.documents[SEED_UNIT][0]
    page.goto(f"/documents/{doc}")
    review = page.locator("form.review-form")
    review.locator("label:has-text('退回') input").check()
    review.locator("textarea[name=note]").fill("表1与表2合计不一致，请核对后重新报送")
    review.locator("button:has-text('保存审核结果')").click()
    expect(page.locator("p.notice")).to_have_text("审核结果已保存")
    expect(page.locator(".counts .status")).to_have_text("退回")
    expect(page.locator("#review")).to_contain_text("审核员张 于")

    page.click("nav >> text=审核队列")
    page.click(".tabs >> text=退回")
    group = page.locator("section.unit-group", has_text=SEED_UNIT)
    expect(group).to_contain_text("表1与表2合计不一致，请核对后重新报送")
    expect(group.locator(".status")).to_have_text("退回")
    readable(page)
    shot(page, "06-queue-returned")

    # the unit's corrected figures arrive: the reviewer passes it and dismisses one finding
    group.locator("a:has-text('审核')").click()
    review = page.locator("form.review-form")
    expect(review.locator("label:has-text('退回') input")).to_be_checked()
    review.locator("label:has-text('已审') input").check()
    review.locator("textarea[name=note]").fill("已核对，同意公开")
    review.locator("button:has-text('保存审核结果')").click()
    expect(page.locator(".counts .status")).to_have_text("已审")

    findings = findings_of(page, doc)
    errors = [f for f in findings if f["severity"] == "error" and not f["rounding"]]
    target = errors[1]
    item = page.locator(f"#finding-{target['id']}")
    item.locator("summary:has-text('处理此问题')").click()
    item.locator("input[name=reason]").fill("单位已说明：口径差异，不属于错误")
    item.locator("button:has-text('驳回')").click()
    expect(page).to_have_url(re.compile(rf"\?finding={target['id']}(&msg=decision_saved)?#"))
    expect(page.locator("p.notice")).to_have_text("处理结果已保存")
    item = page.locator(f"#finding-{target['id']}")
    expect(item).to_have_class(re.compile(r"\bdecided-dismissed\b"))
    expect(item.locator(".decision")).to_have_text("审核：驳回（单位已说明：口径差异，不属于错误）")
    # the link highlights the finding it came back to
    expect(item).to_have_class(re.compile(r"\bactive\b"))
    readable(page, skip=".source-pane")
    shot(page, "07-document-reviewed")

    # the 检查表 leaves the dismissed finding out of its items, naming it only in the 审核意见
    # column with the reason; the JSON keeps it with the decision
    _, content = downloaded(page, "a:has-text('XLSX 检查表')")
    _, text = sheet_text(content)
    dismissal = f"驳回：{target['message']}（单位已说明：口径差异，不属于错误）"
    assert text.count(target["message"]) == text.count(dismissal) == 1
    assert all(f["message"] in text for f in errors if f["id"] != target["id"])
    _, content = downloaded(page, "a:has-text('JSON')")
    decided = {f["id"]: f["review"] for f in json.loads(content)["documents"][0]["findings"]}
    assert decided[target["id"]] == {"decision": "dismissed",
                                     "reason": "单位已说明：口径差异，不属于错误"}  # fmt: skip

    page.click("nav >> text=审核队列")
    page.click(".tabs >> text=已审")
    expect(page.locator("section.unit-group", has_text=SEED_UNIT)).to_contain_text(
        "已核对，同意公开"
    )
    # one of the example unit's documents goes back to the unit with a note
    example = site.documents[EXAMPLE_UNIT][0]
    page.goto(f"/documents/{example}")
    review = page.locator("form.review-form")
    review.locator("label:has-text('退回') input").check()
    review.locator("textarea[name=note]").fill("请补充政府采购的说明")
    review.locator("button:has-text('保存审核结果')").click()
    expect(page.locator(".counts .status")).to_have_text("退回")
    site.dismissed = target
    no_js_errors(page)
    ctx.close()


def test_units_and_years_pages_draw_their_charts(browser: Browser, site: Site) -> None:
    ctx, page = session(browser, site, "shenhe")
    page.click("nav >> text=单位与年度")
    expect(page).to_have_url(re.compile(r"/units$"))
    expect(page.locator("#compare-chart canvas").first).to_be_visible()
    readable(page)
    shot(page, "08a-units")
    page.goto("/units/" + str(page.evaluate(
        """(name) => [...document.querySelectorAll("a[href^='/units/']")]
                       .find(a => a.textContent.trim() === name).getAttribute("href")
                       .split("/")[2]""",
        EXAMPLE_UNIT,
    )))  # fmt: skip
    expect(page.locator("h1")).to_contain_text(EXAMPLE_UNIT)
    expect(page.locator("#trend-chart canvas").first).to_be_visible()
    readable(page)
    shot(page, "08b-unit")
    no_js_errors(page)
    ctx.close()


# --- unit user: their unit only; the budget editor --------------------------------------------


def test_unit_user_sees_only_their_unit(browser: Browser, site: Site) -> None:
    ctx, page = session(browser, site, "danwei")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    text = readable(page)
    assert EXAMPLE_UNIT in text
    for unit in site.documents:
        if unit != EXAMPLE_UNIT:
            assert unit not in text
    assert "用户管理" not in page.locator("header nav").inner_text()
    shot(page, "09-unit-documents")

    # their document, with the reviewer's note and no review form
    example = site.documents[EXAMPLE_UNIT][0]
    page.click(f"a[href='/documents/{example}']")
    expect(page.locator("#review")).to_contain_text("请补充政府采购的说明")
    expect(page.locator("form.review-form")).to_have_count(0)
    expect(page.locator("details.decide")).to_have_count(0)

    # another unit's document: not found, by page, download and API
    other = site.documents[SEED_UNIT][0]
    for path in (f"/documents/{other}", f"/documents/{other}/checklist.xlsx",
                 f"/documents/{other}/report.json", f"/documents/{other}/source"):  # fmt: skip
        assert page.request.get(path).status == 404, path
    response = page.goto(f"/documents/{other}")
    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("未找到该文件")
    assert SEED_UNIT not in readable(page)
    shot(page, "10-unit-404")

    # an API token from the account page
    page.goto("/account")
    page.fill("form[action='/account/tokens'] input[name=name]", "数据导出脚本")
    page.click("form[action='/account/tokens'] button:has-text('创建令牌')")
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("ys_")
    shot(page, "11-account-token")
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as api:  # fmt: skip
        me = api.get("/api/me").json()
        assert me["role"] == "unit" and me["username"] == "danwei"
        listed = api.get("/api/documents").json()
        assert sorted(d["id"] for d in listed) == sorted(site.documents[EXAMPLE_UNIT])
        assert {d["unit_name"] for d in listed} == {EXAMPLE_UNIT}
        assert api.get(f"/api/documents/{example}").status_code == 200
        for path in (f"/api/documents/{other}", f"/api/documents/{other}/findings",
                     f"/api/documents/{other}/tables", f"/api/documents/{other}/source",
                     f"/api/documents/{other}/report?format=xlsx"):  # fmt: skip
            response_api = api.get(path)
            assert response_api.status_code == 404, path
            assert response_api.json() == {"detail": "未找到该文件，或您没有权限查看"}
        assert api.put(
            f"/api/documents/{other}/review", json={"status": "reviewed", "note": ""}
        ).status_code in (403, 404)
        assert api.delete(f"/api/documents/{other}").status_code in (403, 404)
        # the document returned is version 1: the other file is its version 2, which the queue
        # lists instead
        assert api.get("/api/queue", params={"status": "returned"}).json() == []
        [latest] = api.get("/api/queue").json()
        assert latest["id"] != example and latest["version"] == 2
        units = api.get("/api/units").json()
        assert [u["name"] for u in units] == [EXAMPLE_UNIT]

    # another unit's file cannot come in through their upload either
    page.goto("/upload")
    page.set_input_files("#file-input", str(seed_path("001")))
    result = page.locator("#progress li")
    expect(result).to_have_class(re.compile(r"result-rejected"), timeout=30_000)
    expect(result).to_contain_text("不在您的单位范围内")
    no_js_errors(page, allowed=("404",))
    ctx.close()


def test_unit_user_edits_budget_and_regenerates(browser: Browser, site: Site) -> None:
    ctx, page = session(browser, site, "danwei")
    page.click("nav >> text=编制预算")
    expect(page).to_have_url(re.compile(r"/budget$"))
    start = page.locator("form[action='/budget/start']")
    assert start.locator("select[name=unit_id] option").all_inner_texts() == [
        f"{EXAMPLE_UNIT}（文件 2 份）"
    ]
    start.locator("select[name=source]").select_option("document")
    start.locator("button:has-text('新建')").click()
    expect(page).to_have_url(re.compile(r"/budget/\d+(\?msg=draft_created)?$"))
    expect(page.locator("p.notice")).to_have_text("预算草稿已创建")
    expect(page.locator("h1")).to_contain_text(f"{EXAMPLE_UNIT} 2025年度预算数据")
    shot(page, "12-budget-editor")

    # the published figure (1.50 万元) comes back in 元; the unit cuts 公务接待费 to 12,000 元
    reception = page.locator("input[name='three_public.reception.general']")
    assert float(reception.input_value().replace(",", "")) == 15000
    reception.fill("12000")
    page.locator("#draft-form button:has-text('保存')").click()
    expect(page.locator("p.notice")).to_have_text("已保存")
    expect(page.locator("input[name='three_public.reception.general']")).to_have_value(
        re.compile(r"^12,?000(\.0+)?$")
    )
    page.click("button:has-text('生成公开文件')")
    expect(page.locator("p.notice")).to_have_text("公开文件已生成", timeout=60_000)
    outcome = page.locator("#outcome")
    expect(outcome).to_contain_text("检查通过，没有错误")
    # the checks notice that table 6 still has the old 公务接待费
    expect(outcome.locator(".findings-list")).to_contain_text("公务接待费")
    readable(page)
    shot(page, "13-budget-regenerated")

    name, content = downloaded(page, "#outcome a:has-text('Word')")
    assert name.endswith(".docx") and EXAMPLE_UNIT in name
    path = site.folder / name
    path.write_bytes(content)
    regenerated = yusuan.read(path)
    three_public = regenerated.tables[10]
    row = next(r for r in three_public.rows if r.label == "公务接待费")
    assert row.cells["total"].text == "1.20"
    _, pdf = downloaded(page, "#outcome a:has-text('PDF')")
    assert pdf.startswith(b"%PDF")
    _, workbook = downloaded(page, "#outcome a:has-text('Excel')")
    assert "公务接待费" in sheet_text(workbook)[1]
    no_js_errors(page)
    ctx.close()
