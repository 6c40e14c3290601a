"""L'ancien registre des imports (avant le magasin DuckLake) tel qu'il s'écrivait dans data/imports/ : un Parquet par
import et registre.json (imports, journal). Pour tester sa reprise (lac.Lac.migrer) ; plus rien ne l'écrit."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

DEBUT = datetime(2026, 1, 5, 9, 0)


def _registre(racine: Path) -> dict:
    chemin = racine / "imports" / "registre.json"
    return json.loads(chemin.read_text(encoding="utf-8")) if chemin.exists() else {"imports": []}


def _ecrire(racine: Path, registre: dict) -> None:
    (racine / "imports" / "registre.json").write_text(json.dumps(registre, ensure_ascii=False, indent=2),
                                                      encoding="utf-8")


def enregistrer(racine: Path, table: str, lignes: pd.DataFrame, fichier_source: str, source: str = "Mesures",
                auteur: str | None = "ana@caf44.fr") -> dict:
    """Un import comme l'écrivait l'ancien registre.py ; `auteur` None : un import d'avant le journal."""
    (racine / "imports").mkdir(parents=True, exist_ok=True)
    registre = _registre(racine)
    priorite = 1 + max((i["priorite"] for i in registre["imports"]), default=0)
    quand = DEBUT + timedelta(days=priorite)
    ident = f"{quand:%Y%m%d-%H%M%S}-{priorite:03d}"
    if table == "mesures":
        lignes = lignes.assign(source=f"import:{ident}", annee=lignes["annee"].astype("int32"))
    fichier = f"{table}-{ident}.parquet"
    lignes.to_parquet(racine / "imports" / fichier, index=False)
    entree = {"id": ident, "date": quand.isoformat(timespec="seconds"), "type": source, "table": table,
              "fichier_source": fichier_source, "sha256": hashlib.sha256(fichier_source.encode()).hexdigest(),
              "fichier": fichier, "lignes_lues": len(lignes) + 1, "lignes_gardees": len(lignes),
              "valeurs_remplacees": 1, "valeurs_changees": 1, "annees": sorted({int(a) for a in lignes["annee"]}),
              **({"indicateurs": sorted(lignes["indicateur"].unique())} if table == "mesures"
                 else {"departements": sorted(lignes["departement"].unique())}),
              "priorite": priorite, "actif": True}
    if auteur is not None:
        entree["auteur"] = auteur
        registre.setdefault("journal", []).append(
            {"date": entree["date"], "auteur": auteur, "action": "import", "import": ident,
             "fichier_source": fichier_source, "sha256": entree["sha256"], "lignes_lues": entree["lignes_lues"],
             "valeurs_gardees": len(lignes), "valeurs_remplacees": 1, "valeurs_changees": 1})
    registre["imports"].append(entree)
    _ecrire(racine, registre)
    return entree


def annuler(racine: Path, ident: str, auteur: str = "chef@caf44.fr") -> None:
    registre = _registre(racine)
    entree = next(i for i in registre["imports"] if i["id"] == ident)
    quand = datetime.fromisoformat(entree["date"]) + timedelta(hours=1)
    entree.update(actif=False, annule_le=quand.isoformat(timespec="seconds"), annule_par=auteur)
    registre.setdefault("journal", []).append(
        {"date": entree["annule_le"], "auteur": auteur, "action": "annulation", "import": ident,
         "fichier_source": entree["fichier_source"], "sha256": entree["sha256"], "lignes_lues": entree["lignes_lues"],
         "valeurs_gardees": entree["lignes_gardees"], "valeurs_remplacees": 1, "valeurs_changees": 1})
    _ecrire(racine, registre)


def profil(racine: Path, indicateur: str) -> dict:
    """Un profil de colonnes « Onape 2021 » (codgeo, nb → `indicateur`) tel qu'il s'écrivait dans
    data/imports/profils/ ; rend son contenu."""
    contenu = {"nom": "Onape 2021", "date": "2026-02-01T10:00:00", "entetes": ["codgeo", "nb"], "niveau": "commune",
               "code": "codgeo", "annee": 2021, "indicateurs": [{"colonne": "nb", "indicateur": indicateur}]}
    (racine / "imports" / "profils").mkdir(parents=True, exist_ok=True)
    (racine / "imports" / "profils" / "onape_2021.json").write_text(json.dumps(contenu), encoding="utf-8")
    return contenu
