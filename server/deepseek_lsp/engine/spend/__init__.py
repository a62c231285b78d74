"""Money: what each upstream request costs, the spend ledger shared by processes, budget caps.

No pygls here; the lsp layer supplies how to ask the user (`Spend.ask`) and tell them
(`Spend.notify`).
"""

from deepseek_lsp.engine.spend.budget import Caps, Spend
from deepseek_lsp.engine.spend.ledger import Ledger, state_dir
from deepseek_lsp.engine.spend.prices import (
    Price,
    cost_usd,
    estimated_usage,
    is_peak,
    price_for,
)

__all__ = [
    "Caps",
    "Ledger",
    "Price",
    "Spend",
    "cost_usd",
    "estimated_usage",
    "is_peak",
    "price_for",
    "state_dir",
]
