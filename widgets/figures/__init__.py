"""Figure builders: each reads its numbers, with sources, from ``assets/data``."""
