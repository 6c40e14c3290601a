"""Connexion DuckDB : les vues sur les fichiers Parquet, seul endroit où vivent les chemins."""

from __future__ import annotations

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

    @property
    def lac(self) -> Path:
        """Le magasin des imports embarqué (catalogue SQLite et Parquet, portrait/donnees/lac.py)."""
        return self.racine / "lac"

    def table(self, nom: str) -> Path:
        return self.reference / f"{nom}.parquet"


def _litteral(chemin: Path) -> str:
    """Chemin de fichier en littéral SQL. DuckDB ne prend de paramètre ni dans une vue ni dans une macro : les
    chemins des vues sont donc écrits dans le SQL ; ils viennent du dossier de données, jamais d'une saisie.
    read_parquet lit un chemin comme un motif : `*`, `?` et `[` y sont écrits entre crochets (« [*] »), sans quoi un
    dossier « data* » lisait aussi ses voisins (France à 269 M d'habitants)."""
    exact = "".join(f"[{c}]" if c in "*?[" else c for c in str(chemin))
    return "'" + exact.replace("'", "''") + "'"


def _sql_table(table: str, demo: Path, importees: bool) -> str:
    """La vue d'une table : la démonstration seule (lue directement : rien à remplacer), les imports seuls, les deux
    par la règle `avec_imports` de queries/_fichiers.sql, ou ses colonnes sans ligne."""
    if importees and demo.exists():
        return (f"from avec_imports({_litteral(demo)}, '{table}_importees', "
                f"row({', '.join(lac.CLES_IMPORT[table])}))")
    if importees:
        return f"from {table}_importees"
    return f"from read_parquet({_litteral(demo)})" if demo.exists() else f"from {table}_vide"


def _lignes_importees(con: duckdb.DuckDBPyConnection, etat: lac.Etat | None) -> dict[str, bool]:
    """Recopie dans la connexion les lignes en vigueur d'une version du magasin (tables `<table>_importees`) et
    cette version (table `magasin_lu`) : chaque requête de la connexion voit cette version-là, entière, même si le
    catalogue devient injoignable. Rend, par table, s'il y a des lignes importées."""
    con.execute("create table magasin_lu (version integer, horodatage timestamp, lieu varchar)")
    if etat is None:
        return {table: False for table in lac.COLONNES}
    con.execute("insert into magasin_lu values (?, ?, ?)", [etat.version, etat.horodatage, etat.lieu])
    for table, lignes in etat.tables.items():
        con.register("lignes_df", lignes)
        con.execute(f"create table {table}_importees as select * from lignes_df")
        con.unregister("lignes_df")
    return {table: not lignes.empty for table, lignes in etat.tables.items()}


def poser_tables_importees(con: duckdb.DuckDBPyConnection, racine: Path | str, version: int | None = None,
                           tables: tuple[str, ...] = ("mesures", "cooperation")) -> None:
    """Pose sur `con` les vues `tables` (mesures, cooperation) : la démonstration remplacée par les lignes en
    vigueur de la version `version` du magasin (la dernière si None), recopiées une fois. La connexion des pages et
    celle, bornée, d'un import (valeurs remplacées, sauts) lisent ainsi les mêmes valeurs. lac.ErreurLac si le
    catalogue est injoignable."""
    chemins = Chemins(Path(racine))
    etat = lac.etat(lac.Config.depuis_environnement(chemins.racine), version)
    con.execute((DOSSIER_REQUETES / "_fichiers.sql").read_text(encoding="utf-8"))
    importees = _lignes_importees(con, etat)
    demos = {"mesures": chemins.demo, "cooperation": chemins.demo_cooperation}
    for table in tables:
        con.execute(f"create view {table} as {_sql_table(table, demos[table], importees[table])}")


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

