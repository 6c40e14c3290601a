"""Un fichier des allocataires par IRIS de la taille de la France (13 000 lignes), fabriqué pour le banc et les
tests, et le temps de son import (issue 15 : moins de 10 s)."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

ENTETE = ("CODGEO;LIBGEO;DEPCOM;LIBCOM;EPCI;REG;NOTE;A;PERCOU;AI;AM;ACSSENF;ACAVENF;AC3ENF;ENF;ENF_2;ENF_3_5;"
          "ENF_6_10;ENF_11_14;ENF_15_17;ENF_18_24;A_ETUD;A_NETUD_24;AAL;AAPL;AAAH;APPA;ARSAS;APRES50;APRES100")
LIGNES = 13_000
HABITANTS_PAR_IRIS = 2_500
ARRONDISSEMENTS = {"75056": range(75101, 75121), "69123": range(69381, 69390), "13055": range(13201, 13217)}
SECRET_SOUS = 5  # un compte sous 5 est une cellule vide (secret statistique)
CIBLE_S = 10.0


def _zones(communes: pd.DataFrame, lignes: int) -> list[tuple[str, str, int]]:
    """(code de la zone sur 5 caractères, libellé, nombre d'IRIS) : les communes les plus peuplées découpées en IRIS,
    Paris, Lyon et Marseille par arrondissement, jusqu'à `lignes` lignes."""
    zones, total = [], 0
    for code, nom, pop in communes.sort_values("population", ascending=False)[["code", "nom", "population"]].values:
        arrondissements = ARRONDISSEMENTS.get(code)
        parties = [str(a) for a in arrondissements] if arrondissements else [code]
        for partie in parties:
            n = max(1, min(99, int(pop) // HABITANTS_PAR_IRIS // len(parties)))
            n = min(n, lignes - total)
            if n <= 0:
                return zones
            zones.append((partie, nom, n))
            total += n
    return zones


def fichier_iris(chemin: Path, communes: pd.DataFrame, lignes: int = LIGNES, graine: int = 15) -> Path:
    """Écrit un fichier `;`, CRLF, au format Cnaf par IRIS, de `lignes` lignes sur les communes données."""
    alea = random.Random(graine)
    texte = [ENTETE]
    for zone, nom, n in _zones(communes, lignes):
        for i in range(n):
            code = f"{zone}{i + 1:04d}" if n > 1 else f"{zone}0000"
            a = alea.randint(50, 1500)
            comptes = [a, a * 2 + alea.randint(0, 300)] + [alea.randint(0, a // 3) for _ in range(21)]
            cellules = ["" if v < SECRET_SOUS else f"{v:,}".replace(",", " ") for v in comptes]
            texte.append(";".join([code, f"{nom} {i + 1}", zone, nom, "200000000", "00", "", *cellules]))
    chemin.write_bytes(("\r\n".join(texte) + "\r\n").encode("utf-8"))
    return chemin


def mesurer_import(lignes: int = LIGNES) -> dict:
    """Le temps d'import (lecture, validation, écriture) d'un fichier de `lignes` lignes dans une copie des données."""
    import shutil
    import tempfile
    import time

    from portrait.imports import depot

    with tempfile.TemporaryDirectory() as dossier:
        racine = Path(dossier) / "data"
        shutil.copytree(Path(__file__).resolve().parent.parent / "data", racine,
                        ignore=shutil.ignore_patterns("imports"))
        communes = pd.read_parquet(racine / "reference" / "communes.parquet")
        fichier = fichier_iris(Path(dossier) / "data_CAF_2022_IRIS.csv", communes, lignes)
        debut = time.perf_counter()
        _, rapport = depot.importer(fichier, racine)
        secondes = time.perf_counter() - debut
    return {"lignes": rapport.lignes_lues, "valeurs_gardees": rapport.lignes_gardees,
            "valeurs_secretes": rapport.valeurs_manquantes, "secondes": secondes, "cible_s": CIBLE_S}
