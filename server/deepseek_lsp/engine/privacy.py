"""What never leaves the machine: excluded files and credentials inside prompt text.

`is_excluded` decides whether a document may be sent at all (not even as context for another
file), from the `privacy.exclude` globs. `redact` replaces credentials in a prompt before it is
sent, with one fixed placeholder per kind (``REDACTED_GITHUB_TOKEN``): an identifier that keeps
the surrounding quotes and syntax valid, that a code model reads as a placeholder, and that is
the same for every run, so redacted prompts stay stable for DeepSeek's prefix cache.

Left alone on purpose: references and templates (``os.environ["X"]``, ``get_token()``,
``${DB_PASS}``, ``{{ secret }}``, ``<password>``), ``None``/``null``/``true``, numbers
(``max_tokens = 128``), type annotations (``password: str``), empty strings and masks such as
``"****"``. Literal placeholders such as ``"changeme"`` ARE redacted: they cost nothing to hide
and are sometimes the real default credential. Unquoted values are read only on lines shaped
like .env, shell, YAML or INI (`DB_PASS=x`, `password: x`); `password = other_name` is code.
Not caught: a PEM body whose BEGIN line was cut off by the prompt window.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlparse

# --- exclusion globs ----------------------------------------------------------------------------


def is_excluded(path: str, globs: Sequence[str], workspace_roots: Sequence[str] = ()) -> bool:
    """Whether `path` (a file URI or a plain path) matches any glob.

    Each glob is matched against the path relative to the deepest workspace root containing it
    (the absolute path without its leading slash when none does) and against the bare file name.
    """
    if not globs:
        return False
    matcher = _compile_globs(tuple(globs))
    full = _normalise(path)
    relative = _relative(full, [_normalise(root) for root in workspace_roots])
    name = full.rsplit("/", 1)[-1]
    return matcher(relative) is not None or matcher(name) is not None


def _normalise(path: str) -> str:
    """A POSIX-style absolute path from a file URI or an OS path; drive letters in lower case."""
    if path.startswith("file:"):
        parsed = urlparse(path)
        path = unquote(parsed.path)
        if parsed.netloc and parsed.netloc != "localhost":
            path = f"//{parsed.netloc}{path}"  # a UNC share
    path = path.replace("\\", "/")
    if re.match(r"^/[A-Za-z]:", path):
        path = path[1:]
    if re.match(r"^[A-Za-z]:", path):
        path = path[0].lower() + path[1:]
    return path.rstrip("/") if len(path) > 1 else path


def _relative(full: str, roots: Sequence[str]) -> str:
    best = ""
    for root in roots:
        if full.startswith(root.rstrip("/") + "/") and len(root) > len(best):
            best = root.rstrip("/")
    return full[len(best) + 1 :] if best else full.lstrip("/")


@functools.lru_cache(maxsize=32)
def _compile_globs(globs: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """One regex for all globs, compiled once per distinct tuple of globs."""
    parts = [_glob_to_regex(g.strip().lstrip("/")) for g in globs if g.strip()]
    if not parts:
        return lambda _text: None
    return re.compile("|".join(f"(?:{part})" for part in parts), re.DOTALL).fullmatch


def _glob_to_regex(glob: str) -> str:
    """Translate a VS Code/gitignore-style glob: ``**`` spans directories, ``*`` and ``?`` not."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")  # zero or more whole directories
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := glob.find("]", i + 2)) != -1:
            body = glob[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append(f"[{'^/' if negate else ''}{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        elif char == "{" and (end := glob.find("}", i)) != -1:
            options = glob[i + 1 : end].split(",")
            out.append("(?:" + "|".join(_glob_to_regex(o) for o in options) + ")")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


# --- secret redaction ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Redaction:
    """Text with credentials replaced, how many, and their kinds (first seen first)."""

    text: str
    count: int
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class _Rule:
    """A credential with a recognisable shape, searched only when one of its triggers occurs.

    A regex with a group named `v` replaces only that group (the password of a URL, the body of
    a PEM block); otherwise the whole match. `word` rejects a match glued to a word character.
    """

    kind: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    word: bool = True


def _rule(kind: str, triggers: str, pattern: str, word: bool = True) -> _Rule:
    return _Rule(kind, tuple(triggers.split()), re.compile(pattern, re.DOTALL), word)


# Triggers are plain substrings checked with `in` (fast); regexes start with a literal where
# possible so that Python's regex engine can skip to it. Earlier rules win overlaps.
_RULES: tuple[_Rule, ...] = (
    _rule(
        "private-key",
        "PRIVATE",
        r"-----BEGIN[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----(?P<v>.*?)"
        r"(?=-----END[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----|\Z)",
        word=False,
    ),
    _rule("gcp-private-key", '"private_key"', r'"private_key"\s*:\s*"(?P<v>(?:[^"\\]|\\.)+)"'),
    _rule("aws-access-key-id", "AKIA ASIA ABIA ACCA", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    _rule("gcp-api-key", "AIza", r"AIza[0-9A-Za-z_\-]{35}(?![\w-])"),
    _rule(
        "azure-storage-key", "Key=", r"(?:Account|SharedAccess)Key=(?P<v>[A-Za-z0-9+/]{20,}={0,2})"
    ),
    _rule(
        "github-token",
        "ghp_ gho_ ghu_ ghs_ ghr_ github_pat_",
        r"(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
    ),
    _rule("gitlab-token", "glpat-", r"glpat-[A-Za-z0-9_\-]{20,}"),
    _rule("slack-token", "xox", r"xox[abposr]-[A-Za-z0-9\-]{10,}"),
    _rule(
        "slack-webhook",
        "hooks.slack.com",
        r"hooks\.slack\.com/services/(?P<v>T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+)",
        word=False,
    ),
    _rule("telegram-bot-token", ":AA", r"\d{8,10}:AA[A-Za-z0-9_\-]{33}(?![\w-])"),
    _rule(
        "stripe-key",
        "sk_live_ rk_live_ sk_test_ rk_test_",
        r"[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b",
    ),
    _rule("anthropic-key", "sk-ant-", r"sk-ant-[A-Za-z0-9_\-]{20,}"),
    _rule("deepseek-key", "sk-", r"sk-[0-9a-f]{32}\b"),
    _rule("openai-key", "sk-", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),
    _rule("huggingface-token", "hf_", r"hf_[A-Za-z0-9]{30,}\b"),
    _rule("npm-token", "npm_", r"npm_[A-Za-z0-9]{36}\b"),
    _rule("pypi-token", "pypi-", r"pypi-[A-Za-z0-9_\-]{50,}"),
    _rule("sendgrid-key", "SG.", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}(?![\w-])"),
    _rule("twilio-key", "SK", r"SK[0-9a-fA-F]{32}\b"),
    _rule("jwt", "eyJ", r"eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{10,}"),
    _rule(
        "discord-bot-token",
        "",
        r"[MNO][A-Za-z\d_\-]{23,25}\.[A-Za-z\d_\-]{6}\.[A-Za-z\d_\-]{27,38}\b",
    ),
    _rule("bearer-token", "Bearer bearer", r"[Bb]earer\s+(?P<v>[A-Za-z0-9\-._~+/]{16,}=*)"),
    _rule("url-password", "://", r"://[^\s:/@\"'`]+:(?P<v>[^\s@/\"'`]+)@", word=False),
)

# --- assignments: `password = "..."`, `"api_key": '...'`, `DB_PASS=...`, `token: ...` ---------

_KEYWORDS = ("pass", "pwd", "secret", "token", "credential", "key")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
# A keyword must end a component of the name: `token_type` and `accessToken` yes, `tokenizer` no.
_SECRET_NAME = re.compile(
    r"(?i)(?:(?-i:(?<![a-z]))(?:pass|pwd)|passw(?:or)?d|passphrase|secret|token|credentials?"
    r"|(?:api|secret|private|access|auth|encryption|signing|master|client|account)[_.\-]?key)"
    r"s?(?:[_.\-]|$)"
)
# Names with a keyword that hold no secret: `token_type`, `password_field`, `max_tokens`.
_NOT_SECRET_NAME = re.compile(
    r"(?i)[_.\-](?:type|url|uri|endpoint|file|path|name|len|length|count|size|limit|max|min|env"
    r"|var|field|header|prefix|hash|salt|ttl|expir\w*|kind|format|policy|hint|regex|pattern"
    r"|label|help|placeholder|mode|dir|id|provider|manager|store|version)s?(?![a-z])"
    r"|^(?:max|min|num|n|total|prompt|completion)_tokens"
)
_QUOTED = re.compile(
    r"(?P<name>[\w.\-]+)[\"']?\]?[ \t]*(?::[ \t]*[A-Za-z_][\w\[\]., |]*?[ \t]*)?"
    r"(?::=|=>|\?=|=|:)[ \t]*"
    r"(?:\"(?P<v1>(?:[^\"\\\n]|\\.)+)\"|'(?P<v2>(?:[^'\\\n]|\\.)+)'|`(?P<v3>[^`\n]+)`)"
)
# Unquoted values only on .env/shell (`NAME=x`, `export NAME=x`), YAML (`name: x`) and INI lines
# (`name = x`, where a bare identifier is taken for a variable, as in Python).
_BARE = re.compile(r"(?P<name>[\w.\-]+)(?P<sep>=|:[ \t]+|[ \t]+=[ \t]*)(?P<v1>[^\s\"'`,;#]+)")
_NAME = re.compile(r"[\w.\-]+")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_BARE_LINE_START = re.compile(r"[ \t]*(?:export[ \t]+|-[ \t]+)?")
_REFERENCE = r"\$\{?\w+\}?|\{\{.*\}\}|<[^>]*>|%\(?\w*\)?s|\{\w*\}|\*+|x+|X+|\.+|REDACTED_\w+"
_NOT_SECRET_QUOTED = re.compile(rf"(?:{_REFERENCE})")
_NOT_SECRET_BARE = re.compile(
    rf"(?:{_REFERENCE}|none|null|nil|true|false|undefined|~|-+|\d+(?:\.\d+)?"
    r"|str|string|bytes|int|bool|secretstr|optional|any"
    r"|[$%<{!|>&@].*|.*[(\[].*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)",  # refs, calls, attributes
    re.IGNORECASE,
)

_Span = tuple[int, int, int, str]  # start, end, priority (lower wins), kind


def placeholder(kind: str) -> str:
    """The fixed text that replaces a credential of `kind`."""
    return "REDACTED_" + kind.upper().replace("-", "_")


def redact(text: str) -> Redaction:
    """Replace every credential found in `text` by its kind's placeholder."""
    spans = _shaped_spans(text) + _assignment_spans(text)
    if not spans:
        return Redaction(text, 0, ())
    spans.sort()
    pieces: list[str] = []
    kinds: list[str] = []
    position = 0
    for start, end, _priority, kind in spans:
        if start < position:
            continue  # overlaps a credential already replaced
        pieces += (text[position:start], placeholder(kind))
        kinds.append(kind)
        position = end
    pieces.append(text[position:])
    return Redaction("".join(pieces), len(kinds), tuple(dict.fromkeys(kinds)))


_ALL_TRIGGERS = sorted({t for rule in _RULES for t in rule.triggers}, key=len, reverse=True)
# One pass finds which triggers occur (most code has none), instead of a scan per trigger.
_TRIGGER_RE = re.compile("|".join(map(re.escape, _ALL_TRIGGERS)))


def _present_triggers(text: str) -> set[str]:
    found = set(_TRIGGER_RE.findall(text))
    # a trigger hidden inside a longer one found at the same place ("sk-" in "sk-ant-")
    return found | {t for t in _ALL_TRIGGERS if any(t in f for f in found)}


def _shaped_spans(text: str) -> list[_Span]:
    spans: list[_Span] = []
    present = _present_triggers(text)
    for priority, rule in enumerate(_RULES):
        if rule.triggers and not present.intersection(rule.triggers):
            continue
        for match in rule.regex.finditer(text):
            start = match.start()
            if rule.word and start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if "v" in rule.regex.groupindex:
                spans.append((*match.span("v"), priority, rule.kind))
            else:
                spans.append((start, match.end(), priority, rule.kind))
    return spans


def _assignment_spans(text: str) -> list[_Span]:
    lowered = text.lower()
    starts: set[int] = set()
    for keyword in _KEYWORDS:
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
        if name and _is_secret_name(name.group()) and (span := _assignment_at(text, start)):
            spans.append(span)
    return spans


@functools.lru_cache(maxsize=1024)
def _is_secret_name(name: str) -> bool:
    """`password`, `DB_PASS`, `api_key`, `accessToken`; not `tokenizer`, `max_tokens`."""
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET_NAME.search(name)


def _assignment_at(text: str, start: int) -> _Span | None:
    """The value span of a secret assigned to the secret-like name at `start`, if any."""
    match = _QUOTED.match(text, start)
    not_secret = _NOT_SECRET_QUOTED
    if match is None and _BARE_LINE_START.fullmatch(text, text.rfind("\n", 0, start) + 1, start):
        match = _BARE.match(text, start)
        not_secret = _NOT_SECRET_BARE
    if match is None:
        return None
    group = next(g for g in ("v1", "v2", "v3") if match.group(g) is not None)
    value = match.group(group)
    if not_secret.fullmatch(value):
        return None
    spaced_equals = not_secret is _NOT_SECRET_BARE and match["sep"].strip() == "=" != match["sep"]
    if spaced_equals and _IDENTIFIER.fullmatch(value):
        return None  # `name = other_name` is code, not an INI value
    return (*match.span(group), len(_RULES), _assignment_kind(match["name"]))


def _assignment_kind(name: str) -> str:
    lowered = name.lower()
    if "aws" in lowered and "secret" in lowered:
        return "aws-secret-key"
    return "password" if "pass" in lowered or "pwd" in lowered else "secret"


# --- redaction in pieces: the unchanged lines of a prompt are redacted once --------------------

# Rules whose matches may cross a line break (`.*?` over a PEM body, `\s*` before a value).
# Every other rule, and every assignment, matches inside one line; a rule added later counts as
# line-crossing until it is listed in _LINE_LOCAL_KINDS.
_LINE_LOCAL_KINDS = frozenset(
    rule.kind
    for rule in _RULES
    if rule.kind not in {"private-key", "gcp-private-key", "bearer-token"}
)
_LINE_CROSSING_TRIGGERS = tuple(
    sorted({t for r in _RULES if r.kind not in _LINE_LOCAL_KINDS for t in r.triggers or ("",)})
)


def redact_lines(head: str, tail: str, *, cached: Literal["head", "tail"]) -> Redaction:
    """`redact(head + tail)`, where `head` is whole lines, redacting the `cached` piece once.

    A prompt changes at its end while the user types (the suffix at its start): the other piece
    is the same for every keystroke on a line. When nothing in the text can start a
    line-crossing credential, each credential lies inside one line and the pieces can be redacted
    apart; otherwise the whole text is redacted as one.
    """
    if (head and not head.endswith("\n")) or any(
        trigger in head or trigger in tail for trigger in _LINE_CROSSING_TRIGGERS
    ):
        return redact(head + tail)
    first = _redact_cached(head) if cached == "head" else redact(head)
    second = _redact_cached(tail) if cached == "tail" else redact(tail)
    if not first.count and not second.count:
        return Redaction(head + tail, 0, ())
    kinds = tuple(dict.fromkeys(first.kinds + second.kinds))
    return Redaction(first.text + second.text, first.count + second.count, kinds)


_redact_cached = functools.lru_cache(maxsize=32)(redact)
