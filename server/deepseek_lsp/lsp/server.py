"""The language server object: settings from every source, the engine, and start-up handlers.

Handlers live in feature modules (`lifecycle`, `completion`, `actions`, `chat`), each of which
registers itself on a server; `app.create_server` makes one with all of them. This module imports
none of them, so no two modules import each other.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Coroutine, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from deepseek_lsp import __version__
from deepseek_lsp.api import ApiConfig, DeepSeekClient
from deepseek_lsp.engine.completion import CompletionEngine
from deepseek_lsp.engine.completion.warmup import Warmup
from deepseek_lsp.engine.document import Document, DocumentStore, UnknownDocument
from deepseek_lsp.engine.policy import PolicyFiles
from deepseek_lsp.engine.spend import Caps, Ledger, Price, Spend, state_dir
from deepseek_lsp.engine.uris import uri_to_path
from deepseek_lsp.engine.usage import UsageCounters
from deepseek_lsp.lsp.early_init import EarlyStart
from deepseek_lsp.lsp.envelope import PARSE_ERROR, Rejected
from deepseek_lsp.lsp.framing import Framer, FramingError
from deepseek_lsp.lsp.messages import Notifier
from deepseek_lsp.lsp.metered import MeteredClient
from deepseek_lsp.lsp.metrics import FEATURES, Metrics
from deepseek_lsp.lsp.protocol import DeepSeekProtocol
from deepseek_lsp.lsp.strict import strict_converter
from deepseek_lsp.lsp.vim_completion import VimClient
from deepseek_lsp.settings import Settings, load

if TYPE_CHECKING:  # imported for real only after initialize (lsp/workspace.py)
    from deepseek_lsp.engine.workspace.service import WorkspaceService

log = logging.getLogger(__name__)


class DeepSeekServer(LanguageServer):
    """pygls server holding one settings object, one API client and one completion engine."""

    protocol: DeepSeekProtocol

    def __init__(self, env: Mapping[str, str], forced: Mapping[str, Any] | None = None) -> None:
        super().__init__(
            "deepseek-lsp",
            __version__,
            protocol_cls=DeepSeekProtocol,
            converter_factory=strict_converter,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.env = dict(env)
        self.forced = forced  # offline mode pins the base URL and key over every other source
        self.init_options: Mapping[str, Any] | None = None
        self.editor_config: Mapping[str, Any] | None = None
        self.workspace_roots: tuple[str, ...] = ()
        self.vim_client: VimClient | None = None  # ALE and vim-lsp get items Vim can insert
        self.policy_files = PolicyFiles(self.env)
        self.policy_files.refresh()
        self.settings = self.policy_files.policy.constrain(load(self.env, forced)[0])
        self.spend = Spend(Ledger(state_dir(self.env)))
        self.spend.configure(*_spend_config(self.settings))
        self.client = DeepSeekClient(ApiConfig.from_settings(self.settings))
        self.notifier = Notifier(self.window_show_message)
        self.usage = UsageCounters()
        self.metrics = Metrics(self.usage)
        self.upstream = {f: MeteredClient(self.client, self.metrics, f) for f in FEATURES}
        self.engine = CompletionEngine(
            self.settings,
            self.upstream["completion"],
            usage=self.usage,
            spend=self.spend,
            report=lambda text: self.notifier.show("redis", text),
        )
        self.warmup = Warmup(  # open documents' prompt blocks, prepared between requests
            lambda: self.settings.privacy.redact_secrets,
            lambda uri: not self.engine.is_excluded(uri, self.workspace_roots),
        )
        self.spend.listeners.append(self.metrics.count_cost)
        self._metrics_lock: asyncio.Lock | None = None
        self._background: set[asyncio.Future[None]] = set()
        self._reported: set[str] = set()
        self.workspace_context: WorkspaceService | None = None  # cross-file context (issue 12)
        self.exit_code = 0
        self._policy_errors: set[str] = set()

    @property
    def documents(self) -> DocumentStore:
        """Our own document store (see protocol.py)."""
        return self.protocol.documents

    def document(self, uri: str) -> Document:
        """The open document, or a JSON-RPC error the client can read."""
        try:
            return self.documents.get(uri)
        except UnknownDocument:
            raise JsonRpcInvalidParams(f"Document not open: {uri}") from None

    def open_document(self, uri: str) -> Document | None:
        """The open document, or None."""
        try:
            return self.documents.get(uri)
        except UnknownDocument:
            return None

    def definitions_source(self) -> Callable[[Document, int, int], str] | None:
        """What a selection uses from other files (code actions and chat), when context is on."""
        service, context = self.workspace_context, self.settings.context
        if service is None or not context.enabled or context.max_tokens <= 0:
            return None
        return lambda doc, first, last: service.definitions_text(
            doc, first, last, context.max_tokens
        )

    def relpath(self, uri: str) -> str:
        """Workspace-relative path of a document, for the prompt header and exclude globs."""
        return self.relpath_of_path(uri_to_path(uri))

    def relpath_of_path(self, path: str) -> str:
        """Workspace-relative form of a file path (its name when under no root)."""
        for root in self.workspace_roots:
            if path.startswith(root.rstrip("/") + "/"):
                return path[len(root.rstrip("/")) + 1 :]
        return path.rsplit("/", 1)[-1]

    def apply_settings(self) -> None:
        """Recompute settings from every source; report each new problem once."""
        settings, problems = load(self.env, self.init_options, self.editor_config, self.forced)
        settings = self.policy_files.policy.constrain(settings)
        errors = set(self.policy_files.policy.errors)
        for error in sorted(errors - self._policy_errors):  # once per breakage
            self.notifier.show("policy", error, force=True)
        self._policy_errors = errors
        for problem in problems:
            if problem not in self._reported:
                self._reported.add(problem)
                self.notifier.show("settings", problem, force=True)
        if settings.metrics_port is not None:
            self.metrics.enable()  # record from the first request, before the port is up
        if settings == self.settings:
            return
        self.settings = settings
        self.client.configure(ApiConfig.from_settings(settings))
        self.engine.update_settings(settings)
        if self.workspace_context is not None:
            self.workspace_context.apply(settings)
        self.spend.configure(*_spend_config(settings))
        if self._metrics_lock is not None:  # past `initialized`: follow the new port
            self.run_background(self.serve_metrics())
        log.info(
            "settings applied: model %s, base URL %s", settings.completion.model, settings.base_url
        )

    def run_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` as a task the server keeps a reference to until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def serve_metrics(self) -> None:
        """Serve Prometheus metrics when `metrics.port` is set; say so once if the port is taken."""
        if self._metrics_lock is None:
            self._metrics_lock = asyncio.Lock()
        async with self._metrics_lock:
            port = self.settings.metrics_port
            try:
                await self.metrics.serve(port)
                self.metrics.known_models(
                    {self.settings.completion.model, self.settings.chat.model}
                )
            except OSError as exc:
                self.notifier.show("metrics", f"Cannot serve metrics on 127.0.0.1:{port}: {exc}.")

    def client_capability(self, dotted: str) -> Any:
        """The client's capability at `dotted` (attribute path), or None."""
        value: Any = self.client_capabilities
        for part in dotted.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def client_supports(self, dotted: str) -> bool:
        """True when the client declared the capability at `dotted`."""
        return bool(self.client_capability(dotted))

    async def pull_configuration(self) -> None:
        """Ask the client for the `deepseek` section (if it can answer) and apply it."""
        if not self.client_supports("workspace.configuration"):
            return
        try:
            result = await asyncio.wait_for(
                self.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="deepseek")])
                ),
                timeout=5.0,
            )
        except Exception as exc:  # a client that cannot answer keeps the settings we have
            log.warning("workspace/configuration failed: %s", exc)
            return
        # pygls 2.1 hands the answer over as a tuple, not a list.
        section = result[0] if isinstance(result, (list, tuple)) and result else None
        if isinstance(section, Mapping) and section:
            self.editor_config = section
            self.apply_settings()

    def start_io(
        self,
        stdin: BinaryIO | None = None,
        stdout: BinaryIO | None = None,
        early: EarlyStart | None = None,
    ) -> None:
        """Serve over pipes, reading stdin on the event loop; `exit_code` says how it ended.

        pygls reads stdin through its thread pool (three hand-offs per message) and trusts every
        header (framing.py says what goes wrong); our reader runs on the loop and resyncs.
        `early` is what was read (and perhaps answered) before the server was loaded
        (`early_init`).
        """
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        self.protocol.early = early

        async def serve() -> None:
            loop = asyncio.get_running_loop()
            pipe = stdin or sys.stdin.buffer
            stream = asyncio.StreamReader(limit=2**26)
            read: Any = stream.read
            if early is not None:
                stream.feed_data(early.raw)  # read before we existed: handled first, as sent
            try:
                await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), pipe)
            except ValueError:  # a regular file on stdin: read it the slow way
                read = partial(loop.run_in_executor, self.thread_pool, _read1(pipe))
            await self.serve_frames(Framer(read))

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("The editor closed the connection; shutting down.")
        except SystemExit as exc:  # `exit`: 0 after `shutdown`, 1 without (pygls decides)
            self.exit_code = exc.code if isinstance(exc.code, int) else 1
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    async def serve_frames(self, framer: Framer) -> None:
        """Hand each message to the protocol; answer framing errors and resync after them."""
        while not self._stop_event.is_set():
            frame = await framer.next()
            if frame is None:
                return
            if isinstance(frame, FramingError):
                self.protocol.reject(Rejected(PARSE_ERROR, frame.message))
                continue
            try:
                if not self.protocol.receive(frame):
                    framer.resync(frame)
            except Exception as exc:  # a bug of ours: log it, keep serving the editor
                log.exception("Unable to handle a message")
                self.report_server_error(exc, type(exc))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log server errors instead of popping up "Error in server" in the editor."""
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)


def _read1(pipe: BinaryIO) -> Any:
    return getattr(pipe, "read1", pipe.read)


def _spend_config(settings: Settings) -> tuple[Caps, dict[str, Price]]:
    budget = settings.budget
    pricing = {model: Price(*row) for model, row in budget.pricing.items()}
    return Caps(budget.daily_usd, budget.monthly_usd), pricing
