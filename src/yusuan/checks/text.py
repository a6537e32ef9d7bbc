"""Text a reviewer reads line by line, on every template: years, template residue, repeated words
and punctuation, rates printed with too many places, 部门/单位 wording.

Each rule reads the narrative as ``Passage``s (a section, a sub-section or an annex with its map
back to lines) and quotes the words it is about with their line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.views import section_label
from yusuan.model import Disclosure, Source
from yusuan.sentences import line_at
from yusuan.templates import template_of

ALL = ("shanxi", "shanghai")


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    label: str  # where, in Chinese: "第三部分 七、“三公”经费预算情况说明"
    line_map: list[tuple[int, int]]
    source: Source | None  # the passage's heading, when no line is known

    def location(self, start: int, quote: str, path: str) -> Location:
        line = line_at(self.line_map, start)
        source = Source(path, line) if line is not None else self.source
        return Location(source, self.label, quote)


def passages(ck: Checker) -> list[Passage]:
    cached = ck.memo.get("passages")
    if cached is None:
        d = ck.disclosure
        found = []
        for section in d.sections:
            label = section_label(d, section)
            found.append(Passage(section.text, label, section.line_map, section.source))
            for sub in section.subsections:
                found.append(Passage(sub.text, label, sub.line_map, sub.source or section.source))
        for annex in d.annexes:
            found.append(Passage(annex.text, f"附件“{annex.title}”", annex.line_map, annex.source))
        part1 = "第一部分 " if template_of(d).layout == "parts" else ""
        for text, name, line_map in ((d.duties, "职责", d.duties_map),
                                     (d.organization, "机构设置", d.organization_map)):  # fmt: skip
            if text:
                found.append(Passage(text, f"{part1}{name}", line_map, None))
        ck.memo["passages"] = cached = found
    return cached  # type: ignore[return-value]


def _titles(d: Disclosure) -> Iterator[tuple[str, Location]]:
    """Every printed heading: table titles and section titles."""
    for table in d.tables.values():
        yield table.title, Location(table.source, f"表{table.number}标题", table.title)
    for section in d.sections:
        yield section.title, Location(section.source, section_label(d, section), section.title)


def _context(text: str, start: int, end: int, before: int = 12, after: int = 6) -> str:
    return text[max(0, start - before) : end + after].replace("\n", "")


# --- years ------------------------------------------------------------------------------------

# "比2024年预算增加", "与2024年预算持平", "较上年": the year a change is stated against.
_COMPARED = re.compile(
    r"(?:比|较|与|同)\s*(\d{4})\s*年(?:度)?(?:预算|年初预算)?(?:数|执行数)?"
    r"(?=[^，。；]{0,6}(?:增加|减少|增长|下降|持平|相同|一致|基本持平))"
)
_YEAR = re.compile(r"(?<![\d\-—－~至])(\d{4})\s*年")
_RANGE = re.compile(r"\d{4}\s*年?\s*[\-—－~至]\s*\d{4}")


@rule(
    "TEXT-YEAR-COMPARE",
    "narrative",
    Severity.ERROR,
    "增减比较的年度有误",
    "说明中“比××××年增加（减少）”“与××××年持平”的比较年度应为文件年度的上一年"
    "（2025年预算与2024年预算比较）。",
    ALL,
)
def compared_year(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    if year is None:
        return
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for match in _COMPARED.finditer(passage.text):
            cited = int(match.group(1))
            if cited == year - 1:
                continue
            quote = _context(passage.text, match.start(), match.end(), 8, 8)
            ck.report(
                f"{passage.label}“{quote}”：{year}年预算应与{year - 1}年比较，文中为{cited}年",
                [passage.location(match.start(), quote, path)],
                expected=str(year - 1),
                actual=str(cited),
            )


@rule(
    "TEXT-YEAR-TITLE",
    "completeness",
    Severity.ERROR,
    "标题中的年度与文件年度不符",
    "预算表和说明各节标题中的年度应为文件年度（如2025年部门预算的各表均为“2025年……”）；"
    "“2025-2027年”这样的期间不在此列。",
    ALL,
)
def title_year(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    if year is None:
        return
    for title, location in _titles(ck.disclosure):
        compact = "".join(title.split())
        if _RANGE.search(compact):
            continue
        for match in _YEAR.finditer(compact):
            printed = int(match.group(1))
            if printed != year:
                ck.report(
                    f"{location.label}“{compact}”的年度为{printed}年，文件年度为{year}年",
                    [location],
                    expected=str(year),
                    actual=str(printed),
                )
                break


# --- template residue and slips -------------------------------------------------------------

_RESIDUE = re.compile(
    r"[XＸ]{2,}|[×＊*]{2,}|某某|待填写|待补充|（此处[^）]{0,10}）|"
    r"增加（减少）|增长（下降）|增加/减少|增长/下降|增加\(减少\)|增长\(下降\)|"
    r"(?:增加|减少|增长|下降)持平|（列示至[^）]{0,12}）"
)


@rule(
    "TEXT-RESIDUE",
    "narrative",
    Severity.ERROR,
    "模板文字未替换",
    "说明中不应留有模板的占位和提示文字：XX、×××、某某、待填写、“增加（减少）”“增长（下降）”"
    "二选一未选、“增加持平”等。",
    ALL,
)
def residue(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for match in _RESIDUE.finditer(passage.text):
            quote = _context(passage.text, match.start(), match.end())
            ck.report(
                f"{passage.label}留有模板文字“{match.group(0)}”：“…{quote}…”",
                [passage.location(match.start(), quote, path)],
            )


# A word printed twice in a row: the words of the template's sentences, and doubled punctuation.
_REPEATED = re.compile(
    r"(增加|减少|增长|下降|主要|其中|预算|支出|收入|万元|经费|用于|原因|比上年|的|是|为)\1"
    r"|([。，；、：；])[。，；、：；]"
)


@rule(
    "TEXT-REPEATED",
    "narrative",
    Severity.WARNING,
    "字词或标点重复",
    "同一字词连写两次（如“增加增加”），或两个标点连用（如“。。”“。；”“，，”）。",
    ALL,
)
def repeated(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text.replace("\n", "")
        flat_to_raw = [i for i, ch in enumerate(passage.text) if ch != "\n"]
        for match in _REPEATED.finditer(text):
            if match.group(1) in ("的", "是", "为") and _legit_double(text, match.start()):
                continue
            quote = _context(text, match.start(), match.end())
            ck.report(
                f"{passage.label}“{match.group(0)}”重复：“…{quote}…”",
                [passage.location(flat_to_raw[match.start()], quote, path)],
            )


def _legit_double(text: str, at: int) -> bool:
    """ "是是非非", "为为" are not slips of the template's sentences; "的的确确" neither."""
    return text[at : at + 4] in ("的的确确", "是是非非")


_RATE = re.compile(r"(?:增长|下降|占|为)\s*(\d+\.\d{3,})\s*%")


@rule(
    "TEXT-RATE-PLACES",
    "narrative",
    Severity.WARNING,
    "百分比小数位数过多",
    "增减率、占比保留两位小数（如12.35%），不应写成三位以上小数。",
    ALL,
)
def rate_places(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        for match in _RATE.finditer(passage.text):
            quote = _context(passage.text, match.start(), match.end(), 6, 1)
            ck.report(
                f"{passage.label}“{match.group(1)}%”保留了{len(match.group(1).split('.')[1])}位小数，"
                "应保留两位",
                [passage.location(match.start(1), quote, path)],
            )


_PAIRS = (("（(", "）)"), ("“", "”"), ("《", "》"))
_ANY_BRACKET = re.compile(r"[（()）“”《》]")


@rule(
    "TEXT-BRACKETS",
    "narrative",
    Severity.WARNING,
    "括号或引号不成对",
    "一句话中的括号（）、引号“”、书名号《》应成对出现；全角括号不应与半角括号混用（如“（款)”）。",
    ALL,
)
def brackets(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        start = 0
        for end in [m.end() for m in re.finditer(r"[。；;！？]", text)] + [len(text)]:
            sentence = text[start:end]
            problem = _unpaired(sentence)
            if problem:
                quote = "".join(sentence.split())[:40]
                at = start + len(sentence) - len(sentence.lstrip())
                ck.report(
                    f"{passage.label}{problem}：“{quote}”", [passage.location(at, quote, path)]
                )
            start = end


def _unpaired(sentence: str) -> str | None:
    if not _ANY_BRACKET.search(sentence):
        return None
    for lefts, rights in _PAIRS:
        opened = sum(sentence.count(c) for c in lefts)
        closed = sum(sentence.count(c) for c in rights)
        if opened != closed:
            return f"一句中“{lefts[0]}”{opened}个、“{rights[0]}”{closed}个，不成对"
    if re.search(r"（[^（）()]*\)|\([^（）()]*）", sentence):
        return "全角括号与半角括号混用"
    return None


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
    texts = [(title, location) for title, location in _titles(d)]
    in_text = _DEPARTMENT_WORDS if unit else _UNIT_SELF
    path = d.meta.source_file
    for passage in passages(ck):
        for match in in_text.finditer(passage.text):
            quote = _context(passage.text, match.start(), match.end())
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
        flat = passage.text.replace("\n", "")
        raw = [i for i, ch in enumerate(passage.text) if ch != "\n"]
        for match in variant.finditer(flat):
            name = match.group(1)
            near = flat[max(0, match.start() - 20) : match.end() + 20]
            if name == own or name in others or abs(len(name) - len(own)) > 6 or "更名" in near:
                continue
            if own in name or (name in own and len(name) < len(own) - 2):
                continue  # a longer phrase that contains the name, or a short form
            ck.report(
                f"{passage.label}称“{name}”，文件单位名称为“{own}”",
                [passage.location(raw[match.start(1)], name, path)],
                expected=own,
                actual=name,
            )


# --- changes without a reason ---------------------------------------------------------------

_CHANGE = re.compile(
    r"(?:比|较)(?:上年|\d{4}年)(?:度)?(?:预算|年初预算)?(?:数|执行数)?(增加|减少)\s*"
    r"(\d[\d,]*(?:\.\d+)?)\s*万元"
)
_BEFORE_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*万元[，,]?\s*$")
_REASON_WORDS = ("原因", "主要是", "由于", "因为")
_REASON_LIMIT = 10  # % a change may move without a stated reason (the template's rule)


@rule(
    "TEXT-REASON",
    "narrative",
    Severity.WARNING,
    "增减变动较大而未说明原因",
    f"比上年增减超过{_REASON_LIMIT}%的，同一句或同一段应说明原因（“主要原因是……”）。",
    ALL,
)
def reasons(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        for sentence_start, sentence in _sentences(text):
            for match in _CHANGE.finditer(sentence):
                head = _BEFORE_AMOUNT.search(sentence[: match.start()])
                if head is None:
                    continue
                now = Decimal(head.group(1).replace(",", ""))
                change = Decimal(match.group(2).replace(",", ""))
                before = now - change if match.group(1) == "增加" else now + change
                if before <= 0 or change * 100 <= before * _REASON_LIMIT:
                    continue
                # a reason in the same sentence or later in the same paragraph or section part
                following = text[sentence_start : sentence_start + len(sentence) + 400]
                if any(word in following for word in _REASON_WORDS):
                    continue
                quote = "".join(match.group(0).split())
                rate = (change / before * 100).quantize(Decimal("0.01"))
                ck.report(
                    f"{passage.label}“{quote}”（变动{rate}%）未说明原因",
                    [passage.location(sentence_start + match.start(2), quote, path)],
                )


def _sentences(text: str) -> list[tuple[int, str]]:
    found, start = [], 0
    for match in re.finditer(r"[。；;]", text):
        found.append((start, text[start : match.end()]))
        start = match.end()
    if start < len(text):
        found.append((start, text[start:]))
    return found


# --- words and figures ------------------------------------------------------------------------

# "1.35万元。比2022年预算持平": a full stop between an amount and what it is compared with.
_BROKEN = re.compile(r"万元。(?=(?:比|与|较)(?:上年|\d{4}年))")
# "1720.00万，其中": 万 with no 元 after an amount.
_WAN_ALONE = re.compile(r"(\d[\d,]*(?:\.\d+)?)万(?=[，,。；;（()）、]|$)")
# "拟从2020年起" in a 2025 document: a plan dated before the document's own year.
_PLAN = re.compile(r"(?:拟|计划|预计|将)(?:从|于|自|在)?(\d{4})年")


@rule(
    "TEXT-WORDING",
    "narrative",
    Severity.WARNING,
    "金额、单位或时间的写法有误",
    "金额后不应用句号把比较隔开（“1.35万元。比上年持平”）；金额应写“万元”而不是“万”；"
    "“拟从××××年起”的年度不应早于文件年度。",
    ALL,
)
def wording(ck: Checker) -> None:
    year = ck.disclosure.meta.year
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        for match in _BROKEN.finditer(text):
            quote = _context(text, match.start(), match.end(), 8, 10)
            ck.report(
                f"{passage.label}“{quote}”：金额与比较之间误用句号",
                [passage.location(match.start(), quote, path)],
            )
        for match in _WAN_ALONE.finditer(text):
            quote = _context(text, match.start(), match.end(), 8, 2)
            ck.report(
                f"{passage.label}“{match.group(0)}”：金额单位应为“万元”",
                [passage.location(match.start(), quote, path)],
            )
        for match in _PLAN.finditer(text):
            planned = int(match.group(1))
            if year is not None and planned < year:
                quote = _context(text, match.start(), match.end(), 4, 8)
                ck.report(
                    f"{passage.label}“{quote}”：{year}年的文件称“{match.group(0)}”，年度已过",
                    [passage.location(match.start(), quote, path)],
                    expected=str(year),
                    actual=str(planned),
                )


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


# --- figures that must add up inside a sentence ---------------------------------------------

_UNITS = "平方米|万元|辆|台|人|个"
# "8013平方米（其中计容面积7998平方米，不计容面积105平方米）": a figure and its parts in brackets
_BRACKETED_PARTS = re.compile(
    rf"(\d[\d,]*(?:\.\d+)?)({_UNITS})[（(]其中[:：]?([^（）()]{{4,80}})[)）]"
)
_PART = re.compile(rf"(\d[\d,]*(?:\.\d+)?)({_UNITS})")
# A heading of Shanghai's project pages that follows text left without its full stop.
_NEXT_HEADING = re.compile(
    r"([\u4e00-\u9fff])\n?(?=[二三四五六七]、(?:立项依据|实施主体|实施方案|实施周期|年度预算安排|绩效目标))"
)
_ANY_HEADING = re.compile(
    r"[一二三四五六七]、(项目概述|项目概况|立项依据|实施主体|实施方案|实施周期|年度预算安排|绩效目标)"
)


@rule(
    "TEXT-SUMS",
    "narrative",
    Severity.WARNING,
    "说明中的分项之和与总数不符，或段末缺少句号",
    "“X（其中A，B）”中A与B之和应等于X（面积、金额、数量）；项目说明各段的叙述应以句号结束。",
    ALL,
)
def text_sums(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for passage in passages(ck):
        text = passage.text
        for match in _BRACKETED_PARTS.finditer(text):
            total, unit = Decimal(match.group(1).replace(",", "")), match.group(2)
            parts = [Decimal(m.group(1).replace(",", "")) for m in _PART.finditer(match.group(3))
                     if m.group(2) == unit]  # fmt: skip
            added = sum(parts, Decimal(0))
            if len(parts) >= 2 and added != total:
                quote = "".join(match.group(0).split())
                ck.report(
                    f"{passage.label}“{quote}”：分项之和为{added}{unit}，与{total}{unit}不符",
                    [passage.location(match.start(), quote, path)],
                    expected=added,
                    actual=total,
                )
        for match in _NEXT_HEADING.finditer(text):
            opened = list(_ANY_HEADING.finditer(text, 0, match.start()))
            if not opened or opened[-1].group(1) in ("实施主体", "实施周期"):
                continue  # a name or a period needs no full stop
            if match.start() - opened[-1].end() < 25:
                continue
            quote = text[max(0, match.start() - 12) : match.end()].replace("\n", "")
            ck.report(
                f"{passage.label}“{quote}”段末缺少句号",
                [passage.location(match.start(), quote, path)],
            )


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
