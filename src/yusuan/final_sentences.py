"""The item sentences of a 决算's 情况说明, as the template writes them:

    "1、教育支出（类）普通教育（款）初中教育（项）。主要用于：……。年初预算为 XXX万元，支出决算为
    XXX万元。决算数大于（小于）预算数的主要原因：……"

read into the three names, the two figures and what follows them (the verdict and the reason), for
the checks of one document and for the budget they are compared with across documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from yusuan.model import Row, RowKind, Table
from yusuan.names import normalize_name
from yusuan.sentences import NUMBER

# A name may hold a bracket of its own: "政府办公厅（室）及相关机构事务（款）".
_NAME = r"((?:[^（）。；、\d]|（[^（）类款项]{1,8}）){2,40}?)"
_ITEM = re.compile(r"(?:^|[。；\d、])" + _NAME + "（类）" + _NAME + "（款）" + _NAME + "（项）")
FIGURES = re.compile(r"年初预算为" + NUMBER + r"万元[，,]支出决算为" + NUMBER + "万元")
_OPENING = re.compile(r"^[^。]*?年初预算为" + NUMBER + r"万元[，,]支出决算为" + NUMBER + "万元")


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@dataclass(frozen=True, slots=True)
class ItemSentence:
    """One 项 of the 情况说明 (text without line breaks)."""

    names: tuple[str, str, str]  # 类, 款, 项 as printed
    budget: Decimal  # 年初预算, 万元
    final: Decimal  # 支出决算, 万元
    figures: str  # "年初预算为1560.05万元，支出决算为1511.89万元" as printed
    after: str  # what follows the figures, up to the next item


def item_sentences(text: str) -> list[ItemSentence]:
    """Every item of ``text`` (a section's text with its line breaks and spaces removed) that
    states both figures."""
    starts = list(_ITEM.finditer(text))
    found = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        body = text[match.end() : end]
        figures = FIGURES.search(body)
        if figures is None:
            continue
        found.append(
            ItemSentence(
                (match.group(1), match.group(2), match.group(3)),
                _amount(figures.group(1)),
                _amount(figures.group(2)),
                figures.group(0),
                body[figures.end() :],
            )
        )
    return found


def opening_figures(text: str) -> tuple[Decimal, Decimal, str] | None:
    """The section's opening "年初预算为A万元，支出决算为B万元" (before its first item)."""
    opening = _OPENING.search(text)
    if opening is None or _ITEM.search(text[: opening.end()]):
        return None
    return _amount(opening.group(1)), _amount(opening.group(2)), opening.group(0)


def item_row(table: Table, names: tuple[str, str, str]) -> Row | None:
    """The 项 row of a coded table printed under the 类 and 款 of those names."""
    wanted = [normalize_name(n) for n in names]
    klass = section = None
    for row in table.rows:
        if not row.code:
            continue
        name = normalize_name(row.label)
        if row.kind == RowKind.CLASS or len(row.code) == 3:
            klass, section = name, None
        elif len(row.code) == 5:
            section = name
        elif klass == wanted[0] and section == wanted[1] and name == wanted[2]:
            return row
    return None


# "收入支出总计2995.39万元。与2023年度相比，收入支出总计减少56.95万元，下降1.87%",
# "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%", "…总计0.3万元。与2023年度相比，
# 财政拨款收入支出总计持平".
_CHANGE = re.compile(
    NUMBER
    + r"万元[^。；]{0,30}?[。，,；]\s*(?:与\d{4}年度?相比[，,]?([^，。；]{0,30}?)|比\d{4}年度?)"
    r"(?:(增加|减少)" + NUMBER + r"万元(?:[，,](增长|下降)" + NUMBER + "%)?|(?:基本)?持平)"
)


@dataclass(frozen=True, slots=True)
class ChangeSentence:
    """A stated change against last year, as a 决算 words it."""

    current: Decimal  # this year's amount, 万元
    subject: str  # what changed, as named after "与2023年度相比，" ("" after "比2023年度")
    direction: str  # 增加, 减少 or 持平
    change: Decimal  # unsigned, 万元 (0 for 持平)
    rate_word: str  # 增长 / 下降, "" when no rate is stated
    rate: Decimal | None
    quote: str  # from the comparison on, as printed


def change_sentences(text: str) -> list[ChangeSentence]:
    """Every change against last year of ``text`` (line breaks and spaces removed)."""
    found = []
    for match in _CHANGE.finditer(text):
        now, subject, word, change, rate_word, rate = match.groups()
        start = match.start(3) - 2 if word else match.end() - 4
        found.append(
            ChangeSentence(
                _amount(now),
                subject or "",
                word or "持平",
                _amount(change) if change else Decimal(0),
                rate_word or "",
                Decimal(rate) if rate else None,
                text[max(start, match.start()) : match.end()],
            )
        )
    return found
