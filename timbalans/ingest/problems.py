"""A problem found in a data set: where it is and what is wrong, in Swedish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None  # 1 = the header row, so the first data row is 2 (as in a spreadsheet)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column and self.column.startswith(("<", "#")):
            where.append(self.column)  # an element of a PAXml file, a label of an SIE file
        elif self.column:
            where.append(f'kolumn "{self.column}"')
        return f"{', '.join(where)}: {self.message}" if where else self.message


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
