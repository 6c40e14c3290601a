"""Import de 100 000 lignes dans le magasin DuckLake (SQLite, ou PostgreSQL si l'on donne sa chaîne), puis la
connexion de l'application qui recopie les lignes en vigueur ; `python -m bench.lac [postgres:dbname=… host=… …]`.
(Le registre JSON d'avant, mesuré ici jusqu'à son remplacement : 3 imports de 100 000 lignes en 0,3 à 0,5 s.)"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from portrait.donnees import lac
from portrait.imports import registre
from portrait.imports.rapport import Rapport

LIGNES = 100_000


def lignes(graine: int) -> pd.DataFrame:
    """100 000 valeurs communales : 20 000 communes × 5 indicateurs, une année."""
    rng = np.random.default_rng(graine)
    codes = np.repeat([f"{n:05d}" for n in range(LIGNES // 5)], 5)
    indicateurs = np.tile([f"indicateur_{i}" for i in range(5)], LIGNES // 5)
    return pd.DataFrame({"niveau": "commune", "code": codes, "annee": np.int32(2023), "indicateur": indicateurs,
                         "valeur": rng.random(LIGNES) * 100})


def chrono(fonction) -> float:
    debut = time.perf_counter()
    fonction()
    return time.perf_counter() - debut


def mesurer(catalogue: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as dossier:
        racine = Path(dossier) / "data"
        rapport = Rapport("banc.csv", LIGNES, LIGNES, annees=[2023], indicateurs=["indicateur_0"], source="Banc")
        jeux = [lignes(g) for g in range(3)]
        debut = time.perf_counter()
        magasin = lac.ouvrir(lac.Config(racine, catalogue))
        print(f"ouverture du magasin ({'PostgreSQL' if catalogue else 'SQLite'}) : {time.perf_counter() - debut:.3f} s")
        audit = lac.Audit("mesures", "Banc", "banc.csv", "x", "banc", LIGNES, 0)
        temps = [chrono(lambda df=df: magasin.importer(df, audit)) for df in jeux]
        print(f"magasin DuckLake : {', '.join(f'{t:.3f} s' for t in temps)}")
        print(f"lecture des lignes en vigueur : {chrono(lambda: magasin.lire('mesures')):.3f} s")
        print(f"annulation : {chrono(lambda: magasin.annuler(magasin.liste()['id'][0], 'banc')):.3f} s")
        magasin.fermer()
        if catalogue is None:  # la façade des pages et de la ligne de commande, sur le même magasin
            temps = chrono(lambda: registre.enregistrer(racine, "mesures", jeux[0], rapport, "banc.csv", b"x"))
            print(f"registre.enregistrer (façade) : {temps:.3f} s")
            print(f"lecture d'une connexion de l'application (lac.etat, lignes en vigueur) : "
                  f"{chrono(lambda: lac.etat(lac.Config(racine))):.3f} s")


if __name__ == "__main__":
    mesurer(sys.argv[1] if len(sys.argv) > 1 else None)
