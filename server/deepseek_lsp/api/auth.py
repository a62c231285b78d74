"""The headers that authenticate a request: a Bearer key, or an OAuth2 gateway token.

OAuth2 (client credentials) is for enterprise gateways in front of DeepSeek. The token is cached
until shortly before it expires (60 s, or 10 % of its life if that is shorter), fetched once for
all concurrent requests, and dropped on a 401 so the caller can refresh once and retry.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from deepseek_lsp.api.errors import KEY_HINT, AuthError, from_httpx
from deepseek_lsp.api.types import ApiConfig, OAuth2Config

log = logging.getLogger(__name__)

EXPIRY_MARGIN_SECONDS = 60.0
EXPIRY_MARGIN_FRACTION = 0.1


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: float | None  # monotonic time after which it is stale; None: until a 401


class Authenticator:
    """Produces request headers for one ApiConfig."""

    def __init__(self, config: ApiConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._token: _Token | None = None
        self._lock = asyncio.Lock()

    @property
    def can_refresh(self) -> bool:
        """Whether a 401 may be cured by fetching a new token."""
        return self._config.oauth2 is not None

    def invalidate(self) -> None:
        """Forget the cached token (after the API refused it)."""
        self._token = None

    async def headers(self, http: httpx.AsyncClient) -> dict[str, str]:
        """Configured headers plus Authorization; raises AuthError before any call if no key."""
        headers = dict(self._config.headers)
        if self._config.oauth2 is not None:
            headers["Authorization"] = f"Bearer {await self._oauth2_token(http)}"
        elif self._config.api_key:
            headers["Authorization"] = f"Bearer {self._config.api_key}"
        else:
            raise AuthError(f"No DeepSeek API key is set. {KEY_HINT}")
        return headers

    async def _oauth2_token(self, http: httpx.AsyncClient) -> str:
        """The cached token if fresh, else one fetch shared by every waiting request."""
        if self._is_fresh(self._token):
            return self._token.value  # type: ignore[union-attr]
        async with self._lock:
            if not self._is_fresh(self._token):
                self._token = await self._fetch(http, self._config.oauth2)  # type: ignore[arg-type]
            return self._token.value  # type: ignore[union-attr]

    def _is_fresh(self, token: _Token | None) -> bool:
        return token is not None and (token.refresh_at is None or self._clock() < token.refresh_at)

    async def _fetch(self, http: httpx.AsyncClient, oauth2: OAuth2Config) -> _Token:
        """POST grant_type=client_credentials with the client id and secret as form fields."""
        form = {
            "grant_type": "client_credentials",
            "client_id": oauth2.client_id,
            "client_secret": oauth2.client_secret,
        }
        if oauth2.scope:
            form["scope"] = oauth2.scope
        log.debug("fetching an OAuth2 token from %s", oauth2.token_url)
        try:
            response = await http.post(oauth2.token_url, data=form)
        except httpx.HTTPError as exc:
            raise from_httpx(exc, oauth2.token_url, self._config.timeout_seconds) from exc
        return self._token_from(response, oauth2.token_url)

    def _token_from(self, response: httpx.Response, token_url: str) -> _Token:
        problem = f"The OAuth2 token endpoint {token_url} refused the client credentials"
        if response.status_code >= 400:
            raise AuthError(
                f"{problem} ({response.status_code}). Check deepseek.auth.oauth2.",
                status=response.status_code,
                retryable=response.status_code >= 500,
            )
        try:
            payload = response.json()
            token = payload["access_token"]
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthError(f"{problem}: its answer has no access_token.") from exc
        if not isinstance(token, str) or not token:
            raise AuthError(f"{problem}: its answer has no access_token.")
        return _Token(token, self._refresh_at(payload.get("expires_in")))

    def _refresh_at(self, expires_in: object) -> float | None:
        if isinstance(expires_in, str):
            expires_in = float(expires_in) if expires_in.replace(".", "", 1).isdigit() else None
        if not isinstance(expires_in, (int, float)) or isinstance(expires_in, bool):
            return None
        margin = min(EXPIRY_MARGIN_SECONDS, EXPIRY_MARGIN_FRACTION * expires_in)
        return self._clock() + expires_in - margin
