r"""Line shape: one line break style inside the chain, single-line mode, blanks and empties."""

from __future__ import annotations

from deepseek_lsp.engine.completion.postprocess.draft import Draft
from deepseek_lsp.engine.completion.prompt import FimContext


def normalize_newlines(draft: Draft, ctx: FimContext) -> Draft:
    r"""Use "\n" inside the chain, whatever the model or the file uses."""
    return draft.with_text(draft.text.replace("\r\n", "\n").replace("\r", "\n"))


def drop_cut_off_line(draft: Draft, ctx: FimContext) -> Draft:
    """A reply cut short by max_tokens ends in a half-written line: leave that line out."""
    if draft.finish_reason != "length":
        return draft
    head, _, _ = draft.text.rpartition("\n")
    return draft.with_text(head)


def keep_first_line(draft: Draft, ctx: FimContext) -> Draft:
    """Single-line mode shows one line of text.

    At the end of the cursor line that line may start on the next line (the reply starts with
    a line break); in the middle of a line, the first line is all there is.
    """
    if ctx.multiline:
        return draft
    text = draft.text
    if not ctx.at_line_end:
        return draft.with_text(text.split("\n", 1)[0])
    body = text.lstrip("\n \t")
    lead = text[: len(text) - len(body)]
    return draft.with_text(lead + body.split("\n", 1)[0])


def drop_doubled_space(draft: Draft, ctx: FimContext) -> Draft:
    """After `x = ` a reply ` sum(a)` would read `x =  sum(a)`: one space is enough."""
    prefix = ctx.line_prefix
    if not prefix.strip() or prefix[-1:] not in (" ", "\t"):
        return draft
    return draft.with_text(draft.text.lstrip(" \t"))


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
