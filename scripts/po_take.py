"""Take translations from another .po file into one that `make messages` just rewrote.

`make messages` reorders whole catalogues, so two branches that both add strings conflict
in every .po file. After a merge: keep either side of the conflicting .po, run
`make messages`, then for each branch

    python scripts/po_take.py locale/ru/LC_MESSAGES/django.po OTHER.po

fills every entry that is empty or fuzzy here and translated (not fuzzy) in OTHER.po. Only
the msgstr lines and the fuzzy flag of those entries change; the rest of the file stays
byte for byte, so the diff shows just what was taken.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field


@dataclass
class Entry:
    lines: list[str] = field(default_factory=list)

    def _field(self, name: str) -> str | None:
        value: list[str] = []
        current = None
        for line in self.lines:
            if line.startswith("#"):
                continue
            if line.startswith('"') and current == name:
                value.append(ast.literal_eval(line))
                continue
            key = line.split(" ", 1)[0]
            current = key
            if key == name:
                value.append(ast.literal_eval(line.split(" ", 1)[1]))
        return "".join(value) if value or current else None

    def key(self) -> tuple[str | None, str | None, str | None]:
        return (self._field("msgctxt"), self._field("msgid"), self._field("msgid_plural"))

    def fuzzy(self) -> bool:
        return any(line.startswith("#,") and "fuzzy" in line for line in self.lines)

    def msgstr_lines(self) -> list[str]:
        out, inside = [], False
        for line in self.lines:
            if line.startswith("msgstr"):
                inside = True
            elif not line.startswith('"'):
                inside = False
            if inside:
                out.append(line)
        return out

    def translated(self) -> bool:
        texts = [
            ast.literal_eval(line.split(" ", 1)[1] if not line.startswith('"') else line)
            for line in self.msgstr_lines()
        ]
        return any(texts) and not self.fuzzy()


def parse(text: str) -> list[Entry]:
    entries, current = [], Entry()
    for line in text.split("\n"):
        if line.strip() == "":
            if current.lines:
                entries.append(current)
            current = Entry()
            entries.append(Entry())  # the blank line itself
        else:
            current.lines.append(line)
    if current.lines:
        entries.append(current)
    return entries


def take(target_text: str, other_text: str) -> tuple[str, int]:
    donors = {e.key(): e for e in parse(other_text) if e.lines and e.translated()}
    out, taken = [], 0
    for entry in parse(target_text):
        if not entry.lines:
            out.append("")
            continue
        donor = donors.get(entry.key())
        if entry.key()[1] and donor is not None and not entry.translated():
            kept = [
                line
                for line in entry.lines
                if line not in entry.msgstr_lines()
                and not (line.startswith("#,") and "fuzzy" in line)
            ]
            # A fuzzy flag may share its line with others (#, fuzzy, python-format).
            for line in entry.lines:
                if line.startswith("#,") and "fuzzy" in line:
                    flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
                    if flags:
                        kept.insert(0, "#, " + ", ".join(flags))
            kept = [line for line in kept if not line.startswith("#|")]
            out.append("\n".join(kept + donor.msgstr_lines()))
            taken += 1
        else:
            out.append("\n".join(entry.lines))
    return _rejoin(out), taken


def _rejoin(chunks: list[str]) -> str:
    lines: list[str] = []
    for chunk in chunks:
        lines.extend(chunk.split("\n") if chunk else [""])
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    target, others = argv[1], argv[2:]
    with open(target, encoding="utf-8") as fh:
        text = fh.read()
    for other in others:
        with open(other, encoding="utf-8") as fh:
            text, taken = take(text, fh.read())
        print(f"{other}: {taken} translation(s) taken into {target}")
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
