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
