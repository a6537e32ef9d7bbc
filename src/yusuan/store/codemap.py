"""科目 code remapping across catalog years (《政府收支分类科目》 renumbers codes now and then).

A mapping ``(year, old_code, new_code, note)`` says that ``old_code``, valid up to ``year − 1``,
is ``new_code`` from ``year`` on. Comparisons of 类/款/项 spending across years express every
year's codes in the catalog of the latest year compared (``CodeMap.translate``): mappings of the
years in between are applied in order, an exact mapping first, else the mapping of the code's
款 (5 digits) or 类 (3 digits) carries the code's remaining digits over.

The shipped file ``yusuan/data/code_mappings.csv`` (UTF-8, header ``year,old_code,new_code,note``)
is loaded into ``code_mappings`` at first use when that table is empty; ``yusuan codemap import
FILE`` adds or replaces mappings from a file of the same format. It holds only mappings that are
known for sure: none yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from yusuan.errors import YusuanError
from yusuan.store import schema as s
from yusuan.store.db import Store

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "code_mappings.csv"
HEADER = ("year", "old_code", "new_code", "note")


class CodeMapError(YusuanError):
    """A mapping file that cannot be read or holds an invalid row."""


@dataclass(frozen=True, slots=True)
class Mapping:
    year: int  # the first year ``new_code`` is used
    old_code: str
    new_code: str
    note: str | None = None


def _valid(code: str) -> bool:
    return code.isdigit() and len(code) in (3, 5, 7)


def read_mappings(path: Path) -> list[Mapping]:
    """The mappings of a CSV file, checked: codes of 3, 5 or 7 digits at the same level."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodeMapError(str(path), f"无法读取（{exc}）", "请提供 UTF-8 编码的 CSV 文件") from exc
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or tuple(h.strip() for h in header[:4]) != HEADER:
        raise CodeMapError(str(path), "表头应为 year,old_code,new_code,note", "请按此格式填写")
    found: dict[tuple[int, str], Mapping] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row] + [""] * 4
        year, old, new, note = cells[:4]
        where = f"第{number}行"
        if not year.isdigit() or not 1990 <= int(year) <= 2100:
            raise CodeMapError(str(path), f"{where}：年度“{year}”无效", "请填写启用新编码的年度")
        if not _valid(old) or not _valid(new) or len(old) != len(new):
            raise CodeMapError(
                str(path), f"{where}：科目编码“{old}”→“{new}”无效",
                "新旧编码应为同一级次（类3位、款5位、项7位）的数字",
            )  # fmt: skip
        key = (int(year), old)
        if key in found:
            raise CodeMapError(str(path), f"{where}：{year}年编码{old}重复出现")
        found[key] = Mapping(int(year), old, new, note or None)
    return list(found.values())


def import_mappings(store: Store, path: Path) -> int:
    """Add the file's mappings to the store, replacing any of the same year and old code."""
    mappings = read_mappings(path)
    with store.session() as session:
        _put(session, mappings)
    return len(mappings)


def _put(session: Session, mappings: list[Mapping]) -> None:
    table = s.CodeMapping
    for m in mappings:
        session.execute(delete(table).where(table.year == m.year, table.old_code == m.old_code))
    if mappings:
        session.execute(
            insert(table),
            [{"year": m.year, "old_code": m.old_code, "new_code": m.new_code, "note": m.note}
             for m in mappings],
        )  # fmt: skip


def ensure_seeded(store: Store) -> int:
    """Load the shipped mappings when ``code_mappings`` is empty; the number loaded."""
    with store.reader() as session:
        if session.scalar(select(func.count()).select_from(s.CodeMapping)):
            return 0
    shipped = read_mappings(SHIPPED)
    if not shipped:
        return 0
    with store.session() as session:
        if session.scalar(select(func.count()).select_from(s.CodeMapping)):
            return 0  # another process seeded it meanwhile
        _put(session, shipped)
    return len(shipped)


class CodeMap:
    """Known code changes, by the year they take effect."""

    def __init__(self, mappings: Iterable[Mapping]) -> None:
        self._by_year: dict[int, dict[str, str]] = {}
        for m in mappings:
            self._by_year.setdefault(m.year, {})[m.old_code] = m.new_code

    def __bool__(self) -> bool:
        return bool(self._by_year)

    def translate(self, code: str, from_year: int, to_year: int) -> str:
        """``code`` as used in ``from_year``, expressed in the catalog of ``to_year``."""
        for year in sorted(y for y in self._by_year if from_year < y <= to_year):
            code = self._apply(self._by_year[year], code)
        return code

    @staticmethod
    def _apply(changes: dict[str, str], code: str) -> str:
        if code in changes:
            return changes[code]
        for length in (5, 3):
            if len(code) > length and code[:length] in changes:
                return changes[code[:length]] + code[length:]
        return code


def load_codemap(session: Session) -> CodeMap:
    rows = session.execute(
        select(s.CodeMapping.year, s.CodeMapping.old_code, s.CodeMapping.new_code)
    )
    return CodeMap(Mapping(int(y), old, new) for y, old, new in rows)
