"""A corpus of distinct documents made from the four seeds, for ingest tests and benchmarks.

Each copy renames the seed's unit (a district name inserted after the city: 阳泉市 → 阳泉市东城…),
so every copy has its own content hash and its own unit while its tables stay the seed's tables.
"""

from __future__ import annotations

from pathlib import Path

# One alphabet per decimal digit: index 7 → 左城, 123 → 北河乙.
_DIGITS = (
    "东西南北中前后左右上",
    "城郊河湖山林岗塘桥镇",
    "甲乙丙丁戊己庚辛壬癸",
    "一二三四五六七八九十",
)


def district(index: int) -> str:
    """A distinct place name (two to four characters) for each index below 10,000."""
    name = ""
    for position, alphabet in enumerate(_DIGITS):
        if position >= 2 and index == 0:
            break
        name += alphabet[index % 10]
        index //= 10
    return name


def seed_copies(seeds: list[Path], folder: Path, count: int) -> list[Path]:
    """``count`` copies of ``seeds`` (round robin) in ``folder``, each with a renamed unit.
    Returns the paths, with the seed's unit name and the new one in the file name order."""
    import yusuan

    names = {seed: yusuan.read(seed).meta.unit_name for seed in seeds}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        seed = seeds[index % len(seeds)]
        name = names[seed]
        renamed = name[:3] + district(index) + name[3:]
        text = seed.read_text(encoding="utf-8").replace(name, renamed)
        path = folder / f"{index:03d}_{seed.stem}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
