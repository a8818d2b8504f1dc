"""Draw the floors of Pervichka from the import contracts in `.importlinter`.

    python scripts/floors.py            # print the picture
    python scripts/floors.py --check    # exit 1 if docs/architecture.md holds another one

The picture in docs/architecture.md is this script's output, so it cannot drift from what
`lint-imports` enforces (tests/test_floors.py runs the check).
"""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- floors:begin -->", "<!-- floors:end -->"


def _contract() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(inline_comment_prefixes=None, comment_prefixes=(";",))
    parser.read(ROOT / ".importlinter")
    return parser["importlinter:contract:floors"]


def _short(module: str) -> str:
    return module.strip().removeprefix("pervichka.").split(".")[0]


def picture() -> str:
    contract = _contract()
    layers = [line.strip() for line in contract["layers"].splitlines() if line.strip()]
    links = []
    for line in contract.get("ignore_imports", "").splitlines():
        match = re.match(r"\s*(\S+)\s*->\s*(\S+)", line)
        if match:
            links.append((_short(match.group(1)), _short(match.group(2))))
    rows = []
    for number, layer in enumerate(layers):
        apps = [_short(m) for m in layer.split("|")]
        floor = len(layers) - 1 - number
        rows.append(f"floor {floor}: " + "  |  ".join(apps))
    width = max(len(r) for r in rows)
    lines = ["```", "top (imports anything below)"]
    for row in rows:
        lines += ["+" + "-" * (width + 2) + "+", f"| {row.ljust(width)} |"]
    lines += ["+" + "-" * (width + 2) + "+", "bottom (imports no app)", ""]
    lines.append("one-way links between siblings (everything else on a floor is independent):")
    lines += [f"  {a} -> {b}" for a, b in sorted(set(links))]
    lines.append("```")
    return "\n".join(lines)


def main() -> int:
    text = picture()
    if "--check" in sys.argv:
        doc = (ROOT / "docs" / "architecture.md").read_text()
        match = re.search(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), doc, re.S)
        if match is None or match.group(1) != text:
            print("docs/architecture.md: the floors picture is out of date; run")
            print("  python scripts/floors.py --write")
            return 1
        return 0
    if "--write" in sys.argv:
        path = ROOT / "docs" / "architecture.md"
        doc = path.read_text()
        block = f"{BEGIN}\n{text}\n{END}"
        if BEGIN in doc:
            doc = re.sub(
                re.escape(BEGIN) + r".*?" + re.escape(END), lambda _m: block, doc, flags=re.S
            )
        else:
            doc += "\n" + block + "\n"
        path.write_text(doc)
        return 0
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
