"""`deepseek-lsp complete FILE:LINE:COL`: the server's completion pipeline, once, from a shell.

The suggestion goes to stdout; timing, token usage and (with --show-prompt) the prompt as it
would be sent go to stderr. With no key configured it runs against the built-in fake server and
says so, so a newcomer sees the pipeline work before setting anything up.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from deepseek_lsp.api import ApiConfig, ApiError, DeepSeekClient
from deepseek_lsp.commands.offline import offline_api
from deepseek_lsp.console import err, out
from deepseek_lsp.engine.completion import CompletionEngine
from deepseek_lsp.engine.completion.engine import Prepared
from deepseek_lsp.engine.document import Document
from deepseek_lsp.engine.languages import language_for
from deepseek_lsp.engine.policy import PolicyFiles
from deepseek_lsp.engine.spend import Caps, Ledger, Spend, state_dir
from deepseek_lsp.settings import Settings, load

MAX_FILE_BYTES = 20 * 1024 * 1024


class UsageError(Exception):
    """Bad arguments: exit 2 with this sentence."""


def parse_target(target: str) -> tuple[Path, int, int]:
    """Split FILE:LINE:COL (1-based); the file name itself may contain colons."""
    parts = target.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        raise UsageError(f"Expected FILE:LINE:COL with 1-based numbers, got {target!r}.")
    return Path(parts[0]), int(parts[1]), int(parts[2])


def load_document(path: Path) -> Document:
    """Read a text file as the editor would hold it."""
    if not path.is_file():
        raise UsageError(f"No such file: {path}.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UsageError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB; not a source file?")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise UsageError(f"{path} looks like a binary file.")
    text = data.decode("utf-8", errors="replace")
    uri = path.resolve().as_uri()
    return Document(uri, text, 0, language_for(uri).id, "utf-32")


def cursor(doc: Document, line: int, col: int, path: Path) -> tuple[int, int]:
    """The 1-based LINE:COL (code points) as a 0-based position, or a UsageError."""
    if not 1 <= line <= doc.line_count:
        raise UsageError(f"Line {line} is outside {path} (it has {doc.line_count} lines).")
    width = len(doc.line(line - 1))
    if not 1 <= col <= width + 1:
        raise UsageError(
            f"Column {col} is outside line {line} of {path} (columns 1 to {width + 1})."
        )
    return line - 1, col - 1


def run_complete(target: str, *, show_prompt: bool = False, offline: bool = False) -> int:
    """Run once and print; 0 on success, 2 for bad arguments, 1 for an API failure."""
    try:
        path, line, col = parse_target(target)
        doc = load_document(path)
        pos = cursor(doc, line, col, path)
    except UsageError as exc:
        err(f"deepseek-lsp: {exc}")
        return 2
    env = dict(os.environ)
    settings, problems = load(env)
    for problem in problems:
        err(f"deepseek-lsp: {problem}")
    if not offline and not settings.api_key and not settings.oauth2:
        err(
            "deepseek-lsp: no DEEPSEEK_API_KEY set, so this runs against the built-in offline "
            "fake DeepSeek server (canned suggestions). Set the key for real ones."
        )
        offline = True
    policy = PolicyFiles(env, [os.getcwd()])
    policy.refresh()
    reason = policy.policy.refusal("completion", settings.completion.model)
    if reason is not None:
        err(f"deepseek-lsp: not sent: {reason}")
        return 1
    with offline_api(offline) as forced:
        if forced:
            settings, _ = load(env, forced)
        settings = policy.policy.constrain(settings)
        # Real requests cost real money: they count in the user's spend; the fake's do not.
        spend = None if forced else Spend(Ledger(state_dir(env)), caps=Caps())
        return asyncio.run(_complete(settings, doc, pos, path, show_prompt, spend))


def workspace_root(path: Path) -> Path:
    """The enclosing git repository, else the file's folder: what the CLI indexes for context."""
    folder = path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


async def _index(settings: Settings, doc: Document, root: Path, engine: CompletionEngine) -> None:
    """Index the workspace for cross-file context (waits: the CLI has one request to make)."""
    if not settings.context.enabled:
        return
    from deepseek_lsp.engine.workspace.service import WorkspaceService, limits_from

    def relpath(p: str) -> str:
        return os.path.relpath(p, root)

    service = WorkspaceService(limits_from(settings), lambda uri: None, relpath)
    service.start([str(root)])
    await service.idle()
    engine.context_source = service.snippets


def show_prompt(prepared: Prepared) -> None:
    """The prompt as it will be sent, and which snippets came from where."""
    err(
        f"--- prompt ({len(prepared.request.prompt)} chars, "
        f"model {prepared.request.model}, "
        f"{prepared.redactions} secret(s) redacted) ---"
    )
    err(prepared.request.prompt + "<CURSOR>")
    err(f"--- suffix ({len(prepared.request.suffix)} chars) ---")
    err(prepared.request.suffix)
    snippets = prepared.ctx.snippets
    err(f"--- cross-file context: {len(snippets)} snippet(s) ---")
    for snippet in snippets:
        kind = "definitions the cursor needs" if snippet.source == "definitions" else "similar"
        err(f"{snippet.path}: {kind}, {len(snippet.text)} chars")
    err("--- end ---")


async def _complete(
    settings: Settings,
    doc: Document,
    pos: tuple[int, int],
    path: Path,
    show: bool,
    spend: Spend | None = None,
) -> int:
    client = DeepSeekClient(ApiConfig.from_settings(settings))
    engine = CompletionEngine(settings, client, spend=spend)
    root = workspace_root(path)
    relpath = os.path.relpath(path.resolve(), root)
    try:
        if engine.is_excluded(str(path.resolve()), (str(root),)):
            err(f"deepseek-lsp: {path} matches privacy.exclude; nothing was sent.")
            return 1
        await _index(settings, doc, root, engine)
        if show:
            show_prompt(engine.prepare(doc, pos, relpath))
        started = time.perf_counter()
        try:
            suggestion = await engine.complete(doc, pos, "invoked", workspace_relpath=relpath)
        except ApiError as exc:
            err(f"deepseek-lsp: {exc.message}")
            return 1
        elapsed_ms = (time.perf_counter() - started) * 1000
        out(suggestion.text if suggestion else "")
        u = engine.usage
        err(
            f"{elapsed_ms:.0f} ms; tokens: prompt {u.prompt_tokens} "
            f"(cache hit {u.prompt_cache_hit_tokens}, miss {u.prompt_cache_miss_tokens}), "
            f"completion {u.completion_tokens}"
            + (f"; cost ${spend.cost_usd:.6f}" if spend else "")
            + ("" if suggestion else "; no suggestion for this position")
            + (
                f"; replaces the {suggestion.replace} character(s) after the cursor"
                if suggestion and suggestion.replace
                else ""
            )
        )
        return 0
    finally:
        await client.aclose()
        if spend is not None:
            await spend.close()
