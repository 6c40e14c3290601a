"""Le registre des imports, seul à l'écrire : un import à la fois, fichiers écrits d'un coup, annulation, et le journal
de qui a changé les données (import, annulation, profil de colonnes)."""

from __future__ import annotations

import errno
import fcntl
import getpass
import hashlib
import io
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from portrait.donnees.connexion import Chemins, lire_registre
from portrait.imports.rapport import ErreurImport, Rapport

COLONNES_LISTE = ["id", "date", "type", "fichier_source", "lignes_lues", "lignes_gardees", "actif", "sha256"]
PREFIXE_TEMPORAIRE = "portrait-import-"  # dossiers temporaires d'un gros CSV : portrait-import-<pid>-…
PROVISOIRE = ".partiel"  # suffixe d'un fichier en cours d'écriture (ecrire_atomique)
TABLES = ("mesures", "cooperation")  # un import écrit data/imports/<table>-<id>.parquet
LECTURE_SEULE = (errno.EROFS, errno.EACCES, errno.EPERM)
# Journal : un événement par changement des données, dans le registre, écrit du même coup que le changement.
ACTIONS = ("import", "annulation", "profil")
COLONNES_JOURNAL = ["date", "auteur", "action", "import", "fichier_source", "sha256", "lignes_lues", "valeurs_gardees",
                    "valeurs_remplacees", "valeurs_changees", "detail"]
AUTEUR_INCONNU = "inconnu (avant le journal)"


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


def _restes(chemins: Chemins) -> list[Path]:
    """Les restes d'un import échoué ou tué : fichiers provisoires, Parquet qu'aucune entrée du registre ne nomme.
    À lire sous le verrou : hors de lui, le Parquet d'un import en cours n'est pas encore au registre."""
    if not chemins.imports.is_dir():
        return []
    try:
        nommes = {i["fichier"] for i in lire_registre(chemins)["imports"]}
    except (OSError, ValueError):
        return []  # registre illisible : on ne devine pas ce qui est orphelin
    sans_registre = not chemins.registre.exists()  # registre retiré à la main : on ne devine pas, on garde
    return [f for f in sorted(chemins.imports.iterdir()) if f.is_file() and (
        f.name.endswith(PROVISOIRE) or (f.suffix == ".parquet" and f.name.split("-", 1)[0] in TABLES
                                        and f.name not in nommes and not sans_registre))]


def nettoyer(chemins: Chemins) -> list[Path]:
    """Supprime les restes d'un import échoué ou tué (appelé sous le verrou, avant chaque import) ; rend leurs
    chemins."""
    restes = _restes(chemins)
    for f in restes:
        f.unlink(missing_ok=True)
    return restes


def nettoyer_temporaires(dossier: Path | None = None) -> list[Path]:
    """Efface les dossiers temporaires d'une validation de gros CSV tuée (portrait-import-<pid>-… dont le processus
    n'existe plus) ; rend leurs chemins."""
    restes = []
    for d in Path(dossier or tempfile.gettempdir()).glob(PREFIXE_TEMPORAIRE + "*"):
        pid = d.name.removeprefix(PREFIXE_TEMPORAIRE).split("-", 1)[0]
        if pid.isdigit() and d.is_dir() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(d, ignore_errors=True)
            restes.append(d)
    return restes


def nettoyer_au_demarrage(racine: Path | str) -> list[Path]:
    """Au lancement de l'application : les restes d'un import tué, si aucun import n'est en cours (verrou libre ;
    sinon on le laisse finir) et si le dossier est inscriptible."""
    chemins = Chemins(Path(racine))
    nettoyer_temporaires()
    if not _restes(chemins):
        return []
    try:
        with open(chemins.imports / ".verrou", "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:
                return nettoyer(chemins)
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    except OSError:
        return []


def message_ecriture(e: OSError, dossier: Path, besoin: int) -> str:
    """La phrase d'une écriture refusée par le système : disque plein (avec la place qu'il faut), dossier en
    lecture seule, ou autre ; les données restent celles d'avant."""
    if e.errno == errno.ENOSPC:
        try:
            libre = f"{shutil.disk_usage(dossier).free / 1e6:.1f} Mo libres".replace(".", ",")
        except OSError:
            libre = "place libre inconnue"
        return (f"Disque plein : l'import a besoin d'environ {max(besoin / 1e6, 0.1):.1f} Mo".replace(".", ",")
                + f" dans {dossier} ({libre}). Libérez de la place puis recommencez ; rien n'a été écrit, "
                "les données sont celles d'avant.")
    if e.errno in LECTURE_SEULE:
        return (f"Le dossier de données {dossier} est en lecture seule : rien n'a été écrit, les données sont "
                "celles d'avant. Importez depuis un poste qui peut y écrire.")
    return f"Écriture impossible dans {dossier} ({e.strerror}) : rien n'a été écrit, les données sont celles d'avant."


@contextmanager
def ecriture(chemins: Chemins, besoin: int):
    """Une écriture dans le dossier de données : une erreur du système (disque plein, lecture seule) devient
    une ErreurImport en français, sans trace Python."""
    try:
        yield
    except OSError as e:
        raise ErreurImport(message_ecriture(e, chemins.imports if chemins.imports.is_dir() else chemins.racine,
                                            besoin)) from None


def ecrire_atomique(chemin: Path, octets: bytes) -> None:
    """Écrit à côté, force sur disque, puis remplace d'un coup : un lecteur voit l'ancien ou le nouveau. Une
    écriture qui échoue (disque plein) efface son fichier provisoire."""
    provisoire = chemin.with_name(chemin.name + PROVISOIRE)
    try:
        with open(provisoire, "wb") as f:
            f.write(octets)
            f.flush()
            os.fsync(f.fileno())
        os.replace(provisoire, chemin)
    except BaseException:
        provisoire.unlink(missing_ok=True)
        raise


def _texte_registre(registre: dict) -> bytes:
    return json.dumps(registre, ensure_ascii=False, indent=2).encode("utf-8")


def _ecrire_registre(chemins: Chemins, registre: dict) -> None:
    octets = _texte_registre(registre)
    with ecriture(chemins, len(octets)):
        ecrire_atomique(chemins.registre, octets)


def _octets_lignes(lignes: pd.DataFrame, nom_fichier: str) -> bytes:
    """Le Parquet des lignes importées, son pied relu avant d'être écrit (sans refaire un DataFrame de tout)."""
    octets = lignes.to_parquet(index=False)
    if pq.read_metadata(io.BytesIO(octets)).num_rows != len(lignes):
        raise ErreurImport(f"{nom_fichier} : relecture incohérente du fichier écrit ; rien n'a été importé.")
    return octets


def utilisateur_systeme() -> str:
    """L'utilisateur du système qui lance la commande : l'auteur d'un import fait en ligne de commande."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # conteneur sans compte pour son uid
        return f"uid {os.getuid()}"


def _consigner(registre: dict, action: str, auteur: str, **champs) -> dict:
    """Ajoute au journal du registre (en mémoire, écrit par l'appelant) un événement daté et signé."""
    if action not in ACTIONS:
        raise ValueError(f"action inconnue : {action}")
    evenement = {"date": datetime.now().isoformat(timespec="seconds"), "auteur": auteur, "action": action, **champs}
    registre.setdefault("journal", []).append(evenement)
    return evenement


def _registre_vide_d_abord(chemins: Chemins) -> bool:
    """Avant le premier import, un registre vide : un premier import tué entre son Parquet et son registre laisse
    alors un Parquet qu'aucune entrée ne nomme, effacé au nettoyage suivant (sans registre, on ne devine pas : il a
    pu être retiré à la main). Vrai s'il vient d'être écrit."""
    if chemins.registre.exists():
        return False
    ecrire_atomique(chemins.registre, _texte_registre({"imports": []}))
    return True


def _empreinte(octets: bytes | Path) -> tuple[int, str]:
    """Taille et SHA-256 du fichier déposé : son contenu, ou un gros fichier lu par blocs sur le disque."""
    if isinstance(octets, bytes):
        return len(octets), hashlib.sha256(octets).hexdigest()
    with open(octets, "rb") as f:
        return octets.stat().st_size, hashlib.file_digest(f, "sha256").hexdigest()


def enregistrer(racine: Path | str, table: str, lignes: pd.DataFrame, rapport: Rapport, nom_fichier: str,
                octets: bytes | Path, auteur: str | None = None) -> dict:
    """Écrit les lignes validées d'un fichier à côté des données, puis les ajoute d'un coup au registre : la table
    `table` (mesures ou cooperation) les lit dès la connexion suivante, les plus récentes l'emportant. `auteur` :
    l'e-mail de l'utilisateur connecté, sinon l'utilisateur du système (ligne de commande)."""
    auteur = auteur or utilisateur_systeme()
    chemins = Chemins(Path(racine))
    taille, empreinte = _empreinte(octets)
    with ecriture(chemins, taille), verrou(chemins):
        nettoyer(chemins)
        registre = lire_registre(chemins)
        priorite = 1 + max((i["priorite"] for i in registre["imports"]), default=0)
        ident = f"{datetime.now():%Y%m%d-%H%M%S}-{priorite:03d}"
        if table == "mesures":  # chaque valeur dit de quel import elle vient (provenance, page Données)
            source = pd.Categorical.from_codes(np.zeros(len(lignes), dtype=np.int8), [f"import:{ident}"])
            lignes = lignes.assign(source=source, annee=lignes["annee"].astype("int32"))  # un code, pas un texte
        fichier = f"{table}-{ident}.parquet"
        parquet = _octets_lignes(lignes, nom_fichier)
        entree = {
            "id": ident,
            "date": datetime.now().isoformat(timespec="seconds"),
            "type": rapport.source,
            "table": table,
            "fichier_source": nom_fichier,
            "sha256": empreinte,
            "fichier": fichier,
            "lignes_lues": rapport.lignes_lues,
            "lignes_gardees": rapport.lignes_gardees,
            "valeurs_remplacees": rapport.valeurs_remplacees,
            "valeurs_changees": rapport.valeurs_changees,
            "auteur": auteur,
            "annees": rapport.annees,
            **({"indicateurs": rapport.indicateurs} if table == "mesures"
               else {"departements": sorted(lignes["departement"].unique())}),
            "priorite": priorite,
            "actif": True,
        }
        registre["imports"].append(entree)
        _consigner(registre, "import", auteur, **_quoi(entree))
        texte = _texte_registre(registre)
        with ecriture(chemins, len(parquet) + len(texte)):
            premier = _registre_vide_d_abord(chemins)
            try:
                ecrire_atomique(chemins.imports / fichier, parquet)
                ecrire_atomique(chemins.registre, texte)
            except BaseException:
                (chemins.imports / fichier).unlink(missing_ok=True)  # pas de Parquet orphelin
                if premier:
                    chemins.registre.unlink(missing_ok=True)  # le dossier tel qu'avant le premier import
                raise
    return entree


def _quoi(entree: dict) -> dict:
    """Ce que le journal retient d'un import : lequel, de quel fichier, combien de lignes lues, de valeurs gardées,
    de valeurs remplacées et, parmi elles, de valeurs qui changent."""
    return {"import": entree["id"], "fichier_source": entree["fichier_source"], "sha256": entree["sha256"],
            "lignes_lues": entree["lignes_lues"], "valeurs_gardees": entree["lignes_gardees"],
            "valeurs_remplacees": entree.get("valeurs_remplacees"), "valeurs_changees": entree.get("valeurs_changees")}


def annuler(racine: Path | str, ident: str, auteur: str | None = None) -> dict:
    """Désactive un import (son fichier est gardé) : les valeurs qu'il remplaçait reviennent. `auteur` : comme
    pour `enregistrer`."""
    auteur = auteur or utilisateur_systeme()
    chemins = Chemins(Path(racine))
    with ecriture(chemins, 0), verrou(chemins):
        nettoyer(chemins)
        registre = lire_registre(chemins)
        for entree in registre["imports"]:
            if entree["id"] == ident:
                if not entree["actif"]:
                    raise ErreurImport(f"L'import {ident} est déjà annulé.")
                entree["actif"] = False
                entree["annule_le"] = datetime.now().isoformat(timespec="seconds")
                entree["annule_par"] = auteur
                _consigner(registre, "annulation", auteur, **_quoi(entree))
                _ecrire_registre(chemins, registre)
                return entree
    connus = ", ".join(i["id"] for i in registre["imports"]) or "aucun"
    raise ErreurImport(f"Import « {ident} » inconnu. Imports enregistrés : {connus}.")


def liste(racine: Path | str) -> pd.DataFrame:
    """Les imports enregistrés, du plus récent au plus ancien."""
    registre = lire_registre(Chemins(Path(racine)))
    df = pd.DataFrame(registre["imports"], columns=COLONNES_LISTE)
    return df.iloc[::-1].reset_index(drop=True)


def consigner(racine: Path | str, action: str, auteur: str | None = None, **champs) -> dict:
    """Inscrit au journal un changement fait ailleurs que par un import (l'enregistrement ou la suppression d'un
    profil de colonnes : action "profil", detail="…", fichier_source=…) ; rend l'événement."""
    chemins = Chemins(Path(racine))
    with ecriture(chemins, 0), verrou(chemins):
        registre = lire_registre(chemins)
        evenement = _consigner(registre, action, auteur or utilisateur_systeme(), **champs)
        _ecrire_registre(chemins, registre)
    return evenement


def historique(racine: Path | str) -> pd.DataFrame:
    """Le journal des changements, du plus récent au plus ancien (colonnes COLONNES_JOURNAL) ; un import d'avant le
    journal y figure à sa date, auteur inconnu."""
    registre = lire_registre(Chemins(Path(racine)))
    lus = {i["id"]: i["lignes_lues"] for i in registre["imports"]}
    journal = [{"lignes_lues": lus.get(e.get("import")), "valeurs_gardees": e["lignes"], **e} if "lignes" in e else e
               for e in registre.get("journal", [])]  # un journal d'avant « lignes_lues » : « lignes » gardées
    notes = {e.get("import") for e in journal if e["action"] == "import"}
    anciens = [{"date": i["date"], "auteur": AUTEUR_INCONNU, "action": "import", **_quoi(i)}
               for i in registre["imports"] if i["id"] not in notes]
    df = pd.DataFrame([*anciens, *journal][::-1], columns=COLONNES_JOURNAL)  # à date égale, le dernier inscrit
    return df.sort_values("date", kind="stable", ascending=False).reset_index(drop=True)
