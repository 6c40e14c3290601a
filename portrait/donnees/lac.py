"""Le magasin transactionnel des imports (DuckLake) : mesures, postes de coopération et registre, un import ou une
annulation par transaction, chacune signée de son enregistrement d'audit ; historique et retour dans le temps.

Le catalogue est un fichier SQLite (par défaut, sous le dossier de données : plusieurs processus d'une même machine)
ou une base PostgreSQL (déploiement partagé) ; les lignes vivent dans des fichiers Parquet d'un dossier.
portrait/imports/registre.py est la façade qu'appellent les pages et la ligne de commande ; donnees/connexion.py lit
les lignes en vigueur d'une version à l'ouverture de chaque connexion."""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb
import pandas as pd

from portrait.donnees import extensions
from portrait.regles import cooperation

if TYPE_CHECKING:
    import pyarrow as pa

ALIAS = "lac"
METADONNEES = f"__ducklake_metadata_{ALIAS}"  # la base du catalogue, que DuckLake attache sous ce nom
T = TypeVar("T")
VARIABLE_CATALOGUE = "PORTRAIT_CATALOGUE"  # « postgres:dbname=… host=… port=… user=… » ; absente : SQLite
VARIABLE_FICHIERS = "PORTRAIT_FICHIERS"  # dossier des fichiers Parquet (volume partagé) ; absente : <données>/lac
ATTENTE_MAX = 30.0  # secondes : au-delà, une écriture ou lecture que d'autres processus bloquent est abandonnée
ATTENTE_PREMIERE = 0.05  # secondes, doublées à chaque nouvel essai (plafond 1 s), un peu de hasard en plus
# erreurs passagères : le catalogue pris par l'écriture d'un autre processus (SQLite), ou deux transactions qui
# modifient la même table (DuckLake refuse la seconde au commit) ; on recommence toute la transaction
# ; ou deux processus qui créent en même temps les tables d'un catalogue PostgreSQL neuf (deux serveurs qui démarrent)
PASSAGERES = ("database is locked", "conflict", "could not serialize", "deadlock detected",
              "duplicate key value violates unique constraint")
# un autre processus crée le catalogue au même instant (premier démarrage de plusieurs serveurs) : ses tables
# apparaissent d'un coup à son commit, la reprise ouvre alors le catalogue qu'il a créé
CREATION_CONCURRENTE = ("failed to initialize ducklake", "already exists")
# le serveur PostgreSQL du catalogue arrêté ou hors d'atteinte : pas d'attente, un message tout de suite
INJOIGNABLE = ("unable to connect to postgres", "connection refused", "server closed the connection",
               "could not connect to server", "no connection to the server")
# ce qu'un import remplace dans chaque table : la valeur de même territoire, année et indicateur ; tous les postes de
# coopération d'un département pour une année
CLES_IMPORT = {"mesures": ("niveau", "code", "annee", "indicateur"), "cooperation": ("departement", "annee")}
REGISTRE_JSON = Path("imports") / "registre.json"  # l'ancien registre, repris une fois puis renommé (MIGRE)
MIGRE = ".migre"
BASES_GARDEES = 8  # connexions au magasin gardées par processus (une par dossier de données et catalogue)
# un Parquet qu'aucune version ne nomme (import tué avant son commit) n'est effacé qu'après ce délai : un import en
# cours dans un autre processus écrit les siens avant de les valider
DELAI_ORPHELINS = timedelta(minutes=15)
# lignes par groupe des Parquet écrits (DuckLake : 122 880 par défaut) ; l'écrivain garde un groupe en mémoire par fil,
# et 2 millions de valeurs importées coûtaient 80 Mo au pic de l'import au lieu de 30 (réglage du magasin, posé à son
# ouverture : un catalogue d'avant le reçoit aussi)
LIGNES_PAR_GROUPE = 20_480
COLONNES_MESURES = {"niveau": "varchar", "code": "varchar", "annee": "integer", "indicateur": "varchar",
                    "valeur": "double"}
COLONNES_IMPORTS = {
    "id": "varchar", "priorite": "integer", "table_cible": "varchar", "source": "varchar", "fichier": "varchar",
    "sha256": "varchar", "lignes_lues": "bigint", "lignes": "bigint", "valeurs": "bigint", "annees": "integer[]",
    "perimetre": "varchar[]", "utilisateur": "varchar", "horodatage": "timestamp", "annule": "boolean",
    "annule_le": "timestamp", "annule_par": "varchar",
}
# profils de correspondance des colonnes (portrait/imports/correspondance.py) : `cle` le nom plié (le nom de son
# fichier JSON aujourd'hui), `contenu` ce JSON tel quel
COLONNES_PROFILS = {"cle": "varchar", "contenu": "varchar", "utilisateur": "varchar", "horodatage": "timestamp"}


class ErreurLac(RuntimeError):
    """Une écriture refusée ou impossible dans le magasin ; le message, en français, dit quoi faire."""


def _type_cooperation(colonne: str) -> str:
    """Le type SQL d'une colonne des postes (regles/cooperation.py::COLONNES), comme queries/_tables.sql."""
    if colonne == "annee":
        return "integer"
    if colonne.startswith("etp_"):
        return "double"
    if colonne in cooperation.COMPTES_ACTIVITE:
        return "bigint"
    if colonne == "cof_signee" or colonne in cooperation.QUESTIONS_OUI_NON:
        return "boolean"
    return "varchar"


COLONNES = {  # colonnes de chaque table de lignes importées, sans import_id
    "mesures": COLONNES_MESURES,
    "cooperation": {c: _type_cooperation(c) for c in cooperation.COLONNES},
}


@dataclass(frozen=True)
class Config:
    """Où vit le magasin : `catalogue` None pour le fichier SQLite sous le dossier de données, ou
    « postgres:<chaîne libpq> » ; `fichiers` le dossier des Parquet ; `extensions` où DuckDB recopie les
    extensions des roues (None : son dossier habituel)."""

    racine: Path
    catalogue: str | None = None
    fichiers: Path | None = None
    extensions: Path | None = None

    @classmethod
    def depuis_environnement(cls, racine: Path | str) -> Config:
        """La configuration d'un déploiement : PORTRAIT_CATALOGUE et PORTRAIT_FICHIERS, sinon le défaut embarqué."""
        fichiers = os.environ.get(VARIABLE_FICHIERS)
        return cls(Path(racine), os.environ.get(VARIABLE_CATALOGUE) or None, Path(fichiers) if fichiers else None)

    @property
    def dossier(self) -> Path:
        return Path(self.racine) / "lac"

    @property
    def registre_json(self) -> Path:
        return Path(self.racine) / REGISTRE_JSON

    @property
    def profils_json(self) -> Path:
        return Path(self.racine) / REGISTRE_JSON.parent / "profils"

    def a_migrer(self) -> list[Path]:
        """L'ancien registre JSON et l'ancien dossier des profils, s'ils sont encore là (pas encore repris)."""
        return [f for f in (self.registre_json, self.profils_json) if f.exists()]

    def existe(self) -> bool:
        """Vrai s'il y a un magasin à lire (ou un ancien registre à reprendre) : sans lui, rien n'est importé et la
        connexion n'ouvre rien (ni extension ni catalogue) ; un catalogue PostgreSQL existe toujours."""
        return self.postgres or self.fichier_sqlite.exists() or bool(self.a_migrer())

    @property
    def fichier_sqlite(self) -> Path:
        return self.dossier / "catalogue.sqlite"

    @property
    def dossier_fichiers(self) -> Path:
        return Path(self.fichiers) if self.fichiers else self.dossier / "fichiers"

    @property
    def postgres(self) -> bool:
        return bool(self.catalogue) and self.catalogue.startswith("postgres:")

    def lieu(self) -> str:
        """Où est le catalogue, pour un message : le fichier SQLite, ou l'hôte, le port et la base PostgreSQL (jamais
        le mot de passe de la chaîne de connexion)."""
        if not self.postgres:
            return str(self.fichier_sqlite)
        champs = dict(p.split("=", 1) for p in self.catalogue.removeprefix("postgres:").split() if "=" in p)
        return (f"PostgreSQL {champs.get('host', 'localhost')}:{champs.get('port', '5432')}, base "
                f"{champs.get('dbname', '?')}")

    def cible(self) -> str:
        """La chaîne de l'ATTACH DuckLake."""
        if self.postgres:
            return f"ducklake:{self.catalogue}"
        if self.catalogue:
            raise ErreurLac(f"Catalogue « {self.catalogue} » non reconnu : laissez {VARIABLE_CATALOGUE} vide (SQLite "
                            "sous le dossier de données) ou écrivez « postgres:dbname=… host=… port=… user=… ».")
        return f"ducklake:sqlite:{self.fichier_sqlite}"


@dataclass
class Audit:
    """Ce qu'un import laisse au registre et dans le message de sa transaction : qui, quand, quel fichier, combien."""

    table: str  # mesures ou cooperation
    source: str  # libellé de la source (Rapport.source)
    fichier: str  # nom du fichier déposé
    sha256: str
    utilisateur: str  # e-mail de la personne connectée, ou utilisateur du système pour la ligne de commande
    lignes_lues: int = 0
    valeurs: int = 0  # valeurs remplacées (Rapport.valeurs_remplacees)
    horodatage: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    id: str | None = None  # imposé par la migration du registre JSON ; sinon tiré de la priorité
    priorite: int | None = None
    details: dict = field(default_factory=dict)  # ajouté à l'audit de la transaction (valeurs changées…)


def lire_registre_json(chemin: Path) -> dict:
    """L'ancien registre JSON des imports (vide s'il n'y en a pas) : seule la migration le lit encore."""
    if not chemin.exists():
        return {"imports": []}
    return json.loads(chemin.read_text(encoding="utf-8"))


def _litteral(texte: str) -> str:
    return "'" + str(texte).replace("'", "''") + "'"


def _passagere(e: Exception) -> bool:
    texte = str(e).lower()
    return any(m in texte for m in PASSAGERES) or all(m in texte for m in CREATION_CONCURRENTE)


def _json(valeur) -> str:
    return json.dumps(valeur, ensure_ascii=False, default=str)


class Lac:
    """Une connexion au magasin attaché sous l'alias `lac`."""

    def __init__(self, config: Config, con: duckdb.DuckDBPyConnection):
        self.config = config
        self.con = con
        self.reprises: list[str] = []  # les erreurs passagères rencontrées (catalogue occupé, conflit), pour les tests

    # --- écritures : une transaction chacune ---

    def _avec_reprises(self, essai: Callable[[], T], apres: str) -> T:
        """`essai()`, recommencé tant qu'un autre processus tient le catalogue ou qu'une transaction concurrente
        l'emporte, ATTENTE_MAX secondes au plus ; `apres` dit à l'utilisateur ce qu'il en est quand on renonce."""
        fin, attente = time.monotonic() + ATTENTE_MAX, ATTENTE_PREMIERE
        while True:
            try:
                return essai()
            except duckdb.Error as e:
                if self._injoignable(e):
                    raise ErreurLac(f"Le catalogue du magasin de données est injoignable ({self.config.lieu()}) ; "
                                    f"{apres.split('. ')[0]}. Prévenez l'équipe informatique si cela dure.") from None
                if not _passagere(e):
                    raise
                self.reprises.append(str(e).splitlines()[-1][:200])
                if time.monotonic() + attente > fin:
                    raise ErreurLac(f"Le magasin de données est occupé par une autre écriture depuis plus de "
                                    f"{ATTENTE_MAX:.0f} s ; {apres}") from e
                time.sleep(attente * (0.5 + random.random()))
                attente = min(attente * 2, 1.0)

    def _injoignable(self, e: duckdb.Error) -> bool:
        """L'erreur vient-elle d'un catalogue PostgreSQL hors d'atteinte ? Son texte le dit, ou (un serveur arrêté
        au milieu d'une transaction : « Failed to commit ») une lecture d'essai au catalogue échoue ainsi."""
        if any(m in str(e).lower() for m in INJOIGNABLE):
            return True
        if not self.config.postgres:
            return False
        self._defaire()
        try:
            self.con.execute(f"select count(*) from {ALIAS}.snapshots()").fetchall()
        except duckdb.Error as sonde:
            return any(m in str(sonde).lower() for m in INJOIGNABLE)
        return False

    def _transaction(self, travail: Callable[[], dict], auteur: str, message: str, audit: Callable[[dict], dict]):
        """Exécute `travail` dans une transaction signée (auteur, message, audit en JSON), recommencée entière si le
        catalogue est occupé ; tout ou rien."""
        def essai() -> dict:
            self.con.execute("begin")
            try:
                resultat = travail()
                self.con.execute("call ducklake_set_commit_message(?, ?, ?, extra_info => ?)",
                                 [ALIAS, auteur, message, _json(audit(resultat))])
                self.con.execute("commit")
                return resultat
            except BaseException:
                self._defaire()
                raise
        return self._avec_reprises(essai, "rien n'a été écrit. Recommencez dans un instant.")

    def _requete(self, sql: str) -> pd.DataFrame:
        """Une lecture, recommencée si le catalogue est un instant verrouillé par l'écriture d'un autre processus."""
        return self._avec_reprises(lambda: self.con.execute(sql).df(),
                                   "lecture abandonnée. Rechargez la page dans un instant.")

    def _defaire(self) -> None:
        try:
            self.con.execute("rollback")
        except duckdb.Error:
            pass  # transaction déjà close par l'échec du commit

    def _prochaine_priorite(self) -> int:
        """La priorité suivante ; la mise à jour du compteur fait se heurter deux imports simultanés (DuckLake refuse
        le second au commit, qui recommence) : jamais deux fois la même priorité."""
        derniere = self.con.execute(f"select derniere from {ALIAS}.compteur").fetchone()[0]
        self.con.execute(f"update {ALIAS}.compteur set derniere = derniere + 1")
        return derniere + 1

    def _inserer(self, lignes: pd.DataFrame, audit: Audit, perimetre: list[str], annule: bool = False,
                 annule_le: datetime | None = None) -> dict:
        """Dans la transaction en cours : l'entrée du registre et les lignes de l'import."""
        if audit.table not in COLONNES:
            raise ErreurLac(f"Table « {audit.table} » inconnue du magasin (tables : {', '.join(COLONNES)}).")
        priorite = audit.priorite or self._prochaine_priorite()
        entree = {
            "id": audit.id or f"{audit.horodatage:%Y%m%d-%H%M%S}-{priorite:03d}", "priorite": priorite,
            "table_cible": audit.table, "source": audit.source, "fichier": audit.fichier, "sha256": audit.sha256,
            "lignes_lues": audit.lignes_lues, "lignes": len(lignes), "valeurs": audit.valeurs,
            "annees": sorted({int(a) for a in lignes["annee"].unique()}), "perimetre": perimetre,
            "utilisateur": audit.utilisateur, "horodatage": audit.horodatage, "annule": annule,
            "annule_le": annule_le, "annule_par": None,
        }
        self.con.execute(f"insert into {ALIAS}.imports ({', '.join(entree)}) values ({', '.join('?' * len(entree))})",
                         list(entree.values()))
        colonnes = ", ".join(COLONNES[audit.table])
        self.con.register("lignes_importees", lignes)
        try:
            self.con.execute(f"insert into {ALIAS}.{audit.table} ({colonnes}, import_id) "
                             f"select {colonnes}, ? from lignes_importees", [entree["id"]])
        finally:
            self.con.unregister("lignes_importees")
        return entree

    def importer(self, lignes: pd.DataFrame, audit: Audit) -> dict:
        """Enregistre les lignes validées d'un fichier et leur entrée au registre, en une transaction dont le
        message porte l'audit ; rend l'entrée."""
        perimetre = (sorted(str(i) for i in lignes["indicateur"].unique()) if audit.table == "mesures"
                     else sorted(str(d) for d in lignes["departement"].unique()))
        return self._transaction(lambda: self._inserer(lignes, audit, perimetre), audit.utilisateur,
                                 f"import {audit.fichier} ({audit.source})",
                                 lambda entree: {**entree, **audit.details})

    def annuler(self, ident: str, utilisateur: str) -> dict:
        """Annule un import (ses lignes restent, hors des tables lues), en une transaction : les valeurs qu'il
        remplaçait reviennent."""
        def travail() -> dict:
            ligne = self.con.execute(f"select annule from {ALIAS}.imports where id = ?", [ident]).fetchone()
            if ligne is None:
                connus = ", ".join(self.liste()["id"]) or "aucun"
                raise ErreurLac(f"Import « {ident} » inconnu. Imports enregistrés : {connus}.")
            if ligne[0]:
                raise ErreurLac(f"L'import {ident} est déjà annulé.")
            quand = datetime.now().replace(microsecond=0)
            self.con.execute(f"update {ALIAS}.imports set annule = true, annule_le = ?, annule_par = ? where id = ?",
                             [quand, utilisateur, ident])
            return {"id": ident, "annule_le": quand, "annule_par": utilisateur}
        return self._transaction(travail, utilisateur, f"annulation de l'import {ident}", lambda r: r)

    def _poser_profil(self, cle: str, contenu: dict, utilisateur: str, quand: datetime) -> dict:
        """Dans la transaction en cours : le profil `cle`, remplacé s'il existait."""
        self.con.execute(f"delete from {ALIAS}.profils where cle = ?", [cle])
        self.con.execute(f"insert into {ALIAS}.profils values (?, ?, ?, ?)", [cle, _json(contenu), utilisateur, quand])
        return {"cle": cle, "nom": contenu.get("nom", cle), "utilisateur": utilisateur, "horodatage": quand}

    def enregistrer_profil(self, cle: str, contenu: dict, utilisateur: str, detail: str = "") -> dict:
        """Enregistre (ou remplace) un profil de correspondance, en une transaction signée de son auteur ; `detail`
        (ce que dit le profil) va dans son audit."""
        quand = datetime.now().replace(microsecond=0)
        return self._transaction(lambda: self._poser_profil(cle, contenu, utilisateur, quand), utilisateur,
                                 f"profil de correspondance « {contenu.get('nom', cle)} »",
                                 lambda r: {**r, "detail": detail} if detail else r)

    def profils(self, version: int | None = None) -> dict[str, dict]:
        """Les profils de correspondance, par clé : leur contenu JSON relu."""
        df = self._requete(f"select cle, contenu from {ALIAS}.profils{self._a(version)} order by cle")
        return {cle: json.loads(contenu) for cle, contenu in zip(df["cle"], df["contenu"])}

    def migrer(self, racine: Path | str, utilisateur: str = "migration") -> list[str]:
        """Reprend le registre JSON et ses Parquet (portrait/imports/registre.py), puis les profils de correspondance
        (imports/profils/*.json), en une transaction, mêmes identifiants, priorités et états : une annulation d'un
        ancien import marche toujours. Ce qui est déjà présent est sauté (rien à refaire au démarrage suivant) ; les
        fichiers d'origine ne sont pas touchés. Rend les identifiants des imports repris."""
        imports = Path(racine) / REGISTRE_JSON.parent
        registre = lire_registre_json(Path(racine) / REGISTRE_JSON)
        entrees = sorted(registre["imports"], key=lambda i: i["priorite"])

        def travail() -> dict:
            deja = set(self.liste()["id"])
            faits = []
            for e in (e for e in entrees if e["id"] not in deja):
                try:
                    lignes = pd.read_parquet(imports / e["fichier"])
                except OSError:
                    raise ErreurLac(f"Migration impossible : le fichier {e['fichier']} de l'import {e['id']} manque "
                                    f"dans {imports} ; rien n'a été repris, le registre JSON reste en "
                                    "service.") from None
                audit = Audit(e.get("table", "mesures"), e["type"], e["fichier_source"], e.get("sha256", ""),
                              e.get("auteur", "inconnu (avant le journal)"), e.get("lignes_lues", 0),
                              e.get("valeurs_remplacees", 0), datetime.fromisoformat(e["date"]), e["id"],
                              e["priorite"])
                perimetre = e.get("indicateurs") or e.get("departements") or []
                annule_le = datetime.fromisoformat(e["annule_le"]) if e.get("annule_le") else None
                faits.append(self._inserer(lignes, audit, perimetre, not e["actif"], annule_le)["id"])
            if faits:
                self.con.execute(f"update {ALIAS}.compteur set derniere = greatest(derniere, ?)",
                                 [max(e["priorite"] for e in entrees)])
            deja_profils = set(self.profils())
            profils = [f for f in sorted((imports / "profils").glob("*.json")) if f.stem not in deja_profils]
            for f in profils:
                contenu = json.loads(f.read_text(encoding="utf-8"))
                quand = datetime.fromisoformat(contenu["date"]) if contenu.get("date") else datetime.now()
                self._poser_profil(f.stem, contenu, utilisateur, quand.replace(microsecond=0))
            # le journal de l'ancien registre, gardé dans l'audit de la migration (registre.historique le relit)
            journal = registre.get("journal", []) if faits else []
            return {"ids": faits, "profils": [f.stem for f in profils], "journal": journal}
        fait = self._transaction(travail, utilisateur, f"migration du registre JSON de {racine}", lambda r: r)
        return fait["ids"]

    # --- lectures ---

    @staticmethod
    def _a(version: int | None) -> str:
        return "" if version is None else f" at (version => {int(version)})"

    def sql(self, table: str, version: int | None = None) -> str:
        """Le SELECT des lignes en vigueur d'une table : celles des imports non annulés, pour chaque clé
        (connexion.CLES_IMPORT) celles du plus récent ; `source` dit l'import de chaque valeur de mesures."""
        a = self._a(version)
        colonnes = ", ".join(f"t.{c}" for c in COLONNES[table] if c != "source")
        source = "'import:' || t.import_id" if table == "mesures" else "t.source"
        return (f"select {colonnes}, {source} as source from {ALIAS}.{table} t{a} "
                f"join {ALIAS}.imports i{a} on i.id = t.import_id and not i.annule "
                f"qualify i.priorite = max(i.priorite) over (partition by {', '.join(CLES_IMPORT[table])})")

    def lire(self, table: str, version: int | None = None) -> pd.DataFrame:
        """Les lignes en vigueur d'une table (maintenant, ou à la version `version` du magasin)."""
        ordre = ", ".join(CLES_IMPORT[table])
        return self._requete(f"{self.sql(table, version)} order by {ordre}")

    def en_vigueur(self, table: str, version: int | None = None) -> pa.Table:
        """Les lignes en vigueur d'une table en colonnes Arrow, sans ordre : ce qu'une connexion recopie. Pas de
        DataFrame : un magasin de 2 millions de valeurs y prenait 1,3 Go d'objets Python (chaînes une à une)."""
        return self._avec_reprises(lambda: self.con.execute(self.sql(table, version)).to_arrow_table(),
                                   "lecture abandonnée. Rechargez la page dans un instant.")

    def liste(self, version: int | None = None) -> pd.DataFrame:
        """Le registre des imports, du plus récent au plus ancien."""
        return self._requete(f"select * from {ALIAS}.imports{self._a(version)} order by priorite desc")

    def au(self, version: int) -> dict[str, pd.DataFrame]:
        """Les données telles qu'elles étaient à la version `version` (retour dans le temps)."""
        return {"mesures": self.lire("mesures", version), "cooperation": self.lire("cooperation", version),
                "imports": self.liste(version)}

    def historique(self) -> pd.DataFrame:
        """Les versions du magasin, de la plus récente à la plus ancienne : numéro, heure, auteur, message et
        audit (JSON relu) de chaque transaction."""
        df = self._requete(
            f"select snapshot_id as version, snapshot_time::timestamp as horodatage, author as auteur, "
            f"commit_message as message, commit_extra_info as audit from {ALIAS}.snapshots() "
            "order by snapshot_id desc")
        df["audit"] = [json.loads(a) if isinstance(a, str) else None for a in df["audit"]]
        return df

    def version_import(self, ident: str) -> int:
        """La version du magasin validée par l'import `ident` (ou par la migration qui l'a repris) : ce que
        l'utilisateur voit « au » moment de cet import."""
        historique = self.historique()
        for version, audit in zip(historique["version"], historique["audit"]):
            if audit and ((audit.get("id") == ident and "table_cible" in audit) or ident in audit.get("ids", [])):
                return int(version)
        raise ErreurLac(f"Import « {ident} » absent de l'historique du magasin.")

    def version(self) -> int:
        """La dernière version validée du magasin, lue dans la table des versions du catalogue (environ 1 ms, contre
        15 par snapshots()) : la signature de l'état des données, relue à chaque passage d'une page."""
        try:
            return int(self._requete(f"select max(snapshot_id) as v from {METADONNEES}.ducklake_snapshot")["v"][0])
        except duckdb.CatalogException:  # un DuckLake qui nommerait autrement son catalogue attaché
            return int(self._requete(f"select max(snapshot_id) as v from {ALIAS}.snapshots()")["v"][0])

    def fermer(self) -> None:
        self.con.close()

    def __enter__(self) -> Lac:
        return self

    def __exit__(self, *exc) -> None:
        self.fermer()


def _creer_tables(lac: Lac) -> None:
    """Les tables du magasin, s'il n'en a pas encore (un premier démarrage) ; sans effet ensuite."""
    existantes = {r[0] for r in lac.con.execute(
        "select table_name from duckdb_tables() where database_name = ?", [ALIAS]).fetchall()}
    tables = {**{t: {**c, "import_id": "varchar"} for t, c in COLONNES.items()}, "imports": COLONNES_IMPORTS,
              "profils": COLONNES_PROFILS, "compteur": {"derniere": "integer"}}
    if set(tables) <= existantes:
        return

    def travail() -> dict:
        for nom, colonnes in tables.items():
            definition = ", ".join(f"{c} {t}" for c, t in colonnes.items())
            lac.con.execute(f"create table if not exists {ALIAS}.{nom} ({definition})")
        if lac.con.execute(f"select count(*) from {ALIAS}.compteur").fetchone()[0] == 0:
            lac.con.execute(f"insert into {ALIAS}.compteur values (0)")
        return {}
    lac._transaction(travail, "portrait", "création du magasin", lambda r: {"tables": sorted(tables)})


def ouvrir(config: Config) -> Lac:
    """Attache le magasin (créé au premier appel : catalogue, dossier des fichiers, tables) ; extensions prises
    dans les roues installées, rien n'est téléchargé."""
    con = extensions.connecter(config.extensions)
    extensions.charger(con, "ducklake", "postgres" if config.postgres else "sqlite")
    if not config.postgres:
        config.dossier.mkdir(parents=True, exist_ok=True)
    config.dossier_fichiers.mkdir(parents=True, exist_ok=True)
    # le dossier dit par la configuration l'emporte sur celui noté au catalogue : un dossier de données déplacé ou
    # copié, un volume partagé monté ailleurs sur un autre serveur
    options = f"data_path {_litteral(str(config.dossier_fichiers) + os.sep)}, override_data_path true"
    magasin = Lac(config, con)
    try:
        magasin._avec_reprises(lambda: con.execute(f"attach {_litteral(config.cible())} as {ALIAS} ({options})"),
                           "ouverture du magasin abandonnée. Recommencez dans un instant.")
    except BaseException:
        con.close()
        raise
    _creer_tables(magasin)
    _regler(magasin)
    return magasin


def _regler(lac: Lac) -> None:
    """Les réglages d'écriture du magasin (LIGNES_PAR_GROUPE), posés s'ils manquent : gardés au catalogue, sans
    version nouvelle (l'historique n'en dit rien). Un catalogue d'avant qu'on ne peut pas modifier (lecture seule)
    s'ouvre quand même : ses imports écriront des groupes plus gros, rien de plus."""
    def essai() -> None:
        options = dict(lac.con.execute(f"select option_name, value from {ALIAS}.options() "
                                       "where scope = 'GLOBAL'").fetchall())
        if options.get("parquet_row_group_size") != str(LIGNES_PAR_GROUPE):
            lac.con.execute(f"call {ALIAS}.set_option('parquet_row_group_size', {LIGNES_PAR_GROUPE})")
    try:
        lac._avec_reprises(essai, "ouverture du magasin abandonnée. Recommencez dans un instant.")
    except (duckdb.Error, ErreurLac):
        pass



@dataclass(frozen=True)
class Etat:
    """Une version du magasin, telle qu'une connexion de l'application la montre : son numéro, son heure, les tables
    qui y ont des lignes importées en vigueur (les lignes se lisent à part : `en_vigueur`)."""

    version: int
    horodatage: datetime  # heure de la version
    importees: dict[str, bool]  # mesures, cooperation : des lignes importées en vigueur ?
    lieu: str  # où est le catalogue (pour le bandeau « injoignable »)

    def cle(self, config: Config) -> str:
        """Ce qui nomme cette version sans ambiguïté, même si le catalogue est recréé (les numéros repartent de 1,
        pas les heures) ou change (un autre PORTRAIT_CATALOGUE sur le même dossier de données)."""
        texte = f"{config.catalogue or config.fichier_sqlite}|{self.version}|{self.horodatage.isoformat()}"
        return f"v{self.version}-{hashlib.sha256(texte.encode()).hexdigest()[:12]}"


_BASES: dict[Config, duckdb.DuckDBPyConnection] = {}
_VERROU = threading.Lock()


def magasin(config: Config) -> Lac:
    """Le magasin de ce processus pour `config` : une connexion DuckDB ouverte une fois (extensions chargées,
    catalogue attaché, ancien registre JSON repris), et pour chaque appelant son propre curseur (sa transaction à
    lui ; les sessions de l'application travaillent dans des fils différents). À fermer (`with`)."""
    with _VERROU:
        base = _BASES.get(config)
        if base is None:
            ouvert = ouvrir(config)
            if config.a_migrer():
                migrer_une_fois(ouvert, config)
            base = _BASES[config] = ouvert.con
            for ancienne in list(_BASES)[:-BASES_GARDEES]:
                _BASES.pop(ancienne).close()
    return Lac(config, base.cursor())


def oublier(config: Config) -> None:
    """Ferme la connexion gardée pour `config` (tests : catalogue effacé ou serveur PostgreSQL relancé)."""
    with _VERROU:
        if (base := _BASES.pop(config, None)) is not None:
            base.close()


def migrer_une_fois(ouvert: Lac, config: Config) -> list[str]:
    """Reprend l'ancien registre JSON et les profils, puis les renomme registre.json.migre et profils.migre : ils
    ne sont plus jamais lus ni écrits (gardés pour mémoire). Une migration interrompue sera refaite entière
    (Lac.migrer saute ce qui est déjà repris)."""
    faits = ouvert.migrer(config.racine)
    for ancien in config.a_migrer():
        ancien.rename(ancien.with_name(ancien.name + MIGRE))
    return faits


def etat(config: Config, version: int | None = None) -> Etat | None:
    """La version `version` du magasin (la dernière si None) : heure, tables qui ont des lignes importées ; None s'il
    n'y a pas de magasin (rien n'a jamais été importé). ErreurLac si le catalogue est injoignable."""
    if not config.existe():
        return None
    with magasin(config) as m:
        historique = m.historique()
        v = int(historique["version"].max()) if version is None else int(version)
        quand = historique.loc[historique["version"] == v, "horodatage"]
        actifs = m.liste(v).query("not annule")["table_cible"]
    return Etat(v, quand.iloc[0].to_pydatetime() if len(quand) else datetime.now(),
                {t: bool((actifs == t).any()) for t in COLONNES}, config.lieu())


def en_vigueur(config: Config, table: str, version: int) -> pa.Table:
    """Les lignes en vigueur d'une table à la version `version`, en colonnes Arrow (Lac.en_vigueur)."""
    with magasin(config) as m:
        return m.en_vigueur(table, version)


def nettoyer(config: Config, delai: timedelta = DELAI_ORPHELINS) -> list[str]:
    """Efface les Parquet qu'aucune version ne nomme (un import tué avant son commit), plus vieux que `delai`, avec
    la fonction de DuckLake ; rend leurs chemins. Sans magasin, rien à faire."""
    if not config.existe():
        return []
    with magasin(config) as m:
        avant = datetime.now() - delai
        df = m._avec_reprises(lambda: m.con.execute(
            f"call ducklake_delete_orphaned_files({_litteral(ALIAS)}, older_than => ?)", [avant]).df(),
            "nettoyage abandonné.")
    return sorted(map(str, df.iloc[:, 0])) if len(df.columns) else []
