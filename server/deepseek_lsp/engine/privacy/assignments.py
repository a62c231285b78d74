"""Secrets found by where they are: a literal value assigned to a secret-looking name.

``password = "..."``, ``"api_key": '...'``, ``Password: "..."`` (Go), ``'token' => '...'``
(PHP), ``DB_PASS=...`` (.env, shell), ``password: ...`` (YAML). The name must hold a secret
(``accessToken`` yes; ``tokenizer``, ``max_tokens``, ``token_type``, ``withCredentials`` no) and
the value must look like one (see `values.looks_secret`). Unquoted values are read only on lines
shaped like .env, shell, YAML or INI, and only when nothing but a comment follows: in
``credentials: isCredentialsSupported ? a : b`` the value is an expression.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote

from deepseek_lsp.engine.privacy.values import (
    is_expression,
    looks_secret,
    random_case,
    words,
)

Span = tuple[int, int, int, str]  # start, end, priority (lower wins), kind

# Lower-case fragments whose presence makes a name worth reading (cheap `find` scans).
KEYWORDS = ("pass", "pwd", "secret", "token", "credential", "key")

_SECRET_WORDS = words(
    "password passwd pwd pass passphrase secret token credential credentials apikey"
)
_SECRET_SUFFIXES = ("password", "passwd", "secret", "token", "apikey")
# `key` holds a secret only after one of these: `api_key`, `secretKey`, `PRIVATE_KEY`.
_KEY_OWNERS = words(
    "api secret private access auth encryption signing master client account app license "
    "service subscription shared storage webhook session hmac consumer"
)
# What may follow the secret word: `secret_key`, `password_value`, `SECRET_KEY_BASE`.
_TAIL_OK = words("key value b64 base64 hex raw plain plaintext str base bytes")
# Before the secret word these make a count, a flag or an action: `max_tokens`,
# `withCredentials`, `showPassword`, `next_token`, `cancellation_token`.
_HEAD_NOT = words(
    "max min num n total prompt completion with is has use should require requires allow "
    "enable show hide include send needs no can validate check get set fetch on handle "
    "parse next prev last semantic cancel cancellation progress input output reset forgot "
    "confirm new old expected invalid bad wrong"
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_NAME = re.compile(r"[\w.\-]+")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_QUOTED = re.compile(
    r"[\w.\-]+[\"']?\]?[ \t]*(?::[ \t]*[A-Za-z_][\w\[\]., |]*?[ \t]*=|:=|=>|\?=|=|:)[ \t]*"
    r"(?:\"(?P<v1>(?:[^\"\\\n]|\\.)+)\"|'(?P<v2>(?:[^'\\\n]|\\.)+)'|`(?P<v3>[^`\n]+)`)"
)
_PARAM = re.compile(r"[\w.\-]+=(?P<v1>[^\s;&#\"'`]+)")
_BARE = re.compile(r"[\w.\-]+(?:(?P<eq>=)|:[ \t]+|(?P<spaced>[ \t]+=[ \t]*))(?P<v1>[^\s\"'`,;#]+)")
# After an unquoted value: nothing but a comment, or a command (`PGPASSWORD=x psql`, NAME=x only).
_BARE_END = re.compile(r"[ \t]*(?:(?:#|//).*)?$|[ \t]+;.*$|(?P<command>[ \t]+\S)", re.MULTILINE)
_BARE_LINE_START = re.compile(r"[ \t]*(?:export[ \t]+|set[ \t]+|-[ \t]+|//\S*:)?")


def assignment_spans(text: str, lowered: str, priority: int) -> list[Span]:
    """The value spans of secrets assigned to secret-looking names in `text`."""
    starts: set[int] = set()
    for keyword in KEYWORDS:
        hit = lowered.find(keyword)
        while hit != -1:
            start = hit
            while start > 0 and text[start - 1] in _NAME_CHARS:
                start -= 1
            starts.add(start)
            hit = lowered.find(keyword, hit + len(keyword))
    spans = []
    for start in starts:
        name = _NAME.match(text, start)
        if name is None or (kind := secret_kind(name.group())) is None:
            continue
        if span := _value_at(text, start):
            spans.append((*span, priority, kind))
    return spans


@functools.lru_cache(maxsize=4096)
def secret_kind(name: str) -> str | None:
    """``password``, ``aws-secret-key`` or ``secret`` for a name that holds one, else None."""
    words = [w.lower() for w in _WORD.findall(name)]
    for i in range(len(words) - 1, -1, -1):
        if _is_secret_word(words, i):
            if any(w in _HEAD_NOT for w in words[:i]) or not all(
                w in _TAIL_OK or w.isdigit() for w in words[i + 1 :]
            ):
                return None
            if "aws" in words and "secret" in words:
                return "aws-secret-key"
            return "password" if "pass" in words[i] or words[i] == "pwd" else "secret"
    return None


def _is_secret_word(words: list[str], i: int) -> bool:
    word = words[i]
    if word == "pass":  # `DB_PASS`, `userPass`; a lone `pass` is mostly prose ("pass :data:`x`")
        return len(words) > 1
    if word in _SECRET_WORDS or word.endswith(_SECRET_SUFFIXES):
        return True
    return word in ("key", "keys") and i > 0 and words[i - 1] in _KEY_OWNERS


def _value_at(text: str, start: int) -> tuple[int, int] | None:
    """The span of the literal value assigned at `start`, if it looks like a secret."""
    match = _QUOTED.match(text, start)
    if match is None and (
        text[start - 1 : start] in ("?", "&", ";") or text[start - 2 : start] == "; "
    ):
        match = _PARAM.match(text, start)  # `?access_token=x`, `;Password=x;` (URLs, ADO.NET)
        if match is None or is_expression(match["v1"]) or not looks_secret(unquote(match["v1"])):
            return None
        return match.span("v1")
    if match is None:
        line_start = text.rfind("\n", 0, start) + 1
        if not _BARE_LINE_START.fullmatch(text, line_start, start):
            return None
        match = _BARE.match(text, start)
        if match is None or is_expression(match["v1"]):
            return None
        end = _BARE_END.match(text, match.end())
        if end is None or (end["command"] and not match["eq"]):
            return None
        if match["spaced"] and _IDENTIFIER.fullmatch(match["v1"]) and not random_case(match["v1"]):
            return None  # `name = other_name` is code, not an INI value
    group = next(g for g in ("v1", "v2", "v3") if match.group(g) is not None)
    value = match.group(group)
    if group == "v3" and "${" in value:
        return None
    return match.span(group) if looks_secret(value) else None
