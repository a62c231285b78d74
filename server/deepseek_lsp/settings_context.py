"""The `context.*` settings (issue 12), in a module of their own so settings.py stays small."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContextSettings:
    """Cross-file context in prompts: the workspace index and its budgets (README: why)."""

    enabled: bool = True
    max_tokens: int = 6144  # cross-file context per completion prompt
    prompt_tokens: int = 3072  # the document window before the cursor
    max_files: int = 5000
    max_file_bytes: int = 256_000


# key -> (path in Settings, (low, high) for a whole number, or None for true/false)
CONTEXT_KEYS: tuple[tuple[str, tuple[str, ...], tuple[int, int] | None], ...] = (
    ("context.enabled", ("context", "enabled"), None),
    ("context.maxTokens", ("context", "max_tokens"), (0, 100_000)),
    ("context.promptTokens", ("context", "prompt_tokens"), (256, 100_000)),
    ("context.maxFiles", ("context", "max_files"), (0, 200_000)),
    ("context.maxFileBytes", ("context", "max_file_bytes"), (1_000, 10_000_000)),
)
