"""Imports des fichiers des utilisateurs : lecture, sources, validation, registre."""
