"""Render a disclosure in every published format: the one entry point the CLI and API use."""

from __future__ import annotations

from pathlib import Path

from yusuan.files import write_text_atomically
from yusuan.model import Disclosure
from yusuan.templates import template_of

FORMATS = ("docx", "pdf", "html", "xlsx", "txt")
# What ``render`` writes unless told: the published formats (txt is a text extraction of them).
DEFAULT_FORMATS = ("docx", "pdf", "html", "xlsx")


def output_name(disclosure: Disclosure) -> str:
    """A file name a person recognises: "示例市数据服务中心2025年度单位预算公开" (决算公开)."""
    scope = "部门" if disclosure.meta.scope == "部门" else "单位"
    kind = "决算" if disclosure.meta.kind == "决算" else "预算"
    safe = "".join(ch for ch in disclosure.meta.unit_name if ch not in '\\/:*?"<>|').strip()
    return f"{safe or 'disclosure'}{disclosure.meta.year or ''}年度{scope}{kind}公开"


def render(
    disclosure: Disclosure, out_dir: Path, formats: tuple[str, ...] = DEFAULT_FORMATS
) -> dict[str, Path]:
    """Write each requested format into ``out_dir``; returns the paths by format."""
    from yusuan.render.charts import charts

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats: {unknown}")
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / output_name(disclosure)
    template = template_of(disclosure)
    drawn = {"docx", "pdf", "html"} & set(formats) and template.layout == "parts"
    drawn = drawn and template.kind == "预算"  # (Shanghai's 预算 and the 决算 print no charts)
    pictures = charts(disclosure) if drawn else {}
    written: dict[str, Path] = {}
    for fmt in formats:
        path = base.with_suffix(f".{fmt}")
        if fmt == "docx":
            from yusuan.render.docx import write_docx

            write_docx(disclosure, path, pictures)
        elif fmt == "pdf":
            from yusuan.render.pdf import write_pdf

            write_pdf(disclosure, path, pictures)
        elif fmt == "html":
            from yusuan.render.html import to_html

            _write_text(path, to_html(disclosure, pictures))
        elif fmt == "txt":
            from yusuan.render.text import to_text

            _write_text(path, to_text(disclosure))
        else:
            from yusuan.render.xlsx import write_xlsx

            write_xlsx(disclosure, path)
        written[fmt] = path
    return written


def _write_text(path: Path, text: str) -> None:
    write_text_atomically(path, text)
