"""Across years: linking a unit's stored disclosures year to year, checking Part 3's 比上年 claims
against last year's stored document (rule XYEAR-CHANGE), and 科目 code mappings.

A single upload calls ``after_save(store, disclosure_id, model=disclosure)`` after storing its
document; ingest calls ``link_and_check(store, ids)`` for many stored documents at once.
"""

from yusuan.crossyear.check import (
    CrossCheck,
    after_save,
    crosscheck,
    crosscheck_disclosure,
    link_and_check,
)
from yusuan.crossyear.links import Link, link_disclosure, link_many, relink

__all__ = [
    "CrossCheck",
    "Link",
    "after_save",
    "crosscheck",
    "crosscheck_disclosure",
    "link_and_check",
    "link_disclosure",
    "link_many",
    "relink",
]
