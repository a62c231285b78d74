"""The fake DeepSeek API server: one module per concern.

``server`` runs it (in-process or ``python -m deepseek_lsp.testing.fake``), ``http`` parses and
writes HTTP/1.1, ``routes`` maps paths to handlers, ``payloads`` builds the JSON bodies and the
prefix-cache simulation, ``send`` streams them, ``plan`` and ``text`` decide what to answer,
``state`` records requests and scripted replies, ``control`` serves the ``/_fake/*`` endpoints,
``types`` holds the values tests script it with.
"""
