"""Le registre des imports, façade du magasin DuckLake (portrait/donnees/lac.py) pour les pages et la ligne de
commande : enregistrer un import, l'annuler, la liste et le journal de qui a changé les données (import, annulation,
profil de colonnes), chacun une transaction du magasin signée de son audit."""

from __future__ import annotations

import errno
import getpass
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd

from portrait.donnees import connexion, lac
from portrait.imports.rapport import ErreurImport, Rapport

COLONNES_LISTE = ["id", "date", "type", "fichier_source", "lignes_lues", "lignes_gardees", "actif", "sha256"]
PREFIXE_TEMPORAIRE = "portrait-import-"  # dossiers temporaires d'un gros CSV : portrait-import-<pid>-…
TABLES = tuple(lac.COLONNES)  # mesures, cooperation
LECTURE_SEULE = (errno.EROFS, errno.EACCES, errno.EPERM)
# ce que DuckDB écrit d'une erreur du système en écrivant un Parquet du magasin -> l'errno qu'elle porte
ERREURS_DUCKDB = {"no space left": errno.ENOSPC, "disk is full": errno.ENOSPC, "read-only file system": errno.EROFS,
                  "readonly database": errno.EROFS, "permission denied": errno.EACCES}
# Journal : un événement par changement des données, lu dans l'historique du magasin (une transaction chacun).
ACTIONS = ("import", "annulation", "profil")
COLONNES_JOURNAL = ["date", "auteur", "action", "import", "fichier_source", "sha256", "lignes_lues", "valeurs_gardees",
                    "valeurs_remplacees", "valeurs_changees", "detail"]
AUTEUR_INCONNU = "inconnu (avant le journal)"


def config(racine: Path | str) -> lac.Config:
    """Le magasin d'un dossier de données : PORTRAIT_CATALOGUE et PORTRAIT_FICHIERS, sinon SQLite sous <racine>/lac."""
    return lac.Config.depuis_environnement(racine)


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


def utilisateur_systeme() -> str:
    """L'utilisateur du système qui lance la commande : l'auteur d'un import fait en ligne de commande."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # conteneur sans compte pour son uid
        return f"uid {os.getuid()}"


def empreinte(octets: bytes | Path) -> tuple[int, str]:
    """Taille et SHA-256 du fichier déposé : son contenu, ou un gros fichier lu par blocs sur le disque."""
    if isinstance(octets, bytes):
        return len(octets), hashlib.sha256(octets).hexdigest()
    with open(octets, "rb") as f:
        return octets.stat().st_size, hashlib.file_digest(f, "sha256").hexdigest()




@contextmanager
def magasin(racine: Path | str, besoin: int = 0) -> Iterator[lac.Lac]:
    """Le magasin du dossier de données, ses refus devenus des ErreurImport en français (catalogue injoignable ou
    occupé, disque plein, dossier en lecture seule) : jamais de trace Python, les données restent celles d'avant."""
    c = config(racine)
    try:
        with lac.magasin(c) as m:
            yield m
    except lac.ErreurLac as e:
        raise ErreurImport(str(e)) from None
    except OSError as e:
        raise ErreurImport(message_ecriture(e, _dossier(c), besoin)) from None
    except duckdb.Error as e:
        texte = str(e).lower()
        numero = next((n for motif, n in ERREURS_DUCKDB.items() if motif in texte), None) or _panne_disque(c, besoin)
        if numero is None:
            raise
        raise ErreurImport(message_ecriture(OSError(numero, os.strerror(numero)), _dossier(c), besoin)) from None


def _panne_disque(c: lac.Config, besoin: int) -> int | None:
    """Une écriture du magasin a échoué sans dire pourquoi (SQLite, plein, ne rend qu'un « Failed to commit ») : le
    dossier du magasin ou celui de ses Parquet en lecture seule (EROFS), ou sans la place voulue (ENOSPC) ; sinon
    None."""
    for dossier in {_dossier(c), c.dossier if c.dossier.exists() else _dossier(c)}:
        try:
            if os.statvfs(dossier).f_flag & os.ST_RDONLY:
                return errno.EROFS
            if shutil.disk_usage(dossier).free < max(besoin, 1024 * 1024):
                return errno.ENOSPC
        except OSError:
            continue
    return None


def _dossier(c: lac.Config) -> Path:
    """Le dossier des Parquet du magasin, ou le premier de ses parents qui existe (pour la place libre)."""
    dossier = c.dossier_fichiers
    while not dossier.exists() and dossier != dossier.parent:
        dossier = dossier.parent
    return dossier


def nettoyer_au_demarrage(racine: Path | str, delai: timedelta = lac.DELAI_ORPHELINS) -> list[str]:
    """Au lancement de l'application : les dossiers temporaires d'une validation tuée, la reprise de l'ancien
    registre JSON (une fois) et les Parquet d'un import tué avant son commit, plus vieux que `delai` (lac.nettoyer) ;
    rend ces derniers. Un catalogue injoignable n'empêche pas de démarrer : les pages le diront."""
    nettoyer_temporaires()
    connexion.nettoyer_en_vigueur(racine)
    try:
        return lac.nettoyer(config(racine), delai)
    except (lac.ErreurLac, OSError, duckdb.Error):
        return []


def _entree(ligne: dict, details: dict | None = None) -> dict:
    """Une ligne du registre du magasin, sous les noms que lisent la page Données et la ligne de commande."""
    details = details or {}
    table = ligne["table_cible"]
    return {
        "id": ligne["id"], "date": _date(ligne["horodatage"]), "type": ligne["source"], "table": table,
        "fichier_source": ligne["fichier"], "sha256": ligne["sha256"], "lignes_lues": ligne["lignes_lues"],
        "lignes_gardees": ligne["lignes"], "valeurs_remplacees": ligne["valeurs"],
        "valeurs_changees": details.get("valeurs_changees"), "auteur": ligne["utilisateur"],
        "annees": list(ligne["annees"]),
        **({"indicateurs": list(ligne["perimetre"])} if table == "mesures"
           else {"departements": list(ligne["perimetre"])}),
        "priorite": ligne["priorite"], "actif": not ligne["annule"],
        **({"annule_le": _date(ligne["annule_le"]), "annule_par": ligne["annule_par"]} if ligne["annule"] else {}),
    }


def _date(quand) -> str | None:
    """Une date du magasin (datetime, Timestamp ou texte du JSON d'audit) en texte ISO à la seconde."""
    if quand is None or (not isinstance(quand, str) and pd.isna(quand)):
        return None
    return pd.Timestamp(quand).isoformat(timespec="seconds")


def enregistrer(racine: Path | str, table: str, lignes: pd.DataFrame, rapport: Rapport, nom_fichier: str,
                octets: bytes | Path, auteur: str | None = None, taille_sha256: tuple[int, str] | None = None) -> dict:
    """Enregistre les lignes validées d'un fichier dans le magasin, en une transaction dont l'audit dit qui, quand,
    quel fichier (SHA-256), combien de lignes et de valeurs : la table `table` (mesures ou cooperation) les lit dès
    la connexion suivante, les plus récentes l'emportant ; tout ou rien. `auteur` : l'e-mail de l'utilisateur
    connecté, sinon l'utilisateur du système (ligne de commande). `taille_sha256` : l'empreinte du fichier déjà
    calculée à sa lecture (depot.Lu), pour ne pas le hacher deux fois. Rend l'entrée du registre."""
    auteur = auteur or utilisateur_systeme()
    taille, sha256 = taille_sha256 or empreinte(octets)
    details = {"valeurs_changees": rapport.valeurs_changees, "lignes_gardees": rapport.lignes_gardees}
    audit = lac.Audit(table, rapport.source, nom_fichier, sha256, auteur, rapport.lignes_lues,
                      rapport.valeurs_remplacees or 0, details=details)
    if "annee" in lignes:
        lignes = lignes.assign(annee=lignes["annee"].astype("int32"))
    with magasin(racine, 2 * taille) as m:
        return _entree(m.importer(lignes, audit), details)


def annuler(racine: Path | str, ident: str, auteur: str | None = None) -> dict:
    """Annule un import en une transaction (ses lignes sont gardées, hors des tables lues) : les valeurs qu'il
    remplaçait reviennent. `auteur` : comme pour `enregistrer`. Rend l'entrée du registre, annulée."""
    auteur = auteur or utilisateur_systeme()
    with magasin(racine) as m:
        m.annuler(ident, auteur)
        ligne = m.liste().set_index("id", drop=False).loc[ident].to_dict()
    return _entree(ligne)


def deja_importe(racine: Path | str, sha256: str) -> dict | None:
    """L'import actif le plus récent du même contenu (même SHA-256) que le fichier déposé ; None s'il n'y en a pas
    (ou si le catalogue ne répond pas : la suite de l'import le dira)."""
    try:
        imports = liste(racine)
    except ErreurImport:
        return None
    memes = imports[imports["actif"] & (imports["sha256"] == sha256)]
    return memes.iloc[0].to_dict() if len(memes) else None


def liste(racine: Path | str) -> pd.DataFrame:
    """Les imports enregistrés, du plus récent au plus ancien (colonnes COLONNES_LISTE) ; sans magasin, aucun (rien
    n'est créé pour le dire)."""
    if not config(racine).existe():
        return pd.DataFrame(columns=COLONNES_LISTE)
    with magasin(racine) as m:
        lignes = m.liste().to_dict("records")
    return pd.DataFrame([_entree(ligne) for ligne in lignes], columns=COLONNES_LISTE)


def version(racine: Path | str) -> int:
    """La dernière version validée du magasin (0 sans magasin) : une requête légère au catalogue, la signature de
    l'état des données pour les caches de l'application. ErreurImport si le catalogue est injoignable."""
    if not config(racine).existe():
        return 0
    with magasin(racine) as m:
        return m.version()


def import_au(racine: Path | str, ident: str) -> tuple[int, dict]:
    """La version du magasin validée par l'import `ident` et son entrée : les données « telles qu'au » moment de
    cet import (retour dans le temps). ErreurImport s'il est inconnu."""
    with magasin(racine) as m:
        v = m.version_import(ident)
        ligne = m.liste().set_index("id", drop=False).loc[ident].to_dict()
    return v, _entree(ligne)


def enregistrer_profil(racine: Path | str, cle: str, contenu: dict, auteur: str | None = None,
                       detail: str = "") -> dict:
    """Enregistre (ou remplace) un profil de correspondance des colonnes dans le magasin, en une transaction signée
    de son auteur ; `detail` (ce que dit le profil) va au journal."""
    with magasin(racine) as m:
        return m.enregistrer_profil(cle, contenu, auteur or utilisateur_systeme(), detail)


def profils(racine: Path | str) -> dict[str, dict]:
    """Les profils de correspondance enregistrés, par clé (vide sans magasin)."""
    if not config(racine).existe():
        return {}
    with magasin(racine) as m:
        return m.profils()


def _quoi(entree: dict) -> dict:
    """Ce que le journal retient d'un import : lequel, de quel fichier, combien de lignes lues, de valeurs gardées,
    de valeurs remplacées et, parmi elles, de valeurs qui changent."""
    return {"import": entree["id"], "fichier_source": entree["fichier_source"], "sha256": entree["sha256"],
            "lignes_lues": entree["lignes_lues"], "valeurs_gardees": entree["lignes_gardees"],
            "valeurs_remplacees": entree.get("valeurs_remplacees"), "valeurs_changees": entree.get("valeurs_changees")}


def _journal_migre(audit: dict, entrees: dict[str, dict]) -> list[dict]:
    """Les événements de l'ancien registre JSON repris par la migration, du plus ancien au plus récent : son journal
    et, à leur date, auteur inconnu, les imports d'avant le journal."""
    journal = [{"lignes_lues": entrees.get(e.get("import"), {}).get("lignes_lues"), "valeurs_gardees": e["lignes"],
                **e} if "lignes" in e else e for e in audit.get("journal", [])]  # « lignes » : les valeurs gardées
    notes = {e.get("import") for e in journal if e["action"] == "import"}
    anciens = [{"date": entrees[i]["date"], "auteur": AUTEUR_INCONNU, "action": "import", **_quoi(entrees[i])}
               for i in audit["ids"] if i in entrees and i not in notes]
    return [*anciens, *journal]


def _evenements(version: dict, entrees: dict[str, dict]) -> list[dict]:
    """Les événements du journal que porte une version du magasin (son audit), du plus ancien au plus récent."""
    audit, auteur = version["audit"] or {}, version["auteur"]
    if "table_cible" in audit:
        entree = _entree(audit, audit)
        return [{"date": entree["date"], "auteur": auteur, "action": "import", **_quoi(entree)}]
    if "annule_par" in audit and audit.get("id") in entrees:
        return [{"date": _date(audit["annule_le"]), "auteur": auteur, "action": "annulation",
                 **_quoi(entrees[audit["id"]])}]
    if "cle" in audit:
        return [{"date": _date(audit["horodatage"]), "auteur": auteur, "action": "profil",
                 "detail": audit.get("detail") or f"profil « {audit.get('nom', audit['cle'])} »"}]
    if "ids" in audit:
        return _journal_migre(audit, entrees)
    return []  # création du magasin


def historique(racine: Path | str) -> pd.DataFrame:
    """Le journal des changements, du plus récent au plus ancien (colonnes COLONNES_JOURNAL), lu dans l'historique
    du magasin : chaque import, annulation ou profil y est une version signée de son auteur."""
    if not config(racine).existe():
        return pd.DataFrame(columns=COLONNES_JOURNAL)
    with magasin(racine) as m:
        versions = m.historique().iloc[::-1].to_dict("records")
        lignes = m.liste().to_dict("records")
    details = {v["audit"]["id"]: v["audit"] for v in versions if v["audit"] and "table_cible" in v["audit"]}
    entrees = {ligne["id"]: _entree(ligne, details.get(ligne["id"])) for ligne in lignes}
    evenements = [e for v in versions for e in _evenements(v, entrees)]
    df = pd.DataFrame(evenements[::-1], columns=COLONNES_JOURNAL)  # à date égale, le dernier inscrit d'abord
    return df.sort_values("date", kind="stable", ascending=False).reset_index(drop=True)
