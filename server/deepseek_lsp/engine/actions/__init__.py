"""Code actions: which fit a range (`kinds`), running one (`run`), and their parts.

`prompts` builds each action's messages, `replies` cleans the model's code and places it,
`docstrings` finds functions and where their docstring goes, `testfiles` where generated tests go,
`directive` finds `@deepseek` instructions in comments.
"""

from deepseek_lsp.engine.actions.kinds import (
    ActionKind,
    ActionResult,
    Range,
    available_actions,
    language_of,
)
from deepseek_lsp.engine.actions.prompts import Diagnostic
from deepseek_lsp.engine.actions.run import add_docstrings_to_file, run_action

__all__ = [
    "ActionKind",
    "ActionResult",
    "Diagnostic",
    "Range",
    "add_docstrings_to_file",
    "available_actions",
    "language_of",
    "run_action",
]
