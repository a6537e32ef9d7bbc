"""Shanghai documents for the synthetic corpus: a unit's 预算 in the Shanghai template and, a year
later, its 决算 of the same year, consistent with it.

The 决算 takes the 预算's figures as its 年初预算 (each 项's 一般公共预算 basic + project, the 三公
items) and spends a share of each (90–100 %, drawn per 项 and per kind), stating a reason where
the two differ; its economic items are the 预算's scaled to the 基本支出 actually spent. Defect
kinds for the pair: a 年初预算 that is not the 预算's (found by XFINAL-BUDGET once both are
stored), and a share or a total of the 情况说明 that is not the tables' (FINAL-NARR-*).
"""

from __future__ import annotations

import csv
import random
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files

from yusuan.budget.final_model import (
    Budgeted,
    EconomicAmount,
    FinalData,
    FinalLine,
    Income,
    Item,
    Reasons,
    Split,
    ThreePublic,
)
from yusuan.budget.final_model import Unit as FinalUnit
from yusuan.budget.model import BudgetData, EconomicItem
from yusuan.model import Disclosure
from yusuan.names import normalize_name
from yusuan.synth.defects import Defect

CENT = Decimal("0.01")
ZERO = Decimal(0)
# Defect kinds of a 决算 and the rules that find them.
FINAL_BUDGET = "final_budget"
FINAL_SHARE = "final_share"
FINAL_KINDS = {FINAL_BUDGET: ("XFINAL-BUDGET",), FINAL_SHARE: ("FINAL-NARR-SHARES",)}
FINAL_KIND_LABELS = {
    FINAL_BUDGET: "决算所列年初预算与同年预算公开文件不符（--template shanghai）",
    FINAL_SHARE: "决算情况说明中的占比与金额不符（--template shanghai）",
}
# The Shanghai rule that finds what a budget defect kind breaks, where it is not the Shanxi one.
SHANGHAI_RULES = {
    "ARITH-ROW": "SH-ARITH-ROW",
    "ARITH-CODE": "SH-ARITH-CODE",
    "CODE-ECONOMIC": "SH-ARITH-CODE",
}
_REASONS = (
    "严格落实过紧日子要求，压减一般性支出",
    "部分项目按合同约定的进度支付，未支付部分结转下年",
    "人员变动，人员经费相应减少",
    "按实际工作量结算，实际支出少于预算",
)


@cache
def _economic_codes() -> dict[str, str]:
    """款 codes of the 经济分类 by normalized name (``data/econ_codes.csv``)."""
    text = files("yusuan.data").joinpath("econ_codes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    found = {normalize_name(r["name"]): r["code"] for r in rows if len(r["code"]) == 5}
    # The 2024 names of the synthetic data where the catalog prints an older or shorter one.
    found.setdefault(normalize_name("因公出国（境）费用"), "30212")
    return found


def as_shanghai(data: BudgetData) -> BudgetData:
    """The same budget in the Shanghai template: its economic items get their 款 codes."""
    codes = _economic_codes()
    items = [
        item
        if item.code
        else item.model_copy(update={"code": codes.get(normalize_name(item.name))})
        for item in data.economic
    ]
    return data.model_copy(update={"template": "shanghai", "economic": items})


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _spent(amount: Decimal | None, rng: random.Random) -> Decimal | None:
    if amount is None:
        return None
    return _cents(amount * Decimal(rng.randint(900, 1000)) / 1000)


def _economic(items: list[EconomicItem], budgeted: Decimal, spent: Decimal) -> list[EconomicAmount]:
    """The 预算's economic items scaled so they add up to the 基本支出 spent, to the fen."""
    amounts = [(i.code or "", i.name, (i.personnel or ZERO) + (i.public or ZERO)) for i in items]
    amounts = [a for a in amounts if a[0] and a[2]]
    if not amounts or not budgeted:
        return []
    scaled = [(code, name, _cents(value * spent / budgeted)) for code, name, value in amounts]
    residue = spent - sum((value for _, _, value in scaled), ZERO)
    largest = max(range(len(scaled)), key=lambda i: scaled[i][2])
    code, name, value = scaled[largest]
    scaled[largest] = (code, name, value + residue)
    return [EconomicAmount(code=code, name=name, amount=value) for code, name, value in scaled]


def final_of(data: BudgetData, rng: random.Random) -> FinalData:
    """The 决算 of the year of ``data`` (a Shanghai 预算), consistent with it."""
    lines: list[FinalLine] = []
    basic_budget = basic_spent = ZERO
    for line in data.functions:
        if len(line.code) != 7:
            continue
        basic, project = line.basic.general, line.project.general
        if not basic and not project:
            continue
        basic_final, project_final = _spent(basic, rng), _spent(project, rng)
        budget = (basic or ZERO) + (project or ZERO)
        final = (basic_final or ZERO) + (project_final or ZERO)
        basic_budget += basic or ZERO
        basic_spent += basic_final or ZERO
        lines.append(
            FinalLine(
                code=line.code,
                name=line.name,
                income=Income(general=final),
                general=Split(basic=basic_final, project=project_final),
                budget=Budgeted(general=budget),
                purpose=line.purpose or f"{line.name}方面的支出",
                reason="" if final == budget else rng.choice(_REASONS),
            )
        )
    three = data.three_public
    items = {}
    for key in ("abroad", "car_purchase", "car_operation", "reception"):
        budgeted = getattr(three, key).general
        items[key] = Item(budget=budgeted, final=_spent(budgeted, rng) if budgeted else budgeted)
    three_public = ThreePublic(
        **items,
        reason=rng.choice(_REASONS),
        abroad_groups=1 if items["abroad"].final else 0,
        abroad_people=3 if items["abroad"].final else 0,
        cars_purchased=1 if items["car_purchase"].final else 0,
        reception_batches=4 if items["reception"].final else 0,
        reception_people=20 if items["reception"].final else 0,
    )
    unit = data.unit
    return FinalData(
        unit=FinalUnit(name=unit.name, year=unit.year, scope=unit.scope),
        code_names=dict(data.code_names),
        functions=lines,
        economic=_economic(data.economic, basic_budget, basic_spent),
        three_public=three_public,
        reasons=Reasons(general=rng.choice(_REASONS)),
    )


def final_budget_defect(data: FinalData, rng: random.Random) -> tuple[FinalData, Defect] | None:
    """One 项's 年初预算 moved off the 预算's by 1–50万元 (its reason and direction follow)."""
    lines = [line for line in data.functions if line.budget.general]
    if not lines:
        return None
    line = rng.choice(lines)
    moved = Decimal(rng.randint(1, 50)) * 10000
    changed = line.model_copy(
        update={
            "budget": Budgeted(general=(line.budget.general or ZERO) + moved),
            "reason": line.reason or rng.choice(_REASONS),
        }
    )
    functions = [changed if item is line else item for item in data.functions]
    defect = Defect(
        FINAL_BUDGET,
        FINAL_KINDS[FINAL_BUDGET],
        f"{line.code} {line.name}",
        f"决算所列“{line.name}”年初预算比预算公开文件多{moved / 10000}万元",
    )
    return data.model_copy(update={"functions": functions}), defect


def final_share_defect(d: Disclosure, rng: random.Random) -> Defect | None:
    """A share of the 情况说明 (占XX.XX%) changed by 1–5 points."""
    for section in d.sections:
        for part in (section, *section.subsections):
            text = part.text
            at = text.find("占")
            end = text.find("%", at)
            if at < 0 or end < 0 or not text[at + 1 : end].replace(".", "").isdigit():
                continue
            printed = Decimal(text[at + 1 : end])
            changed = printed + rng.randint(1, 5)
            part.text = f"{text[: at + 1]}{changed:.2f}{text[end:]}"
            return Defect(
                FINAL_SHARE,
                FINAL_KINDS[FINAL_SHARE],
                f"{section.number}、{section.title}",
                f"占比{printed}%改为{changed:.2f}%",
            )
    return None


def in_shanghai(defect: Defect) -> Defect:
    """A budget defect with the rules that find it in a Shanghai document."""
    rules = tuple(dict.fromkeys(SHANGHAI_RULES.get(r, r) for r in defect.rules))
    return Defect(defect.kind, rules, defect.location, defect.description)
