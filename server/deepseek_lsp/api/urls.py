"""Where each DeepSeek endpoint lives, whatever shape of base URL the user typed.

A base URL may end in `/`, `/v1` or `/beta` (a common mistake is `.../beta` and then `/beta` again).
The root is the URL with those stripped. FIM always goes to `{root}/beta/completions`; chat, models
and balance go to `{root}` or, when the user wrote `/v1`, to `{root}/v1` (a gateway may need it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoints:
    """The absolute URLs of the endpoints this project calls."""

    root: str
    chat: str
    fim: str
    models: str
    balance: str

    @classmethod
    def from_base_url(cls, base_url: str) -> Endpoints:
        """Build every endpoint from a base URL with or without a trailing `/`, `/v1` or `/beta`."""
        root = base_url.strip().rstrip("/")
        api = root
        for suffix in ("/beta", "/v1"):
            if root.lower().endswith(suffix):
                root = root[: -len(suffix)].rstrip("/")
                api = f"{root}/v1" if suffix == "/v1" else root
                break
        return cls(
            root=root,
            chat=f"{api}/chat/completions",
            fim=f"{root}/beta/completions",
            models=f"{api}/models",
            balance=f"{api}/user/balance",
        )
