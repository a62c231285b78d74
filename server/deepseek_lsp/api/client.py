"""DeepSeekClient: the one object the engine uses to talk to DeepSeek.

It holds one pooled httpx.AsyncClient (keep-alive, HTTP/2, proxy and SSL_CERT_FILE from the
environment) and opens streams through it. httpx exceptions become ApiErrors in `_translated`
and nowhere else.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any

import httpx

from deepseek_lsp.api.auth import Authenticator
from deepseek_lsp.api.body import fim_body, json_body
from deepseek_lsp.api.errors import ApiError, StreamError, error_for_status, from_httpx
from deepseek_lsp.api.post import PostTemplates
from deepseek_lsp.api.retry import RetryPolicy
from deepseek_lsp.api.stream import CHARS_PER_TOKEN, MIN_CHARS, Kind, Limits, Stream
from deepseek_lsp.api.types import ApiConfig, ChatRequest, Completion, FimRequest
from deepseek_lsp.api.urls import Endpoints

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0


class DeepSeekClient:
    """Streams FIM and chat completions, lists models, reads the balance."""

    def __init__(
        self,
        config: ApiConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._transport = transport
        self._sleep = sleep
        self._rng = rng
        self._clock = clock
        self._config = config
        self._endpoints = Endpoints.from_base_url(config.base_url)
        self._auth = Authenticator(config, clock)
        self._http_client: httpx.AsyncClient | None = None  # made on first use (SSL set-up is slow)
        self._leases: dict[httpx.AsyncClient, int] = {}
        self._retired: set[httpx.AsyncClient] = set()
        self._posts = PostTemplates()

    @property
    def config(self) -> ApiConfig:
        """The configuration in force."""
        return self._config

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._http_client is None:
            self._http_client = self._new_http()
        return self._http_client

    def warm_up(self) -> None:
        """Build the HTTP client now (loading CA certificates takes tens of milliseconds)."""
        _ = self._http

    @property
    def endpoints(self) -> Endpoints:
        """The URLs derived from the base URL."""
        return self._endpoints

    def configure(self, config: ApiConfig) -> None:
        """Use a new configuration; rebuild the HTTP client only if base URL or timeout changed."""
        old, self._config = self._config, config
        self._endpoints = Endpoints.from_base_url(config.base_url)
        self._auth = Authenticator(config, self._clock)
        changed = (old.base_url, old.timeout_seconds) != (config.base_url, config.timeout_seconds)
        self._posts.clear()  # the headers they hold may be the old configuration's
        if changed and self._http_client is not None:
            self._retire(self._http_client)
            self._http_client = None

    def stream_fim(
        self,
        req: FimRequest,
        *,
        retry: RetryPolicy | None = None,
        fallback_models: Sequence[str] = (),
    ) -> Stream:
        """Stream a fill-in-the-middle completion (use with `async with`)."""
        return self._stream("fim", self._endpoints.fim, req, retry, fallback_models)

    def stream_chat(
        self,
        req: ChatRequest,
        *,
        retry: RetryPolicy | None = None,
        fallback_models: Sequence[str] = (),
    ) -> Stream:
        """Stream a chat completion; deltas carry `text` and `reasoning` (use with `async with`)."""
        return self._stream("chat", self._endpoints.chat, req, retry, fallback_models)

    async def fim(
        self,
        req: FimRequest,
        *,
        retry: RetryPolicy | None = None,
        fallback_models: Sequence[str] = (),
    ) -> Completion:
        """A whole FIM completion."""
        return await self.stream_fim(req, retry=retry, fallback_models=fallback_models).collect()

    async def chat(
        self,
        req: ChatRequest,
        *,
        retry: RetryPolicy | None = None,
        fallback_models: Sequence[str] = (),
    ) -> Completion:
        """A whole chat completion."""
        return await self.stream_chat(req, retry=retry, fallback_models=fallback_models).collect()

    async def models(self) -> list[str]:
        """The ids of the models the base URL offers."""
        payload = await self._get_json(self._endpoints.models)
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, list):
            return []
        return [
            item["id"]
            for item in data
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]

    async def balance(self) -> dict[str, Any] | None:
        """The `/user/balance` document, or None when the server has no such endpoint (404)."""
        try:
            payload = await self._get_json(self._endpoints.balance)
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        return payload if isinstance(payload, dict) else {}

    async def aclose(self) -> None:
        """Close every HTTP client this object opened."""
        http, self._http_client = self._http_client, None
        self._posts.clear()
        if http is not None:
            self._retire(http)
        await self._close_idle_retired()
        if self._transport is not None and http is not None:
            await http.aclose()

    def _stream(
        self,
        kind: Kind,
        url: str,
        req: FimRequest | ChatRequest,
        retry: RetryPolicy | None,
        fallback_models: Sequence[str],
    ) -> Stream:
        auth = self._auth

        def open_response(model: str) -> AbstractAsyncContextManager[httpx.Response]:
            if isinstance(req, FimRequest):
                return self._open(url, fim_body(req, model), model, auth)
            return self._open(url, json_body(req.body(model)), model, auth)

        return Stream(
            kind,
            open_response,
            limits=Limits(
                idle_seconds=self._config.timeout_seconds,
                total_seconds=self._config.total_timeout_seconds,
                max_chars=max(MIN_CHARS, CHARS_PER_TOKEN * req.max_tokens),
            ),
            model=req.model,
            fallback_models=fallback_models,
            retry=retry,
            auth=auth,
            sleep=self._sleep,
            rng=self._rng,
        )

    @asynccontextmanager
    async def _open(
        self, url: str, content: bytes, model: str, auth: Authenticator
    ) -> AsyncIterator[httpx.Response]:
        """POST the JSON `content` and yield the streaming response once its status is a success."""
        async with self._lease() as http:
            with self._translated():
                headers = await auth.headers(http)
                headers["Accept"] = "text/event-stream"
                headers["Content-Type"] = "application/json"
                request = self._posts.request(http, url, headers, content)
                response = await http.send(request, stream=True)
                try:
                    if response.status_code >= 400:
                        await response.aread()
                        raise error_for_status(
                            response.status_code,
                            response.text,
                            response.headers,
                            url=url,
                            model=model,
                        )
                    yield response
                finally:
                    await response.aclose()

    async def _get_json(self, url: str) -> Any:
        """GET a JSON document (no retry: these calls serve diagnostics)."""
        async with self._lease() as http:
            with self._translated():
                headers = await self._auth.headers(http)
                response = await http.get(url, headers=headers)
        if response.status_code == 401:
            self._auth.invalidate()  # a stale gateway token: the next call fetches a new one
        if response.status_code >= 400:
            raise error_for_status(response.status_code, response.text, response.headers, url=url)
        try:
            return response.json()
        except ValueError:
            raise StreamError(f"{url} did not answer with JSON. Check deepseek.baseUrl.") from None

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """The one boundary where httpx exceptions become ApiErrors."""
        try:
            yield
        except httpx.HTTPError as exc:
            raise from_httpx(exc, self._config.base_url, self._config.timeout_seconds) from exc

    @asynccontextmanager
    async def _lease(self) -> AsyncIterator[httpx.AsyncClient]:
        """Use the current HTTP client; a retired one is closed once nobody uses it."""
        await self._close_idle_retired()
        http = self._http
        self._leases[http] = self._leases.get(http, 0) + 1
        try:
            yield http
        finally:
            self._leases[http] -= 1
            if not self._leases[http]:
                del self._leases[http]
                await self._close_idle_retired()

    def _retire(self, http: httpx.AsyncClient) -> None:
        """Mark `http` for closing; in-flight streams on it finish undisturbed."""
        if self._transport is None:  # an injected transport belongs to whoever injected it
            self._retired.add(http)

    async def _close_idle_retired(self) -> None:
        for http in [h for h in self._retired if h not in self._leases]:
            self._retired.discard(http)
            await http.aclose()

    def _new_http(self) -> httpx.AsyncClient:
        timeout = self._config.timeout_seconds
        return httpx.AsyncClient(
            transport=self._transport,
            http2=True,
            trust_env=True,
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT_SECONDS, timeout)),
            follow_redirects=False,
        )
