"""Exclusion globs and secret redaction.

Fake secrets are assembled from pieces so that no scanner mistakes this file for a leak.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from deepseek_lsp import settings
from deepseek_lsp.engine.privacy import is_excluded, placeholder, redact
from deepseek_lsp.settings import DEFAULT_EXCLUDE

ROOT = "/home/ada/project"

# --- is_excluded ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"{ROOT}/.env",
        f"{ROOT}/config/.env",
        f"{ROOT}/.env.production",
        f"{ROOT}/deploy/tls/server.pem",
        f"{ROOT}/id_rsa",
        f"{ROOT}/keys/id_rsa.pub",
        f"{ROOT}/.git/config",
        f"{ROOT}/.git/refs/heads/main",
        f"{ROOT}/secrets/db.yaml",
        f"{ROOT}/app/secrets/nested/token.txt",
        "file:///home/ada/project/.env",
        "file:///home/ada/project/my%20dir/.env.local",
        "file:///c%3A/Users/ada/project/.ssh/known_hosts",
        "C:\\Users\\ada\\project\\certs\\site.key",
    ],
)
def test_default_globs_exclude_sensitive_files(path: str) -> None:
    assert is_excluded(path, DEFAULT_EXCLUDE, [ROOT, "file:///c:/Users/ada/project"])


@pytest.mark.parametrize(
    "path",
    [
        f"{ROOT}/src/main.py",
        f"{ROOT}/environment.py",
        f"{ROOT}/docs/env.md",
        f"{ROOT}/.gitignore",
        f"{ROOT}/src/secrets.py",
        f"{ROOT}/pem/readme.txt",
        "file:///home/ada/project/src/app.ts",
    ],
)
def test_default_globs_keep_ordinary_files(path: str) -> None:
    assert not is_excluded(path, DEFAULT_EXCLUDE, [ROOT])


def test_double_star_matches_zero_or_more_directories() -> None:
    globs = ["src/**/generated/*.py"]
    assert is_excluded(f"{ROOT}/src/generated/a.py", globs, [ROOT])
    assert is_excluded(f"{ROOT}/src/x/y/generated/a.py", globs, [ROOT])
    assert not is_excluded(f"{ROOT}/lib/generated/a.py", globs, [ROOT])


def test_single_star_does_not_cross_directories() -> None:
    assert is_excluded(f"{ROOT}/build/out.js", ["build/*.js"], [ROOT])
    assert not is_excluded(f"{ROOT}/build/sub/out.js", ["build/*.js"], [ROOT])


def test_question_mark_class_and_braces() -> None:
    assert is_excluded(f"{ROOT}/log1.txt", ["log?.txt"], [ROOT])
    assert not is_excluded(f"{ROOT}/log12.txt", ["log?.txt"], [ROOT])
    assert is_excluded(f"{ROOT}/data7.csv", ["data[0-9].csv"], [ROOT])
    assert not is_excluded(f"{ROOT}/datax.csv", ["data[0-9].csv"], [ROOT])
    assert is_excluded(f"{ROOT}/datax.csv", ["data[!0-9].csv"], [ROOT])
    assert is_excluded(f"{ROOT}/a/cert.crt", ["**/*.{pem,crt}"], [ROOT])


def test_bare_file_name_matches_glob_without_directory() -> None:
    assert is_excluded(f"{ROOT}/deep/down/credentials.json", ["credentials.json"], [ROOT])


def test_relative_path_uses_deepest_root() -> None:
    roots = [ROOT, f"{ROOT}/packages/api"]
    assert is_excluded(f"{ROOT}/packages/api/config/local.yaml", ["config/*.yaml"], roots)


def test_path_outside_roots_still_matches_double_star_globs() -> None:
    assert is_excluded("/etc/app/secrets/x", DEFAULT_EXCLUDE, [ROOT])
    assert not is_excluded("/etc/app/x.py", DEFAULT_EXCLUDE, [ROOT])


def test_no_globs_excludes_nothing() -> None:
    assert not is_excluded(f"{ROOT}/.env", [], [ROOT])


# --- redact: one test per kind ------------------------------------------------------------------

B64 = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3Bx"
HEX32 = "0123456789abcdef" * 2
ALNUM36 = "A1b2C3d4E5f6G7h8" * 2 + "I9j0"

SECRETS: list[tuple[str, str, str]] = [
    # (kind, text, the secret that must disappear)
    ("aws-access-key-id", 'key_id = "AKIA' + "IOSFODNN7ABCDEFG" + '"', "AKIAIOSFODNN7ABCDEFG"),
    ("aws-access-key-id", "ASIA" + "Y34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A"),
    (
        "aws-secret-key",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYz" + "x12ab",
        "wJalrX",
    ),
    ("gcp-api-key", "const key = 'AIza" + "SyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW';", "SyA1b2C3"),
    (
        "private-key",
        '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv'
        + B64
        + '\\n-----END PRIVATE KEY-----\\n"}',
        "MIIEv",
    ),
    (
        "azure-storage-key",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + B64 + "==;",
        B64,
    ),
    ("github-token", "export GITHUB_TOKEN=ghp_" + ALNUM36, ALNUM36),
    ("github-token", 'token = "gho_' + ALNUM36 + '"', ALNUM36),
    ("github-token", "github_pat_" + "11ABCDEFG0" + "x" * 12 + "_" + "Y" * 59, "11ABCDEFG0"),
    ("gitlab-token", "glpat-" + "Ab3dEf6hIj9kLm2nOp5q", "Ab3dEf6hIj9kLm2nOp5q"),
    ("slack-token", "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKl", "123456789012"),
    (
        "slack-webhook",
        "url = 'https://hooks.slack.com/services/T0"
        + "0000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'",
        "B00000000",
    ),
    (
        "discord-bot-token",
        "import discord\nclient.run('MTA"
        + "xNzM0MjY0NjQ2OTU3OTQwMg.GkZx1a.AbCdEfGhIjKlMnOpQrStUvWxYz0123456')",
        "GkZx1a",
    ),
    (
        "telegram-bot-token",
        "bot = Bot('1234567890:AA" + "HdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ')",
        "HdqTcv",
    ),
    ("stripe-key", "stripe.api_key = 'sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc'", "4eC39Hq"),
    ("stripe-key", "rk_live_" + "51H8aBcDeFgHiJkLmNoPq", "51H8aBc"),
    ("stripe-key", "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc", "4eC39Hq"),
    ("openai-key", "OPENAI = 'sk-proj-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv'", "Ab1Cd2Ef3"),
    ("openai-key", "sk-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWxYz12345678", "Ab1Cd2Ef3"),
    ("anthropic-key", "ANTHROPIC_API_KEY=sk-ant-" + "api03-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8", "api03-Ab1"),
    ("deepseek-key", "client = DeepSeek(api_key='sk-" + HEX32 + "')", HEX32),
    ("huggingface-token", "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz01234567", "AbCdEfGhIj"),
    ("npm-token", "//registry.npmjs.org/:_authToken=npm_" + ALNUM36, ALNUM36),
    ("pypi-token", "password = pypi-" + "AgEIcHlwaS5vcmc" + "A1b2C3d4" * 6, "AgEIcHlwaS5vcmc"),
    ("sendgrid-key", "SG." + "a" * 10 + "B" * 12 + "." + "c" * 20 + "D" * 23, "aaaaaaaaaa"),
    ("twilio-key", "TWILIO_API_KEY_SID=SK" + HEX32, HEX32),
    (
        "private-key",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA"
        + B64
        + "\n-----END RSA PRIVATE KEY-----\n",
        "MIIEpAIBAAKCAQEA",
    ),
    (
        "private-key",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA" + B64 + "\n-----END OPE",
        "b3BlbnNzaC1rZXktdjEAAAA",
    ),
    (
        "jwt",
        "Cookie: session=eyJ"
        + "hbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
        "dozjgNryP4J3jVmNHl0w5N",
    ),
    ("bearer-token", 'headers = {"Authorization": "Bearer ' + B64 + '"}', B64),
    ("url-password", "DATABASE_URL=postgres://app:S3cr3t%21pw@db.internal:5432/app", "S3cr3t"),
    ("password", "DB_PASS=hunter2", "hunter2"),
    ("password", "  password: 'hunter2'", "hunter2"),
    ("password", "spring.datasource.password=hunter2", "hunter2"),
    ("password", 'const userPassword = "hunter2";', "hunter2"),
    ("password", "password: Tr0ub4dor&3", "Tr0ub4dor&3"),
    ("secret", '{"api_key": "a81c3f9e2d7b"}', "a81c3f9e2d7b"),
    ("secret", "CLIENT_SECRET: 'x9y8z7w6'", "x9y8z7w6"),
    ("secret", 'os.environ["API_TOKEN"] = "t0k3n-value"', "t0k3n-value"),
    ("secret", "export SECRET_KEY='django-insecure-" + B64[:40] + "'", B64[:40]),
    ("secret", 'token := "' + HEX32 + '"', HEX32),
]


@pytest.mark.parametrize(("kind", "text", "secret"), SECRETS)
def test_each_credential_kind_is_redacted(kind: str, text: str, secret: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert placeholder(kind) in result.text
    assert kind in result.kinds
    assert result.count >= 1


def test_url_password_keeps_user_and_host() -> None:
    result = redact("redis://default:k9Vx2mQ7@cache.local:6379/0")
    assert result.text == f"redis://default:{placeholder('url-password')}@cache.local:6379/0"


def test_quotes_and_syntax_are_kept() -> None:
    assert redact('password = "hunter2"\n').text == 'password = "REDACTED_PASSWORD"\n'
    assert redact("PASSWORD=hunter2 # db\n").text == "PASSWORD=REDACTED_PASSWORD # db\n"


def test_pem_block_keeps_its_armour_lines() -> None:
    text = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE" + B64 + "\n-----END EC PRIVATE KEY-----\n"
    result = redact(text)
    assert result.text.startswith("-----BEGIN EC PRIVATE KEY-----")
    assert result.text.endswith("-----END EC PRIVATE KEY-----\n")
    assert "MHcCAQEE" not in result.text


def test_same_secret_always_gives_same_text_and_redaction_is_idempotent() -> None:
    text = 'a = "ghp_' + ALNUM36 + '"\npassword = "hunter2"\n'
    first = redact(text)
    assert redact(text) == first
    assert redact(first.text).text == first.text
    assert redact(first.text).count == 0


def test_counts_each_secret_and_lists_kinds_once() -> None:
    text = "p1 = 'ghp_" + ALNUM36 + "'\np2 = 'ghp_" + ALNUM36[::-1] + "'\nDB_PASS=k9x!2q\n"
    result = redact(text)
    assert result.count == 3
    assert result.kinds == ("github-token", "password")


@pytest.mark.parametrize(
    "text",
    [
        "password = None",
        "password = os.environ['DB_PASSWORD']",
        'password = os.environ.get("DB_PASSWORD")',
        "password = settings.db.password",
        "token = get_token()",
        "password: str",
        "password: Optional[str] = None",
        'password = ""',
        "max_tokens = 128",
        "max_tokens: int = 4096",
        'tokenizer = "gpt2"',
        'token_type = "bearer"',
        'password_field = "pw"',
        "api_key = api_key",
        'DB_PASS="${DB_PASS}"',
        "password: {{ vault_password }}",
        'password = "********"',
        "def check_password(password: str) -> bool:",
        "if token is None:",
        "PASSWORD_MIN_LENGTH=12",
        'print(f"Bearer {token}")',
        "https://example.com/path?q=1",
        "compass = 'north'",
        "for key, value in items.items():",
        "sk-learn is a typo for sklearn",
        "SK = 5",
        # the examples: options and expressions, not credentials
        "xhr.withCredentials = 'same-origin'",
        "  credentials: isCredentialsSupported ? 'include' : undefined,",
        "fetch(url, { credentials: 'include' })",
        # common words, phrases and placeholders
        'password = "correct horse battery staple"',
        "password: changeme",
        'api_key = "<your-key>"',
        'API_KEY = "your-api-key-here"',
        "apiKey: process.env.API_KEY,",
        "password: process.env.DB_PASSWORD",
        "token = os.environ['TOKEN']",
        'password = "password123"',
        'secret = "P@ssw0rd"',
        'token: "ACCESS_TOKEN"',
        "PWD=/home/ada/project",
        "contextToken = parent2;",
        "username=auth[0], password=auth[1]",
        'print(f"password={password!r}")',
        "Basic Q0xJRU5UX0lEOkNMSUVOVF9TRUNSRVQ=",  # base64 of CLIENT_ID:CLIENT_SECRET
        "postgres://user:password@localhost/db",
        "AKIAIOSFODNN7EXAMPLE",
        'Token: "#d8dee9",',
    ],
)
def test_non_secrets_are_left_alone(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.count == 0


def test_redacted_lines_are_cached_and_give_the_same_result() -> None:
    text = "import os\npassword = 'k9x!2qZ7'\nprint(1)\n"
    first = redact(text)
    typed = redact(text + "x")
    assert first.count == typed.count == 1
    assert typed.text == first.text + "x"


def test_ordinary_code_is_untouched() -> None:
    code = Path(settings.__file__).read_text()
    assert redact(code).text == code


def test_redaction_is_fast() -> None:
    chunk = (
        "def load(config):\n"
        "    token_count = len(config.tokens)\n"
        '    key = config.get("key", None)\n'
        "    url = f'https://api.example.com/v1/{key}'\n"
        "    return {'url': url, 'count': token_count}\n\n"
    )
    text = (chunk * (6000 // len(chunk) + 1))[:6000] + "\npassword = 'hunter2'\n"
    assert redact(text).count == 1
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        redact(text)
    average = (time.perf_counter() - start) / runs
    assert average < 0.003, f"{average * 1000:.2f} ms per 6 KB prompt"  # typically ~0.3 ms
