"""The product: what to ask DeepSeek, when, and what to show (no pygls here).

Rooms: `completion/` (the keystroke pipeline), `actions/` (code actions), `chat` (the chat
turn); shared by them: `document` (text, lines, positions), `uris`, `languages`, `privacy`
(exclude globs, secret redaction) and `usage` (counters).
"""
