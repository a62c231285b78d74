"""Markdown fences: a FIM model sometimes answers like a chat model, in a ``` block."""

from __future__ import annotations

import re

from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext

# Documents where a fence is content, not wrapping.
FENCED_LANGUAGES = frozenset({"markdown", "mdx", "quarto", "rmarkdown", "plaintext"})
_OPENING = re.compile(r"[ \t]*(```|~~~)[\w+#.-]*[ \t]*")
_CLOSING = re.compile(r"[ \t]*(```|~~~)[ \t]*")


def strip_code_fence(draft: Draft, ctx: FimContext) -> Draft:
    """Drop an opening fence line (with its language tag) and the fence that closes it."""
    text = draft.text
    if ctx.language in FENCED_LANGUAGES or ("`" not in text and "~~~" not in text):
        return draft
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return draft
    if _OPENING.fullmatch(lines[first]):
        fence, body = lines[first].strip()[:3], lines[first + 1 :]
    else:
        fence, body = "```", lines  # only the closing half made it into the reply
    for i, line in enumerate(body):
        if _CLOSING.fullmatch(line) and line.strip() == fence:
            body = body[:i]  # whatever follows the closing fence is chat, not code
            break
    return draft.with_text("\n".join(body))
