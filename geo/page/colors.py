"""A colour for each category: fixed for the known vocabulary, a palette for the others."""

from __future__ import annotations

CATEGORY_COLORS = {
    "exercise": "#d62728",
    "defence": "#1f5fa8",
    "diplomacy": "#2b9a3e",
    "trade": "#ef8a17",
    "energy": "#8e4fbf",
}
EXTRA_COLORS = ("#17a2b8", "#b5651d", "#e377c2", "#7f7f00", "#4b6584", "#c0392b", "#16a085", "#6c5ce7")
UNCATEGORISED_COLOR = "#6b6b6b"
SEA_COLOR = "#b9d7ea"


def category_colors(categories: list[str]) -> dict[str, str]:
    """A colour for each category: fixed for the known vocabulary, a palette for others.

    Parameters
    ----------
    categories
        Category names in legend order; ``""`` is "uncategorised" (grey).

    Returns
    -------
    dict
        Name -> CSS colour. The palette repeats when it runs out.
    """
    colors: dict[str, str] = {}
    spare = 0
    for name in categories:
        if name in CATEGORY_COLORS:
            colors[name] = CATEGORY_COLORS[name]
        elif not name:
            colors[name] = UNCATEGORISED_COLOR
        else:
            colors[name] = EXTRA_COLORS[spare % len(EXTRA_COLORS)]
            spare += 1
    return colors
