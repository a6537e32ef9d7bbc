"""A batch in a real browser: a reviewer uploads a ZIP of 50 documents (48 distinct copies of the
Shanxi seeds, each its own unit, a Shanghai PDF and a short scanned PDF) from the batches page
while another reviewer, in a second browser context, works on a document; a queue worker runs
in this process. The batch page's progress is seen part-way, the scan's OCR page by page, and
at 100 % every document is listed with its unit. The batch page is screenshotted at 1440×900
(``/tmp/shots/batch.png``, or ``YUSUAN_BATCH_SHOTS``)."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import SHARED, parsed
from tests.liveserver import served
from tests.webutil import PASSWORD, add_user, context, ingest_seed, make_app, renamed, workers
from yusuan.render.pdf import write_pdf

CHROMIUM = os.environ.get("YUSUAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip
SHOTS = Path(os.environ.get("YUSUAN_BATCH_SHOTS", "/tmp/shots"))
VIEWPORT = {"width": 1440, "height": 900}
COPIES = 12  # of each of the four seeds: 48 documents
SHANGHAI = SHARED / "real-docs" / "shanghai" / "shpt_zfb_2025_unit_budget.pdf"
SCAN_PAGES = 3

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def scanned_pdf(folder: Path) -> bytes:
    """The first pages of seed 001 rendered, rasterised at 150 dpi and saved as images only."""
    rendered = folder / "001.pdf"
    write_pdf(parsed("001"), rendered)
    pdf = pdfium.PdfDocument(rendered)
    images = [pdf[i].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
              for i in range(SCAN_PAGES)]  # fmt: skip
    pdf.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def batch_zip(folder: Path) -> tuple[Path, dict[str, str]]:
    """The ZIP (written to ``folder``) and the unit each member's file name must show."""
    units: dict[str, str] = {}
    path = folder / "第一批送审.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(1, COPIES + 1):
            for seed in ("000", "001", "002", "003"):
                unit, data = renamed(seed, n)
                name = f"{unit}2025年预算.txt"
                archive.writestr(f"山西/第{n}组/{name}", data)
                units[name] = unit
            if n == COPIES // 2:  # the scan mid-way, so that progress is seen before and after
                archive.writestr("扫描件/汾阳市医疗保障局（扫描）.pdf", scanned_pdf(folder))
        archive.writestr(f"上海/{SHANGHAI.name}", SHANGHAI.read_bytes())
    units[SHANGHAI.name] = "上海市普陀区人民政府办公室"
    return path, units


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in(browser: Browser, url: str, username: str) -> Page:
    ctx = browser.new_context(base_url=url, viewport=VIEWPORT, locale="zh-CN")  # type: ignore[arg-type]
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors  # type: ignore[attr-defined]
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    expect(page).to_have_url(re.compile(r"/documents$"))
    return page


def test_a_zip_of_50_documents_while_another_reviewer_works(
    browser: Browser, tmp_path: Path
) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'yusuan.db'}", tmp_path, reading_processes=1)
    add_user(app, "reviewer", "reviewer")
    add_user(app, "reader", "reviewer")
    viewed = ingest_seed(app, "000").disclosure_id
    archive, units = batch_zip(tmp_path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with served(app) as url, workers(app, 1):
            reader = signed_in(browser, url, "reader")
            reader.goto(f"/documents/{viewed}")
            expect(reader.locator(".finding").first).to_be_visible()

            page = signed_in(browser, url, "reviewer")
            page.click("nav >> text=批次")
            expect(page).to_have_url(re.compile(r"/batches$"))
            page.wait_for_load_state("load")  # batches.js listens to the picker
            page.set_input_files("#batch-files", str(archive))
            expect(page.locator("#batch-status")).to_contain_text("已选择 1 个文件")
            page.click("#batch-submit")
            expect(page).to_have_url(re.compile(r"/batches/\d+$"), timeout=60_000)
            rows = page.locator("#batch-docs tbody tr")
            expect(rows).to_have_count(50)

            seen_part_way, seen_ocr, views = set(), "", []
            deadline = time.monotonic() + 240
            while page.locator("#batch-percent").inner_text() != "100%":
                assert time.monotonic() < deadline, "the batch did not finish"
                percent = int(page.locator("#batch-percent").inner_text().rstrip("%"))
                if 0 < percent < 100:
                    seen_part_way.add(percent)
                running = page.locator("#batch-docs tr[data-state='running'] td.detail")
                for text in running.all_inner_texts():  # does not wait: rows change
                    if "页" in text:
                        seen_ocr = seen_ocr or text
                if len(views) < 5:  # the other reviewer goes on working meanwhile
                    start = time.monotonic()
                    reader.goto(f"/documents/{viewed}")
                    reader.locator(".group-error .finding .msg").first.click()
                    expect(reader.locator(".finding.active")).to_have_count(1)
                    views.append(time.monotonic() - start)
                page.wait_for_timeout(300)
            assert len(seen_part_way) >= 2, seen_part_way  # the bar moved on its own
            assert re.search(rf"文字识别（OCR）：第 \d / {SCAN_PAGES} 页", seen_ocr), seen_ocr
            assert views and max(views) < 10, views

            expect(page.locator("#batch-done")).to_have_text("已处理 50 / 50")
            stored = page.locator("#batch-docs tr[data-state='stored']")
            expect(stored).to_have_count(50, timeout=5_000)  # the scan read by OCR as well
            for name, unit in units.items():
                row = page.locator("#batch-docs tr", has_text=name)
                expect(row.locator("td").nth(2)).to_have_text(unit)
            scan_row = page.locator("#batch-docs tr", has_text="扫描")
            expect(scan_row.locator(".state")).to_have_text("已入库")
            assert not page.errors and not reader.errors, (page.errors, reader.errors)  # type: ignore[attr-defined]
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOTS / "batch.png"))
            page.click("#batch-chips button[data-filter='stored']")
            expect(page.locator("#batch-docs tbody tr:visible")).to_have_count(50)
            page.goto("/batches")
            page.screenshot(path=str(SHOTS / "batches.png"))
    finally:
        context(app).close()
