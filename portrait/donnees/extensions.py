"""Extensions DuckDB prises dans les roues PyPI installées (requirements.txt), jamais téléchargées à l'exécution."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

# Réglages de toute connexion qui charge une extension : DuckDB ne va rien chercher sur le réseau de lui-même (ni
# installation ni chargement automatiques) ; la signature de chaque extension reste vérifiée (on ne pose jamais
# allow_unsigned_extensions).
SANS_TELECHARGEMENT = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# nom de l'extension -> paquet PyPI qui porte son fichier (duckdb_extension_<nom>/extensions/v<version>/)
PAQUETS = {"ducklake": "duckdb-extension-ducklake", "sqlite": "duckdb-extension-sqlite",
           "postgres": "duckdb-extension-postgres"}


class ExtensionManquante(RuntimeError):
    """Une extension DuckDB dont la roue n'est pas installée (ou pas pour cette version de DuckDB)."""


def fichier(nom: str) -> Path:
    """Le fichier de l'extension `nom` dans sa roue installée, pour la version de DuckDB en service."""
    paquet = PAQUETS.get(nom, f"duckdb-extension-{nom}")
    spec = importlib.util.find_spec(paquet.replace("-", "_"))
    version = duckdb.__version__
    if spec is not None and spec.submodule_search_locations:
        candidat = Path(spec.submodule_search_locations[0]) / "extensions" / f"v{version}" / f"{nom}.duckdb_extension"
        if candidat.is_file():
            return candidat
    raise ExtensionManquante(
        f"L'extension DuckDB « {nom} » est introuvable : installez le paquet {paquet}=={version} "
        f"(pip install -r requirements.txt). Elle n'est jamais téléchargée pendant l'exécution.")


def connecter(dossier_extensions: Path | str | None = None, **reglages) -> duckdb.DuckDBPyConnection:
    """Une connexion DuckDB en mémoire qui ne télécharge aucune extension ; `dossier_extensions` : où INSTALL
    recopie les fichiers des roues (par défaut celui de DuckDB, ~/.duckdb/extensions)."""
    config = {**SANS_TELECHARGEMENT, **reglages}
    if dossier_extensions is not None:
        config["extension_directory"] = str(dossier_extensions)
    return duckdb.connect(config=config)


def charger(con: duckdb.DuckDBPyConnection, *noms: str) -> None:
    """Installe chaque extension depuis le fichier de sa roue (INSTALL '<chemin>') puis la charge (LOAD) ; DuckDB
    vérifie sa signature au chargement."""
    for nom in noms:
        chemin = str(fichier(nom)).replace("'", "''")
        con.execute(f"install '{chemin}'")
        con.execute(f"load {nom}")
