"""Family 7: state assets stated in section 十一."""

from __future__ import annotations

from decimal import Decimal

from yusuan.checks.engine import Checker, Figure, rule
from yusuan.checks.findings import Location, Severity
from yusuan.model import Source

_COUNTS = ("编制", "实有")


@rule(
    "ASSET-VEHICLES",
    "assets",
    Severity.ERROR,
    "公务用车分类数之和不等于实有数",
    "第三部分十一：领导用车、机要通信用车、应急保障用车、执法执勤用车、特种专业技术用车、"
    "事业单位业务用车、其他公务用车之和应等于实有车辆数；实有数超过编制数时提示（警告）。",
)
def vehicles(ck: Checker) -> None:
    v = ck.disclosure.assets.vehicles
    if "实有" not in v:
        return
    section = next((s for s in ck.disclosure.sections if s.number == "十一"), None)
    source: Source | None = section.source if section else None
    label = "第三部分 十一、国有资产占有使用情况"
    categories = {k: n for k, n in v.items() if k not in _COUNTS}
    if categories:
        ck.sum(
            Figure(Decimal(v["实有"]), Location(source, label, f"实有{v['实有']}辆")),
            [
                Figure(Decimal(n), Location(source, label, f"{k}{n}辆"))
                for k, n in categories.items()
            ],
            "公务用车各类之和等于实有数",
        )
    if "编制" in v and v["实有"] > v["编制"]:
        ck.report(
            f"{label}实有公务用车{v['实有']}辆，超过编制{v['编制']}辆",
            [Location(source, label)],
            severity=Severity.WARNING,
        )
