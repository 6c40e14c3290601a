"""Petit exécuteur de requêtes : charge queries/*.sql et les lance avec des paramètres nommés."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import pandas as pd

from portrait.donnees.connexion import DOSSIER_REQUETES

MOTIF_PARAMETRE = re.compile(r"\$([a-z_][a-z0-9_]*)")
MOTIF_COMMENTAIRE = re.compile(r"--[^\n]*")
MOTIF_CHAINE = re.compile(r"'(?:[^']|'')*'")


class ErreurRequete(Exception):
    """Requête inconnue ou paramètres qui ne correspondent pas à ceux de la requête."""


def parametres(sql: str) -> set[str]:
    """Noms des paramètres `$nom` d'une requête, hors commentaires et chaînes."""
    code = MOTIF_CHAINE.sub("''", MOTIF_COMMENTAIRE.sub("", sql))
    return set(MOTIF_PARAMETRE.findall(code))


class Requetes:
    """Les requêtes d'un dossier, une par fichier `nom.sql` (les fichiers `_*.sql` sont des mises en place)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, dossier: Path = DOSSIER_REQUETES):
        self.con = con
        self._local = threading.local()
        self._memoire: dict[tuple, pd.DataFrame] = {}
        self.textes = {
            f.stem: f.read_text(encoding="utf-8") for f in sorted(dossier.glob("*.sql")) if not f.stem.startswith("_")
        }

    def sql(self, nom: str) -> str:
        """Texte d'une requête ; erreur explicite si elle n'existe pas."""
        if nom not in self.textes:
            raise ErreurRequete(f"Requête inconnue : « {nom} ». Requêtes connues : {', '.join(sorted(self.textes))}.")
        return self.textes[nom]

    def curseur(self) -> duckdb.DuckDBPyConnection:
        """Un curseur par fil d'exécution (sessions Streamlit concurrentes), gardé d'une requête à l'autre :
        en ouvrir un par requête coûtait 4 ms, le septième du portrait d'un EPCI."""
        cur = getattr(self._local, "curseur", None)
        if cur is None:
            cur = self._local.curseur = self.con.cursor()
        return cur

    def reference(self, nom: str, params: dict | None = None) -> pd.DataFrame:
        """Comme `executer`, pour une requête qui ne lit que la géographie de référence : elle ne change pas
        pendant la vie de la connexion, son résultat est gardé (copie rendue à chaque appel)."""
        cle = (nom, tuple(sorted((params or {}).items())))
        if cle not in self._memoire:
            self._memoire[cle] = self.executer(nom, params)
        return self._memoire[cle].copy()

    def executer(self, nom: str, params: dict | None = None) -> pd.DataFrame:
        """Lance une requête sur le curseur du fil courant, avec exactement les paramètres qu'elle attend."""
        sql = self.sql(nom)
        params = dict(params or {})
        attendus = parametres(sql)
        manquants = attendus - params.keys()
        en_trop = params.keys() - attendus
        if manquants or en_trop:
            raise ErreurRequete(
                f"Requête « {nom} » : paramètres manquants {sorted(manquants)}, inattendus {sorted(en_trop)}."
            )
        return self.curseur().execute(sql, params).df()
