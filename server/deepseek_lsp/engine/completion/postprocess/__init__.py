r"""What the model wrote, made fit to show at the cursor.

Every stage has the signature `(Draft, FimContext) -> Draft` and they run in the one chain
`FILTERS`; an empty text means "show nothing". Stages work on "\n" line breaks; the last one puts
the document's own line ending back. One module per family: `lines` (line shape and
whitespace), `fences` (Markdown wrapping), `repetition`, `indentation`, `blocks` (where a block
ends) and `overlap` (what the text after the cursor already has).
"""

from __future__ import annotations

from deepseek_lsp.engine.completion.postprocess.blocks import stop_at_block_end
from deepseek_lsp.engine.completion.postprocess.draft import Draft, Stage
from deepseek_lsp.engine.completion.postprocess.fences import strip_code_fence
from deepseek_lsp.engine.completion.postprocess.indentation import fix_indentation
from deepseek_lsp.engine.completion.postprocess.lines import (
    drop_cut_off_line,
    drop_doubled_space,
    drop_empty,
    keep_first_line,
    normalize_newlines,
    restore_line_endings,
    strip_trailing_whitespace,
)
from deepseek_lsp.engine.completion.postprocess.overlap import trim_suffix_overlap
from deepseek_lsp.engine.completion.postprocess.repetition import (
    drop_line_repetition,
    drop_repetition,
)
from deepseek_lsp.engine.completion.prompt import FimContext

__all__ = ["FILTERS", "Draft", "Stage", "postprocess", "run_chain", "stop_sequences"]

FILTERS: tuple[Stage, ...] = (
    normalize_newlines,
    strip_code_fence,
    drop_cut_off_line,
    keep_first_line,
    drop_doubled_space,
    strip_trailing_whitespace,
    drop_line_repetition,
    drop_repetition,
    fix_indentation,
    stop_at_block_end,
    trim_suffix_overlap,
    drop_empty,
    restore_line_endings,
)


def stop_sequences(ctx: FimContext) -> tuple[str, ...]:
    """Stop strings for the request: mid-line, one line is all a suggestion may use.

    At the end of a line a single-line answer may start with a line break, so no stop string
    can end it; the engine closes the stream once its line of text has ended.
    """
    return () if ctx.multiline or ctx.at_line_end else ("\n",)


def run_chain(draft: Draft, ctx: FimContext) -> Draft:
    """Run every stage in order; an empty draft as soon as one drops the suggestion."""
    for stage in FILTERS:
        draft = stage(draft, ctx)
        if not draft.text:
            return Draft("")
    return draft


def postprocess(text: str, ctx: FimContext, finish_reason: str | None = None) -> Draft:
    """What to insert at the cursor and how much after it to replace ("" for nothing)."""
    return run_chain(Draft(text, finish_reason=finish_reason), ctx)
