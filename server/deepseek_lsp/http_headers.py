"""The `http.headers` setting, checked the way HTTP will check it.

A header name with a newline or a value with a control character is accepted by a JSON settings
file but refused by httpx on every request; checking it when settings are read turns that into
the one message other invalid settings get.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 token
_VALUE = re.compile(r"[\t\x20-\x7e]*")  # visible ASCII, space and tab


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def headers_setting(value: Any) -> Mapping[str, str]:
    """The headers as an immutable mapping, or ValueError saying what is wrong."""
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(
            f'expected an object of strings such as {{"X-Api-Version": "1"}}, got {_show(value)}'
        )
    for name, text in value.items():
        if not _NAME.fullmatch(name):
            raise ValueError(f"{_show(name)} is not a valid HTTP header name")
        if not _VALUE.fullmatch(text):
            raise ValueError(f"the value of {name} has a line break or a control character")
    return MappingProxyType(dict(value))
