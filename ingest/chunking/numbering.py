"""Decimal heading numbers only count when they continue the document's numbering.

Body and footnote lines also start with numbers ("2.1 Jw een taak ...", "3 Ambtenarenwet ...");
a number is accepted as a heading only when it is the next sibling of some level of the current
number, or its first child: after 5.4.7 come 5.4.7.1, 5.4.8, 5.5 or 6."""

from __future__ import annotations


def parse_number(token: str) -> tuple[int, ...] | None:
    parts = token.strip().rstrip(".").split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


class NumberTracker:
    def __init__(self) -> None:
        self.current: tuple[int, ...] = ()

    def accepts(self, number: tuple[int, ...]) -> bool:
        cur = self.current
        if not cur:
            return number in ((1,), (1, 1))
        if number == cur + (1,):
            return True
        for k in range(len(cur)):
            # One missed heading (extraction damage) may be skipped: 5.4.7.7 -> 5.4.7.9.
            if number[:-1] == cur[:k] and len(number) == k + 1 and cur[k] < number[k] <= cur[k] + 2:
                return True
        return False

    def accept(self, number: tuple[int, ...]) -> None:
        self.current = number

    def reset(self) -> None:
        self.current = ()
