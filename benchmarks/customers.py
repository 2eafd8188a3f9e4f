"""Importing 100,000 customers through the service /customers import uses, against raw executemany.

    python benchmarks/customers.py            # 100,000 customers (~10 s)
    python benchmarks/customers.py --quick    # 5,000 customers, a few seconds, for CI

What is timed (the gazetteer is loaded once beforehand and its load time printed apart):
1. **service**: ``CustomerFileService.dry_run`` (decode, parse and check every row, resolve the cities with
   ``resolve_many``, keep the file) then ``confirm`` (check again, write in one transaction), on a fresh
   SQLite file, as the Confirm button does;
2. **re-import**: the same file again (every row matched to an existing customer and updated);
3. **baseline**: one ``executemany`` of the already-resolved rows into the same table of a fresh file.
The ratios say what checking, resolving and matching cost on top of the bare insert.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from bot.domain.cities import City, Gazetteer, default_gazetteer
from bot.runtime import open_database
from bot.services import Services

SEED = 20261125
GUILD = 1
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def city_text(city: City, rng: random.Random) -> str:
    """How people write a city in a spreadsheet: the name, "City, ST", lower case, or padded."""
    form = rng.randrange(4)
    if form == 0:
        return city.name
    if form == 1:
        return f"{city.name}, {city.region_abbr or city.country_code}"
    if form == 2:
        return city.name.lower()
    return f"  {city.name.upper()} "


def make_csv(gazetteer: Gazetteer, count: int, rng: random.Random) -> tuple[str, list[City]]:
    """A customer list; cities drawn with a bias to big ones. Returns the CSV and each row's city."""
    big = [c for c in list(gazetteer)[:3000] if gazetteer.resolve(c.name).city == c]  # unambiguous by name
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["discord_name", "email", "name", "city", "what_i_do", "company"])
    cities = []
    for i in range(count):
        city = big[min(int(rng.paretovariate(1.0)) * 5 + rng.randrange(5), len(big) - 1)]
        cities.append(city)
        writer.writerow([f"user{i:06d}", f"user{i:06d}@example.com", f"Customer {i}", city_text(city, rng),
                         rng.choice(("Bakery", "Consulting", "Logistics", "Design", "Retail")), f"Company {i % 997}"])
    return buffer.getvalue(), cities


async def service_import(data: bytes, directory: Path) -> tuple[float, float, int]:
    db = await open_database(directory / "service.db")
    try:
        services = Services.build(db, lambda: NOW)
        files = services.customer_files
        start = time.perf_counter()
        dry = await files.dry_run(GUILD, by=1, filename="customers.csv", data=data)
        assert dry.import_id is not None and not dry.plan.problems, dry.plan.problems[:3]
        _, counts = await files.confirm(GUILD, dry.import_id)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = await files.dry_run(GUILD, by=1, filename="customers.csv", data=data)
        assert again.import_id is not None
        _, recount = await files.confirm(GUILD, again.import_id)
        second = time.perf_counter() - start
        assert recount.added == 0 and recount.updated == counts.added
        return first, second, counts.added
    finally:
        await db.close()


async def baseline_insert(count: int, cities: list[City], directory: Path) -> float:
    db = await open_database(directory / "baseline.db")
    try:
        when = NOW.isoformat()
        rows = [(GUILD, f"user{i:06d}", f"user{i:06d}@example.com", f"Customer {i}", city.geonameid, "Bakery",
                 f"Company {i % 997}", when, when) for i, city in enumerate(cities[:count])]
        start = time.perf_counter()
        async with db.transaction() as tx:
            await tx.execute_many(
                "INSERT INTO customers (guild_id, discord_name, email, name, city_id, what_i_do, company, source, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'import', ?, ?)",
                rows,
            )
        return time.perf_counter() - start
    finally:
        await db.close()


async def main(quick: bool) -> None:
    count = 5_000 if quick else 100_000
    start = time.perf_counter()
    gazetteer = default_gazetteer()
    print(f"gazetteer loaded once in {time.perf_counter() - start:.2f} s ({len(gazetteer):,} cities)")
    text, cities = make_csv(gazetteer, count, random.Random(SEED))
    data = text.encode("utf-8")
    print(f"{count:,} customers, {len(data) / 1e6:.1f} MB of CSV, {len({c.geonameid for c in cities}):,} cities")
    with tempfile.TemporaryDirectory(prefix="lt-bench-") as tmp:
        first, again, added = await service_import(data, Path(tmp))
        base = await baseline_insert(count, cities, Path(tmp))
    assert added == count
    print(f"baseline  raw executemany of resolved rows   {base:7.2f} s  {count / base:10,.0f} rows/s  1.0×")
    print(f"service   dry run + confirm (new customers)   {first:7.2f} s  {count / first:10,.0f} rows/s  "
          f"{first / base:.1f}× baseline")
    print(f"service   re-import of the same file          {again:7.2f} s  {count / again:10,.0f} rows/s  "
          f"{again / base:.1f}× baseline")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 customers instead of 100,000")
    asyncio.run(main(parser.parse_args().quick))
