"""Checks: small named rules over the model, each finding located and explained in Chinese."""

from __future__ import annotations

from yusuan.checks import (  # noqa: F401  (importing a family registers its rules)
    arithmetic,
    assets,
    changes,
    codes,
    completeness,
    cross_table,
    final,
    final_items,
    final_text,
    naming,
    narrative,
    narrative_items,
    performance,
    shanghai,
    text,
    text_years,
    typos,
)
from yusuan.checks.engine import REGISTRY, Rule, run_rules
from yusuan.checks.findings import Finding, Location, Severity

__all__ = ["REGISTRY", "Finding", "Location", "Rule", "Severity", "run_rules"]
