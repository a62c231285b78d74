"""Inline completion: one keystroke's path from the document to a suggestion.

`engine` runs it: `debounce` waits for a pause in typing, `schedule` keeps one request in flight
per document, `cache` and `typed_ahead` answer without asking, `prompt` lays out the FIM prompt
stable-first, `multiline` decides whether the position needs one line or several, and
`postprocess` turns the model's text into what the editor should insert (and how much of the
text after the cursor it replaces). `redis_cache` is the shared second level behind `cache`,
`waiting` marks the time spent waiting on debounce and upstream (the metrics' server-added time).
"""

from deepseek_lsp.engine.completion.engine import CompletionEngine, Suggestion, Trigger

__all__ = ["CompletionEngine", "Suggestion", "Trigger"]
