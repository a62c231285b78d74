"""What the user is told about spend caps: kept apart so the texts read in one place."""

from __future__ import annotations


def spent_phrase(name: str, spent: float) -> str:
    """'Today's spend ($1.23)' or 'This month's spend ($1.23)'."""
    return f"{'Today' if name == 'daily' else 'This month'}'s spend (${spent:.2f})"


def cap_question(name: str, spent: float, cap: float) -> str:
    """The question asked before an explicit request at a cap."""
    until = "tomorrow" if name == "daily" else "next month"
    return (
        f"DeepSeek: {spent_phrase(name, spent)} has reached the {name} cap of ${cap:.2f} "
        f"(deepseek.budget.{name}Usd). Send this request anyway? Your answer holds until "
        f"{until} (UTC) or until the cap changes."
    )


def threshold_notice(level: str, name: str, spent: float, cap: float) -> str:
    """Said once per period and cap: the warning at 80 %, the pause at 100 %."""
    if level == "warned":
        return (
            f"{spent_phrase(name, spent)} is {spent / cap:.0%} of the {name} cap "
            f"of ${cap:.2f} (deepseek.budget.{name}Usd)."
        )
    return (
        f"{spent_phrase(name, spent)} reached the {name} cap of ${cap:.2f}: automatic"
        " completion no longer goes to DeepSeek (cached suggestions still show); explicit"
        " requests ask first."
    )
