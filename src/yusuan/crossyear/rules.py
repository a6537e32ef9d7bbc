"""Rules that compare a stored disclosure with the same unit's disclosure of the year before.

They need the database (last year's document), so they are not in the per-document registry of
``yusuan.checks`` and ``yusuan check`` does not run them; ``yusuan crosscheck`` does, and
``yusuan rules`` and ``docs/rules.md`` list them in a section of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from yusuan.checks.findings import Severity

FAMILY = "cross_year"
FAMILY_LABEL = "跨文件核对"


@dataclass(frozen=True, slots=True)
class StoreRule:
    id: str
    family: str
    severity: Severity
    title: str
    explanation: str
    profiles: tuple[str, ...] = ("shanxi",)


XYEAR_CHANGE = StoreRule(
    "XYEAR-CHANGE",
    FAMILY,
    Severity.ERROR,
    "比上年增减与上年公开文件不一致",
    "第三部分“比上年（比N-1年预算）增加/减少X万元，增长/下降Y%”及“与上年相同/持平”，按同一单位"
    "上年已入库公开文件的对应数核对：X 应等于本年数减上年数，Y 应等于 X ÷ 上年数 × 100%。核对的数有"
    "收入总计、支出总计、基本支出、项目支出、财政拨款收支总计、一般公共预算当年支出、一般公共预算基本"
    "支出、人员经费、公用经费、“三公”经费及其各项、机关运行经费；尾差以内的差异为提示。上年文件按"
    "单位名称和单位编码关联（yusuan links）。",
)

XFINAL_BUDGET = StoreRule(
    "XFINAL-BUDGET",
    FAMILY,
    Severity.ERROR,
    "决算所列年初预算与预算公开文件不一致",
    "决算中的年初预算数（“三公”经费决算表的预算数、一般公共预算财政拨款支出的年初预算，以及逐项说明的"
    "“年初预算为XXX万元”）应等于同一单位当年已入库预算公开文件的对应数（“三公”经费及其各项、一般公共"
    "预算当年支出、一般公共预算支出功能分类表中同一科目的合计）。决算以万元列示：预算数按万元四舍五入"
    "后相同即为一致，相差0.01万元为尾差（提示）。单位按名称、年度和部门/单位关联，任一文件入库时核对。",
    ("shanghai-final",),
)

STORE_RULES: dict[str, StoreRule] = {r.id: r for r in (XYEAR_CHANGE, XFINAL_BUDGET)}
