"""Template profiles: which tables a province's template has, what they are called, how the
document's parts are headed, and the unit its tables print amounts in.

A profile is data plus a little code; the recognizer, checks and exports take it from
``Disclosure.meta.profile``. ``detect`` picks the profile whose table titles a document prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from yusuan.recognize.profile import SHANXI_TABLES, TABLE_NAMES, TableSpec
from yusuan.recognize.shanghai import SHANGHAI_TABLE_NAMES, SHANGHAI_TABLES


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    name: str  # Chinese, for people
    tables: tuple[TableSpec, ...]
    table_names: dict[int, str]
    amount_unit: str  # unit of the tables' amounts
    narrative_unit: str  # unit of Part 3's amounts

    def spec(self, number: int) -> TableSpec:
        return self.tables[number - 1]

    def title_of(self, compact: str) -> TableSpec | None:
        if PROFILES.get(self.key) is self:  # the same lines are asked about again and again
            return _title_of(self.key, compact)
        return _first_title(self.tables, compact)


def _first_title(tables: tuple[TableSpec, ...], compact: str) -> TableSpec | None:
    for spec in tables:
        if spec.title.match(compact):
            return spec
    return None


@lru_cache(maxsize=4096)
def _title_of(key: str, compact: str) -> TableSpec | None:
    return _first_title(PROFILES[key].tables, compact)


SHANXI = Profile(
    "shanxi", "山西省预算公开模板（13张表）", SHANXI_TABLES, TABLE_NAMES, "万元", "万元"
)
SHANGHAI = Profile(
    "shanghai", "上海市预算公开模板（9张表）", SHANGHAI_TABLES, SHANGHAI_TABLE_NAMES, "元", "万元"
)
PROFILES = {p.key: p for p in (SHANXI, SHANGHAI)}


def get_profile(key: str) -> Profile:
    return PROFILES.get(key, SHANXI)


def detect(compacts: list[str]) -> Profile:
    """The profile whose table titles occur most often among the document's lines."""
    best, best_hits = SHANXI, 0
    for profile in PROFILES.values():
        hits = sum(1 for c in compacts if "表" in c and len(c) < 60 and profile.title_of(c))
        if hits > best_hits:
            best, best_hits = profile, hits
    return best
