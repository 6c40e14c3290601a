"""Modèles de vue : ce que montre chaque page, calculé une fois pour la page, la fiche et la CLI."""
