"""Credentials recognisable by their shape alone: provider prefixes, PEM blocks, JWTs, URLs.

Each rule is searched only when one of its triggers (plain substrings, checked with `in`) occurs,
so that code without any costs a few substring scans. A regex with a group named `v` replaces only
that group (the password of a URL, the body of a PEM block), otherwise the whole match. `word`
rejects a match glued to a word character; `check`, when given, must accept the replaced text
(loose shapes such as ``Bearer x`` or ``user:pass@`` are checked for randomness or placeholders).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from deepseek_lsp.engine.privacy.values import (
    character_classes,
    is_expression,
    is_placeholder,
    looks_random,
    looks_secret,
)


@dataclass(frozen=True)
class Rule:
    """One regex; its kind, or one kind per named alternative (``(?P<github_token>...)``)."""

    kind: str | None
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    word: bool = True
    check: Callable[[str], bool] | None = None

    def kind_of(self, match: re.Match[str]) -> str:
        """The credential kind a match is."""
        return self.kind or (match.lastgroup or "secret").replace("_", "-")


def _rule(
    kind: str | None,
    triggers: str,
    pattern: str,
    word: bool = True,
    check: Callable[[str], bool] | None = None,
) -> Rule:
    return Rule(kind, tuple(triggers.split()), re.compile(pattern, re.DOTALL), word, check)


def _group(pattern: str, check: Callable[[str], bool] | None = None) -> Rule:
    """Shapes sharing a first literal character: one scan, which the regex engine does fast."""
    return _rule(None, "", pattern, check=check)


def _url_password(value: str) -> bool:
    """A URL's password, unless it is a template (``:password@``, ``:${PASS}@``, ``:<pw>@``)."""
    decoded = unquote(value)
    if is_expression(decoded) or "\\x" in value or "\\u" in value:  # a test of escapes
        return False
    return looks_secret(decoded) or _strong(decoded)


def _strong(value: str) -> bool:
    """Short human passwords in a URL or header still count when they mix character classes."""
    return len(value) >= 6 and character_classes(value) >= 3 and not is_placeholder(value)


def _basic_auth(value: str) -> bool:
    """``Basic <base64 of user:password>``."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon) and bool(user) and _url_password(password)


def _discord(value: str) -> bool:
    """The first part of a Discord token is the base64 of the bot's numeric id."""
    head = value.split(".", 1)[0]
    try:
        return base64.b64decode(head + "=" * (-len(head) % 4), validate=True).isdigit()
    except (binascii.Error, ValueError):
        return False


def _pem_body(value: str) -> bool:
    return _BASE64_RUN.search(value) is not None  # not prose such as "BEGIN ... and END ..."


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{16,}")


def _openai(value: str) -> bool:
    return not value.startswith("sk-") or looks_random(value.removeprefix("sk-"))  # sk-learn...


# Earlier rules win overlaps. Regexes start with a literal character where at all possible:
# Python's regex engine then skips to it, which costs about as much as a substring test, while a
# leading character class or lookbehind makes it try every position (30-150x slower on code).
RULES: tuple[Rule, ...] = (
    _rule(
        "private-key",
        "PRIVATE",
        r"-----BEGIN[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----"
        r"(?P<v>[A-Za-z0-9+/=\s\\:,\-]{16,}?)"
        r"(?=-----END[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----|\Z)",
        word=False,
        check=_pem_body,
    ),
    _rule(  # a key cut off by the prompt window: its base64 lines, up to the first other line
        "private-key",
        "PRIVATE",
        r"-----BEGIN[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----"
        r"(?P<v>(?:(?:\s|\\n)+[A-Za-z0-9+/=]{16,})+)",
        word=False,
    ),
    _group(
        r"A(?:(?P<aws_access_key_id>(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}\b)"
        r"|(?P<gcp_api_key>Iza[0-9A-Za-z_\-]{35}(?![\w-]))"
        r"|(?P<age_secret_key>GE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}))"
    ),
    _group(r"(?P<github_token>gh[pousr]_[A-Za-z0-9]{36,255}\b)"),
    _group(r"(?P<github_token>github_pat_[A-Za-z0-9_]{22,255}\b)"),
    _group(
        r"gl(?:(?P<gitlab_token>(?:pat|ptt|dt)-[A-Za-z0-9_\-]{20,})"
        r"|(?P<grafana_token>(?:sa|c)_[A-Za-z0-9_+/=]{32,}))"
    ),
    _group(
        r"sk(?:(?P<stripe_key>_(?:live|test)_[A-Za-z0-9]{16,}\b)"
        r"|(?P<anthropic_key>-ant-[A-Za-z0-9_\-]{20,})"
        r"|(?P<deepseek_key>-[0-9a-f]{32}\b)"
        r"|(?P<openai_key>-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}))",
        check=_openai,
    ),
    _group(r"(?P<shopify_token>shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b)"),
    _group(r"(?P<supabase_token>sbp_[a-f0-9]{40}\b)"),
    _group(r"(?P<stripe_key>rk_(?:live|test)_[A-Za-z0-9]{16,}\b)"),
    _group(r"(?P<stripe_key>whsec_[A-Za-z0-9]{24,}\b)"),
    _group(r"h(?:(?P<huggingface_token>f_[A-Za-z0-9]{30,}\b)|(?P<vault_token>v[sb]\.[\w\-]{24,}))"),
    _rule(
        "slack-webhook",
        "",
        r"hooks\.slack\.com/services/(?P<v>T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+)",
        word=False,
    ),
    _group(r"(?P<slack_token>xox[abposr]-[A-Za-z0-9\-]{10,})", check=looks_random),
    _group(r"(?P<digitalocean_token>do[op]_v1_[a-f0-9]{64}\b)"),
    _group(r"(?P<databricks_token>dapi[a-f0-9]{32}(?:-\d)?\b)"),
    _group(r"(?P<docker_hub_token>dckr_pat_[A-Za-z0-9_\-]{27,})"),
    _group(r"(?P<npm_token>npm_[A-Za-z0-9]{36}\b)"),
    _group(r"(?P<pypi_token>pypi-AgE[A-Za-z0-9_\-]{50,})"),
    _group(r"(?P<postman_key>PMAK-[a-f0-9]{24}-[a-f0-9]{34}\b)"),
    _group(r"(?P<newrelic_key>NRAK-[A-Z0-9]{27}\b)"),
    _group(
        r"S(?:(?P<sendgrid_key>G\.[\w\-]{22}\.[\w\-]{43}(?![\w-]))|(?P<twilio_key>K[0-9a-fA-F]{32}\b))"
    ),
    _group(r"(?P<linear_key>lin_api_[A-Za-z0-9]{40}\b)"),
    _group(r"(?P<mailgun_key>key-[0-9a-f]{32}\b)"),
    _group(r"(?P<gcp_oauth_secret>GOCSPX-[A-Za-z0-9_\-]{28}(?![\w-]))"),
    _group(r"(?P<gcp_oauth_token>ya29\.[0-9A-Za-z_\-]{30,})"),
    _group(
        r"(?P<jwt>eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{10,})",
        check=looks_random,
    ),
    _rule(
        "azure-storage-key",
        "",
        r"Key=(?:(?<=AccountKey=)|(?<=SharedAccessKey=))(?P<v>[A-Za-z0-9+/]{20,}={0,2})",
        word=False,
    ),
    *(
        _rule(  # one literal first letter each: a leading [MNO] would be tried at every position
            "discord-bot-token",
            "",
            first + r"[A-Za-z\d_\-]{23,25}\.[A-Za-z\d_\-]{6}\.[A-Za-z\d_\-]{27,38}(?![\w-])",
            check=_discord,
        )
        for first in "MNO"
    ),
    _rule(
        "telegram-bot-token",
        "",
        r":(?<=\d{8}:)(?P<v>AA[A-Za-z0-9_\-]{33})(?![\w-])",
        word=False,
    ),
    _rule(
        "bearer-token",
        "",
        r"earer(?<=[Bb]earer)[ \t]+(?P<v>[A-Za-z0-9\-._~+/]{16,}=*)",
        word=False,
        check=lambda v: looks_random(v.rstrip("=")),
    ),
    _rule(
        "basic-auth",
        "",
        r"asic (?<=[Bb]asic )(?P<v>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])",
        word=False,
        check=_basic_auth,
    ),
    _rule(
        "url-password",
        "",
        r"://[^\s:/@\"'`]*:(?P<v>[^\s@/\"'`]+)@",
        word=False,
        check=_url_password,
    ),
    _rule(
        "dsn-password",
        "@tcp( @unix(",
        r"\w+:(?P<v>[^\s@/\"'`:]+)@(?:tcp|unix)\(",
        check=_url_password,
    ),
)
