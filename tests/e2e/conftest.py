"""End-to-end fixtures: the real server as a subprocess over stdio, the fake DeepSeek over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES

from deepseek_lsp.testing.fake.server import FakeDeepSeek

API_KEY = "sk-test-e2e"


@pytest.fixture(scope="session")
def _fake_server() -> Any:
    server = FakeDeepSeek()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake(_fake_server: FakeDeepSeek) -> FakeDeepSeek:
    """The fake DeepSeek server, reset to defaults for each test."""
    _fake_server.reset()
    return _fake_server


def capabilities(
    *, encodings: list[str] | None = None, resolve_edit: bool = True, configuration: bool = True
) -> types.ClientCapabilities:
    """What a modern editor (VS Code-like) declares, with inline completion."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings)
        if encodings
        else None,
        workspace=types.WorkspaceClientCapabilities(
            configuration=configuration,
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[types.ResourceOperationKind.Create],
            ),
        ),
        text_document=types.TextDocumentClientCapabilities(
            inline_completion=types.InlineCompletionClientCapabilities(),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    documentation_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
                )
            ),
            code_action=types.CodeActionClientCapabilities(
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
                if resolve_edit
                else None,
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=["", "quickfix", "refactor"]
                    )
                ),
            ),
        ),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )


def make_client() -> LanguageClient:
    """pytest-lsp's client, but its `$/progress` handler raises on partial results: ours records."""
    client = LanguageClient(converter_factory=default_converter)
    for method, handler in DEFAULT_CLIENT_FEATURES.items():
        if method not in (types.PROGRESS, types.WORKSPACE_CONFIGURATION):
            client.feature(method)(handler)
    client.partial_results = {}  # type: ignore[attr-defined]
    client.applied_edits = []  # type: ignore[attr-defined]
    client.configuration_answers = []  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def configuration(ls: LanguageClient, params: types.ConfigurationParams) -> list[Any]:
        answer = DEFAULT_CLIENT_FEATURES[types.WORKSPACE_CONFIGURATION](ls, params)
        ls.configuration_answers.append(answer)  # type: ignore[attr-defined]
        return answer

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(ls: LanguageClient, params: types.ApplyWorkspaceEditParams) -> Any:
        ls.applied_edits.append(params.edit)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature(types.PROGRESS)
    def progress(ls: LanguageClient, params: Any) -> None:
        value = params.value if isinstance(params.value, dict) else {}
        ls.partial_results.setdefault(params.token, []).append(value)  # type: ignore[attr-defined]

    return client


@contextlib.asynccontextmanager
async def lsp_session(
    fake: FakeDeepSeek | None,
    *,
    init_options: dict[str, Any] | None = None,
    configuration: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    root: Path | None = None,
    server_args: list[str] | None = None,
    client_name: str | None = None,
    **caps: Any,
) -> AsyncIterator[LanguageClient]:
    """A started and initialized client talking to `deepseek-lsp --stdio`.

    The spend ledger goes to a fresh directory and no system policy applies, unless `env` says
    otherwise: a test never reads or writes the user's own.
    """
    with tempfile.TemporaryDirectory(prefix="deepseek-lsp-state-") as state:
        server_env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
        server_env.update(
            DEEPSEEK_LSP_STATE_DIR=state,
            DEEPSEEK_LSP_POLICY=os.path.join(state, "no-system-policy.json"),
        )
        if fake is not None:
            server_env.update(DEEPSEEK_BASE_URL=fake.base_url, DEEPSEEK_API_KEY=API_KEY)
        server_env.update(env or {})
        async with _session(
            server_env, init_options, configuration, root, server_args, client_name, caps
        ) as c:
            yield c


@contextlib.asynccontextmanager
async def _session(
    server_env: dict[str, str],
    init_options: dict[str, Any] | None,
    configuration: dict[str, Any] | None,
    root: Path | None,
    server_args: list[str] | None,
    client_name: str | None,
    caps: dict[str, Any],
) -> AsyncIterator[LanguageClient]:
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "deepseek_lsp", "--stdio", *(server_args or [])],
        server_env=server_env,
        client_factory=make_client,
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)

    if configuration is not None:
        client.set_configuration(configuration)
    root_uri = (root or Path.cwd()).resolve().as_uri()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(**caps),
            client_info=types.ClientInfo(name=client_name) if client_name else None,
            initialization_options=init_options,
            root_uri=root_uri,
            workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="ws")],
        )
    )
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            await client.shutdown_session()
        await client.stop()


def open_doc(
    client: LanguageClient, uri: str, text: str, language: str = "python", version: int = 1
) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=version, text=text
            )
        )
    )


def type_text(
    client: LanguageClient, uri: str, version: int, line: int, char: int, text: str
) -> None:
    """Insert `text` at (line, char): one incremental didChange, as sent per keystroke."""
    pos = types.Position(line, char)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(pos, pos), text=text)
            ],
        )
    )


def inline_params(
    uri: str, line: int, char: int, invoked: bool = True
) -> types.InlineCompletionParams:
    kind = (
        types.InlineCompletionTriggerKind.Invoked
        if invoked
        else types.InlineCompletionTriggerKind.Automatic
    )
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line, char),
        context=types.InlineCompletionContext(trigger_kind=kind),
    )


def as_dict(value: Any) -> Any:
    """pygls hands untyped results back as namedtuples; tests read them as dicts."""
    if hasattr(value, "_asdict"):
        return {k: as_dict(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [as_dict(v) for v in value]
    return value


async def raw_request(
    client: LanguageClient, method: str, params: Any, timeout: float = 5.0
) -> Any:
    """Send a request exactly as given, skipping the test client's own param checks."""
    import uuid

    from pygls.protocol.json_rpc import JsonRPCRequestMessage

    msg_id = str(uuid.uuid4())
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data(
        JsonRPCRequestMessage(id=msg_id, method=method, jsonrpc="2.0", params=params)
    )
    return await asyncio.wait_for(future, timeout)


def send_request(
    client: LanguageClient, method: str, params: Any
) -> tuple[Any, asyncio.Future[Any]]:
    """Start a request and return (its id, the future of its answer), for cancellation tests."""
    import uuid

    msg_id = str(uuid.uuid4())
    future = asyncio.ensure_future(
        client.protocol.send_request_async(method, params, msg_id=msg_id)
    )
    return msg_id, future


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text, so columns are plain indexes) like an editor would."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def at(pos: types.Position) -> int:
        return (
            offsets[min(pos.line, len(lines) - 1)] + pos.character
            if pos.line < len(lines)
            else len(text)
        )

    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: at(edit.range.start)] + edit.new_text + text[at(edit.range.end) :]
    return text


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    """The text edits a workspace edit makes to `uri` (either shape)."""
    if edit.changes:
        return list(edit.changes.get(uri, []))
    found: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found.extend(change.edits)
    return found
