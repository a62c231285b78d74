"""Whether a literal value is a credential rather than a word, a placeholder or a reference.

Redacting ordinary code corrupts the prompt (``withCredentials = 'same-origin'`` is an option,
not a password), so a value counts only when it could be a secret: no whitespace, not a URL, not
a word or phrase (letters joined by ``-_./:``, camelCase included), not a placeholder such as
``"changeme"``, ``"<your-key>"`` or ``"password123"``, not a reference (``${X}``, ``$X``,
``%(x)s``, ``{{ x }}``, ``process.env.X``), with a letter, five distinct characters and about
18 bits of character entropy or three character classes (``hunter2`` and ``k9x!2q`` pass,
``abc123`` does not).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter


def words(text: str) -> frozenset[str]:
    """A set of space-separated words (keeps long word lists readable)."""
    return frozenset(text.split())


MIN_LENGTH = 6
MIN_DISTINCT = 5
MIN_BITS = 18.0  # length x Shannon entropy per character

# Placeholders, compared with the value's letters only: "Password123!" -> "password".
_PLACEHOLDER_WORDS = words(
    "password passwd pass pwd secret secrets token apikey key admin root user username "
    "guest test testing tester demo changeme changeit default example sample dummy fake "
    "mock foo bar baz qux letmein welcome qwerty abc abcdef xyz none null nil undefined "
    "empty value string mypassword mysecret mytoken secretkey secretpassword supersecret "
    "topsecret"
)
# Substrings that mark a template value whatever surrounds them.
_PLACEHOLDER_PARTS = (
    "your",
    "secret",
    "password",
    "passwd",
    "token",
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "replace",
    "dummy",
    "fake",
    "sample",
    "insert",
    "redacted",
    "xxxx",
    "****",
    "....",
    "todo",
    "fixme",
)
_REFERENCE = re.compile(
    r"\$[{(]?\w|%\(\w+\)[sd]|%[sd](?!\w)|\{\{|\{[\w.!:]*\}|<[^>]*>|(?:process\.env|os\.environ|os\.getenv"
    r"|import\.meta\.env|System\.getenv|ENV\[|env\()"
)
# Words joined by separators; one camelCase word too ("isCredentialsSupported").
_WORDY = re.compile(r"[-_./:@+~]*[A-Za-z]+(?:[-_./:@+][A-Za-z]+)*[-_./:@+~]*")
_LETTERS = re.compile(r"[^a-z]+")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")
_EXPRESSION = re.compile(r"[&*!]|[^(\[{]*[(\[{]")
_CASE_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


@functools.lru_cache(maxsize=4096)
def looks_secret(value: str) -> bool:
    """Whether `value`, assigned to a secret-looking name, is likely the secret itself."""
    if not MIN_LENGTH <= len(value) <= 512 or value.isdigit():
        return False
    if any(c.isspace() for c in value) or "://" in value or _REFERENCE.search(value):
        return False
    if _COLOUR.fullmatch(value):
        return False
    if is_placeholder(value):
        return False
    if _WORDY.fullmatch(value) and not random_case(value):
        return False
    if not any(c.isalpha() for c in value) or len(set(value)) < MIN_DISTINCT:
        return False
    return entropy_bits(value) >= MIN_BITS or character_classes(value) >= 3


def character_classes(value: str) -> int:
    """How many of lower case, upper case, digits and symbols occur (``k9x!2q``: 3)."""
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )


def is_placeholder(value: str) -> bool:
    """``changeme``, ``<your-key>``, ``password123``, ``P@ssw0rd``: a template, not a secret."""
    lowered = value.lower()
    letters = _LETTERS.sub("", lowered)
    if letters in _PLACEHOLDER_WORDS or _near(letters, "password"):
        return True
    return any(part in lowered for part in _PLACEHOLDER_PARTS)


def is_expression(value: str) -> bool:
    """An unquoted value that is code: ``get_token()``, ``&Config{``, ``env[...]``, ``!x``."""
    return bool(_EXPRESSION.match(value))


def _near(word: str, target: str) -> bool:
    """Within two edits of `target` (``pssword``, ``psswrd``: leetspeak of a placeholder)."""
    if abs(len(word) - len(target)) > 2:
        return False
    previous = list(range(len(target) + 1))
    for i, char in enumerate(word, 1):
        current = [i]
        for j, other in enumerate(target, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        previous = current
    return previous[-1] <= 2


def looks_random(value: str) -> bool:
    """A token body with the mixed characters of generated keys, not an identifier or word."""
    if _WORDY.fullmatch(value) and not random_case(value):
        return False
    return not is_placeholder(value) and entropy_bits(value) >= 3.0 * min(len(value), 32)


def entropy_bits(value: str) -> float:
    """Length times the Shannon entropy of the value's characters."""
    length = len(value)
    return -sum(n * math.log2(n / length) for n in Counter(value).values())


def random_case(value: str) -> bool:
    """Letters whose case flips as in generated keys (``XVtuFVCqkApnaL``), not camelCase words.

    Split at case changes, words average under three letters in a generated key and more in
    identifiers (``getElementById``: 3.5, ``isCredentialsSupported``: 7.3).
    """
    if len(value) < 10:
        return False
    parts = _CASE_WORD.findall(value)
    return len(parts) >= 4 and sum(map(len, parts)) / len(parts) < 3.0
