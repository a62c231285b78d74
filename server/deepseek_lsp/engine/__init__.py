"""The product: what to ask DeepSeek, when, and what to show (no pygls here)."""
