"""The two charts Part 3 of the template refers to, as PNG images.

* 一般公共预算当年拨款结构图: table 5 (一般公共预算支出, 不含上年结转) by 类 (3-digit codes), a ring
  chart with every class in the legend (amount and share), so small classes stay legible.
* 三公经费分布图: table 10's four items as bars; a unit without any “三公” money gets a chart that
  says so.

Drawn with matplotlib's Agg canvas directly (no pyplot, no global backend switch) in the embedded
CJK font, at 150 dpi, without timestamps or software tags in the PNG: the same disclosure always
gives the same bytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from yusuan.model import Disclosure, RowKind, Table
from yusuan.money import format_amount
from yusuan.render.fonts import cjk_font
from yusuan.render.outline import STRUCTURE_CHART, THREE_PUBLIC_CHART

DPI = 150
PALETTE = (
    "#2f5597",
    "#c55a11",
    "#548235",
    "#bf9000",
    "#7030a0",
    "#2e75b6",
    "#843c0c",
    "#70ad47",
    "#7f7f7f",
    "#c00000",
    "#1f8a8a",
    "#b4a7d6",
)
TEXT = "#222222"
MUTED = "#666666"


@dataclass(frozen=True, slots=True)
class Slice:
    label: str
    amount: Decimal
    share: Decimal  # percent, 2 decimals


@cache
def _font() -> tuple[str, Any]:
    """Register the CJK font with matplotlib once; its family name and weight (WenQuanYi Zen
    Hei is weight 500, and asking for "normal" would make matplotlib warn on every text)."""
    from matplotlib import font_manager

    font = cjk_font()
    font_manager.fontManager.addfont(font.path)
    entries = [e for e in font_manager.fontManager.ttflist if e.fname == font.path]
    faces = [e for e in entries if getattr(e, "face_index", 0) == font.subfont_index]
    for entry in faces or entries:
        return str(entry.name), entry.weight
    return str(font_manager.FontProperties(fname=font.path).get_name()), "normal"


def _rc() -> Any:  # matplotlib types rc keys as a Literal of every known parameter
    family, weight = _font()
    return {
        "font.family": [family],
        "font.weight": weight,
        "font.size": 9,
        "axes.unicode_minus": False,
        "svg.hashsalt": "yusuan",
        "text.color": TEXT,
    }


def _share(amount: Decimal, total: Decimal) -> Decimal:
    if total == 0:
        return Decimal("0.00")
    return (amount * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _png(figure: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _unit(table: Table, disclosure: Disclosure) -> str:
    return table.amount_unit or disclosure.meta.amount_unit or "万元"


def _total(table: Table, parts: list[Decimal]) -> Decimal:
    for row in table.rows:
        if row.kind == RowKind.TOTAL and row.amount("total") is not None:
            return row.amount("total") or Decimal(0)
    return sum(parts, Decimal(0))


def _empty_chart(message: str, detail: str) -> bytes:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_rc()):
        figure = Figure(figsize=(6.4, 1.5))
        figure.text(0.5, 0.6, message, ha="center", va="center", fontsize=15, color="#c00000")
        figure.text(0.5, 0.27, detail, ha="center", va="center", fontsize=9, color=MUTED)
        figure.patches.append(_frame(figure))
        return _png(figure)


def _frame(figure: Any) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (0.01, 0.02),
        0.98,
        0.96,
        transform=figure.transFigure,
        fill=False,
        edgecolor="#bbbbbb",
        linewidth=0.8,
    )


def structure_slices(disclosure: Disclosure) -> tuple[list[Slice], Decimal] | None:
    """Table 5's class rows with their shares of the table total, or ``None`` without table 5."""
    table = disclosure.table("general_expenditure")
    if table is None:
        return None
    rows = [
        row
        for row in table.rows
        if (row.kind == RowKind.CLASS or (row.code is not None and len(row.code) == 3))
        and row.amount("total")
    ]
    amounts = [row.amount("total") or Decimal(0) for row in rows]
    total = _total(table, amounts)
    slices = [
        Slice(row.label, amount, _share(amount, total))
        for row, amount in zip(rows, amounts, strict=True)
    ]
    return slices, total


def structure_chart(disclosure: Disclosure) -> bytes | None:
    """一般公共预算当年拨款结构图 as PNG, or ``None`` when the document has no table 5."""
    data = structure_slices(disclosure)
    table = disclosure.table("general_expenditure")
    if data is None or table is None:
        return None
    slices, total = data
    unit = _unit(table, disclosure)
    if not slices:
        return _empty_chart(
            "无一般公共预算当年拨款",
            "一般公共预算支出预算表（表五）中各类支出均为空",
        )
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_rc()):
        height = max(2.8, 0.9 + 0.3 * len(slices))
        figure = Figure(figsize=(6.4, height))
        side = 2.6 / 6.4  # the ring's share of the width, square when height is 2.6 in
        axes = figure.add_axes((0.02, (height - 2.6) / 2 / height, side, 2.6 / height))
        colors = [PALETTE[i % len(PALETTE)] for i in range(len(slices))]
        wedges, _texts = axes.pie(
            [float(s.amount) for s in slices],
            colors=colors,
            startangle=90,
            counterclock=False,
            wedgeprops={"width": 0.42, "edgecolor": "white", "linewidth": 1.2},
        )
        for wedge, item in zip(wedges, slices, strict=True):
            if item.share >= 6:
                angle = (wedge.theta1 + wedge.theta2) / 2
                x = 0.79 * math.cos(math.radians(angle))
                y = 0.79 * math.sin(math.radians(angle))
                label = f"{item.share}%"
                axes.text(x, y, label, ha="center", va="center", fontsize=8, color="white")
        axes.text(0, 0.1, "合计", ha="center", va="center", fontsize=9, color=MUTED)
        axes.text(0, -0.12, f"{format_amount(total)}{unit}", ha="center", va="center", fontsize=10)
        axes.set_aspect("equal")
        labels = [f"{s.label}  {format_amount(s.amount)}{unit}（{s.share}%）" for s in slices]
        figure.legend(
            wedges,
            labels,
            loc="center left",
            bbox_to_anchor=(side + 0.04, 0.5),
            frameon=False,
            fontsize=9,
            handlelength=1.2,
            labelspacing=0.7,
        )
        return _png(figure)


THREE_PUBLIC_ITEMS = ("因公出国（境）费", "公务接待费", "公务用车购置费", "公务用车运行维护费")


def _three_public_key(label: str) -> str | None:
    text = label.lstrip("①②③④ 　").replace("(", "（").replace(")", "）")
    if "出国" in text:
        return THREE_PUBLIC_ITEMS[0]
    if "接待" in text:
        return THREE_PUBLIC_ITEMS[1]
    if "购置及运行" in text:
        return "公务用车购置及运行费"
    if "购置" in text:
        return THREE_PUBLIC_ITEMS[2]
    if "运行" in text:
        return THREE_PUBLIC_ITEMS[3]
    return None


def three_public_slices(disclosure: Disclosure) -> tuple[list[Slice], Decimal] | None:
    """The four “三公” items of table 10 (blank counts as 0), or ``None`` without table 10. A
    table without the ① ② split keeps 公务用车购置及运行费 as one item."""
    table = disclosure.table("three_public")
    if table is None:
        return None
    found: dict[str, Decimal | None] = {}
    for row in table.rows:
        key = _three_public_key(row.label)
        if key is not None and key not in found:
            found[key] = row.amount("total")
    items = list(THREE_PUBLIC_ITEMS)
    split = THREE_PUBLIC_ITEMS[2] in found or THREE_PUBLIC_ITEMS[3] in found
    if not split and "公务用车购置及运行费" in found:
        items[2:] = ["公务用车购置及运行费"]
    amounts = [found.get(item) or Decimal(0) for item in items]
    total = _total(table, amounts)
    slices = [
        Slice(item, amount, _share(amount, total))
        for item, amount in zip(items, amounts, strict=True)
    ]
    return slices, total


def three_public_chart(disclosure: Disclosure) -> bytes | None:
    """三公经费分布图 as PNG (a chart saying 无“三公”经费预算 when every item is zero or blank),
    or ``None`` when the document has no table 10."""
    data = three_public_slices(disclosure)
    table = disclosure.table("three_public")
    if data is None or table is None:
        return None
    slices, total = data
    unit = _unit(table, disclosure)
    if not any(s.amount for s in slices):
        return _empty_chart(
            "本年度无“三公”经费预算",
            "因公出国（境）费、公务接待费、公务用车购置费、公务用车运行维护费均为0",
        )
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_rc()):
        figure = Figure(figsize=(6.4, 2.6))
        figure.text(
            0.98, 0.93, f"合计：{format_amount(total)}{unit}", ha="right", fontsize=9, color=MUTED
        )
        axes = figure.add_axes((0.27, 0.06, 0.45, 0.8))
        positions = list(range(len(slices)))[::-1]
        values = [float(s.amount) for s in slices]
        axes.barh(
            positions,
            values,
            height=0.56,
            color=[PALETTE[i % len(PALETTE)] for i in range(len(slices))],
        )
        axes.set_yticks(positions, [s.label for s in slices], fontsize=9)
        axes.set_xlim(0, max(values) * 1.05)
        axes.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        axes.spines["left"].set_color("#999999")
        axes.tick_params(axis="y", length=0, pad=6)
        for position, item in zip(positions, slices, strict=True):
            text = f"{format_amount(item.amount)}{unit}（{item.share}%）"
            axes.annotate(
                text,
                (float(item.amount), position),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                annotation_clip=False,
            )
        return _png(figure)


def charts(disclosure: Disclosure) -> dict[str, bytes]:
    """Both charts keyed by the outline's chart keys; a chart the document has no table for is
    left out."""
    drawn = {
        STRUCTURE_CHART: structure_chart(disclosure),
        THREE_PUBLIC_CHART: three_public_chart(disclosure),
    }
    return {key: png for key, png in drawn.items() if png is not None}
