"""Scans made of real and rendered documents, as bureaus receive them: pages rasterised at a
resolution, skewed, turned by quarter turns (in the image, or by the page's /Rotate entry),
with noise, saved as image-only pages, and PDFs with only some pages scanned. Used by
``tests/test_scans_real.py`` and ``bench/scans.py``."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image


@dataclass(frozen=True)
class Shape:
    """How one page is scanned."""

    dpi: int = 150
    skew: float = 0.0  # degrees, anticlockwise
    turn: int = 0  # clockwise quarter turns baked into the image (0, 90, 180, 270)
    rotate: int = 0  # the page's /Rotate entry
    noise: float = 0.0  # standard deviation of Gaussian noise (grey levels)


def page_image(pdf: pdfium.PdfDocument, index: int, shape: Shape, seed: int = 0) -> Image.Image:
    """Page ``index`` of ``pdf`` as a greyscale scan of ``shape``."""
    bitmap = pdf[index].render(scale=shape.dpi / 72, grayscale=True)
    image: Image.Image = bitmap.to_pil().convert("L")
    if shape.skew:
        image = image.rotate(shape.skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if shape.turn:
        image = image.rotate(-shape.turn, expand=True)
    if shape.noise:
        rng = np.random.default_rng(seed)
        pixels = np.asarray(image, dtype=float) + rng.normal(0.0, shape.noise, image.size[::-1])
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image


def scan_pdf(source: Path, shapes: dict[int, Shape], out: Path, keep_text: bool = False) -> Path:
    """A PDF of the pages of ``source`` in ``shapes`` (index → shape), each scanned. With
    ``keep_text`` every other page of ``source`` stays as it is (with its text layer): a mixed
    PDF; without, only the scanned pages, in order."""
    src = pdfium.PdfDocument(source)
    new = pdfium.PdfDocument.new()
    try:
        indexes = range(len(src)) if keep_text else sorted(shapes)
        for index in indexes:
            shape = shapes.get(index)
            if shape is None:
                new.import_pages(src, [index])
                continue
            buffer = io.BytesIO()
            page_image(src, index, shape, seed=index).save(buffer, "PDF", resolution=shape.dpi)
            one = pdfium.PdfDocument(buffer.getvalue())
            new.import_pages(one, [0])
            one.close()
            if shape.rotate:
                new[len(new) - 1].set_rotation(shape.rotate)
        new.save(out)
    finally:
        new.close()
        src.close()
    return out
