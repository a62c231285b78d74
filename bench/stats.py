"""What the benchmarks share: the fake's API key and one percentile."""

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
