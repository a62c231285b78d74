"""Cross-file context end to end: the real server indexes a workspace on disk, the fake sees it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import as_dict, inline_params, lsp_session, open_doc, raw_request, type_text

# language -> files of a small project; the one marked with ║ is edited, its cursor at ║.
PROJECTS = {
    "python": {
        "pyproject.toml": "[project]\nname = 'shop'\n",
        "src/shop/__init__.py": "",
        "src/shop/pricing.py": (
            "def apply_discount(price: float, percent: int) -> float:\n"
            '    """Price after a percentage discount."""\n'
            "    return price * (100 - percent) / 100\n"
        ),
        "src/shop/cart.py": (
            "from .pricing import apply_discount\n\n\ndef total(items):\n    return sum(║)\n"
        ),
    },
    "typescript": {
        "package.json": "{}\n",
        "src/util/index.ts": "export * from './pricing';\n",
        "src/util/pricing.ts": (
            "/** Price after a percentage discount. */\n"
            "export function applyDiscount(price: number, percent: number): number {\n"
            "  return price * (100 - percent) / 100;\n}\n"
        ),
        "src/cart.ts": (
            "import { applyDiscount } from './util';\n\n"
            "export function total(items: number[]): number {\n  return ║\n}\n"
        ),
    },
    "go": {
        "go.mod": "module example.com/shop\n\ngo 1.22\n",
        "pricing/pricing.go": (
            "package pricing\n\n// ApplyDiscount is the price after a percentage discount.\n"
            "func ApplyDiscount(price float64, percent int) float64 {\n"
            "\treturn price * float64(100-percent) / 100\n}\n"
        ),
        "cart/cart.go": (
            'package cart\n\nimport "example.com/shop/pricing"\n\n'
            "func Total(items []float64) float64 {\n\treturn ║\n}\n"
        ),
    },
    "rust": {
        "Cargo.toml": '[package]\nname = "shop"\n',
        "src/lib.rs": "pub mod pricing;\npub mod cart;\n",
        "src/pricing.rs": (
            "/// Price after a percentage discount.\n"
            "pub fn apply_discount(price: f64, percent: u32) -> f64 {\n"
            "    price * (100 - percent) as f64 / 100.0\n}\n"
        ),
        "src/cart.rs": (
            "use crate::pricing::apply_discount;\n\n"
            "pub fn total(items: &[f64]) -> f64 {\n    ║\n}\n"
        ),
    },
}
SIGNATURES = {
    "python": "def apply_discount(price: float, percent: int) -> float",
    "typescript": "function applyDiscount(price: number, percent: number): number",
    "go": "func ApplyDiscount(price float64, percent int) float64",
    "rust": "pub fn apply_discount(price: f64, percent: u32) -> f64",
}
DEFINING_FILE = {
    "python": "src/shop/pricing.py",
    "typescript": "src/util/pricing.ts",
    "go": "pricing/pricing.go",
    "rust": "src/pricing.rs",
}


def write_project(root: Path, language: str) -> tuple[str, str, tuple[int, int]]:
    """Write the files; return the edited file's URI, its text and the cursor."""
    for rel, text in PROJECTS[language].items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if "║" in text:
            before = text.split("║")[0]
            cursor = (before.count("\n"), len(before.rsplit("\n", 1)[-1]))
            text = text.replace("║", "")
            edited = (path.resolve().as_uri(), text, cursor)
        path.write_text(text)
    return edited


async def usage(client):
    return as_dict(await raw_request(client, "deepseek/usage", None))


async def wait_for_index(client, files: int = 1, after: int = -1) -> dict:
    """Poll deepseek/usage until the index holds `files` files, is idle and passed `after`."""
    for _ in range(500):
        counters = await usage(client)
        if (
            counters.get("indexedFiles", 0) >= files
            and not counters.get("indexBusy", 1)
            and counters.get("indexUpdates", 0) > after
        ):
            return counters
        await asyncio.sleep(0.01)
    raise AssertionError(f"index never ready: {counters}")


def last_prompt(fake) -> str:
    return [r for r in fake.requests if r.path.endswith("/beta/completions")][-1].body["prompt"]


@pytest.mark.parametrize("language", sorted(PROJECTS))
@pytest.mark.parametrize("other_open", [False, True], ids=["on-disk", "open"])
async def test_definition_from_another_file_reaches_the_prompt(
    fake, tmp_path, language, other_open
):
    fake.script(FakeReply(text="x"))
    uri, text, (line, col) = write_project(tmp_path, language)
    async with lsp_session(fake, root=tmp_path) as client:
        await wait_for_index(client, files=3)
        if other_open:
            other = tmp_path / DEFINING_FILE[language]
            open_doc(client, other.resolve().as_uri(), other.read_text(), language)
        open_doc(client, uri, text, language)
        await wait_for_index(client)
        await client.text_document_inline_completion_async(inline_params(uri, line, col))
        prompt = last_prompt(fake)
        assert SIGNATURES[language] in prompt
        assert f"Definitions in {DEFINING_FILE[language]}:" in prompt
        assert prompt.endswith(text.splitlines(keepends=True)[line][:col])
        assert (await usage(client))["contextPrompts"] == 1


async def test_a_change_on_disk_reaches_the_next_prompt(fake, tmp_path):
    fake.script(FakeReply(text="x"), FakeReply(text="y"))
    uri, text, (line, col) = write_project(tmp_path, "python")
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, text)
        await wait_for_index(client, files=3)
        await client.text_document_inline_completion_async(inline_params(uri, line, col))
        assert "def apply_discount(price: float, percent: int) -> float" in last_prompt(fake)
        before = await wait_for_index(client)
        pricing = tmp_path / "src/shop/pricing.py"
        pricing.write_text(
            "def apply_discount(amount: float, rate: float) -> float:\n    return 0\n"
        )
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=pricing.resolve().as_uri(), type=types.FileChangeType.Changed
                    )
                ]
            )
        )
        await wait_for_index(client, after=before["indexUpdates"])
        type_text(client, uri, 2, line, col, "0")  # elsewhere: not served by typed-ahead
        await client.text_document_inline_completion_async(inline_params(uri, line, col + 1))
        prompt = last_prompt(fake)
        assert "def apply_discount(amount: float, rate: float) -> float" in prompt
        assert "percent: int" not in prompt


async def test_deleted_file_leaves_the_prompt(fake, tmp_path):
    fake.script(FakeReply(text="x"), FakeReply(text="y"))
    uri, text, (line, col) = write_project(tmp_path, "go")
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, text, "go")
        await wait_for_index(client, files=3)
        before = await wait_for_index(client)
        pricing = tmp_path / "pricing/pricing.go"
        pricing.unlink()
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=pricing.resolve().as_uri(), type=types.FileChangeType.Deleted
                    )
                ]
            )
        )
        await wait_for_index(client, after=before["indexUpdates"])
        await client.text_document_inline_completion_async(inline_params(uri, line, col))
        assert "ApplyDiscount" not in last_prompt(fake)


async def test_secrets_and_ignored_files_never_reach_the_fake(fake, tmp_path):
    fake.script(FakeReply(text="x"))
    (tmp_path / ".gitignore").write_text("private/\n")
    (tmp_path / ".deepseekignore").write_text("internal.py\n")
    (tmp_path / ".env").write_text("from_env_marker = 'DOTENV_TEXT_MARKER'\n")
    (tmp_path / "private").mkdir()
    (tmp_path / "private/keys.py").write_text("def gitignored_marker():\n    pass\n")
    (tmp_path / "internal.py").write_text("def deepseekignored_marker():\n    pass\n")
    (tmp_path / "public.py").write_text("def public_marker():\n    pass\n")
    app = tmp_path / "app.py"
    text = (
        "from private.keys import gitignored_marker\nfrom internal import deepseekignored_marker\n"
        "from public import public_marker\n\n"
    )
    app.write_text(text)
    async with lsp_session(fake, root=tmp_path) as client:
        await wait_for_index(client, files=2)
        env = tmp_path / ".env"
        open_doc(client, env.resolve().as_uri(), env.read_text(), "python")
        open_doc(client, app.resolve().as_uri(), text)
        await wait_for_index(client)
        await client.text_document_inline_completion_async(inline_params(app.as_uri(), 4, 0))
        counters = await usage(client)
        prompt = last_prompt(fake)
    assert "def public_marker()" in prompt
    for marker in ("def gitignored_marker", "def deepseekignored_marker", "DOTENV_TEXT_MARKER"):
        assert marker not in prompt
    assert counters["indexedFiles"] == 2  # app.py and public.py


def chat_bodies(fake) -> list[dict]:
    return [r.body for r in fake.requests if r.path.endswith("/chat/completions")]


def user_text(body: dict) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")


PY_SELECTION = {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 16}}


@pytest.mark.parametrize("command", ["deepseek.explain", "deepseek.fix", "deepseek.generateTests"])
async def test_code_actions_get_the_definitions_their_selection_uses(fake, tmp_path, command):
    fake.script(FakeReply(text="```python\ndef total(items):\n    return sum(items)\n```"))
    uri, text, _ = write_project(tmp_path, "python")
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, text)
        await wait_for_index(client, files=3)
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=[uri, PY_SELECTION])
        )
    (body,) = chat_bodies(fake)
    assert SIGNATURES["python"] in user_text(body)


async def test_chat_gets_the_definitions_its_selection_uses(fake, tmp_path):
    fake.script(FakeReply(text="It sums."))
    uri, text, _ = write_project(tmp_path, "typescript")
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, text, "typescript")
        await wait_for_index(client, files=3)
        await raw_request(
            client,
            "deepseek/chat",
            {
                "message": "what does this do?",
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 4, "character": 0}},
            },
        )
    (body,) = chat_bodies(fake)
    assert SIGNATURES["typescript"] in user_text(body)


def test_cli_complete_indexes_the_enclosing_repository(fake, tmp_path):
    import os
    import subprocess
    import sys

    fake.script(FakeReply(text="x"))
    (tmp_path / ".git").mkdir()  # the repository root, above the file's folder
    _, _, (line, col) = write_project(tmp_path, "rust")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    env.update(DEEPSEEK_BASE_URL=fake.base_url, DEEPSEEK_API_KEY="sk-test-e2e")
    target = f"{tmp_path / 'src/cart.rs'}:{line + 1}:{col + 1}"
    result = subprocess.run(
        [sys.executable, "-m", "deepseek_lsp", "complete", target, "--show-prompt"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "src/pricing.rs: definitions the cursor needs" in result.stderr
    assert SIGNATURES["rust"] in last_prompt(fake)
