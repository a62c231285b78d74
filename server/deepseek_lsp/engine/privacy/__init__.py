"""What never leaves the machine: excluded files, and credentials inside prompt text.

`is_excluded` (exclude.py) decides whether a document may be sent at all; `redact` (secrets.py)
replaces credentials in a prompt before it is sent.
"""

from deepseek_lsp.engine.privacy.exclude import is_excluded
from deepseek_lsp.engine.privacy.secrets import (
    Redaction,
    placeholder,
    redact,
    redact_pieces,
    remember_piece,
)

__all__ = ["Redaction", "is_excluded", "placeholder", "redact", "redact_pieces", "remember_piece"]
