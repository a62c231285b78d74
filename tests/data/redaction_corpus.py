"""Credential shapes that redaction must catch, across providers and file syntaxes.

Used by tests/unit/engine/test_redaction_corpus.py (which asserts 100 % caught) and by
bench/redaction.py. No token here is real: bodies are drawn from a seeded generator at import,
so the source holds no key-shaped literal for a secret scanner to report.
"""

from __future__ import annotations

import base64
import random
import string
from dataclasses import dataclass

_rng = random.Random(20261201)
B62 = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = B62 + "+/"
URLSAFE = B62 + "-_"


def body(length: int, alphabet: str = B62) -> str:
    """A random-looking token body (deterministic for the seed)."""
    return "".join(_rng.choice(alphabet) for _ in range(length))


@dataclass(frozen=True)
class Credential:
    """One case: a line (or block) of text and the secret parts that must not survive."""

    name: str
    text: str
    secrets: tuple[str, ...]


def _case(name: str, template: str, *secrets: str) -> Credential:
    """`template` with ``{0}``, ``{1}`` ... replaced by `secrets`."""
    return Credential(name, template.format(*secrets), secrets)


def _pem(label: str) -> tuple[str, str]:
    lines = [body(64, B64) for _ in range(4)] + [body(20, B64) + "=="]
    key_body = "\n".join(lines)
    return f"-----BEGIN {label}-----\n{key_body}\n-----END {label}-----\n", lines[0], lines[-1]


def _jwt() -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    claims = base64.urlsafe_b64encode(b'{"sub":"4242","name":"Ada","iat":1700000000}')
    return f"{header}.{claims.decode().rstrip('=')}.{body(43, URLSAFE)}"


def _credentials() -> list[Credential]:
    aws_id = "AK" + "IA" + body(16, string.ascii_uppercase + "234567")
    aws_sts = "AS" + "IA" + body(16, string.ascii_uppercase + "234567")
    aws_secret = body(40, B64)
    jwt = _jwt()
    rsa, openssh, ec, pkcs8, pgp, plain = (
        _pem((label + " PRIVATE " + "KEY").strip())
        for label in ("RSA", "OPENSSH", "EC", "ENCRYPTED", "PGP", "")
    )
    basic = base64.b64encode(b"deploy:" + body(14).encode()).decode()
    human = "Tr0ub4dor!" + body(3, string.digits)
    return [
        # cloud keys
        _case("aws id, python", 'aws_access_key_id = "{0}"', aws_id),
        _case("aws sts id, .env", "AWS_ACCESS_KEY_ID={0}", aws_sts),
        _case("aws secret, ini", "aws_secret_access_key = {0}", aws_secret),
        _case("aws secret, yaml", "  AWS_SECRET_ACCESS_KEY: {0}", body(40, B64)),
        _case("gcp api key, js", "const maps = new Maps({{ key: 'AIza{0}' }});", body(35, URLSAFE)),
        _case(
            "gcp api key, url",
            "fetch(`https://maps.googleapis.com/x?key=AIza{0}`)",
            body(35, URLSAFE),
        ),
        Credential(
            "gcp service account json",
            '{"type": "service_account", "private_key": "' + plain[0].replace("\n", "\\n") + '"}',
            plain[1:],
        ),
        _case("gcp oauth client secret", 'client_secret="GOCSPX-{0}"', body(28, URLSAFE)),
        _case("gcp oauth access token", "Authorization: Bearer ya29.{0}", body(60, URLSAFE)),
        _case(
            "azure storage connection string",
            'conn = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={0}==;"',
            body(86, B64),
        ),
        _case(
            "azure service bus",
            "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={0}=",
            body(43, B64),
        ),
        _case("digitalocean token", "DIGITALOCEAN_TOKEN=dop_v1_{0}", body(64, HEX)),
        _case("databricks token", 'host_token = "dapi{0}"', body(32, HEX)),
        _case("vault token", "export VAULT_TOKEN=hvs.{0}", body(90, URLSAFE)),
        # source forges and registries
        _case("github classic, shell", "export GITHUB_TOKEN=ghp_{0}", body(36)),
        _case("github oauth, python", 'gh = Github("gho_{0}")', body(36)),
        _case("github app, json", '{{"token": "ghs_{0}"}}', body(36)),
        _case("github fine-grained, yaml", "token: github_pat_{0}", body(82, B62 + "_")),
        _case(
            "github token in git remote",
            "https://x-access-token:ghp_{0}@github.com/o/r.git",
            body(36),
        ),
        _case("gitlab token, .env", "GITLAB_TOKEN=glpat-{0}", body(20, URLSAFE)),
        _case("npm token, .npmrc", "//registry.npmjs.org/:_authToken=npm_{0}", body(36)),
        _case("private registry token, .npmrc", "//npm.acme.dev/:_authToken={0}", body(40, HEX)),
        _case("pypi token, .pypirc", "password = pypi-AgEIcHlwaS5vcmc{0}", body(70, URLSAFE)),
        _case(
            "docker hub token",
            "echo dckr_pat_{0} | docker login -u ada --password-stdin",
            body(27, URLSAFE),
        ),
        _case("huggingface token", "HF_TOKEN=hf_{0}", body(34)),
        # AI providers
        _case("openai project key", "OPENAI_API_KEY=sk-proj-{0}", body(120, URLSAFE)),
        _case("openai legacy key, python", 'openai.api_key = "sk-{0}"', body(48)),
        _case("anthropic key", 'client = Anthropic(api_key="sk-ant-api03-{0}")', body(93, URLSAFE)),
        _case("deepseek key, toml", 'api_key = "sk-{0}"', body(32, HEX)),
        _case("deepseek key, json", '{{"deepseek": {{"apiKey": "sk-{0}"}}}}', body(32, HEX)),
        # messaging, payments, SaaS
        _case(
            "slack bot token",
            "SLACK_BOT_TOKEN = 'xoxb-{0}-{1}-{2}'",
            body(12, string.digits),
            body(13, string.digits),
            body(24),
        ),
        _case(
            "slack user token, js",
            "const slack = new WebClient('xoxp-{0}-{1}');",
            body(12, string.digits),
            body(32, HEX),
        ),
        _case(
            "slack webhook",
            "SLACK_WEBHOOK=https://hooks.slack.com/services/T{0}/B{1}/{2}",
            body(8, string.ascii_uppercase),
            body(10, string.ascii_uppercase),
            body(24),
        ),
        _case(
            "discord bot token",
            "client.run('{0}.{1}.{2}')",
            base64.b64encode(("1" + body(18, string.digits)).encode()).decode().rstrip("="),
            body(6, URLSAFE),
            body(38, URLSAFE),
        ),
        Credential(  # the bot id before the colon is public; the part after it is the secret
            "telegram bot token",
            f"bot = telebot.TeleBot('{body(10, string.digits)}:AA{(tg := body(33, URLSAFE))}')",
            (tg,),
        ),
        _case("stripe live key", "stripe.api_key = 'sk_live_{0}'", body(99)),
        _case("stripe restricted key", "STRIPE_KEY=rk_live_{0}", body(99)),
        _case("stripe webhook secret", 'endpoint = "whsec_{0}"', body(32)),
        _case(
            "sendgrid key",
            "sg = SendGridAPIClient('SG.{0}.{1}')",
            body(22, URLSAFE),
            body(43, URLSAFE),
        ),
        _case("twilio api key sid", "TWILIO_API_KEY=SK{0}", body(32, HEX)),
        _case("twilio auth token", "TWILIO_AUTH_TOKEN={0}", body(32, HEX)),
        _case("mailgun key", "MAILGUN = 'key-{0}'", body(32, HEX)),
        _case("shopify token", 'headers["X-Shopify-Access-Token"] = "shpat_{0}"', body(32, HEX)),
        _case("postman key", "POSTMAN_API_KEY=PMAK-{0}-{1}", body(24, HEX), body(34, HEX)),
        _case(
            "new relic key",
            "NEW_RELIC_API_KEY=NRAK-{0}",
            body(27, string.ascii_uppercase + string.digits),
        ),
        _case("grafana token", "GRAFANA_TOKEN=glsa_{0}_{1}", body(32), body(8, HEX)),
        _case("linear key", "LINEAR_API_KEY=lin_api_{0}", body(40)),
        _case("supabase token", "SUPABASE_ACCESS_TOKEN=sbp_{0}", body(40, HEX)),
        _case(
            "age secret key", "AGE-SECRET-KEY-1{0}", body(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")
        ),
        # private keys
        Credential("rsa private key", rsa[0], rsa[1:]),
        Credential("openssh private key", openssh[0], openssh[1:]),
        Credential("ec private key in a python string", f'KEY = """{ec[0]}"""', ec[1:]),
        Credential("encrypted pkcs8 key", pkcs8[0], pkcs8[1:]),
        Credential("pgp private key block", pgp[0].replace("KEY-", "KEY BLOCK-"), pgp[1:]),
        Credential("private key cut off by the prompt window", rsa[0][:200], (rsa[1][:40],)),
        # tokens in headers, cookies and code
        _case("jwt in a cookie header", "Cookie: session={0}", jwt),
        _case("jwt in js", "const idToken = '{0}';", jwt),
        _case(
            "bearer header, curl",
            'curl -H "Authorization: Bearer {0}" https://api.acme.dev',
            body(40, URLSAFE),
        ),
        _case("bearer header, python", 'headers = {{"Authorization": "Bearer {0}"}}', body(32)),
        _case("basic auth header", "Authorization: Basic {0}", basic),
        _case("api key header, python dict", 'headers = {{"X-Api-Key": "{0}"}}', body(32, HEX)),
        _case("api key header, http", "x-api-key: {0}", body(40)),
        # URLs and connection strings
        _case("postgres url", "DATABASE_URL=postgres://app:{0}@db.internal:5432/app", body(16)),
        _case("postgres url, encoded", 'dsn = "postgresql://app:{0}%21x@db/app"', body(12)),
        _case("mysql url", "mysql://root:{0}@127.0.0.1:3306/shop", body(14)),
        _case(
            "mongodb srv url",
            'MONGO_URI="mongodb+srv://svc:{0}@cluster0.ab1cd.mongodb.net/db"',
            body(20),
        ),
        _case("redis url without user", "REDIS_URL=redis://:{0}@cache:6379/0", body(24)),
        _case("amqp url", "broker_url = 'amqp://guest:{0}@rabbit:5672//'", body(18)),
        _case(
            "go mysql dsn", 'db, err := sql.Open("mysql", "app:{0}@tcp(db:3306)/shop")', body(16)
        ),
        _case(
            "jdbc password parameter",
            'url = "jdbc:postgresql://db/app?user=app&password={0}"',
            body(16),
        ),
        _case(
            "ado.net connection string", '"Server=db;Database=app;User Id=sa;Password={0};"', human
        ),
        _case("odbc pwd", "DRIVER={{ODBC Driver 18}};SERVER=db;UID=sa;PWD={0};", body(16)),
        _case("access token query parameter", "GET /v1/me?access_token={0} HTTP/1.1", body(40)),
        # assignments by syntax
        _case("python assignment", 'password = "{0}"', human),
        _case("python keyword argument", "psycopg.connect(host='db', password='{0}')", body(14)),
        _case("python dict", 'config = {{"client_secret": "{0}"}}', body(32, URLSAFE)),
        _case("python annotated", 'API_TOKEN: str = "{0}"', body(40, HEX)),
        _case(
            "django secret key",
            "SECRET_KEY = 'django-insecure-{0}'",
            body(50, B62 + "!@#%^&*(-_=+)"),
        ),
        _case("js const", 'const apiKey = "{0}";', body(32)),
        _case("js object property", "  authToken: '{0}',", body(40, HEX)),
        _case("ts class field", "  private readonly secretKey = '{0}';", body(32, B64)),
        _case("js template literal", "const dbPassword = `{0}`;", body(16)),
        _case("go const", 'const apiSecret = "{0}"', body(32)),
        _case("go short declaration", 'token := "{0}"', body(40, HEX)),
        _case("go struct field", '\tPassword: "{0}",', human),
        _case("java field", 'private static final String DB_PASSWORD = "{0}";', body(16)),
        _case("php array", "'password' => '{0}',", body(16)),
        _case("ruby", "config.secret_key_base = '{0}'", body(64, HEX)),
        _case("yaml unquoted", "  password: {0}", human),
        _case("yaml quoted", '  db_password: "{0}"', body(16)),
        _case("yaml compose environment list", "      - POSTGRES_PASSWORD={0}", body(16)),
        _case("k8s secret stringData", "stringData:\n  API_TOKEN: {0}", body(40)),
        _case("json", '{{"password": "{0}", "user": "ada"}}', body(16)),
        _case("dotenv", "DB_PASSWORD={0}", body(16)),
        _case("dotenv quoted", 'STRIPE_SECRET="{0}"', body(32)),
        _case("dotenv with comment", "SESSION_SECRET={0}  # rotate monthly", body(32, HEX)),
        _case("toml", 'token = "{0}"', body(40)),
        _case("ini unquoted", "password = {0}", body(16)),
        _case("shell export quoted", "export API_KEY='{0}'", body(32)),
        _case("terraform", '  master_password = "{0}"', body(20)),
        _case("env var without separator", "PGPASSWORD={0} psql -h db", body(16)),
        _case("human password", "MYSQL_ROOT_PASSWORD=hunter2", "hunter2"),
    ]


CREDENTIALS: list[Credential] = _credentials()
