"""deepseek-lsp: DeepSeek inline completion, code actions and chat for every LSP editor."""

__version__ = "0.1.0"
