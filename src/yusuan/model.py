"""The disclosure model: one typed description of everything a budget disclosure says.

Readers and recognizers fill it, checks read it, renderers and the store write it out. It holds no
parsing logic. Money is ``Decimal``; a blank cell is ``None``; every value keeps the text it was
printed as and where it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

SCHEMA_VERSION = "1.0"


@dataclass(slots=True)
class Source:
    """Where a value was read: file and 1-based line, plus page and box when the input has pages."""

    file: str
    line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.page is not None:
            where += f":p{self.page}"
        if self.line is not None:
            where += f":{self.line}"
        return where


@dataclass(slots=True)
class Cell:
    """One table cell. ``amount`` is set for numeric cells, ``None`` for blank or text cells."""

    text: str
    amount: Decimal | None = None
    source: Source | None = None
    confidence: float = 1.0

    @property
    def blank(self) -> bool:
        return self.text.strip() == ""


class Side(StrEnum):
    """The halves of a two-sided table (tables 1, 4 and 9 of the Shanxi template)."""

    INCOME = "income"
    EXPENDITURE = "expenditure"


class RowKind(StrEnum):
    TOTAL = "total"  # 合计, 收入总计 …
    CLASS = "class"  # 类 (3-digit code)
    SECTION = "section"  # 款 (5-digit code)
    ITEM = "item"  # 项 (7-digit code) or an economic item
    GROUP = "group"  # economic classification group (工资福利支出 …)
    DEPARTMENT = "department"  # table 12/13 department subtotal
    UNIT = "unit"  # table 12/13 unit subtotal
    PROJECT = "project"
    LINE = "line"  # any other labelled line (table 1/4 income lines, 三公 items …)


@dataclass(slots=True)
class Column:
    """A column of a table: a stable key and the header as printed (levels joined with '/')."""

    key: str
    header: str
    numeric: bool = True
    side: Side | None = None


@dataclass(slots=True)
class Row:
    label: str
    code: str | None = None
    kind: RowKind = RowKind.LINE
    side: Side | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    source: Source | None = None
    position: int | None = None  # printed row within the table: both halves of a row share it
    printed_code: str | None = None  # the code's parts as printed, when they were normalised

    def amount(self, key: str) -> Decimal | None:
        cell = self.cells.get(key)
        return cell.amount if cell is not None else None

    def text(self, key: str) -> str | None:
        cell = self.cells.get(key)
        return None if cell is None or cell.blank else cell.text.strip()

    @property
    def key(self) -> str:
        """Code if the row has one, else its label: how checks and exports name a row."""
        return self.code or self.label


@dataclass(slots=True)
class Table:
    """One of the template's tables, with its printed title and real row/column structure."""

    number: int
    key: str
    title: str
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    no_data: bool = False  # the table says 注：本表无数据
    note: str = ""  # the 注 that says so, as printed
    note_source: Source | None = field(default=None, compare=False)
    unit_name: str | None = None
    amount_unit: str | None = None
    source: Source | None = None
    confidence: float = 1.0

    def column(self, key: str, side: Side | None = None) -> Column | None:
        for col in self.columns:
            if col.key == key and (side is None or col.side in (None, side)):
                return col
        return None

    def find(self, key: str, side: Side | None = None) -> list[Row]:
        return [r for r in self.rows if r.key == key and (side is None or r.side == side)]

    def row(self, key: str, side: Side | None = None) -> Row | None:
        found = self.find(key, side)
        return found[0] if found else None

    def value(self, row_key: str, column: str, side: Side | None = None) -> Decimal | None:
        row = self.row(row_key, side)
        return row.amount(column) if row is not None else None


@dataclass(slots=True)
class Section:
    """A numbered section of a narrative part, with its text and sub-sections."""

    number: str  # as printed: "一", "（一）", "1"
    title: str
    text: str = ""
    subsections: list[Section] = field(default_factory=list)
    source: Source | None = None
    line_map: list[tuple[int, int]] = field(default_factory=list)  # (text offset, line number)


@dataclass(slots=True)
class Figure:
    """A number stated in the narrative, with the sentence it was read from."""

    value: Decimal | None
    text: str
    sentence: str = ""
    source: Source | None = None


@dataclass(slots=True)
class Staffing:
    authorized: int | None = None  # 编制人数
    actual: int | None = None  # 实有人数
    internal_departments: int | None = None  # 内设机构数
    retired: int | None = None


@dataclass(slots=True)
class Procurement:
    total: Figure | None = None
    goods: Figure | None = None
    works: Figure | None = None
    services: Figure | None = None


@dataclass(slots=True)
class ProjectKindCount:
    kind: str  # 其他运转类, 特定目标类 …
    count: int
    amount: Figure | None = None


@dataclass(slots=True)
class PerformanceSummary:
    """Section 十 (绩效管理情况): whole-unit goal money and project counts by kind."""

    whole_unit_amount: Figure | None = None
    whole_unit_goal: bool = True  # False when the text says 无整体绩效目标
    projects: int | None = None
    amount: Figure | None = None
    kinds: list[ProjectKindCount] = field(default_factory=list)
    published_projects: int | None = None
    published_amount: Figure | None = None
    published_share: Figure | None = None
    published_kinds: list[ProjectKindCount] = field(default_factory=list)


@dataclass(slots=True)
class ThreePublicCounts:
    """What the 三公 section counts: 因公出国（境）团组 and 人次, 公务用车 bought and held,
    公务接待 批次 and 人次 (and the 外宾 among them). A count the text does not state is None."""

    groups: Figure | None = None  # 团组XX个
    travellers: Figure | None = None  # 累计XX人次
    vehicles_bought: Figure | None = None  # 购置XX辆
    vehicles_held: Figure | None = None  # 保有量为XX辆
    receptions: Figure | None = None  # 接待XX批次
    guests: Figure | None = None  # XX人次
    foreign_receptions: Figure | None = None  # 接待外宾XX批次
    foreign_guests: Figure | None = None


@dataclass(slots=True)
class Assets:
    """Section 十一 (国有资产占有使用情况)."""

    as_of: str | None = None
    vehicles: dict[str, int] = field(default_factory=dict)  # 编制, 实有, then each category
    office_area: Figure | None = None  # 平方米
    equipment_50: int | None = None  # 50万元以上通用设备 台（套）
    equipment_100: int | None = None


@dataclass(slots=True)
class Indicator:
    level1: str
    level2: str
    level3: str
    value: str
    source: Source | None = field(default=None, compare=False)  # where, not what


@dataclass(slots=True)
class FundSources:
    """Funds of a performance table in 元, by source. Blank stays ``None``."""

    total: Cell | None = None
    central: Cell | None = None  # 中央财政资金
    provincial: Cell | None = None  # 省级财政资金
    local: Cell | None = None  # 市县（区）财政资金
    own: Cell | None = None  # 单位自筹
    other: Cell | None = None  # 其他资金
    fiscal: Cell | None = None  # Shanghai: 其中：财政资金 (project), 其中：当年财政拨款 (year)
    carryover: Cell | None = None  # Shanghai: 上年结转资金 (year only)
    # Where the 资金总额 label is printed, so a total left blank can be pointed at.
    label_source: Source | None = field(default=None, compare=False)


@dataclass(slots=True)
class PerformanceTable:
    """A 项目支出绩效目标表 (or the unit's 整体支出绩效目标申报表 when ``whole_unit``).

    Shanghai's 财政项目支出绩效目标填报表 fills ``period_funds`` from 项目资金总额 (total,
    其中：财政资金, 其他资金) and ``annual_funds`` from 年度资金申请总额 (total, 其中：当年财政拨款,
    上年结转资金, 其他资金); its one indicator tree (年度(/项目)指标值) is ``annual_indicators``."""

    title: str
    project: str = ""
    department: str | None = None  # 主管部门及代码, as printed
    implementer: str | None = None  # 实施单位
    attribute: str | None = None  # 项目属性 (Shanghai: 项目性质)
    period: str | None = None  # 项目期
    # Each header field's label as printed ("项目性质" where the template says 项目属性), and
    # its line.
    field_labels: dict[str, tuple[str, Source]] = field(default_factory=dict, compare=False)
    category: str | None = None  # Shanghai: 项目类别 (特定目标类, 其他运转类 …)
    planned_start: str | None = None  # Shanghai: 计划开始日期, as printed
    planned_end: str | None = None  # Shanghai: 计划完成日期, as printed
    period_funds: FundSources = field(default_factory=FundSources)
    annual_funds: FundSources = field(default_factory=FundSources)
    texts: dict[str, str] = field(default_factory=dict)  # 项目概况, 立项依据, … 总体目标
    period_indicators: list[Indicator] = field(default_factory=list)
    annual_indicators: list[Indicator] = field(default_factory=list)
    whole_unit: bool = False
    confidence: float = 1.0
    source: Source | None = None


@dataclass(slots=True)
class Annex:
    title: str
    text: str
    source: Source | None = None
    line_map: list[tuple[int, int]] = field(default_factory=list)  # (text offset, line number)


@dataclass(slots=True)
class ContentsEntry:
    """One line of the 目录, without its leader dots and page number."""

    text: str
    source: Source | None = None


@dataclass(slots=True)
class GlossaryEntry:
    term: str
    definition: str
    source: Source | None = field(default=None, compare=False)  # the entry's first line


@dataclass(slots=True)
class Issue:
    """Something the reader could not do cleanly: low confidence, unreadable, unrecognised."""

    level: str  # "warning" | "info"
    message: str  # Chinese, for a person
    source: Source | None = None


@dataclass(slots=True)
class Meta:
    unit_name: str = ""
    year: int | None = None
    scope: str = "单位"  # 单位 or 部门
    kind: str = "预算"  # 预算 (budget) or 决算 (final accounts): the kind of the template read
    units: list[str] = field(default_factory=list)  # units under a department (table 11)
    amount_unit: str = "万元"
    source_file: str = ""
    profile: str = "shanxi"
    extraction: str = ""  # tab, markdown, layout, pdf, docx, xlsx, html, ocr


@dataclass(slots=True)
class Disclosure:
    meta: Meta = field(default_factory=Meta)
    duties: str = ""  # 职责
    organization: str = ""  # 机构设置
    # (text offset, line number) of the lines duties and organization were joined from
    duties_map: list[tuple[int, int]] = field(default_factory=list)
    organization_map: list[tuple[int, int]] = field(default_factory=list)
    staffing: Staffing = field(default_factory=Staffing)
    tables: dict[int, Table] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)  # Part 3
    procurement: Procurement = field(default_factory=Procurement)
    performance: PerformanceSummary = field(default_factory=PerformanceSummary)
    assets: Assets = field(default_factory=Assets)
    three_public_counts: ThreePublicCounts = field(default_factory=ThreePublicCounts)
    performance_tables: list[PerformanceTable] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    contents: list[ContentsEntry] = field(default_factory=list)  # the 目录, as printed
    # (first line, page) of each page of a paged input, in order: the page of any cited line
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    def table(self, key: str) -> Table | None:
        """The table the template calls ``key`` (``expenditure_summary``), if the document has it.

        Tables are addressed by meaning, not by their printed number, which differs between
        templates."""
        for table in self.tables.values():
            if table.key == key:
                return table
        return None

    def page_of(self, line: int | None) -> int | None:
        """The page a line of the input is on, when the input has pages."""
        if line is None or not self.page_starts:
            return None
        at = bisect_right(self.page_starts, (line, 1 << 30)) - 1
        return self.page_starts[at][1] if at >= 0 else None

    def section(self, number: str) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None

    def warn(self, message: str, source: Source | None = None) -> None:
        self.issues.append(Issue("warning", message, source))
