"""The LSP layer: pygls handlers that translate between LSP and the engine.

`server` is the server object, `protocol` our JSON-RPC/document-store subclass, `app` assembles
the feature modules (`lifecycle`, `completion`, `actions`, `chat`); `convert`, `edits` and
`messages` are their shared helpers; `metrics` is the Prometheus endpoint.
"""
