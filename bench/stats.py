"""What the benchmarks share: the fake's API key, one percentile and the figures table."""

KEY = "sk-bench-0000000000000000"  # any key works against the fake; never a real one


def pct(values: list[float], q: float) -> float:
    """Linear-interpolated percentile, 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def print_table(rows: list[tuple[str, str, str, bool | None]]) -> None:
    """Rows of (figure, value, target, met) as a plain text table, targets beside figures."""
    w1 = max(len(r[0]) for r in rows)
    w3 = max(len(r[2]) for r in rows)
    for name, value, target, met in rows:
        mark = "" if met is None else ("met" if met else "MISSED")
        print(f"{name:<{w1}}  {target:<{w3}}  {mark:<6}  {value}")
