"""A converter that checks JSON types instead of coercing them.

cattrs, as pygls 2.1 configures it, structures `int` as `int(value)` and `str` as `str(value)`:
`{"line": "1", "character": 4.9}` becomes `Position(1, 4)`, a `uri` of 5 becomes "5" and a
`triggerKind` of 1.0 is Invoked. A client that sends those is broken, and serving it hides the bug:
here a value of the wrong JSON type fails to structure, which the protocol answers with -32602.
"""

from __future__ import annotations

import enum
from typing import Any

from cattrs import Converter
from pygls.protocol import default_converter


def _int(value: Any, cls: type) -> Any:
    """An int, or a member of an int enum (cattrs dispatches IntEnum subclasses here too)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if cls is int else cls(value)
    raise TypeError(f"expected an integer, got {type(value).__name__} {value!r:.40}")


def _float(value: Any, _: type) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, got {type(value).__name__} {value!r:.40}")


def _str(value: Any, cls: type) -> Any:
    """A str, or a member of a str enum."""
    if isinstance(value, str):
        return value if cls is str else cls(value)
    raise TypeError(f"expected a string, got {type(value).__name__} {value!r:.40}")


def _bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected a boolean, got {type(value).__name__} {value!r:.40}")


def _enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    """An enum member only from a value of its own JSON type (1.0 is not Invoked)."""
    kinds = {type(m.value) for m in cls}
    if bool in kinds or not isinstance(value, tuple(kinds)) or isinstance(value, bool):
        raise TypeError(f"expected a {cls.__name__}, got {type(value).__name__} {value!r:.40}")
    return cls(value)


def strict_converter() -> Converter:
    """The pygls converter with type-checking hooks for JSON's scalars and LSP's enums."""
    converter = default_converter()
    converter.register_structure_hook(int, _int)
    converter.register_structure_hook(float, _float)
    converter.register_structure_hook(str, _str)
    converter.register_structure_hook(bool, _bool)
    converter.register_structure_hook(enum.Enum, _enum)
    return converter
