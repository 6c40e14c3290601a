"""Règles métier : catalogue des indicateurs, tensions SPPE, référentiel des chargés de coopération."""
