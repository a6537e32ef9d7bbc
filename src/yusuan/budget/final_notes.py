"""第三部分 七、十、十一 of a Shanghai 部门决算: the 三公 sentences with their counts,
预算绩效管理情况, 机关运行经费, 政府采购 and 国有资产, in the template's wording (附件2)."""

from __future__ import annotations

from decimal import Decimal

from yusuan.budget.final_model import VEHICLE_KINDS, FinalData
from yusuan.budget.final_text import SECTIONS, Figures, change, money, procurement_total, rate, wan
from yusuan.model import Section

_THREE = (("因公出国（境）费", "abroad"), ("公务用车购置及运行维护费", "car_total"),
          ("公务接待费", "reception"))  # fmt: skip


def _reason(text: str) -> str:
    return text.strip().rstrip("。；;")


def _overall(data: FinalData, f: Figures) -> list[str]:
    year, t, prior = data.unit.year, data.three_public, data.prior_year

    def g(key: str) -> Decimal | None:
        return f.get("three_public", "合计", key)

    budget, final = g("total_budget"), g("total")
    parts = [f"{label}{'' if key == 'abroad' else '支出'}决算为{money(g(key))}万元，完成预算的"
             f"{rate(g(key), g(key + '_budget'))}%" for label, key in _THREE]  # fmt: skip
    head = (f"“三公”经费财政拨款支出年初预算为{money(budget)}万元，支出决算为{money(final)}万元，"
            f"完成预算的{rate(final, budget)}%，其中：" + "；".join(parts) + "。")  # fmt: skip
    if (budget or 0) == (final or 0):
        head += f"{year}年度“三公”经费支出决算数与预算数持平。"
    else:
        word = "小于" if (final or 0) < (budget or 0) else "大于"
        reason = _reason(t.reason)
        head += f"{year}年度“三公”经费支出决算数{word}预算数" + (
            f"的主要原因：{reason}。" if reason else "。"
        )
    lines = ["（一）“三公”经费财政拨款支出决算总体情况说明。", head]
    said = change("", final, prior.three_public)
    if said is not None:
        if said == "持平":
            text = f"{year}年度“三公”经费财政拨款支出决算数与{year - 1}年度持平。其中："
        else:
            text = f"{year}年度“三公”经费财政拨款支出决算数比{year - 1}年度{said}，其中："
        items = [(label, change(f"{label}支出决算", g(key), getattr(prior, key)),
                  getattr(prior, key).reason) for label, key in _THREE]  # fmt: skip
        text += "；".join(s for _, s, _ in items if s) + "。"
        for label, s, reason in items:
            if s and not s.endswith("持平") and _reason(reason):
                word = "增加" if "增加" in s else "减少"
                text += f"{label}支出{word}的主要原因是{_reason(reason)}。"
        lines.append(text)
    return lines


def _detail(data: FinalData, f: Figures) -> list[str]:
    name, year, t = data.unit.name, data.unit.year, data.three_public

    def g(key: str) -> Decimal | None:
        return f.get("three_public", "合计", key)

    lines = ["（二）“三公”经费财政拨款支出决算具体情况说明。"]
    final = g("total")
    if not final:
        return [*lines, f"{name}{year}年度无“三公”经费财政拨款支出。"]
    shares = "；".join(f"{label}支出决算{money(g(key))}万元，占{rate(g(key), final)}%"
                       for label, key in _THREE)  # fmt: skip
    lines.append(f"“三公”经费财政拨款支出决算中，{shares}。具体情况如下：")
    abroad = f"1、因公出国（境）费支出{money(g('abroad'))}万元。"
    if t.abroad_groups is not None or t.abroad_people is not None:
        abroad += (f"全年安排因公出国（境）团组{t.abroad_groups or 0}个、累计"
                   f"{t.abroad_people or 0}人次。")  # fmt: skip
    if t.abroad_content.strip():
        abroad += f"开支内容包括：{_reason(t.abroad_content)}。"
    lines.append(abroad)
    lines.append(f"2、公务用车购置及运行维护费支出{money(g('car_total'))}万元。其中：")
    purchase = f"公务用车购置支出为{money(g('car_purchase'))}万元。"
    if t.car_purchase_use.strip():
        purchase += f"主要用于{_reason(t.car_purchase_use)}。"
    if t.cars_purchased is not None:
        purchase += f"购置公务用车{t.cars_purchased}辆。"
    operation = f"公务用车运行维护支出{money(g('car_operation'))}万元。"
    if t.car_operation_use.strip():
        operation += f"主要用于{_reason(t.car_operation_use)}。"
    if t.cars_held is not None:
        operation += (f"{year}年，{name}所属各预算单位开支财政拨款的公务用车保有量为"
                      f"{t.cars_held}辆。")  # fmt: skip
    lines += [purchase, operation, f"3、公务接待费支出{money(g('reception'))}万元。其中："]
    reception = f"国内公务接待支出{money(g('reception'))}万元"
    if t.foreign_amount is not None:
        reception += f"（含外宾接待支出{money(wan(t.foreign_amount))}万元）"
    reception += "。"
    if t.reception_use.strip():
        reception += f"主要用于{_reason(t.reception_use)}。"
    if t.reception_batches is not None or t.reception_people is not None:
        reception += f"共接待{t.reception_batches or 0}批次、{t.reception_people or 0}人次"
        if t.foreign_batches is not None or t.foreign_people is not None:
            reception += (f"，其中：接待外宾{t.foreign_batches or 0}批次、"
                          f"{t.foreign_people or 0}人次")  # fmt: skip
        reception += "。"
    lines.append(reception)
    return lines


def three_public(data: FinalData, f: Figures) -> Section:
    return Section("七", SECTIONS[7], "\n".join(_overall(data, f) + _detail(data, f)))


def performance(data: FinalData) -> Section:
    name, year, p = data.unit.name, data.unit.year, data.performance
    clauses = []
    for count, amount, what in (
        (p.goal_projects, p.goal_amount, "编报绩效目标"),
        (p.tracked_projects, p.tracked_amount, "绩效跟踪评价"),
        (p.evaluated_projects, p.evaluated_amount, "绩效自评"),
    ):
        if count is not None or amount is not None:
            clauses.append(f"{what}的{year}年度项目{count or 0}个，涉及预算金额"
                           f"{money(wan(amount))}万元")  # fmt: skip
    ratings = (p.excellent, p.good, p.passed, p.failed, p.problems, p.fixed, p.fixing)
    if clauses and (p.average_score is not None or any(n is not None for n in ratings)):
        excellent, good, passed, failed, found, fixed, fixing = (n or 0 for n in ratings)
        score = f"，平均得分{p.average_score}分" if p.average_score is not None else ""
        clauses[-1] += (
            f"{score}（其中，绩效评级为“优”的项目{excellent}个；绩效评级为“良”的项目{good}个；"
            f"绩效评级为“合格”的项目{passed}个；绩效评级为“不合格”的项目{failed}个。绩效自评中"
            f"共发现问题{found}个，已经完成整改的{fixed}个，正在整改的{fixing}个）"
        )
    system = _reason(p.system) or "全过程绩效管理实施情况"
    text = f"{name}{year}年度预算绩效管理工作开展情况如下：{system}"
    text += ("：" + "；".join(clauses) + "。") if clauses else "。"
    return Section("十", SECTIONS[10], text)


def _operating(data: FinalData, f: Figures) -> str:
    name, year, costs = data.unit.name, data.unit.year, data.operating_costs
    if not costs.applies:
        return f"{name}{year}年度无机关运行经费支出。"
    amount = wan(costs.amount) if costs.amount is not None else None
    if amount is None:
        amount = f.get("basic_by_economic", "公用经费合计", "amount")
    text = f"机关运行经费支出{money(amount)}万元"
    before = data.prior_year.operating_costs
    said = change("", amount, before)
    if said is None:
        return text + "。"
    text += f"，与{year - 1}年度持平。" if said == "持平" else f"，比{year - 1}年度{said}。"
    return text + (f"主要原因是{_reason(before.reason)}。" if _reason(before.reason) else "")


def _procurement(data: FinalData) -> str:
    name, year, p = data.unit.name, data.unit.year, data.procurement
    scope = "部门" if data.unit.scope == "部门" else "单位"
    text = (
        f"{name}{year}年度政府采购金额（以合同签订为准）为{money(wan(procurement_total(data)))}"
        f"万元，其中：货物采购金额{money(wan(p.goods))}万元、工程采购金额{money(wan(p.works))}"
        f"万元、服务采购金额{money(wan(p.services))}万元。"
    )
    small = (p.sme_reserved, p.small_reserved, p.sme_awarded, p.small_awarded, p.other_sme_awarded)
    if any(v is not None for v in small):
        a, b, c, d, e = (money(wan(v)) for v in small)
        text += (
            f"\n{year}年度本{scope}面向中小企业预留政府采购项目预算金额{a}万元，面向小微企业预留"
            f"政府采购项目预算金额{b}万元。在面向中小企业预留的政府采购项目中，由中小企业供应商"
            f"中标或成交的，采购金额{c}万元；在面向小微企业预留政府采购项目中，由小微企业供应商"
            f"中标或成交的，采购金额{d}万元；在其他政府采购项目中，由中小企业供应商中标或成交的，"
            f"采购金额{e}万元。"
        )
    return text


def _assets(data: FinalData) -> str:
    a, name = data.assets, data.unit.name
    kinds = list(VEHICLE_KINDS) + [k for k in a.vehicles if k not in VEHICLE_KINDS]
    counts = {k: a.vehicles.get(k, 0) for k in kinds}
    listed = "、".join(f"{k}{n}辆" for k, n in counts.items())
    return (
        f"截至{a.as_of or f'{data.unit.year}年12月31日'}，{name}共有车辆{sum(counts.values())}辆，"
        f"其中：{listed}。单价100万元（含）以上设备（不含车辆）{a.equipment_100 or 0}台（套）。"
    )


def other_matters(data: FinalData, f: Figures) -> Section:
    titles = ("机关运行经费支出情况", "政府采购支出情况", "国有资产占有使用情况说明")
    texts = (_operating(data, f), _procurement(data), _assets(data))
    subsections = [Section(f"（{n}）", title, text)
                   for n, title, text in zip("一二三", titles, texts, strict=True)]  # fmt: skip
    return Section("十一", SECTIONS[11], subsections=subsections)
