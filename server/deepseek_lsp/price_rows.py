"""The `pricing` setting: `{model: {cacheHit, cacheMiss, output}}` in USD per million tokens.

Validated here so `settings.py` stays one screenful of keys; a bad row raises ValueError with the
reason, which settings turns into its one message naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

KEYS = ("cacheHit", "cacheMiss", "output")
SHAPE = '{"model": {"cacheHit": n, "cacheMiss": n, "output": n}} (USD per million tokens)'
MAX_PRICE = 1e6


class PriceSetting(NamedTuple):
    """One `pricing` row: USD per million tokens (cache hit, cache miss, output)."""

    cache_hit: float
    cache_miss: float
    output: float


def pricing(value: Any) -> Mapping[str, PriceSetting]:
    """The rows of a `pricing` value (zero is a valid price), or ValueError saying what is wrong."""
    if not isinstance(value, Mapping):
        raise ValueError(f"expected {SHAPE}, got {_show(value)}")
    rows: dict[str, PriceSetting] = {}
    for model, row in value.items():
        if not isinstance(model, str) or not model.strip():
            raise ValueError(f"expected {SHAPE}; model names must be non-empty strings")
        missing = [k for k in KEYS if not isinstance(row, Mapping) or k not in row]
        if missing:
            raise ValueError(
                f"expected {SHAPE}; {model!r} is {_show(row)}: missing {', '.join(missing)}"
            )
        prices = [row[k] for k in KEYS]
        if not all(_is_price(p) for p in prices):
            reason = f"prices are numbers from 0 to {MAX_PRICE:g}"
            raise ValueError(f"expected {SHAPE}; {model!r} is {_show(row)}: {reason}")
        rows[model.strip()] = PriceSetting(*(float(p) for p in prices))
    return MappingProxyType(rows)


def _is_price(value: Any) -> bool:
    return (
        not isinstance(value, bool) and isinstance(value, (int, float)) and 0 <= value <= MAX_PRICE
    )


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
