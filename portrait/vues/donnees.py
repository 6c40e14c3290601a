"""Vue de la page Données : imports enregistrés et leur provenance."""

from __future__ import annotations

import pandas as pd

from portrait.vues import francais

ACTIONS = {"import": "import", "annulation": "annulation d'import", "profil": "profil de colonnes"}


def tableau_imports(liste: pd.DataFrame) -> pd.DataFrame:
    """Les imports du registre, en français."""
    return pd.DataFrame({
        "Import": liste["id"], "Date": liste["date"].str.replace("T", " "), "Source": liste["type"],
        "Fichier": liste["fichier_source"], "Lignes lues": liste["lignes_lues"],
        "Valeurs gardées": liste["lignes_gardees"], "État": liste["actif"].map({True: "actif", False: "annulé"}),
        "Empreinte SHA-256": liste["sha256"].str[:12],
    })


def tableau_journal(journal: pd.DataFrame) -> pd.DataFrame:
    """Le journal des changements (registre.historique), en français : qui, quand, quoi, combien."""
    def textes(colonne: pd.Series) -> pd.Series:
        return colonne.map(lambda x: str(x) if pd.notna(x) and str(x) else "")

    return pd.DataFrame({
        "Date": journal["date"].str.replace("T", " "), "Qui": journal["auteur"],
        "Action": journal["action"].map(lambda a: ACTIONS.get(a, a)), "Import": textes(journal["import"]),
        "Fichier": textes(journal["fichier_source"]), "Détail": textes(journal["detail"]),
        "Lignes": journal["lignes"].map(francais.nombre),
        "Valeurs remplacées": journal["valeurs_remplacees"].map(francais.nombre),
        "Empreinte SHA-256": textes(journal["sha256"]).str[:12],
    })


def libelle_source_import(source: str | None) -> str:
    """Libellé d'une source dans le choix de la page Données."""
    from portrait.imports import sources

    if source is None:
        return "Reconnaître à partir des en-têtes"
    return sources.SOURCES[source].titre or sources.SOURCES[source].libelle
