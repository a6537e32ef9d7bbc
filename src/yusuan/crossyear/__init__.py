"""Across years: linking a unit's stored disclosures year to year, checking Part 3's 比上年 claims
against last year's stored document (rule XYEAR-CHANGE), and 科目 code mappings.

Ingest calls ``after_save(store, disclosure_id, model=disclosure)`` after each stored document.
"""

from yusuan.crossyear.check import CrossCheck, after_save, crosscheck, crosscheck_disclosure
from yusuan.crossyear.links import Link, link_disclosure, relink

__all__ = [
    "CrossCheck",
    "Link",
    "after_save",
    "crosscheck",
    "crosscheck_disclosure",
    "link_disclosure",
    "relink",
]
