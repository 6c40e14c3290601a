"""Couche données : connexion DuckDB, exécuteur des requêtes de queries/, jeux de données."""
