#!/usr/bin/env python3
"""Make the next call year's rulebook edition from the current one, before the new call is
published: every value is carried as it is but marked as carried (source `carried-<year>`,
confidence P, `carried_from = <year>`), and the values that cannot be carried -- each round's
deadline and start window -- are written as explicit unknowns.

    python3 tools/rulebook/carry_forward.py rulebook/2026.toml > rulebook/2027.toml

Values the new call's Programme Guide confirms are then edited by hand, with their real source
and confidence (V or S), and recorded in rulebook/CHANGELOG.md.
"""
import re
import sys
import tomllib


def main(path: str) -> None:
    text = open(path, encoding="utf-8").read()
    old = tomllib.loads(text)["rulebook"]["call_year"]
    new = old + 1
    carried = f"carried-{old}"
    mark = f'source = "{carried}", confidence = "P", carried_from = {old}'

    head, sep, body = text.partition("[rulebook]")
    if not sep:
        sys.exit(f"{path}: no [rulebook] table")
    head = (
        f"# mobiplan rulebook — Erasmus+ KA122 short-term mobility projects, call {new}.\n"
        f"#\n"
        f"# Carried forward from the call-{old} edition by tools/rulebook/carry_forward.py before\n"
        f"# the call-{new} Programme Guide is published. Every value is the call-{old} value,\n"
        f'# marked `source = "{carried}"`, `confidence = "P"`, `carried_from = {old}`: shown as\n'
        f"# unconfirmed for {new} everywhere it is used. Values that cannot be carried (each\n"
        f"# round's deadline and start window) are `unknown = true` until published; the rules\n"
        f"# that need them report what cannot be checked yet. When the call is published, enter\n"
        f"# its values with their real source and confidence and record them in CHANGELOG.md.\n"
        f"#\n"
        f"# Format: see rulebook/{old}.toml.\n\n"
    )
    body = "[rulebook]" + body
    body = re.sub(r"call_year = \d+", f"call_year = {new}", body, count=1)
    body = re.sub(r'edition = "[^"]*"', f'edition = "{new}.1"', body, count=1)
    body = re.sub(
        r'title = "([^"]*)call \d+"',
        lambda m: f'title = "{m.group(1)}call {new} (carried forward from call {old}, unconfirmed)"',
        body,
        count=1,
    )
    # The two new sources, declared before the first existing one.
    sources = (
        f'[sources.{carried}]\n'
        f'title = "call {old}, carried forward: the call-{old} value, not yet confirmed for call {new}"\n'
        f'locator = "rulebook/{old}.toml (the same path)"\n\n'
        f'[sources.call-{new}-pending]\n'
        f'title = "Erasmus+ call for proposals {new} and Programme Guide {new}: not published in the shared references; dates unknown until they are"\n'
        f'locator = "the call for proposals {new} in the Official Journal of the EU, when published"\n\n'
    )
    # The old edition's sources are no longer cited: every value now cites the carried one.
    body = re.sub(r"\[sources\.[^\]]+\]\n(?:[a-z]+ = [^\n]*\n)*\n", "", body)
    i = body.index("# ----")
    body = body[:i] + sources + body[i:]

    # Rounds: the dates of another call cannot be carried.
    def unknown_round(m: re.Match) -> str:
        n = m.group(1)
        pending = f'source = "call-{new}-pending", confidence = "P"'
        return (
            f"[rounds.{n}]\n"
            f'deadline = {{ unknown = true, {pending}, note = "the call-{new} deadline is not published yet" }}\n'
            f'start_from = {{ unknown = true, {pending}, note = "the call-{new} start window is not published yet" }}\n'
            f'start_to = {{ unknown = true, {pending}, note = "the call-{new} start window is not published yet" }}\n'
        )

    body = re.sub(
        r"\[rounds\.(\d+)\]\n(?:(?:deadline|start_from|start_to) = \{[^\n]*\}\n)+",
        unknown_round,
        body,
    )

    # Every other value and rule: carried.
    out = []
    in_sources = False
    for line in body.split("\n"):
        if line.startswith("["):
            in_sources = line.startswith("[sources.")
        if not in_sources and f"call-{new}-pending" not in line:
            line = re.sub(r'source = "[^"]+", confidence = "[VSP]"', mark, line)
            if re.fullmatch(r'source = "[^"]+"', line):
                line = f'source = "{carried}"'
            elif re.fullmatch(r'confidence = "[VSP]"', line):
                line = f'confidence = "P"\ncarried_from = {old}'
        out.append(line)
    sys.stdout.write(head + "\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
