"""Names and fixed parts a reviewer holds to the document itself, on every template: 部门/单位
wording, the unit's name, the template's item names and budget level, the 目录, Shanghai's
project pages.
"""

from __future__ import annotations

import re

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.passages import ALL, Passage, context, passages, titles
from yusuan.templates import template_of

# --- 部门 and 单位, and the unit's name ------------------------------------------------------

# "部门预算" where a 单位 document means itself ("部门预算支出经济分类" is a classification's name).
_DEPARTMENT_WORDS = re.compile(r"部门预算(?!(?:支出)?经济分类)|本部门|我部门")
_UNIT_WORDS = re.compile(r"单位预算(?=编制说明|公开|收支|收入|支出|财务|情况)")
# A department's document speaking of itself as a 单位 (its units are 所属单位, 下属单位).
_UNIT_SELF = re.compile(r"(?<![所下属])(?:本单位|我单位|编报单位)")


@rule(
    "TEXT-SCOPE",
    "narrative",
    Severity.WARNING,
    "部门预算与单位预算用语混淆",
    "单位预算文件的标题和说明不应称“部门预算”“本部门”“我部门”（“部门预算支出经济分类”是分类名称，"
    "不在此列）；部门预算文件的标题不应称“单位预算”，说明不应称“本单位”“我单位”“编报单位”。",
    ALL,
)
def scope_words(ck: Checker) -> None:
    d = ck.disclosure
    unit = d.meta.scope == "单位"
    pattern = _DEPARTMENT_WORDS if unit else _UNIT_WORDS
    own, other = ("单位", "部门") if unit else ("部门", "单位")
    texts = [(title, location) for title, location in titles(d)]
    in_text = _DEPARTMENT_WORDS if unit else _UNIT_SELF
    path = d.meta.source_file
    for passage in passages(ck):
        for match in in_text.finditer(passage.text):
            quote = context(passage.text, match.start(), match.end())
            texts.append((quote, passage.location(match.start(), quote, path)))
    seen: set[str] = set()
    for text, location in texts:
        compact = "".join(text.split())
        found = pattern.search(compact) or in_text.search(compact)
        if found is None or compact in seen:
            continue
        seen.add(compact)
        ck.report(
            f"{location.label}“{compact}”：本文件是{own}预算，却称“{found.group(0)}”"
            f"（{other}预算用语）",
            [location],
        )


@rule(
    "TEXT-UNIT-NAMES",
    "completeness",
    Severity.WARNING,
    "各表所列单位名称不一致",
    "各预算表表头的“单位名称/编制单位”和说明中提到的本单位名称，应与文件的单位名称一字不差。",
    ALL,
)
def table_unit_names(ck: Checker) -> None:
    d = ck.disclosure
    own = "".join(d.meta.unit_name.split())
    if not own:
        return
    for table in d.tables.values():
        printed = "".join((table.unit_name or "").split())
        if printed and printed != own:
            ck.report(
                f"表{table.number}表头单位名称为“{printed}”，文件单位名称为“{own}”",
                [Location(table.source, f"表{table.number}表头", printed)],
                expected=own,
                actual=printed,
            )
    # The same unit named otherwise in the text: same place prefix and same kind of body.
    if len(own) < 6:
        return
    others = {"".join(u.split()) for u in d.meta.units}
    # (only where the text names itself, "我单位为…", "本部门是…": NARR-UNIT-NAME reads the
    # names that open Part 3's sentences)
    variant = re.compile(
        r"(?:我|本)(?:单位|部门)(?:为|是|系)("
        + re.escape(own[:3])
        + r"[\u4e00-\u9fff（）()]{2,30}?"
        + re.escape(own[-2:])
        + ")"
    )
    path = d.meta.source_file
    for passage in passages(ck):
        if "单位" not in passage.text and "部门" not in passage.text:
            continue
        flat = passage.text.replace("\n", "")
        for match in variant.finditer(flat):
            name = match.group(1)
            near = flat[max(0, match.start() - 20) : match.end() + 20]
            if name == own or name in others or abs(len(name) - len(own)) > 6 or "更名" in near:
                continue
            if own in name or (name in own and len(name) < len(own) - 2):
                continue  # a longer phrase that contains the name, or a short form
            ck.report(
                f"{passage.label}称“{name}”，文件单位名称为“{own}”",
                [passage.location(_raw_offset(passage.text, match.start(1)), name, path)],
                expected=own,
                actual=name,
            )


def _raw_offset(text: str, flat: int) -> int:
    """The offset in ``text`` of offset ``flat`` of the text without its line breaks."""
    return [i for i, ch in enumerate(text) if ch != "\n"][flat]


# --- names the template fixes ---------------------------------------------------------------

THREE_PUBLIC_NAMES = (
    "公务用车购置及运行费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行费",
    "公务用车运行维护费",
)  # fmt: skip
_CAR_NAME = re.compile(r"公务(?:用)?车[\u4e00-\u9fff]{0,6}?费")
_LEVELS = ("市级", "区级", "县级")


@rule(
    "TEXT-NAMES",
    "narrative",
    Severity.WARNING,
    "固定名称写法有误",
    "“三公”经费各项应按模板名称书写（公务用车购置及运行费、公务用车购置费、公务用车运行（维护）费），"
    "不应写成“公务车用车运行费”等；名词解释和说明所称的财政级次（市级、区级、县级）应与单位一致。",
    ALL,
)
def fixed_names(ck: Checker) -> None:
    d = ck.disclosure
    path = d.meta.source_file
    for passage in passages(ck):
        for match in _CAR_NAME.finditer(passage.text):
            name = match.group(0)
            if name in THREE_PUBLIC_NAMES or any(name in n for n in THREE_PUBLIC_NAMES):
                continue
            if not name.startswith("公务车"):
                continue  # (公务用车燃料费 and the like are real expense names)
            ck.report(
                f"{passage.label}“{name}”不是“三公”经费的名称，应为“公务用车……”",
                [passage.location(match.start(), name, path)],
            )
    level = _level(d.meta.unit_name)
    if level is None:
        return
    others = [w for w in _LEVELS if w != level]
    texts = [(e.term + "：" + e.definition, Location(e.source, f"名词解释“{e.term}”"))
             for e in d.glossary]  # fmt: skip
    wrong = []
    for text, location in texts:
        said = next((w for w in others if w + "预算主管部门" in text or w + "财政" in text), None)
        if said is not None:
            location.text = said
            wrong.append((said, location))
    if wrong:
        terms = "、".join(loc.label.removeprefix("名词解释") for _, loc in wrong)
        ck.report(
            f"名词解释{terms}称“{wrong[0][0]}”，本单位属{level}（照抄了其他级次的模板）",
            [loc for _, loc in wrong],
        )


def _level(unit_name: str) -> str | None:
    """The budget level of a unit from its name: 上海市普陀区… is 区级, …县… 县级."""
    name = unit_name.removeprefix("上海市").removeprefix("北京市").removeprefix("天津市")
    name = name.removeprefix("重庆市")
    if re.match(r"^[\u4e00-\u9fff]{1,6}?区", name):
        return "区级"
    if re.match(r"^[\u4e00-\u9fff]{1,8}?县", name):
        return "县级"
    return None


# --- the 目录 ---------------------------------------------------------------------------------

_TOC_TABLE = re.compile(
    r"^(?:表[一二三四五六七八九十]+|\d{1,2}\s*[.．、])\s*(?:(\d{4})\s*年)?(.*表.*)$"
)


@rule(
    "TEXT-TOC",
    "completeness",
    Severity.WARNING,
    "目录与正文不符",
    "目录所列各表应带文件年度（与其他各项一致），所列的表应在文件中，文件中的表应列入目录。",
    ALL,
)
def contents(ck: Checker) -> None:
    d = ck.disclosure
    entries = [(e, _TOC_TABLE.match("".join(e.text.split()))) for e in d.contents]
    tables = [(e, m) for e, m in entries if m is not None]
    if not tables:
        return
    template = template_of(d)
    dated = sum(1 for _, m in tables if m.group(1))
    for entry, match in tables:
        location = Location(entry.source, "目录", entry.text)
        year = int(match.group(1)) if match.group(1) else None
        if year is None and dated > len(tables) // 2:
            ck.report(
                f"目录“{entry.text}”缺少年度（目录其他各表均写明{d.meta.year}年）", [location]
            )
        elif year is not None and d.meta.year is not None and year != d.meta.year:
            ck.report(f"目录“{entry.text}”的年度为{year}年，文件年度为{d.meta.year}年", [location])
        name = re.sub(r"^(?:预算单位|预算部门|部门|单位|区级)", "", match.group(2))
        spec = next((s for s in template.tables if s.name and s.name in name), None)
        if spec is not None and d.table(spec.key) is None:
            ck.report(f"目录列有“{entry.text}”，文件中没有这张表", [location])


# --- Shanghai's project pages -----------------------------------------------------------------

_FIELD = re.compile(
    r"([一二三四五六七])、(项目概述|项目概况|立项依据|实施主体|实施方案|实施周期|年度预算安排|绩效目标)"
    r"[：:]?"
)
_BODY_END = re.compile(
    r"(?:局|委员会|委|办公室|办事处|中心|政府|街道|单位|公司|部门|院|所|站|队|馆|会|部|处|科|室|署)[。；;]?$"
)
_MONEY = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:万元|元|万)")
_TASK = re.compile(r"^(?:主要|负责|完成|推进|开展|做好|加强|组织|落实)")  # a task, not a body


@rule(
    "TEXT-PROJECT-PAGE",
    "narrative",
    Severity.WARNING,
    "项目经费情况说明的栏目内容不符",
    "项目经费情况说明中，“实施主体”应写实施单位的名称，“年度预算安排”应写明本年预算金额。",
    ("shanghai",),  # (the template with a page per project)
)
def project_pages(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for annex in ck.disclosure.annexes:
        fields = list(_FIELD.finditer(annex.text))
        passage = Passage(annex.text, f"附件“{annex.title}”", annex.line_map, annex.source)
        for k, field in enumerate(fields):
            end = fields[k + 1].start() if k + 1 < len(fields) else len(annex.text)
            value = "".join(annex.text[field.end() : end].split())
            if not value:
                continue
            if field.group(2) == "实施主体" and _TASK.match(value) and not _BODY_END.search(value):
                ck.report(
                    f"{passage.label}“实施主体”写作“{value[:30]}”，不是实施单位的名称",
                    [passage.location(field.start(), value[:30], path)],
                )
            elif field.group(2) == "年度预算安排" and not _MONEY.search(value):
                ck.report(
                    f"{passage.label}“年度预算安排”写作“{value[:30]}”，未写本年预算金额",
                    [passage.location(field.start(), value[:30], path)],
                )


# --- the scope of 机关运行经费 ----------------------------------------------------------------

# "下属1家机关和1家事业单位…机关运行经费": a count of 事业单位 not said to be 参公.
_PUBLIC_INSTITUTIONS = re.compile(
    r"(?:\d+|[一二两三四五六七八九十]+)家(?:(?!参公|参照|行政|机关)[^，。；、和及])*事业单位"
)


@rule(
    "TEXT-RUNNING-SCOPE",
    "narrative",
    Severity.WARNING,
    "机关运行经费口径有误",
    "机关运行经费只含行政单位和参照公务员法管理的事业单位（名词解释）；说明计入机关运行经费的"
    "单位中列有未注明参公的事业单位时，应写明口径或不计入。",
    ALL,
)
def running_cost_scope(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for sentence in re.finditer(r"[^。]+", passage.text):
            if "机关运行经费" not in sentence.group(0):
                continue
            match = _PUBLIC_INSTITUTIONS.search(sentence.group(0))
            if match is None:
                continue
            start = sentence.start() + match.start()
            quote = context(passage.text, start, sentence.start() + match.end(), after=30)
            ck.report(
                f"{passage.label}把“{match.group(0)}”计入机关运行经费，但机关运行经费只含行政单位"
                f"和参照公务员法管理的事业单位：“…{quote}…”",
                [passage.location(start, quote, path)],
            )
