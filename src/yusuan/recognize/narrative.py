"""Narrative parts: Part 1 (概况), Part 3 (情况说明) with its stated facts, Part 4 (名词解释)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from yusuan.model import (
    Annex,
    Disclosure,
    Figure,
    GlossaryEntry,
    ProjectKindCount,
    Section,
    Source,
)
from yusuan.money import parse_amount
from yusuan.numerals import parse_cn_numeral
from yusuan.readers.text import Line
from yusuan.recognize.performance import is_performance_title, read_performance_table
from yusuan.recognize.performance_shanghai import is_form_title, read_forms
from yusuan.recognize.three_public import read_three_public_counts
from yusuan.sentences import full_text, line_at

if TYPE_CHECKING:
    from yusuan.readers.text import TextDocument

_HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.{2,30})$")
_EXPLANATION = re.compile(r"^(?:\d{4}年)?(单位|部门)?预算编制说明$")
_SUBHEADING = re.compile(r"^([（(][一二三四五六七八九十]+[)）]|\d{1,2}[、.．])(.{2,30})$")
_SENTENCE_END = ("。", "；", ";", "：", ":", "！", "？")
_ANNEX_TITLE = re.compile(
    r"^(?:.{2,40}关于政府购买服务(?:的)?说明|\d{4}[-—–至]\d{4}年?三年规划.*|.{2,20}(?:财政局|财政厅)文件|情况说明)$"
)
# "科技创新专项经费情况说明": the title of one project's page of Shanghai's 项目经费情况说明
_PROJECT_NOTE = re.compile(
    r"^(?![一二三四五六七八九十（(\d])[^、。，：]{2,40}(?:经费|项目)情况说明$"
)
_PROJECT_START = re.compile(r"^一、项目(?:概述|概况|基本情况|简介)")


def _ends_project(compact: str) -> bool:
    return bool(
        _PROJECT_NOTE.match(compact) or _PROJECT_START.match(compact)
        or is_performance_title(compact)
    )  # fmt: skip


_NUM = r"([0-9][0-9,]*(?:\.\d+)?)"
_CN_OR_NUM = r"([0-9]+|[一二三四五六七八九十]+)"


def _is_heading(compact: str) -> bool:
    return not any(p in compact for p in ("。", "；", ";", "，", ","))


def join_lines(lines: list[Line]) -> tuple[str, list[tuple[int, int]]]:
    """Join wrapped lines into text: lines that do not end a sentence run on without a break.

    Returns the text and a map of (offset, line number) so figures can point at their line.
    """
    parts: list[str] = []
    line_map: list[tuple[int, int]] = []
    offset = 0
    for line in lines:
        text = line.text.replace("\t", " ").replace("\u00a0", " ").strip()
        if not text:
            continue
        if parts and parts[-1].endswith(_SENTENCE_END):
            parts.append("\n")
            offset += 1
        line_map.append((offset, line.number))
        parts.append(text)
        offset += len(text)
    return "".join(parts), line_map


def read_part1(disclosure: Disclosure, lines: list[Line]) -> None:
    duties: list[Line] = []
    organization: list[Line] = []
    target = duties
    for line in lines:
        compact = line.compact
        # Shanxi: "一、本单位职责"; Shanghai: "<unit name>主要职能"; 决算: "一、主要职能".
        if re.match(r"^(一、本(单位|部门)(主要)?职责|一、主要职能$|[^、。，]{2,40}主要职能$)",
                    compact):  # fmt: skip
            target = duties
            continue
        # 决算: "二、部门决算单位构成" (a department's units), "二、机构设置" (a single unit)
        if re.match(r"^(二、机构设置|二、(部门|单位)决算单位构成|[^、。，]{2,40}机构设置$)",
                    compact):  # fmt: skip
            target = organization
            continue
        target.append(line)
    disclosure.duties, disclosure.duties_map = join_lines(duties)
    disclosure.organization, disclosure.organization_map = join_lines(organization)
    _staffing(disclosure, disclosure.duties + "\n" + disclosure.organization)
    subordinate = re.search(r"下属(?:预算)?单位(?:包括|有)?[：:]?([^。]+)", disclosure.organization)
    if subordinate:
        for name in re.split(r"[、，,和]", subordinate.group(1)):
            name = "".join(name.split())
            if name and name not in disclosure.meta.units:
                disclosure.meta.units.append(name)


def _count(text: str) -> int | None:
    return parse_cn_numeral(text)


def _staffing(disclosure: Disclosure, text: str) -> None:
    compact = re.sub(r"\s+", "", text)
    staffing = disclosure.staffing
    authorized = re.search(r"编制(?:人数)?(?:为|是)?" + _CN_OR_NUM + "(?:人|名)", compact)
    if authorized is None:
        authorized = re.search(r"编制" + _CN_OR_NUM + "名", compact)
    if authorized:
        staffing.authorized = _count(authorized.group(1))
    actual = re.search(
        r"实有(?:在职职工|在职人员|工作人员|人员|在职)?(?:人数)?(?:为|是)?"
        + _CN_OR_NUM
        + "(?:人|名)",
        compact,
    )
    if actual:
        staffing.actual = _count(actual.group(1))
    departments = re.search(
        r"内设(?:机构|职能部门|股室|科室)(?:有|共|为)?" + _CN_OR_NUM + "个", compact
    )
    if departments:
        staffing.internal_departments = _count(departments.group(1))
    retired = re.search(r"退休(?:职工|人员)" + _CN_OR_NUM + "(?:人|名)", compact)
    if retired:
        staffing.retired = _count(retired.group(1))


def read_part3(disclosure: Disclosure, lines: list[Line], doc: TextDocument) -> None:
    """Split Part 3 into its numbered sections, annex tables and annex documents."""
    current: Section | None = None
    sub: Section | None = None
    body: dict[int, list[Line]] = {}
    number = 0
    i = 0
    path = doc.path
    while i < len(lines):
        line = lines[i]
        compact = line.compact
        if number == 0 and _EXPLANATION.match(compact):
            # Shanghai opens its notes with the 预算编制说明, before the numbered sections.
            current = Section("", compact, source=Source(path, line.number))
            disclosure.sections.append(current)
            sub = None
            i += 1
            continue
        if number >= 1 and _PROJECT_START.match(compact):
            # Shanghai's 项目经费情况说明: one page per project under its title, each numbered
            # 一 … 七 again.
            title = lines[i - 1].compact if i else "项目经费情况说明"
            end = i + 1
            while end < len(lines) and not _ends_project(lines[end].compact):
                end += 1
            text, line_map = join_lines(lines[i:end])
            disclosure.annexes.append(Annex(title, text, Source(path, line.number), line_map))
            i = end
            continue
        heading = _HEADING.match(compact) if "、" in compact[:4] else None
        if heading and _is_heading(compact):
            n = parse_cn_numeral(heading.group(1))
            if n == number + 1:
                number = n
                current = Section(
                    heading.group(1), heading.group(2), source=Source(path, line.number)
                )
                disclosure.sections.append(current)
                sub = None
                i += 1
                continue
        if is_performance_title(compact):
            end = i + 1
            while end < len(lines) and not _ends_annex_table(lines[end], number):
                end += 1
            block = lines[i:end]
            tables = read_forms(block, doc) if is_form_title(compact) else None
            for table in tables or [read_performance_table(block, doc)]:
                disclosure.performance_tables.append(table)
                if table.confidence < 0.5:
                    disclosure.warn(
                        f"绩效目标表“{table.project or table.title}”为扫描识别文本，"
                        f"内容无法可靠读取，仅保留项目名称"
                        f"（第{lines[i].number}-{lines[end - 1].number}行）",
                        Source(path, lines[i].number),
                    )
            i = end
            continue
        if number >= 12 and _ANNEX_TITLE.match(compact):
            end = i + 1
            while end < len(lines) and not _ANNEX_TITLE.match(lines[end].compact):
                end += 1
            text, line_map = join_lines(lines[i + 1 : end])
            disclosure.annexes.append(Annex(compact, text, Source(path, line.number), line_map))
            i = end
            continue
        subheading = _SUBHEADING.match(compact) if len(compact) <= 34 else None
        if current is not None and subheading and _is_heading(compact):
            sub = Section(
                subheading.group(1), subheading.group(2), source=Source(path, line.number)
            )
            current.subsections.append(sub)
            body[id(sub)] = []
            i += 1
            continue
        if current is not None:
            target = sub if sub is not None else current
            body.setdefault(id(target), []).append(line)
        i += 1
    for section in disclosure.sections:
        _fill(section, body)
    read_facts(disclosure)


def _ends_annex_table(line: Line, section_number: int) -> bool:
    compact = line.compact
    if is_performance_title(compact):
        return True
    heading = _HEADING.match(compact)
    return bool(
        heading
        and _is_heading(compact)
        and parse_cn_numeral(heading.group(1)) == section_number + 1
    )


def _fill(section: Section, body: dict[int, list[Line]]) -> None:
    section.text, section.line_map = join_lines(body.get(id(section), []))
    for sub in section.subsections:
        _fill(sub, body)


def _figure(match: re.Match[str] | None, group: int, section: Section, path: str) -> Figure | None:
    if match is None:
        return None
    text = match.group(group)
    line = _locate(section, match.group(0))
    return Figure(parse_amount(text), text, match.group(0), Source(path, line))


def _locate(section: Section, snippet: str) -> int | None:
    """Line number of a snippet of a section's text (searched in the section and its subs)."""
    for candidate in [section, *section.subsections]:
        pos = candidate.text.find(snippet[:12])
        if pos >= 0:
            return line_at(candidate.line_map, pos)
    return section.source.line if section.source else None


def _titled(disclosure: Disclosure, word: str) -> Section | None:
    """The Part 3 section whose title names ``word`` (政府采购, 绩效, 国有资产), else the
    sub-section (a 决算 puts 政府采购 and 国有资产 under 十一、其他重要事项的情况说明)."""
    found = next((s for s in disclosure.sections if word in s.title), None)
    if found is None:
        subs = (sub for s in disclosure.sections for sub in s.subsections)
        found = next((sub for sub in subs if word in sub.title), None)
    return found


def read_facts(disclosure: Disclosure) -> None:
    path = disclosure.meta.source_file
    procurement = _titled(disclosure, "政府采购")
    if procurement is not None:
        text = re.sub(r"\s+", "", full_text(procurement))
        p = disclosure.procurement
        total = re.search(r"政府采购预算(?:总额)?(?:为)?" + _NUM + "万元", text)
        if total is None:  # 决算: "政府采购金额（以合同签订为准）为251.25万元"
            total = re.search(r"政府采购金额(?:[（(]以合同签订为准[)）])?为?" + _NUM + "万元", text)
        p.total = _figure(total, 1, procurement, path)
        for attr, word in (("goods", "货物"), ("works", "工程"), ("services", "服务")):
            found = re.search(r"政府采购" + word + r"预算" + _NUM + "万元", text)
            if found is None:  # 决算: "货物采购金额4.79万元"
                found = re.search(word + r"采购金额" + _NUM + "万元", text)
            setattr(p, attr, _figure(found, 1, procurement, path))
    performance = _titled(disclosure, "绩效")
    if performance is not None:
        _performance_facts(disclosure, performance, path)
    assets = _titled(disclosure, "国有资产")
    if assets is not None:
        _asset_facts(disclosure, assets, path)
    read_three_public_counts(disclosure)
    _with_pages(disclosure)


def _with_pages(disclosure: Disclosure) -> None:
    """The stated figures get the page of their line, when the input has pages."""
    perf, p = disclosure.performance, disclosure.procurement
    figures = [perf.whole_unit_amount, perf.amount, perf.published_amount, perf.published_share,
               *(k.amount for k in perf.kinds + perf.published_kinds),
               p.total, p.goods, p.works, p.services, disclosure.assets.office_area]  # fmt: skip
    for figure in figures:
        source = figure.source if figure is not None else None
        if source is not None and source.page is None:
            source.page = disclosure.page_of(source.line)


def _performance_facts(disclosure: Disclosure, section: Section, path: str) -> None:
    text = re.sub(r"\s+", "", full_text(section))
    perf = disclosure.performance
    whole = re.search(r"整体绩效目标[，,]?(?:涉及|设计)资金" + _NUM + "万元", text)
    perf.whole_unit_amount = _figure(whole, 1, section, path)
    perf.whole_unit_goal = not re.search(r"无整体绩效目标", text)
    projects = re.search(
        r"纳入绩效目标管理的(?:二级|2级)?项目(\d+)个[，,]共计金额" + _NUM + "万元", text
    )
    if projects is None:  # Shanghai: "编报绩效目标的项目共11个，涉及项目预算资金6626万元"
        projects = re.search(
            r"编报绩效目标的项目共?(\d+)个[，,]涉及项目(?:预算)?资金" + _NUM + "万元", text
        )
    if projects is None:  # 决算: "编报绩效目标的2024年度项目4个，涉及预算金额598.42万元"
        projects = re.search(
            r"编报绩效目标的(?:\d{4}年度?)?项目共?(\d+)个[，,]涉及(?:项目)?预算(?:资金|金额)"
            + _NUM + "万元", text,
        )  # fmt: skip
    if projects:
        perf.projects = int(projects.group(1))
        perf.amount = _figure(projects, 2, section, path)
    cut = text.find("公开项目绩效目标")
    head, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, "")
    kind_pattern = r"([\u4e00-\u9fff]{2,6}类)项目(\d+)个[，,]涉及(?:项目)?金额" + _NUM + "万元"
    for target, part in ((perf.kinds, head), (perf.published_kinds, tail)):
        for kind in re.finditer(kind_pattern, part):
            target.append(
                ProjectKindCount(kind.group(1), int(kind.group(2)), _figure(kind, 3, section, path))
            )
    published = re.search(r"公开项目绩效目标(\d+)个[，,]涉及项目金额" + _NUM + "万元", text)
    if published:
        perf.published_projects = int(published.group(1))
        perf.published_amount = _figure(published, 2, section, path)
        share = re.search(r"项目支出总额的" + _NUM + "%", text)
        perf.published_share = _figure(share, 1, section, path)


def _asset_facts(disclosure: Disclosure, section: Section, path: str) -> None:
    text = re.sub(r"\s+", "", full_text(section))
    assets = disclosure.assets
    as_of = re.search(r"截至(\d{4}年\d{1,2}月\d{1,2}日)", text)
    if as_of:
        assets.as_of = as_of.group(1)
    fleet = re.search(r"公务用车编制(\d+)辆[，,]实有(\d+)辆", text)
    if fleet:
        assets.vehicles["编制"] = int(fleet.group(1))
        assets.vehicles["实有"] = int(fleet.group(2))
        tail = text[fleet.end() : fleet.end() + 200]
        for category in re.finditer(r"([\u4e00-\u9fff]{2,12}?用车)(\d+)辆", tail):
            assets.vehicles[category.group(1)] = int(category.group(2))
    owned = re.search(r"共有车辆(\d+)辆", text) if fleet is None else None
    if owned:  # 决算: "共有车辆0辆，其中：部级领导干部用车0辆、…其他用车0辆"
        assets.vehicles["实有"] = int(owned.group(1))
        tail = text[owned.end() : owned.end() + 200]
        for category in re.finditer(r"([\u4e00-\u9fff]{2,12}?用车)(\d+)辆", tail):
            assets.vehicles[category.group(1)] = int(category.group(2))
    area = re.search(r"办公用房建筑总面积" + _NUM + "平方米", text)
    assets.office_area = _figure(area, 1, section, path)
    for attr, amount in (("equipment_50", "50"), ("equipment_100", "100")):
        found = re.search(amount + r"万元[（(]原值[)）]以上的通用设备(\d+)台", text)
        if found is None:  # 决算: "单价100万元（含）以上设备（不含车辆）2台（套）"
            found = re.search(
                r"单价" + amount + r"万元[（(]含[)）]以上设备(?:[（(]不含车辆[)）])?(\d+)台", text
            )
        if found:
            setattr(assets, attr, int(found.group(1)))


_GLOSSARY = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])\s*(.+)$")


def read_glossary(disclosure: Disclosure, lines: list[Line]) -> None:
    entries: list[tuple[str, list[str], Line]] = []
    for line in lines:
        text = line.text.replace("**", "").strip()
        found = _GLOSSARY.match(text)
        if found:
            entries.append((found.group(2), [], line))
        elif entries:
            entries[-1][1].append(text)
    path = disclosure.meta.source_file
    for head, more, first in entries:
        body = head + "".join(more)
        parts = re.split(r"[：:]", body, maxsplit=1)
        if len(parts) == 1:
            parts = re.split(r"(?=是指|是对)", body, maxsplit=1)
        term, definition = (parts[0], parts[1]) if len(parts) == 2 else (body, "")
        source = Source(path, first.number, first.page)
        disclosure.glossary.append(GlossaryEntry(term.strip(), definition.strip(), source))
