#!/usr/bin/env python3
"""Builds the life tables in this folder from UN World Population Prospects 2024.

Source files: data-raw/{mxF5,mxM5,percentASFR5,tfr5,sexRatio5}.txt of the R package wpp2024
(github.com/PPgp/wpp2024, version 1.1-3, 2024-11-26), which redistributes the United Nations
Population Division's WPP 2024 under CC BY 3.0 IGO. Run from anywhere:

    python3 extract.py /path/to/wpp2024/data-raw

For each country and the period 2015-2020 (the last five-year period of estimates) it writes
wpp2024-<code>.csv with one row per year of age 0..100 (100 stands for 100 and over):

    age        completed years of age
    q_female   probability that a woman of this age dies within the year
    q_male     the same for a man
    daughters  daughters born per woman of this age per year
    sons       sons born per woman of this age per year

Conversions (each is the standard one; docs/demography.md says the same):
- WPP gives central death rates m by five-year age group (0, 1-4, 5-9, ..., 95-99, 100+);
  every single year of age in a group takes the group's rate, and q = 1 - exp(-m) (a constant
  force of mortality within the year).
- WPP gives the total fertility rate TFR for 2015-2020 and the percentage of it by five-year
  age group of the mother (PASFR, annual; averaged over 2015..2019). A group's age-specific
  rate is TFR * PASFR / 100 / 5 births per woman per year, the same at each age in the group.
- Births split into daughters and sons by the sex ratio at birth S (boys per girl) for
  2015-2020: daughters = f / (1 + S), sons = f * S / (1 + S).
"""
import csv
import math
import os
import sys

COUNTRIES = {  # WPP code: file suffix
    900: "world",
    36: "aus",
    124: "can",
    250: "fra",
    276: "deu",
    826: "gbr",
    840: "usa",
}
PERIOD = "2015-2020"
YEARS = [str(y) for y in range(2015, 2020)]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main(raw):
    mx = {sex: read(os.path.join(raw, f"mx{sex}5.txt")) for sex in "FM"}
    pasfr = read(os.path.join(raw, "percentASFR5.txt"))
    tfr = read(os.path.join(raw, "tfr5.txt"))
    srb = read(os.path.join(raw, "sexRatio5.txt"))
    here = os.path.dirname(os.path.abspath(__file__))
    for code, name in COUNTRIES.items():
        rates = {}
        for sex in "FM":
            for row in mx[sex]:
                if int(row["country_code"]) == code:
                    start = int(row["age"].rstrip("+"))
                    rates[(sex, start)] = float(row[PERIOD])
        total = next(float(r[PERIOD]) for r in tfr if int(r["country_code"]) == code)
        ratio = next(float(r[PERIOD]) for r in srb if int(r["country_code"]) == code)
        share = {}
        for row in pasfr:
            if int(row["country_code"]) == code:
                lo = int(row["age"].split("-")[0])
                share[lo] = sum(float(row[y]) for y in YEARS) / len(YEARS)
        scale = sum(share.values())
        out = os.path.join(here, f"wpp2024-{name}.csv")
        with open(out, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["age", "q_female", "q_male", "daughters", "sons"])
            for age in range(101):
                group = 0 if age == 0 else (1 if age < 5 else min(age // 5 * 5, 100))
                q = [1.0 - math.exp(-rates[(sex, group)]) for sex in "FM"]
                lo = age // 5 * 5
                # PASFR rows are percentages; renormalised so they add to exactly 100.
                births = total * share.get(lo, 0.0) / scale / 5.0
                w.writerow([
                    age,
                    f"{q[0]:.8f}",
                    f"{q[1]:.8f}",
                    f"{births / (1 + ratio):.8f}",
                    f"{births * ratio / (1 + ratio):.8f}",
                ])
        print(f"{out}: TFR {total}, sex ratio at birth {ratio}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data-raw")
