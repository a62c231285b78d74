"""One indentation level as the code near the cursor writes it: a tab, 2-8 spaces, or "".

Postprocessing re-indents an answer to it. Only the last `INDENT_SAMPLE_LINES` indented lines
of the prompt's window count, and at a new cursor they are read a block at a time from cached
per-block shapes (`block_shape`, which the warm-up prepares), not lead by lead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

INDENT_SAMPLE_LINES = 80  # the lines nearest the cursor say enough about its indentation
_LEAD = re.compile(r"^([ \t]*)\S", re.MULTILINE)


def detect_indent_unit(text: str) -> str:
    """One indentation level as `text` writes it: a tab, the commonest step in spaces, or ""."""
    return _indent_unit(_LEAD.findall(text)[-INDENT_SAMPLE_LINES:])


def window_indent_unit(pieces: Sequence[str]) -> str:
    """`detect_indent_unit` of the window given as `_prefix_pieces` (blocks, then the cursor line).

    Only the last `INDENT_SAMPLE_LINES` indented lines count, so only they are read, a block at a
    time, each whole block by its cached `_Shape`: counting steps lead by lead over 80 leads cost
    0.12 ms at a new cursor, cold (a regular expression over the whole window, 0.2 ms before).
    """
    tail = _LEAD.findall(pieces[-1])[-INDENT_SAMPLE_LINES:]
    need = INDENT_SAMPLE_LINES - len(tail)
    parts: list[_Shape | Sequence[str]] = []  # nearest first
    for piece in reversed(pieces[:-1]):
        if need <= 0:
            break
        leads = block_leads(piece)
        parts.append(block_shape(piece) if len(leads) <= need else leads[len(leads) - need :])
        need -= len(leads)
    tabs = spaces = previous = 0
    steps: dict[int, int] = {}
    for part in [*reversed(parts), tail]:
        if isinstance(part, _Shape):
            if not part.count:
                continue
            if not part.first_tab and part.first > previous:
                steps[part.first - previous] = steps.get(part.first - previous, 0) + 1
            for step, times in part.steps:
                steps[step] = steps.get(step, 0) + times
            tabs, spaces, previous = tabs + part.tabs, spaces + part.spaces, part.last
        else:
            tabs, spaces, previous = _count(part, tabs, spaces, previous, steps)
    return _unit_from(tabs, spaces, steps)


@functools.lru_cache(maxsize=2048)
def block_leads(block: str) -> tuple[str, ...]:
    """The leading whitespace of each line with text in `block` (cached: blocks recur)."""
    return tuple(_LEAD.findall(block))


class _Shape(NamedTuple):
    """One block's leads summed up for `_indent_unit`: counts, steps between its own leads."""

    count: int
    tabs: int
    spaces: int
    first: int  # the first lead's width (its step from the lead before the block is not known)
    first_tab: bool
    last: int
    steps: tuple[tuple[int, int], ...]  # (step, times), in the order each step first appears


@functools.lru_cache(maxsize=2048)
def block_shape(block: str) -> _Shape:
    """`block`'s leads summed up (cached: the warm-up prepares every whole block's)."""
    leads = block_leads(block)
    if not leads:
        return _Shape(0, 0, 0, 0, False, 0, ())
    widths = [len(lead.expandtabs(4)) for lead in leads]
    steps: dict[int, int] = {}
    for lead, before, width in zip(leads[1:], widths, widths[1:], strict=False):
        if not lead.startswith("\t") and width > before:
            steps[width - before] = steps.get(width - before, 0) + 1
    tabs = sum(lead.startswith("\t") for lead in leads)
    spaces = sum(lead.startswith(" ") for lead in leads)
    first_tab = leads[0].startswith("\t")
    return _Shape(len(leads), tabs, spaces, widths[0], first_tab, widths[-1], tuple(steps.items()))


def _indent_unit(leads: Sequence[str]) -> str:
    steps: dict[int, int] = {}
    tabs, spaces, _ = _count(leads, 0, 0, 0, steps)
    return _unit_from(tabs, spaces, steps)


def _count(
    leads: Sequence[str], tabs: int, spaces: int, previous: int, steps: dict[int, int]
) -> tuple[int, int, int]:
    """Add `leads` to the counts (and `steps`, in place), after a lead `previous` wide."""
    for lead in leads:
        tab = lead.startswith("\t")
        tabs += tab
        spaces += lead.startswith(" ")
        width = len(lead.expandtabs(4))
        if not tab and width > previous:
            steps[width - previous] = steps.get(width - previous, 0) + 1
        previous = width
    return tabs, spaces, previous


def _unit_from(tabs: int, spaces: int, steps: dict[int, int]) -> str:
    """A tab, or the commonest step of 2-8 spaces (the first seen of equals), or ""."""
    if tabs > spaces:
        return "\t"
    best, most = 0, 0
    for step, times in steps.items():
        if times > most and 2 <= step <= 8:
            best, most = step, times
    return " " * best
