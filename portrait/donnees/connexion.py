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
    def imports(self) -> Path:
        return self.racine / "imports"

    @property
    def registre(self) -> Path:
        return self.imports / "registre.json"

    def table(self, nom: str) -> Path:
        return self.reference / f"{nom}.parquet"


def _litteral(chemin: Path) -> str:
    """Chemin de fichier en littéral SQL (chemins internes au dossier de données, jamais saisis)."""
    return "'" + str(chemin).replace("'", "''") + "'"


def fichiers_imports_actifs(chemins: Chemins, table: str = "mesures") -> list[tuple[Path, int]]:
    """Fichiers des imports actifs d'une table (mesures, cooperation), avec leur priorité (ordre d'import)."""
    if not chemins.registre.exists():
        return []
    registre = json.loads(chemins.registre.read_text(encoding="utf-8"))
    return [
        (chemins.imports / imp["fichier"], imp["priorite"])
        for imp in registre.get("imports", [])
        if imp.get("actif") and imp.get("table", "mesures") == table
    ]


def _sql_cooperation(chemins: Chemins) -> str:
    """Vue `cooperation` : les postes de démonstration ; un import remplace un département et une année entiers."""
    demo = chemins.racine / "demo" / "cooperation.parquet"
    imports = fichiers_imports_actifs(chemins, "cooperation")
    if not demo.exists() and not imports:
        return "select null::integer as annee, null::varchar as departement, null::varchar as epci where false"
    morceaux = [f"select *, {prio} as priorite from read_parquet({_litteral(f)})" for f, prio in imports]
    if not imports:
        return f"select * from read_parquet({_litteral(demo)})"
    sql = f"""
        with imports as (select * from ({' union all by name '.join(morceaux)})),
        recents as (
            select * from imports
            qualify priorite = max(priorite) over (partition by departement, annee)
        )
        select * exclude (priorite) from recents
    """
    if demo.exists():
        sql += f"""
        union all by name
        select d.* from read_parquet({_litteral(demo)}) d
        anti join (select distinct departement, annee from imports) i using (departement, annee)
        """
    return sql


def _sql_mesures(chemins: Chemins) -> str:
    """Vue `mesures` : la démonstration, remplacée clé par clé par les imports (le plus récent gagne)."""
    colonnes = "niveau, code, annee, indicateur, valeur, source"
    demo = f"select {colonnes} from read_parquet({_litteral(chemins.demo)})" if chemins.demo.exists() else None
    imports = fichiers_imports_actifs(chemins)
    if not imports:
        vide = "null::varchar, null::varchar, null::integer, null::varchar, null::double, null::varchar"
        return demo or f"select * from (values ({vide})) t({colonnes}) where false"
    selects = " union all ".join(
        f"select {colonnes}, {prio} as priorite from read_parquet({_litteral(f)})" for f, prio in imports
    )
    sql = f"""
        with imports as (
            select {colonnes} from ({selects})
            qualify row_number() over (partition by niveau, code, annee, indicateur order by priorite desc) = 1
        )
        select {colonnes} from imports
    """
    if demo:
        sql += f"""
        union all
        select d.* from ({demo}) d anti join imports i using (niveau, code, annee, indicateur)
        """
    return sql


def connecter(racine: Path | str = DOSSIER_DONNEES) -> duckdb.DuckDBPyConnection:
    """Ouvre une base DuckDB en mémoire avec les vues sur le dossier de données et la macro `valeurs`."""
    chemins = Chemins(Path(racine))
    con = duckdb.connect()
    for nom in TABLES_REFERENCE:
        con.execute(f"create view {nom} as select * from read_parquet({_litteral(chemins.table(nom))})")
    con.execute(f"create view mesures as {_sql_mesures(chemins)}")
    con.execute(f"create view cooperation as {_sql_cooperation(chemins)}")
    con.register("catalogue_df", catalogue.table_catalogue())
    con.execute("create table catalogue as select * from catalogue_df")
    con.register("composantes_df", catalogue.table_composantes())
    con.execute("create table composantes as select * from composantes_df")
    con.unregister("catalogue_df")
    con.unregister("composantes_df")
    con.execute((DOSSIER_REQUETES / "_tables.sql").read_text(encoding="utf-8"))
    con.execute((DOSSIER_REQUETES / "_macros.sql").read_text(encoding="utf-8"))
    return con

