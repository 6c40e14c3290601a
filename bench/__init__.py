"""Le banc de mesure (`make bench`) : temps, mémoire et charge, écrits dans bench/RESULTS.md."""

from __future__ import annotations

import math


def centile(valeurs: list[float], q: float) -> float:
    """Le centile q (0,95 : p95) au rang le plus proche, ⌈q × n⌉ : le 19e de 20 valeurs, le 29e de 30. Le rang
    int(q × n) + 1, pris avant, donnait le maximum quand q × n tombe juste (20 exécutions du banc de charge)."""
    v = sorted(valeurs)
    return v[min(len(v), max(1, math.ceil(q * len(v) - 1e-9))) - 1]
