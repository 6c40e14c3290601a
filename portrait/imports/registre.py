"""Le registre des imports, seul à l'écrire : un import à la fois, fichiers écrits d'un coup, annulation."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd

from portrait.donnees.connexion import Chemins, lire_registre
from portrait.imports.rapport import ErreurImport, Rapport

COLONNES_LISTE = ["id", "date", "type", "fichier_source", "lignes_lues", "lignes_gardees", "actif", "sha256"]


@contextmanager
def verrou(chemins: Chemins):
    """Un seul import à la fois dans un dossier de données."""
    chemins.imports.mkdir(parents=True, exist_ok=True)
    with open(chemins.imports / ".verrou", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def ecrire_atomique(chemin: Path, octets: bytes) -> None:
    """Écrit à côté, force sur disque, puis remplace d'un coup : un lecteur voit l'ancien ou le nouveau."""
    provisoire = chemin.with_name(chemin.name + ".partiel")
    with open(provisoire, "wb") as f:
        f.write(octets)
        f.flush()
        os.fsync(f.fileno())
    os.replace(provisoire, chemin)


def _ecrire_registre(chemins: Chemins, registre: dict) -> None:
    ecrire_atomique(chemins.registre, json.dumps(registre, ensure_ascii=False, indent=2).encode("utf-8"))


def _ecrire_lignes(lignes: pd.DataFrame, chemin: Path, nom_fichier: str) -> None:
    """Le Parquet des lignes importées, relu avant d'être écrit d'un coup."""
    octets = lignes.to_parquet(index=False)
    if len(pd.read_parquet(io.BytesIO(octets))) != len(lignes):
        raise ErreurImport(f"{nom_fichier} : relecture incohérente du fichier écrit ; rien n'a été importé.")
    ecrire_atomique(chemin, octets)


def enregistrer(racine: Path | str, table: str, lignes: pd.DataFrame, rapport: Rapport, nom_fichier: str,
                octets: bytes) -> dict:
    """Écrit les lignes validées d'un fichier à côté des données, puis les ajoute d'un coup au registre : la table
    `table` (mesures ou cooperation) les lit dès la connexion suivante, les plus récentes l'emportant."""
    chemins = Chemins(Path(racine))
    with verrou(chemins):
        registre = lire_registre(chemins)
        priorite = 1 + max((i["priorite"] for i in registre["imports"]), default=0)
        ident = f"{datetime.now():%Y%m%d-%H%M%S}-{priorite:03d}"
        if table == "mesures":  # chaque valeur dit de quel import elle vient (provenance, page Données)
            lignes = lignes.assign(source=f"import:{ident}", annee=lignes["annee"].astype("int32"))
        fichier = f"{table}-{ident}.parquet"
        _ecrire_lignes(lignes, chemins.imports / fichier, nom_fichier)
        entree = {
            "id": ident,
            "date": datetime.now().isoformat(timespec="seconds"),
            "type": rapport.source,
            "table": table,
            "fichier_source": nom_fichier,
            "sha256": hashlib.sha256(octets).hexdigest(),
            "fichier": fichier,
            "lignes_lues": rapport.lignes_lues,
            "lignes_gardees": rapport.lignes_gardees,
            "annees": rapport.annees,
            **({"indicateurs": rapport.indicateurs} if table == "mesures"
               else {"departements": sorted(lignes["departement"].unique())}),
            "priorite": priorite,
            "actif": True,
        }
        registre["imports"].append(entree)
        _ecrire_registre(chemins, registre)
    return entree


def annuler(racine: Path | str, ident: str) -> dict:
    """Désactive un import (son fichier est gardé) : les valeurs qu'il remplaçait reviennent."""
    chemins = Chemins(Path(racine))
    with verrou(chemins):
        registre = lire_registre(chemins)
        for entree in registre["imports"]:
            if entree["id"] == ident:
                if not entree["actif"]:
                    raise ErreurImport(f"L'import {ident} est déjà annulé.")
                entree["actif"] = False
                entree["annule_le"] = datetime.now().isoformat(timespec="seconds")
                _ecrire_registre(chemins, registre)
                return entree
    connus = ", ".join(i["id"] for i in registre["imports"]) or "aucun"
    raise ErreurImport(f"Import « {ident} » inconnu. Imports enregistrés : {connus}.")


def liste(racine: Path | str) -> pd.DataFrame:
    """Les imports enregistrés, du plus récent au plus ancien."""
    registre = lire_registre(Chemins(Path(racine)))
    df = pd.DataFrame(registre["imports"], columns=COLONNES_LISTE)
    return df.iloc[::-1].reset_index(drop=True)
