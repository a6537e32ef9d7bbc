"""A disclosure's stored counts by severity, as the web application shows them: findings a
reviewer dismissed left out (``finding_reviews``) and the deployment's rule settings applied
(``rule_settings``: rules off left out, severities changed). A store written by the command line
before the web tables existed has neither table and counts every finding as stored."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, inspect, text

_KNOWN: dict[str, set[str]] = {}  # database url -> the tables known to exist


def has_table(connection: Connection, name: str) -> bool:
    known = _KNOWN.setdefault(str(connection.engine.url), set())
    if name not in known and inspect(connection).has_table(name):
        known.add(name)
    return name in known


def rule_settings(connection: Connection) -> tuple[set[str], dict[str, str]]:
    """(the rules switched off, the changed severities by rule)."""
    if not has_table(connection, "rule_settings"):
        return set(), {}
    rows = connection.execute(text("SELECT rule, enabled, severity FROM rule_settings")).all()
    off = {rule for rule, enabled, _ in rows if not enabled}
    return off, {rule: severity for rule, enabled, severity in rows if enabled and severity}


def dismissed(connection: Connection, disclosure_ids: Iterable[int]) -> set[int]:
    """The ids of the findings of these disclosures a reviewer dismissed."""
    ids = sorted(set(disclosure_ids))
    if not ids or not has_table(connection, "finding_reviews"):
        return set()
    query = text(
        "SELECT finding_id FROM finding_reviews WHERE decision = 'dismissed' AND disclosure_id IN "
        f"({', '.join(str(int(i)) for i in ids)})"
    )
    return {int(r[0]) for r in connection.execute(query)}


def counts(
    connection: Connection, findings: Iterable[tuple[str, str]],
    settings: tuple[set[str], dict[str, str]] | None = None,
) -> dict[str, int]:  # fmt: skip
    """``errors``, ``warnings``, ``infos`` of (rule, severity) findings with the settings
    (``rule_settings``, read here unless given)."""
    off, changed = settings if settings is not None else rule_settings(connection)
    found = {"error": 0, "warning": 0, "info": 0}
    for rule, severity in findings:
        if rule not in off:
            key = changed.get(rule, severity)
            found[key] = found.get(key, 0) + 1
    return {"errors": found["error"], "warnings": found["warning"], "infos": found["info"]}
