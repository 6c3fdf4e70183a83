#!/usr/bin/env python3
"""Rebuild data/wiod2016/ from the full extracts (one CSV per source, see data/wiod2016/SOURCES.md).

The full extracts cover 2000-2014 (NIOT, SEA), 43 countries + RoW (JRC CO2) and every country
(PWT). This keeps the six countries that have hours and, for the two large families (NIOT, SEA),
only the years listed below. Rows are copied byte for byte: no value is parsed or re-printed, so
every number shipped is the number in the extract.

    python3 scripts/wiod2016_subset.py FULL_EXTRACTS_DIR [OUT_DIR]

OUT_DIR defaults to data/wiod2016 beside this script's repository. Standard library only.
"""
import sys
from pathlib import Path

COUNTRIES = ["USA", "DEU", "GBR", "FRA", "CAN", "AUS"]
YEARS = ["2000", "2005", "2008", "2010", "2014"]


def keep(src, dst, test):
    """Copy the header and every line whose split fields pass `test`, byte for byte."""
    n = 0
    with open(src, newline="") as f, open(dst, "w", newline="") as g:
        header = f.readline()
        g.write(header)
        names = header.rstrip("\r\n").split(",")
        for line in f:
            # The first fields (country, year, code) never contain commas or quotes.
            fields = line.split(",", 4)
            if test(dict(zip(names, fields))):
                g.write(line)
                n += 1
    print(f"{dst.name}: {n} rows")


def main():
    full = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "data" / "wiod2016"
    out.mkdir(parents=True, exist_ok=True)
    for c in COUNTRIES:
        keep(full / f"wiod2016_niot_{c}.csv", out / f"niot_{c}.csv", lambda r: r["Year"] in YEARS)
    keep(full / "wiod2016_sea_6countries.csv", out / "sea.csv",
         lambda r: r["country"] in COUNTRIES and r["year"] in YEARS)
    keep(full / "jrc_wiod_co2_kt_2000_2016.csv", out / "jrc_co2_kt.csv", lambda r: r["country"] in COUNTRIES)
    keep(full / "pwt100_pop_emp_avh.csv", out / "pwt100.csv", lambda r: r["countrycode"] in COUNTRIES)
    (out / "sectors.csv").write_bytes((full / "wiod2016_sectors.csv").read_bytes())
    print("sectors.csv: copied")


if __name__ == "__main__":
    main()
