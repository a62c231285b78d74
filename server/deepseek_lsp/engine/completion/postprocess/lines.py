r"""Line shape: one line break style inside the chain, single-line mode, blanks and empties."""

from __future__ import annotations

from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext


def normalize_newlines(draft: Draft, ctx: FimContext) -> Draft:
    r"""Use "\n" inside the chain, whatever the model or the file uses."""
    return draft.with_text(draft.text.replace("\r\n", "\n").replace("\r", "\n"))


def keep_first_line(draft: Draft, ctx: FimContext) -> Draft:
    """Single-line mode shows the first line only."""
    return draft if ctx.multiline else draft.with_text(draft.text.split("\n", 1)[0])


def strip_trailing_whitespace(draft: Draft, ctx: FimContext) -> Draft:
    """No trailing blanks on lines; at the end of a line, no trailing blank lines either.

    Before text on the cursor line, the end is kept: "a + " before `x`, or a line break that
    puts an existing `}` on its own line.
    """
    lines = draft.text.split("\n")
    if ctx.at_line_end:
        return draft.with_text("\n".join(line.rstrip() for line in lines).rstrip("\n"))
    return draft.with_text("\n".join([*(line.rstrip() for line in lines[:-1]), lines[-1]]))


def drop_empty(draft: Draft, ctx: FimContext) -> Draft:
    """Nothing but whitespace is nothing."""
    return draft if draft.text.strip() else draft.with_text("")


def restore_line_endings(draft: Draft, ctx: FimContext) -> Draft:
    """Write line breaks the way the document does."""
    return draft.with_text(draft.text.replace("\n", ctx.eol)) if ctx.eol != "\n" else draft
