"""The original beside each finding: page images of a stored PDF, the boxes of every finding on
them, and the annotated PDF, with the real 普陀区财政局 2024 部门决算 (two real errors on page 21)
and a Shanxi seed as a text document, which has no page image."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from fastapi import FastAPI
from PIL import Image
from pypdf import PdfReader

from tests.conftest import SHARED
from tests.webutil import PASSWORD, Browser, add_user, context, ingest_seed, make_app, unit_id
from yusuan.web import documents
from yusuan.web.pages import SCALE
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import receive

FINAL = SHARED / "real-docs" / "shanghai-final" / "shpt_czj_2024_dept_final_good.pdf"
RED_PAGE = 21  # 四's 总计0.3万元 and 五（二）'s 占71.73%


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    tmp = tmp_path_factory.mktemp("pages")
    application = make_app(f"sqlite:///{tmp / 'yusuan.db'}", tmp)
    result = receive(context(application), SYSTEM, FINAL.name, FINAL.read_bytes())
    assert result.ok, result.message
    ingest_seed(application, "000")
    add_user(application, "rev", "reviewer")
    add_user(application, "other", "unit", [unit_id(application, "另一个单位")])
    yield application
    context(application).store.close()


@pytest.fixture(scope="module")
def reviewer(app: FastAPI) -> Browser:
    browser = Browser(app)
    browser.login("rev")
    return browser


@pytest.fixture(scope="module")
def ids(reviewer: Browser) -> dict[str, int]:
    listed = reviewer.get("/api/documents").json()
    final = next(d["id"] for d in listed if d["file_name"] == FINAL.name)
    text = next(d["id"] for d in listed if d["file_name"] != FINAL.name)
    return {"final": final, "text": text}


def _pages(reviewer: Browser, disclosure_id: int) -> dict[str, Any]:
    response = reviewer.get(f"/documents/{disclosure_id}/pages.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def test_a_page_image_is_the_page_at_its_size(reviewer: Browser, ids: dict[str, int]) -> None:
    pdf = pdfium.PdfDocument(str(FINAL))
    width, height = pdf.get_page_size(RED_PAGE - 1)
    count = len(pdf)
    pdf.close()
    response = reviewer.get(f"/documents/{ids['final']}/pages/{RED_PAGE}.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (round(width * SCALE), round(height * SCALE))
    again = reviewer.get(f"/documents/{ids['final']}/pages/{RED_PAGE}.png")  # from the disk cache
    assert again.content == response.content
    missing = reviewer.get(f"/documents/{ids['final']}/pages/{count + 1}.png")
    assert missing.status_code == 404 and f"共 {count} 页" in missing.text
    page = reviewer.get(f"/documents/{ids['final']}").text
    assert page.count('loading="lazy"') == count and "批注版 PDF" in page
    assert f'src="/documents/{ids["final"]}/pages/1.png"' in page


def test_a_text_document_has_no_page_image(reviewer: Browser, ids: dict[str, int]) -> None:
    page = reviewer.get(f"/documents/{ids['text']}")
    assert page.status_code == 200
    assert "没有原页图像" in page.text and "pages-pane" not in page.text
    image = reviewer.get(f"/documents/{ids['text']}/pages/1.png")
    assert image.status_code == 404 and "没有原页图像" in image.text
    assert _pages(reviewer, ids["text"])["pages"] == []
    assert "没有原页图像" in _pages(reviewer, ids["text"])["message"]
    annotated = reviewer.get(f"/documents/{ids['text']}/annotated.pdf")
    assert annotated.status_code == 404 and "不是 PDF" in annotated.text


def _errors_on_page(reviewer: Browser, disclosure_id: int) -> dict[str, list[list[float]]]:
    """The boxes of each of the two errors by rule: all on page 21."""
    findings = reviewer.get(f"/api/documents/{disclosure_id}/findings").json()
    errors = {f["id"]: f["rule"] for f in findings if f["severity"] == "error"}
    data = _pages(reviewer, disclosure_id)["findings"]
    boxes = {rule: data[str(key)]["boxes"] for key, rule in errors.items()}
    assert len(boxes) == 2 and all(boxes.values())
    assert all(b[0] == RED_PAGE for found in boxes.values() for b in found)
    return {rule: [b[1:] for b in found] for rule, found in boxes.items()}


def test_every_error_has_its_box_on_its_page(reviewer: Browser, ids: dict[str, int]) -> None:
    """The boxes hold the words each error quotes, found in the page's text layer."""
    pdf = pdfium.PdfDocument(str(FINAL))
    width, height = pdf.get_page_size(RED_PAGE - 1)
    text = pdf[RED_PAGE - 1].get_textpage()
    quoted = {"FINAL-NARR-AMOUNTS": "财政拨款收入支出总计0.3万元",
              "FINAL-NARR-SHARES": "一般公共服务支出（类）2106.66万元，占71.73%"}  # fmt: skip
    for rule, boxes in _errors_on_page(reviewer, ids["final"]).items():
        inside = ""
        for x0, top, x1, bottom in boxes:
            assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height
            # PDF user space has y from the bottom, the boxes from the top
            inside += text.get_text_bounded(x0 - 1, height - bottom - 1, x1 + 1, height - top + 1)
        assert quoted[rule] in "".join(inside.split()), (rule, inside)
    pdf.close()


def test_every_cited_cell_has_its_box(reviewer: Browser, ids: dict[str, int]) -> None:
    """表4 and 表5 disagree by 尾差 (326.71 against 326.72): both cells boxed, each on its page."""
    findings = reviewer.get(f"/api/documents/{ids['final']}/findings").json()
    cross = [f["id"] for f in findings if f["rule"] == "FINAL-TABLES"]
    data = _pages(reviewer, ids["final"])["findings"]
    pdf = pdfium.PdfDocument(str(FINAL))
    checked = 0
    for finding_id in cross:
        boxes = data[str(finding_id)]["boxes"]
        assert len({b[0] for b in boxes}) == 2
        for page, x0, top, x1, bottom in boxes:
            height = pdf.get_page_size(page - 1)[1]
            inside = (
                pdf[page - 1].get_textpage().get_text_bounded(x0, height - bottom, x1, height - top)
            )
            assert "326.7" in inside
            checked += 1
    pdf.close()
    assert checked >= 4


def _red(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    data = image.crop(box).convert("RGB").tobytes()
    triples = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in triples if r > 180 and g < 90 and b < 90)


def test_the_annotated_pdf_boxes_each_error_in_red(reviewer: Browser, ids: dict[str, int]) -> None:
    response = reviewer.get(f"/documents/{ids['final']}/annotated.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    original = len(PdfReader(str(FINAL)).pages)
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= original + 1  # every page, then the legend
    legend = "".join(reader.pages[i].extract_text() for i in range(original, len(reader.pages)))
    assert "FINAL-NARR-AMOUNTS" in legend and "审核批注" in legend and "第21页" in legend
    pdf = pdfium.PdfDocument(response.content)
    scale = 2.0
    marked = pdf[RED_PAGE - 1].render(scale=scale).to_pil()
    plain_pdf = pdfium.PdfDocument(str(FINAL))
    plain = plain_pdf[RED_PAGE - 1].render(scale=scale).to_pil()
    every = [box for boxes in _errors_on_page(reviewer, ids["final"]).values() for box in boxes]
    for x0, top, x1, bottom in every:
        # the red frame lies just around the box: the box grown by a few points holds it
        around = (int((x0 - 4) * scale), int((top - 4) * scale), int((x1 + 4) * scale),
                  int((bottom + 4) * scale))  # fmt: skip
        assert _red(marked, around) > 100
        assert _red(plain, around) < 10
    untouched = pdf[0].render(scale=1).to_pil()
    assert _red(untouched, (0, 0, untouched.width, untouched.height)) < 50
    pdf.close()
    plain_pdf.close()


def test_a_user_without_rights_sees_no_page(app: FastAPI, ids: dict[str, int]) -> None:
    other = Browser(app)
    other.login("other")
    for url in (f"/documents/{ids['final']}/pages/1.png", f"/documents/{ids['final']}/pages.json",
                f"/documents/{ids['final']}/annotated.pdf"):  # fmt: skip
        response = other.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"].startswith("text/html")
    anonymous = Browser(app)
    response = anonymous.get(f"/documents/{ids['final']}/pages/1.png", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]


CHROMIUM = Path(os.environ.get("YUSUAN_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path("/tmp/yusuan-shots")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_clicking_a_finding_boxes_it_on_the_page(app: FastAPI, reviewer: Browser,
                                                  ids: dict[str, int]) -> None:  # fmt: skip
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from tests.liveserver import served

    expected = _errors_on_page(reviewer, ids["final"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    with served(app) as url, sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = chromium.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{url}/login?next=/documents/{ids['final']}")
            page.fill("input[name=username]", "rev")
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(f"**/documents/{ids['final']}")
            page.locator(".group-error .finding", has_text="FINAL-NARR-AMOUNTS").click()
            box = page.locator(f"#page-{RED_PAGE} .page-box").first
            box.wait_for(state="visible", timeout=20_000)
            picture = page.locator(f"#page-{RED_PAGE} img")
            sync_api.expect(picture).to_have_js_property("complete", True)
            assert picture.evaluate("img => img.naturalWidth") > 0
            page.screenshot(path=str(SHOTS / "document-finding-box.png"))
            image = picture.bounding_box()
            drawn = box.bounding_box()
            assert image is not None and drawn is not None
            figure = page.locator(f"#page-{RED_PAGE}")
            width = float(figure.get_attribute("data-width") or 0)
            to_points = width / image["width"]
            left = (drawn["x"] - image["x"]) * to_points
            top = (drawn["y"] - image["y"]) * to_points
            first = expected["FINAL-NARR-AMOUNTS"]
            assert any(abs(left - x0) < 1.5 and abs(top - t) < 1.5 for x0, t, _, _ in first)
            assert 0 < drawn["y"] < 900  # scrolled into view
            # a cross-table finding: one box on each of the two pages whose cells it cites
            cross = page.locator(".finding", has_text="FINAL-TABLES").first
            cross.evaluate("node => { node.closest('details').open = true; }")  # a 尾差: folded
            cross.click()
            cells = page.locator(".page-box")
            sync_api.expect(cells).to_have_count(2)
            assert page.locator("#page-21 .page-box").count() == 0  # the last boxes are gone
            cells.first.scroll_into_view_if_needed()
            figure_id = cells.first.evaluate("box => box.closest('figure').id")
            table_page = page.locator(f"#{figure_id} img")
            sync_api.expect(table_page).to_have_js_property("complete", True)
            assert table_page.evaluate("img => img.naturalWidth") > 0
            page.screenshot(path=str(SHOTS / "document-cell-box.png"))
            assert not errors, errors
        finally:
            chromium.close()


# --- a scan and a page image --------------------------------------------------------------------

SCAN_PAGES = (0, 1, 5, 6)  # cover, 目录, 表一's two pages
SCAN_DPI = 150


@pytest.fixture(scope="module")
def scan(app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> int:
    """An image-only PDF of four pages of the 决算 at 150 dpi, uploaded (read by OCR)."""
    pytest.importorskip("rapidocr")
    src = pdfium.PdfDocument(str(FINAL))
    images = [src[i].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
              for i in SCAN_PAGES]  # fmt: skip
    src.close()
    path = tmp_path_factory.mktemp("scan") / "决算扫描件.pdf"
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=SCAN_DPI)
    result = receive(context(app), SYSTEM, path.name, path.read_bytes())
    assert result.ok and result.disclosure_id is not None, result.message
    return result.disclosure_id


def test_a_scan_shows_its_pages_and_its_cells_where_they_are(
    app: FastAPI, reviewer: Browser, ids: dict[str, int], scan: int
) -> None:
    response = reviewer.get(f"/documents/{scan}/pages/3.png")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    width, height = 595.2, 842.4  # the A4 page at 150 dpi, as the scan was saved
    assert abs(image.width - width * SCALE) <= 2 and abs(image.height - height * SCALE) <= 2
    # The OCR reader's boxes of 表一's cells stand where the text layer has them (page 6 of the
    # original, 3 of the scan): y from the top in both, points of the same page.
    ctx = context(app)
    scanned = documents.detail(ctx, SYSTEM, scan).view.boxes
    layer = documents.detail(ctx, SYSTEM, ids["final"]).view.boxes
    common = [k for k, (page, _) in scanned.items() if page == 3 and k.startswith("t1-")
              and "-c" in k and k in layer and layer[k][0] == SCAN_PAGES[2] + 1]  # fmt: skip
    assert len(common) >= 20

    def apart(key: str) -> float:
        return max(abs(a - b) for a, b in zip(scanned[key][1], layer[key][1], strict=True))

    near = [k for k in common if apart(k) < 3]
    assert len(near) >= 0.9 * len(common)
    annotated = reviewer.get(f"/documents/{scan}/annotated.pdf")
    assert annotated.status_code == 200
    assert len(PdfReader(io.BytesIO(annotated.content)).pages) >= len(SCAN_PAGES) + 1


def test_deleting_a_document_removes_its_page_images(
    app: FastAPI, reviewer: Browser, scan: int
) -> None:
    assert reviewer.get(f"/documents/{scan}/pages/1.png").status_code == 200
    folder = context(app).settings.data_dir / "pages"
    before = {p.name for p in folder.glob("*/*")}
    reviewer.refresh_csrf()
    response = reviewer.post_form(f"/documents/{scan}/delete")
    assert response.status_code == 303
    after = {p.name for p in folder.glob("*/*")}
    assert len(after) == len(before) - 1  # the 决算's pages stay
    assert reviewer.get(f"/documents/{scan}/pages/1.png").status_code == 404


def test_a_page_image_is_its_only_page(tmp_path: Path) -> None:
    from yusuan.web.pages import Original, _render, _sizes

    path = tmp_path / "page.png"
    Image.new("RGB", (1240, 1754), "white").save(path, dpi=(150, 150))
    (size,) = _sizes(str(path), "0" * 64, "png")
    assert abs(size.width - 1240 * 72 / 150) < 0.2 and abs(size.height - 1754 * 72 / 150) < 0.2
    rendered = Image.open(io.BytesIO(_render(Original(1, path, "0" * 64, "png", [size]), 1)))
    assert rendered.size == (1240, 1754)
