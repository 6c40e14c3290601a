"""Connexion DuckDB : les vues sur les fichiers Parquet, seul endroit où vivent les chemins."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from portrait.donnees import lac
from portrait.regles import catalogue

DOSSIER_DONNEES = Path(__file__).resolve().parents[2] / "data"
DOSSIER_REQUETES = Path(__file__).resolve().parents[2] / "queries"
TABLES_REFERENCE = (
    "communes", "epci", "departements", "regions", "populations",
    "contours_communes", "contours_epci", "contours_departements",
)
SOURCE_DEMO = "demo"
CLES_IMPORT = lac.CLES_IMPORT  # ce qu'un import remplace dans chaque table (queries/_fichiers.sql)
# une table où des imports sont en vigueur est écrite une fois par version du magasin, démonstration et imports réunis,
# dans des Parquet rangés comme la démonstration : chaque requête y lit ce qu'elle demande, comme sans import (la règle
# recalculée à chaque requête coûtait 5 à 20 s par page et 2 Go par serveur après un import de 2 millions de valeurs)
TRI = {"mesures": ("annee", "code", "indicateur"), "cooperation": ("annee", "departement")}
MEMOIRE_ECRITURE = "256MB"  # DuckDB, pour écrire ce Parquet (déborde au besoin sur le disque)
GARDE_EN_VIGUEUR = 86_400  # s : les Parquet d'autres versions que la dernière, effacés au démarrage passé ce délai


@dataclass(frozen=True)
class Chemins:
    """Les fichiers d'un dossier de données (data/ par défaut, ou une copie)."""

    racine: Path

    @property
    def reference(self) -> Path:
        return self.racine / "reference"

    @property
    def demo(self) -> Path:
        return self.racine / "demo" / "mesures.parquet"

    @property
    def demo_cooperation(self) -> Path:
        return self.racine / "demo" / "cooperation.parquet"

    @property
    def imports(self) -> Path:
        return self.racine / "imports"

    def demo_de(self, table: str) -> Path:
        """La démonstration d'une table que les imports complètent (mesures, cooperation)."""
        return {"mesures": self.demo, "cooperation": self.demo_cooperation}[table]

    @property
    def lac(self) -> Path:
        """Le magasin des imports embarqué (catalogue SQLite et Parquet, portrait/donnees/lac.py)."""
        return self.racine / "lac"

    @property
    def en_vigueur(self) -> Path:
        """Les tables en vigueur de chaque version du magasin, un dossier chacune, écrites une fois
        (ecrire_en_vigueur)."""
        return self.lac / "en_vigueur"

    def table(self, nom: str) -> Path:
        return self.reference / f"{nom}.parquet"


def _litteral(chemin: Path) -> str:
    """Chemin de fichier en littéral SQL. DuckDB ne prend de paramètre ni dans une vue ni dans une macro : les
    chemins des vues sont donc écrits dans le SQL ; ils viennent du dossier de données, jamais d'une saisie.
    read_parquet lit un chemin comme un motif : `*`, `?` et `[` y sont écrits entre crochets (« [*] »), sans quoi un
    dossier « data* » lisait aussi ses voisins (France à 269 M d'habitants)."""
    exact = "".join(f"[{c}]" if c in "*?[" else c for c in str(chemin))
    return "'" + exact.replace("'", "''") + "'"


def _sql_demonstration(table: str, demo: Path) -> str:
    """La vue d'une table sans ligne importée : la démonstration seule (rien à remplacer), ou ses colonnes sans
    ligne."""
    return f"from read_parquet({_litteral(demo)})" if demo.exists() else f"from {table}_vide"


def _copie(chemin: Path) -> str:
    """Chemin de fichier en littéral SQL pour COPY … TO, qui ne lit pas de motif."""
    return "'" + str(chemin).replace("'", "''") + "'"


def ecrire_en_vigueur(chemins: Chemins, table: str, lignes, dossier: Path) -> None:
    """Écrit le dossier `dossier` d'une table à une version : les `lignes` importées en vigueur (Arrow) triées
    comme la démonstration (`importees.parquet`), puis la démonstration qu'elles ne remplacent pas, dans son ordre
    (`demonstration.parquet`, règle `demonstration_gardee`). Chaque requête y saute les groupes de lignes qui ne la
    concernent pas. Écrit sous un nom provisoire renommé à la fin : un autre serveur qui écrit le même en même temps
    ou un arrêt brutal ne laissent jamais un dossier à moitié écrit."""
    dossier.parent.mkdir(parents=True, exist_ok=True)
    provisoire = dossier.with_name(f".{dossier.name}.{os.getpid()}-{threading.get_ident()}.partiel")
    demo = chemins.demo_de(table)
    try:
        provisoire.mkdir()
        with duckdb.connect(config={"memory_limit": MEMOIRE_ECRITURE, "threads": 1, "preserve_insertion_order": True,
                                    "temp_directory": str(provisoire / "debord")}) as con:
            con.execute((DOSSIER_REQUETES / "_fichiers.sql").read_text(encoding="utf-8"))
            con.register(f"{table}_importees", lignes)
            options = "(format parquet, compression zstd, row_group_size 100000)"
            con.execute(f"copy (from {table}_importees order by {', '.join(TRI[table])}) "
                        f"to {_copie(provisoire / 'importees.parquet')} {options}")
            if demo.exists():
                con.execute(f"copy (from demonstration_gardee({_litteral(demo)}, '{table}_importees', "
                            f"row({', '.join(CLES_IMPORT[table])}))) "
                            f"to {_copie(provisoire / 'demonstration.parquet')} {options}")
        shutil.rmtree(provisoire / "debord", ignore_errors=True)
        try:
            provisoire.rename(dossier)
        except OSError:  # un autre processus l'a écrit entre-temps : le même contenu
            if not dossier.is_dir():
                raise
    finally:
        shutil.rmtree(provisoire, ignore_errors=True)


def _sql_en_vigueur(dossier: Path) -> str:
    """La vue d'une table écrite par ecrire_en_vigueur : ses deux fichiers (ou le seul, sans démonstration)."""
    fichiers = ", ".join(_litteral(f) for f in sorted(dossier.glob("*.parquet")))
    return f"from read_parquet([{fichiers}], union_by_name = true)"


def _dossier_en_vigueur(chemins: Chemins, table: str, version: str, demo: Path) -> Path:
    """Le dossier des Parquet d'une table à une version du magasin (`version` : Etat.cle) sur une démonstration
    donnée : une démonstration refaite (python -m portrait demo) change le nom, pour ne jamais relire un mélange
    périmé."""
    empreinte = f"{demo.stat().st_size}-{demo.stat().st_mtime_ns}" if demo.exists() else "sans-demo"
    return chemins.en_vigueur / f"{table}-{version}-{hashlib.sha256(empreinte.encode()).hexdigest()[:8]}"


def nettoyer_en_vigueur(racine: Path | str, garde: float = GARDE_EN_VIGUEUR) -> list[Path]:
    """Au démarrage : efface les tables en vigueur des versions passées (une page sur les données d'alors les
    réécrit au besoin) et les écritures interrompues, plus vieilles que `garde` secondes ; garde la dernière écrite
    de chaque table. Rend les dossiers effacés."""
    dossier = Chemins(Path(racine)).en_vigueur
    if not dossier.exists():
        return []
    ecrits = sorted((d for d in dossier.iterdir() if d.is_dir() and not d.name.startswith(".")),
                    key=lambda d: d.stat().st_mtime)
    dernieres = {d.name.split("-")[0]: d for d in ecrits}  # la plus récente de chaque table
    vieux = time.time() - garde
    effaces = [d for d in [*ecrits, *dossier.glob(".*.partiel")]
               if d not in dernieres.values() and d.stat().st_mtime < vieux]
    for d in effaces:
        shutil.rmtree(d, ignore_errors=True)
    return effaces


def poser_tables_importees(con: duckdb.DuckDBPyConnection, racine: Path | str, version: int | None = None,
                           tables: tuple[str, ...] = ("mesures", "cooperation")) -> None:
    """Pose sur `con` les vues `tables` (mesures, cooperation) de la version `version` du magasin (la dernière si
    None) et cette version (table `magasin_lu`) : la démonstration seule là où aucun import n'est en vigueur, sinon
    le Parquet de cette version (démonstration et imports réunis), écrit à la première demande. Chaque requête de la
    connexion voit ainsi cette version-là, entière, même si le catalogue devient injoignable ; la connexion des pages
    et celle, bornée, d'un import (valeurs remplacées, sauts) lisent les mêmes valeurs. lac.ErreurLac si le catalogue
    est injoignable."""
    chemins = Chemins(Path(racine))
    config = lac.Config.depuis_environnement(chemins.racine)
    etat = lac.etat(config, version)
    con.execute((DOSSIER_REQUETES / "_fichiers.sql").read_text(encoding="utf-8"))
    con.execute("create table magasin_lu (version integer, horodatage timestamp, lieu varchar)")
    if etat is not None:
        con.execute("insert into magasin_lu values (?, ?, ?)", [etat.version, etat.horodatage, etat.lieu])
    for table in tables:
        if etat is None or not etat.importees[table]:
            con.execute(f"create view {table} as {_sql_demonstration(table, chemins.demo_de(table))}")
            continue
        dossier = _dossier_en_vigueur(chemins, table, etat.cle(config), chemins.demo_de(table))
        if not dossier.is_dir():
            ecrire_en_vigueur(chemins, table, lac.en_vigueur(config, table, etat.version), dossier)
        con.execute(f"create view {table} as select * {_sql_en_vigueur(dossier)}")


def connecter(racine: Path | str = DOSSIER_DONNEES, version: int | None = None) -> duckdb.DuckDBPyConnection:
    """Ouvre une base DuckDB en mémoire avec les vues sur le dossier de données et la macro `valeurs` ; les valeurs
    importées sont celles de la version `version` du magasin (la dernière si None), lues une fois ici.
    lac.ErreurLac si le catalogue du magasin est injoignable."""
    chemins = Chemins(Path(racine))
    con = duckdb.connect()
    try:
        poser_tables_importees(con, chemins.racine, version)
    except BaseException:
        con.close()
        raise
    for nom in TABLES_REFERENCE:
        con.execute(f"create view {nom} as select * from read_parquet({_litteral(chemins.table(nom))})")
    con.register("catalogue_df", catalogue.table_catalogue())
    con.execute("create table catalogue as select * from catalogue_df")
    con.register("composantes_df", catalogue.table_composantes())
    con.execute("create table composantes as select * from composantes_df")
    con.unregister("catalogue_df")
    con.unregister("composantes_df")
    con.execute((DOSSIER_REQUETES / "_tables.sql").read_text(encoding="utf-8"))
    con.execute((DOSSIER_REQUETES / "_macros.sql").read_text(encoding="utf-8"))
    return con

