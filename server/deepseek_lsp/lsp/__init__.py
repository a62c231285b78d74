"""The LSP layer: pygls handlers that translate between LSP and the engine."""
