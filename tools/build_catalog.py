"""Build the packaged classification catalogs in src/yusuan/data/.

Merges the codes observed in real Shanghai documents (../shared/catalog) with the codes printed in
the Shanxi seed documents (../shared/seeds), keeping for each code the name it was printed with
most often and the documents it was seen in. Run: .venv/bin/python tools/build_catalog.py
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import yusuan

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "src" / "yusuan" / "data"


def main() -> None:
    names: dict[str, Counter[str]] = defaultdict(Counter)
    docs: dict[str, set[str]] = defaultdict(set)
    with (SHARED / "catalog" / "observed_function_codes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names[row["code"]][row["name"]] += int(row["n_docs"])
            docs[row["code"]].update(row["source_docs"].split(";"))
    for seed in sorted((SHARED / "seeds").glob("*.txt")):
        disclosure = yusuan.read(seed)
        for number in (2, 3, 5, 7, 8, 9):
            table = disclosure.tables.get(number)
            for row in table.rows if table else []:
                if row.code and row.label:
                    names[row.code][row.label] += 1
                    docs[row.code].add(seed.name)
    with (OUT / "function_codes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "variants", "n_docs"])
        for code in sorted(names):
            variants = ";".join(n for n, _ in names[code].most_common())
            writer.writerow([code, names[code].most_common(1)[0][0], variants, len(docs[code])])
    econ_in = SHARED / "catalog" / "observed_econ_codes.csv"
    with econ_in.open(encoding="utf-8") as src, (OUT / "econ_codes.csv").open(
        "w", encoding="utf-8", newline=""
    ) as dst:
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(["code", "name", "conflict"])
        for row in csv.DictReader(src):
            writer.writerow([row["code"], row["name"], row["conflict"]])


if __name__ == "__main__":
    main()
