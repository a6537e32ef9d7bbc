"""Two years of one unit built with the project's generator, for the cross-year tests.

The 2025 example data (``src/yusuan/examples/example_unit_2025.yaml``) states last year's figures
in ``prior_year`` (元): 收支总计 10,163,700, 一般公共预算当年支出 7,684,500, “三公”经费 52,000
(公务接待费 18,000, 公务用车运行维护费 34,000, 因公出国（境）费 and 购置费 0), 机关运行经费 578,000.
``unit_2024`` rewrites the 2025 data into a 2024 budget whose tables print exactly those figures
(its 2025 reason says the fund-financed 物联感知 project is new, so 2024 has none), keeping the
document's own identities: table 6 公用经费 = table 11, projects = 功能分类 lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import yusuan
from yusuan.budget.build import build
from yusuan.budget.io import load_data
from yusuan.budget.model import BudgetData, LevelSources, PriorYear
from yusuan.derive.record import FileInfo, to_record
from yusuan.export.json import to_json
from yusuan.model import Disclosure
from yusuan.store.db import Store
from yusuan.store.writer import save_record

EXAMPLE = Path(__file__).resolve().parent.parent / "src/yusuan/examples/example_unit_2025.yaml"


def unit_2025() -> BudgetData:
    return load_data(EXAMPLE)


def unit_2024(edit: Callable[[BudgetData], None] | None = None) -> BudgetData:
    d = unit_2025().model_copy(deep=True)
    d.unit.year = 2024
    d.prior_year = PriorYear()
    lines = {f.code: f for f in d.functions}
    lines["2010350"].basic.general = Decimal(3106600)  # basic: 公用经费 16,500 lower (物业管理费)
    lines["2010399"].project.general = Decimal(3407500)
    lines["2010399"].project.unit = Decimal(2111200)
    d.functions = [f for f in d.functions if f.code != "2120803"]
    projects = {p.name: p for p in d.projects}
    cloud = projects["政务云资源租赁服务项目"]
    cloud.current.general = Decimal(1458900)
    opening = projects["公共数据开放服务平台运营项目"]
    opening.current.unit = Decimal(2111200)
    for project, local, own in ((cloud, Decimal(1458900), Decimal(0)),
                                (opening, Decimal(200000), Decimal(2111200))):  # fmt: skip
        assert project.goals is not None
        funds = LevelSources(total=local + own, central=Decimal(0), provincial=Decimal(0),
                             local=local, own=own)  # fmt: skip
        project.goals.period_funds = funds
        project.goals.annual_funds = funds.model_copy()
    d.projects = [p for p in d.projects if p.current.fund is None]
    items = {e.name: e for e in d.economic}
    items["公务接待费"].public = Decimal(18000)
    items["公务用车运行维护费"].public = Decimal(34000)
    items["其他商品和服务支出"].public = Decimal(5500)
    items["物业管理费"].public = Decimal(78500)
    d.three_public.reception.general = Decimal(18000)
    d.three_public.car_operation.general = Decimal(34000)
    d.operating_costs[0].amounts.general = Decimal(578000)
    if edit is not None:
        edit(d)
    return d


def store_disclosure(store: Store, d: Disclosure, name: str) -> int:
    """Check and store a disclosure as ingest does; its file is named ``name``."""
    blob = to_json(d).encode("utf-8")
    info = FileInfo(name, hashlib.sha256(blob).hexdigest(), len(blob))
    saved = save_record(store, to_record(d, yusuan.check(d), info))
    assert saved.disclosure_id is not None, saved.message
    return saved.disclosure_id


def store_data(store: Store, data: BudgetData, name: str) -> int:
    return store_disclosure(store, build(data), name)
