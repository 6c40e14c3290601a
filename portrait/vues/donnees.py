"""Vue de la page Données : imports enregistrés et leur provenance."""

from __future__ import annotations

import pandas as pd


def tableau_imports(liste: pd.DataFrame) -> pd.DataFrame:
    """Les imports du registre, en français."""
    return pd.DataFrame({
        "Import": liste["id"], "Date": liste["date"].str.replace("T", " "), "Source": liste["type"],
        "Fichier": liste["fichier_source"], "Lignes lues": liste["lignes_lues"],
        "Valeurs gardées": liste["lignes_gardees"], "État": liste["actif"].map({True: "actif", False: "annulé"}),
        "Empreinte SHA-256": liste["sha256"].str[:12],
    })


def libelle_source_import(source: str | None) -> str:
    """Libellé d'une source dans le choix de la page Données."""
    from portrait.imports import sources

    if source is None:
        return "Reconnaître à partir des en-têtes"
    return sources.SOURCES[source].titre or sources.SOURCES[source].libelle
