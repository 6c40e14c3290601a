"""Connexion DuckDB : les vues sur les fichiers Parquet, seul endroit où vivent les chemins."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from portrait.regles import catalogue

DOSSIER_DONNEES = Path(__file__).resolve().parents[2] / "data"
DOSSIER_REQUETES = Path(__file__).resolve().parents[2] / "queries"
TABLES_REFERENCE = (
    "communes", "epci", "departements", "regions", "populations",
    "contours_communes", "contours_epci", "contours_departements",
)
SOURCE_DEMO = "demo"
# ce qu'un import remplace dans chaque table lue dans des fichiers (queries/_fichiers.sql) : la valeur de même
# territoire, année et indicateur ; tous les postes de coopération d'un département pour une année
CLES_IMPORT = {"mesures": ("niveau", "code", "annee", "indicateur"), "cooperation": ("departement", "annee")}


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
    def registre(self) -> Path:
        return self.imports / "registre.json"

    def table(self, nom: str) -> Path:
        return self.reference / f"{nom}.parquet"


def _litteral(chemin: Path) -> str:
    """Chemin de fichier en littéral SQL. DuckDB ne prend de paramètre ni dans une vue ni dans une macro : les
    chemins des vues sont donc écrits dans le SQL ; ils viennent du dossier de données et du registre des
    imports, jamais d'une saisie. read_parquet lit un chemin comme un motif : `*`, `?` et `[` y sont écrits entre
    crochets (« [*] »), sans quoi un dossier « data* » lisait aussi ses voisins (France à 269 M d'habitants).
    queries/_fichiers.sql défait cette écriture pour retrouver le rang d'un fichier (colonne filename)."""
    exact = "".join(f"[{c}]" if c in "*?[" else c for c in str(chemin))
    return "'" + exact.replace("'", "''") + "'"


def lire_registre(chemins: Chemins) -> dict:
    """Le registre des imports (vide s'il n'y en a pas encore) ; seul portrait/imports/registre.py l'écrit."""
    if not chemins.registre.exists():
        return {"imports": []}
    return json.loads(chemins.registre.read_text(encoding="utf-8"))


def fichiers_lus(chemins: Chemins) -> dict[str, list[Path]]:
    """Les fichiers de chaque table, dans l'ordre où ils se remplacent : la démonstration (si elle existe), puis
    les imports actifs du plus ancien au plus récent."""
    actifs = sorted((i for i in lire_registre(chemins)["imports"] if i.get("actif")), key=lambda i: i["priorite"])
    demos = {"mesures": chemins.demo, "cooperation": chemins.demo_cooperation}
    return {
        table: ([demo] if demo.exists() else [])
        + [chemins.imports / i["fichier"] for i in actifs if i.get("table", "mesures") == table]
        for table, demo in demos.items()
    }


def _sql_table(table: str, fichiers: list[Path]) -> str:
    """La vue d'une table lue dans des fichiers : ses colonnes sans fichier, son fichier s'il est seul, ou la règle
    `remplacer` de queries/_fichiers.sql."""
    if not fichiers:
        return f"from {table}_vide"
    liste = "[" + ", ".join(map(_litteral, fichiers)) + "]"
    if len(fichiers) == 1:
        return f"from read_parquet({liste})"
    return f"from remplacer({liste}, row({', '.join(CLES_IMPORT[table])}))"


def connecter(racine: Path | str = DOSSIER_DONNEES) -> duckdb.DuckDBPyConnection:
    """Ouvre une base DuckDB en mémoire avec les vues sur le dossier de données et la macro `valeurs`."""
    chemins = Chemins(Path(racine))
    con = duckdb.connect()
    for nom in TABLES_REFERENCE:
        con.execute(f"create view {nom} as select * from read_parquet({_litteral(chemins.table(nom))})")
    con.execute((DOSSIER_REQUETES / "_fichiers.sql").read_text(encoding="utf-8"))
    for table, fichiers in fichiers_lus(chemins).items():
        con.execute(f"create view {table} as {_sql_table(table, fichiers)}")
    con.register("catalogue_df", catalogue.table_catalogue())
    con.execute("create table catalogue as select * from catalogue_df")
    con.register("composantes_df", catalogue.table_composantes())
    con.execute("create table composantes as select * from composantes_df")
    con.unregister("catalogue_df")
    con.unregister("composantes_df")
    con.execute((DOSSIER_REQUETES / "_tables.sql").read_text(encoding="utf-8"))
    con.execute((DOSSIER_REQUETES / "_macros.sql").read_text(encoding="utf-8"))
    return con

