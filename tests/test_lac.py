"""Le magasin DuckLake (portrait/donnees/lac.py) sur un catalogue SQLite puis PostgreSQL : extensions prises dans
les roues, import et annulation en une transaction signée, retour dans le temps, migration du registre JSON, deux
processus à la fois."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from portrait.donnees import extensions
from tests import ancien_registre
from tests.conftest import lignes, postes_cooperation
from tests.postgres import postgres  # noqa: F401 (fixture)

RACINE_DEPOT = Path(__file__).resolve().parents[1]
H1 = datetime(2026, 3, 2, 9, 30)
H2 = datetime(2026, 3, 3, 14, 5)

try:
    extensions.fichier("ducklake")
except extensions.ExtensionManquante as e:  # environnement qui ne suit pas requirements.txt (DuckDB 2.x)
    pytest.skip(f"{e} (DuckDB {duckdb.__version__} installé)", allow_module_level=True)

from portrait.donnees import lac  # noqa: E402


def mesures(*valeurs: tuple[str, int, str, float]) -> pd.DataFrame:
    """Des lignes de mesures communales (code, année, indicateur, valeur), comme les rend un lecteur de source."""
    df = pd.DataFrame([("commune", c, a, i, v) for c, a, i, v in valeurs],
                      columns=["niveau", "code", "annee", "indicateur", "valeur"])
    return df.astype({"annee": "int32"})


def audit(fichier: str, quand: datetime = H1, qui: str = "ana@caf.fr", table: str = "mesures") -> lac.Audit:
    return lac.Audit(table, "Mesures (format long)", fichier, f"sha-{fichier}", qui, 3, 1, quand)


@pytest.fixture(scope="session")
def dossier_extensions(tmp_path_factory) -> Path:
    """Un dossier d'extensions pour la session (INSTALL y recopie les fichiers des roues une fois)."""
    return tmp_path_factory.mktemp("extensions")


@pytest.fixture(params=["sqlite", "postgres"])
def config(request, tmp_path: Path, dossier_extensions: Path) -> lac.Config:
    """La configuration d'un magasin neuf : catalogue SQLite sous le dossier de données, ou base PostgreSQL neuve."""
    if request.param == "sqlite":
        return lac.Config(tmp_path / "data", extensions=dossier_extensions)
    serveur = request.getfixturevalue("postgres")
    base = f"lac_{request.node.name.split('[')[0].removeprefix('test_')[:40]}"
    return lac.Config(tmp_path / "data", "postgres:" + serveur.creer_base(base), extensions=dossier_extensions)


@pytest.fixture
def magasin(config: lac.Config):
    with lac.ouvrir(config) as ouvert:
        yield ouvert


# --- extensions ---

def test_extension_chargee_depuis_sa_roue(dossier_extensions: Path):
    con = extensions.connecter(dossier_extensions)
    extensions.charger(con, "ducklake", "sqlite")
    charges = con.execute("select extension_name, installed_from from duckdb_extensions() where loaded "
                          "and installed_from <> '' order by 1").fetchall()
    assert charges == [("ducklake", str(extensions.fichier("ducklake"))),
                       ("sqlite_scanner", str(extensions.fichier("sqlite")))]
    assert extensions.fichier("ducklake").is_relative_to(Path(sys.prefix))  # la roue installée dans l'environnement
    reglages = dict(con.execute("select name, value from duckdb_settings() where name in ("
                                "'allow_unsigned_extensions', 'autoinstall_known_extensions', "
                                "'autoload_known_extensions')").fetchall())
    assert reglages == {"allow_unsigned_extensions": "false", "autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false"}


def test_aucun_telechargement(tmp_path: Path, monkeypatch):
    """Un dépôt d'extensions piège sur un port local : ni l'ouverture du magasin, ni une extension non chargée
    (postgres, absente du dossier d'extensions neuf) n'y frappent."""
    piege = socket.socket()
    piege.bind(("127.0.0.1", 0))
    piege.listen()
    piege.settimeout(0.2)
    depot = f"http://127.0.0.1:{piege.getsockname()[1]}"
    monkeypatch.setattr(extensions, "SANS_TELECHARGEMENT",
                        {**extensions.SANS_TELECHARGEMENT, "custom_extension_repository": depot})
    with lac.ouvrir(lac.Config(tmp_path / "data", extensions=tmp_path / "ext")) as ouvert:
        with pytest.raises(duckdb.Error, match="not found"):
            ouvert.con.execute("attach 'postgres:dbname=x host=127.0.0.1' as pg (type postgres)")
    with pytest.raises(TimeoutError):
        piege.accept()
    piege.close()


def test_extension_manquante():
    with pytest.raises(extensions.ExtensionManquante) as e:
        extensions.fichier("spatial")
    assert str(e.value) == (
        f"L'extension DuckDB « spatial » est introuvable : installez le paquet duckdb-extension-spatial=="
        f"{duckdb.__version__} (pip install -r requirements.txt). Elle n'est jamais téléchargée pendant l'exécution.")


# --- magasin : SQLite et PostgreSQL ---

def test_importer_annuler(magasin: lac.Lac):
    un = magasin.importer(mesures(("44001", 2023, "enfants_0_2", 10.0), ("44002", 2023, "enfants_0_2", 20.0)),
                          audit("un.csv"))
    deux = magasin.importer(mesures(("44001", 2023, "enfants_0_2", 11.0)), audit("deux.csv", H2, "bob@caf.fr"))
    assert (un["id"], un["priorite"], deux["id"], deux["priorite"]) == (
        "20260302-093000-001", 1, "20260303-140500-002", 2)
    colonnes = ["code", "valeur", "source"]
    assert lignes(magasin.lire("mesures"), colonnes) == [
        ("44001", 11.0, "import:20260303-140500-002"), ("44002", 20.0, "import:20260302-093000-001")]
    annule = magasin.annuler(deux["id"], "chef@caf.fr")
    assert (annule["id"], annule["annule_par"]) == ("20260303-140500-002", "chef@caf.fr")
    assert lignes(magasin.lire("mesures"), colonnes) == [
        ("44001", 10.0, "import:20260302-093000-001"), ("44002", 20.0, "import:20260302-093000-001")]
    assert lignes(magasin.liste(), ["id", "fichier", "utilisateur", "lignes", "annule", "annule_par"]) == [
        ("20260303-140500-002", "deux.csv", "bob@caf.fr", 1, True, "chef@caf.fr"),
        ("20260302-093000-001", "un.csv", "ana@caf.fr", 2, False, None)]
    with pytest.raises(lac.ErreurLac, match="^L'import 20260303-140500-002 est déjà annulé.$"):
        magasin.annuler(deux["id"], "chef@caf.fr")
    with pytest.raises(lac.ErreurLac, match="^Import « 999 » inconnu. Imports enregistrés : "
                                            "20260303-140500-002, 20260302-093000-001.$"):
        magasin.annuler("999", "chef@caf.fr")


def test_historique_et_retour_dans_le_temps(magasin: lac.Lac):
    avant = magasin.version()
    un = magasin.importer(mesures(("44001", 2023, "enfants_0_2", 10.0)), audit("un.csv"))
    deux = magasin.importer(mesures(("44001", 2023, "enfants_0_2", 11.0)), audit("deux.csv", H2, "bob@caf.fr"))
    magasin.annuler(un["id"], "chef@caf.fr")
    historique = magasin.historique()
    assert lignes(historique.head(3), ["version", "auteur", "message"]) == [
        (avant + 3, "chef@caf.fr", "annulation de l'import 20260302-093000-001"),
        (avant + 2, "bob@caf.fr", "import deux.csv (Mesures (format long))"),
        (avant + 1, "ana@caf.fr", "import un.csv (Mesures (format long))")]
    assert historique["audit"][1] == {
        "id": deux["id"], "priorite": 2, "table_cible": "mesures", "source": "Mesures (format long)",
        "fichier": "deux.csv", "sha256": "sha-deux.csv", "lignes_lues": 3, "lignes": 1, "valeurs": 1,
        "annees": [2023], "perimetre": ["enfants_0_2"], "utilisateur": "bob@caf.fr",
        "horodatage": "2026-03-03 14:05:00", "annule": False, "annule_le": None, "annule_par": None}
    assert (magasin.version_import(un["id"]), magasin.version_import(deux["id"])) == (avant + 1, avant + 2)
    assert magasin.au(avant)["mesures"].empty
    assert lignes(magasin.au(avant + 1)["mesures"], ["valeur", "source"]) == [(10.0, "import:20260302-093000-001")]
    assert lignes(magasin.au(avant + 2)["mesures"], ["valeur", "source"]) == [(11.0, "import:20260303-140500-002")]
    assert lignes(magasin.au(avant + 2)["imports"], ["id", "annule"]) == [(deux["id"], False), (un["id"], False)]
    assert lignes(magasin.au(avant + 3)["imports"], ["id", "annule"]) == [(deux["id"], False), (un["id"], True)]


def test_cooperation_remplace_un_departement_et_une_annee(magasin: lac.Lac):
    postes = postes_cooperation().assign(source="import")
    un = magasin.importer(postes, audit("postes.xlsx", table="cooperation"))
    nouveau = postes.iloc[[3]].assign(nom="Denis Blanc")
    deux = magasin.importer(nouveau, audit("postes-2.xlsx", H2, table="cooperation"))
    assert lignes(magasin.lire("cooperation"), ["departement", "annee", "code", "nom", "cof_signee", "copil"]) == [
        ("44", 2023, "200000002", "Denis Blanc", False, 0)]
    assert lignes(magasin.liste(), ["id", "perimetre"]) == [(deux["id"], ["44"]), (un["id"], ["44"])]
    magasin.annuler(deux["id"], "chef@caf.fr")
    assert len(magasin.lire("cooperation")) == 4


def test_migration_du_registre_json(config: lac.Config, donnees: Path):
    """Le registre JSON et ses Parquet passent dans le magasin, mêmes identifiants et états : le magasin donne les
    mêmes valeurs importées que la connexion actuelle, et l'annulation d'un ancien import y marche."""
    ancien = [("commune", "16001", 2022, "enfants_0_2", 7.0), ("commune", "44001", 2022, "enfants_0_2", 8.0)]
    df = pd.DataFrame(ancien, columns=["niveau", "code", "annee", "indicateur", "valeur"])
    un = ancien_registre.enregistrer(donnees, "mesures", df, "a.csv")
    deux = ancien_registre.enregistrer(donnees, "mesures", df.assign(valeur=[70.0, 80.0]), "b.csv")
    trois = ancien_registre.enregistrer(donnees, "mesures", df.iloc[[0]].assign(valeur=700.0), "c.csv")
    postes = ancien_registre.enregistrer(donnees, "cooperation", postes_cooperation().assign(source="import"),
                                         "p.xlsx", "Postes")
    ancien_registre.annuler(donnees, trois["id"])
    profil = ancien_registre.profil(donnees, "places_eaje")
    with lac.ouvrir(config) as magasin:
        assert magasin.migrer(donnees) == [un["id"], deux["id"], trois["id"], postes["id"]]
        assert magasin.migrer(donnees) == []  # rien à refaire au démarrage suivant
        assert magasin.profils() == {"onape_2021": profil}
        assert magasin.version_import(un["id"]) == magasin.version_import(postes["id"]) == magasin.version()
        colonnes = ["niveau", "code", "annee", "indicateur", "valeur", "source"]
        assert lignes(magasin.lire("mesures"), colonnes) == [
            ("commune", "16001", 2022, "enfants_0_2", 70.0, f"import:{deux['id']}"),
            ("commune", "44001", 2022, "enfants_0_2", 80.0, f"import:{deux['id']}")]
        assert lignes(magasin.liste(), ["id", "priorite", "fichier", "sha256", "annule"]) == [
            (postes["id"], 4, "p.xlsx", postes["sha256"], False), (trois["id"], 3, "c.csv", trois["sha256"], True),
            (deux["id"], 2, "b.csv", deux["sha256"], False), (un["id"], 1, "a.csv", un["sha256"], False)]
        assert len(magasin.lire("cooperation")) == 4
        magasin.annuler(deux["id"], "chef@caf.fr")  # un ancien import s'annule dans le magasin
        assert lignes(magasin.lire("mesures"), ["valeur", "source"]) == [
            (7.0, f"import:{un['id']}"), (8.0, f"import:{un['id']}")]
        suivant = magasin.importer(mesures(("44001", 2022, "enfants_0_2", 9.0)), audit("d.csv"))
        assert suivant["priorite"] == 5  # après les priorités reprises


ECRIVAIN = """
import collections
import sys
from datetime import datetime
from pathlib import Path
import pandas as pd
from portrait.donnees import lac
config = lac.Config(Path(sys.argv[1]), sys.argv[2] or None, extensions=Path(sys.argv[3]))
with lac.ouvrir(config) as magasin:
    print("pret", flush=True)
    sys.stdin.readline()
    for i in range(int(sys.argv[4])):
        df = pd.DataFrame({"niveau": "commune", "code": [f"{n:05d}" for n in range(2000)], "annee": 2023,
                           "indicateur": "enfants_0_2", "valeur": float(i)})
        magasin.importer(df, lac.Audit("mesures", "Mesures", f"cli-{i}.csv", "x", "cli", 2000, 0))
    print("reprises", collections.Counter(magasin.reprises), flush=True)
"""


def test_deux_processus(config: lac.Config):
    """Une importation en ligne de commande (autre processus) pendant que l'application lit et importe : tous les
    imports passent, un à la fois (priorités distinctes), chaque lecture voit un état validé entier."""
    n = 6
    with lac.ouvrir(config) as magasin:
        autre = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(ECRIVAIN), str(config.racine), config.catalogue or "",
             str(config.extensions), str(n)], cwd=RACINE_DEPOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        assert autre.stdout.readline() == "pret\n", autre.stderr.read()
        autre.stdin.write("go\n")
        autre.stdin.flush()
        comptes = set()
        for i in range(n):
            df = mesures(*((f"{c:05d}", 2023, "enfants_0_2", 100.0 + i) for c in range(1000)))
            magasin.importer(df, lac.Audit("mesures", "Mesures", f"app-{i}.csv", "y", "app", 1000, 0))
            lu = magasin.lire("mesures")
            comptes.add(len(lu))
            assert lu["source"].nunique() <= 2  # jamais un import à moitié lu
        sortie, erreurs = autre.communicate(timeout=300)
        assert autre.returncode == 0, erreurs
        liste = magasin.liste()
        assert len(liste) == 2 * n
        assert sorted(liste["priorite"]) == list(range(1, 2 * n + 1))
        assert liste["id"].is_unique
        assert len(magasin.lire("mesures")) == 2000  # codes 00000-01999 de la ligne de commande, 00000-00999 de l'app
        assert comptes <= {1000, 2000}
        catalogue = "postgres" if config.postgres else "sqlite"
        print(f"\n[{catalogue}] reprises : application {Counter(magasin.reprises)}, ligne de commande "
              f"{sortie.strip()} ; tailles lues {sorted(comptes)}")


def test_migration_fichier_manquant(config: lac.Config, donnees: Path):
    """Un Parquet du registre disparu : rien n'est repris (une transaction), message en français."""
    df = pd.DataFrame([("commune", "44001", 2022, "enfants_0_2", 8.0)],
                      columns=["niveau", "code", "annee", "indicateur", "valeur"])
    ancien_registre.enregistrer(donnees, "mesures", df, "a.csv")
    deux = ancien_registre.enregistrer(donnees, "mesures", df, "b.csv")
    (donnees / "imports" / deux["fichier"]).unlink()
    with lac.ouvrir(config) as magasin:
        with pytest.raises(lac.ErreurLac) as e:
            magasin.migrer(donnees)
        assert str(e.value) == (f"Migration impossible : le fichier {deux['fichier']} de l'import {deux['id']} "
                                f"manque dans {donnees / 'imports'} ; rien n'a été repris, le registre JSON reste "
                                "en service.")
        assert magasin.liste().empty and magasin.lire("mesures").empty


def test_configuration(tmp_path: Path, monkeypatch):
    monkeypatch.delenv(lac.VARIABLE_CATALOGUE, raising=False)
    monkeypatch.delenv(lac.VARIABLE_FICHIERS, raising=False)
    embarque = lac.Config.depuis_environnement(tmp_path)
    assert (embarque.cible(), embarque.dossier_fichiers) == (
        f"ducklake:sqlite:{tmp_path / 'lac' / 'catalogue.sqlite'}", tmp_path / "lac" / "fichiers")
    monkeypatch.setenv(lac.VARIABLE_CATALOGUE, "postgres:dbname=portrait host=pg.caf.local user=portrait")
    monkeypatch.setenv(lac.VARIABLE_FICHIERS, "/srv/portrait/lac")
    partage = lac.Config.depuis_environnement(tmp_path)
    assert (partage.cible(), partage.dossier_fichiers) == (
        "ducklake:postgres:dbname=portrait host=pg.caf.local user=portrait", Path("/srv/portrait/lac"))
    with pytest.raises(lac.ErreurLac, match="^Catalogue « mysql:x » non reconnu"):
        lac.Config(tmp_path, "mysql:x").cible()


def test_catalogue_sqlite_tenu_trop_longtemps(tmp_path: Path, dossier_extensions: Path, monkeypatch):
    """Un autre processus (ici le sqlite3 de Python) garde le catalogue SQLite verrouillé : l'import réessaie, puis
    renonce au bout de ATTENTE_MAX avec un message en français ; rien n'est écrit, et l'import suivant passe. (Le
    verrou doit venir d'un autre processus : les verrous POSIX de SQLite sont par processus.)"""
    config = lac.Config(tmp_path / "data", extensions=dossier_extensions)
    monkeypatch.setattr(lac, "ATTENTE_MAX", 1.0)
    tenir = ("import sqlite3, sys\n"
             f"c = sqlite3.connect({str(config.fichier_sqlite)!r}, isolation_level=None)\n"
             "c.execute('begin exclusive'); print('tenu', flush=True); sys.stdin.readline()\n")
    with lac.ouvrir(config) as magasin:
        autre = subprocess.Popen([sys.executable, "-c", tenir], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
        assert autre.stdout.readline() == "tenu\n"
        with pytest.raises(lac.ErreurLac, match="^Le magasin de données est occupé par une autre écriture depuis "
                                                "plus de 1 s ; rien n'a été écrit. Recommencez dans un instant.$"):
            magasin.importer(mesures(("44001", 2023, "enfants_0_2", 10.0)), audit("un.csv"))
        with pytest.raises(lac.ErreurLac, match="occupé .* plus de 1 s ; lecture abandonnée. Rechargez la page"):
            magasin.liste()
        assert magasin.reprises and all(r.endswith("database is locked") for r in magasin.reprises)
        autre.communicate("fin\n", timeout=30)
        assert magasin.liste().empty
        assert magasin.importer(mesures(("44001", 2023, "enfants_0_2", 10.0)), audit("un.csv"))["priorite"] == 1


def test_catalogue_postgres_arrete(postgres, tmp_path: Path, dossier_extensions: Path):  # noqa: F811
    """PostgreSQL arrêté : l'import échoue tout de suite avec un message en français (sans la chaîne de connexion),
    rien n'est à moitié écrit ; la même connexion repart quand le serveur revient."""
    config = lac.Config(tmp_path / "data", "postgres:" + postgres.creer_base("lac_arrete"),
                        extensions=dossier_extensions)
    lieu = f"PostgreSQL 127.0.0.1:{postgres.port}, base lac_arrete"
    with lac.ouvrir(config) as magasin:
        un = magasin.importer(mesures(*((f"{c:05d}", 2023, "enfants_0_2", 1.0) for c in range(100))), audit("un.csv"))
        postgres.arreter()
        try:
            with pytest.raises(lac.ErreurLac) as e:
                magasin.importer(mesures(("44001", 2023, "enfants_0_2", 2.0)), audit("deux.csv"))
            assert str(e.value) == (f"Le catalogue du magasin de données est injoignable ({lieu}) ; rien n'a été "
                                    "écrit. Prévenez l'équipe informatique si cela dure.")
            with pytest.raises(lac.ErreurLac, match=r"injoignable \(.*\) ; lecture abandonnée. Prévenez"):
                magasin.lire("mesures")
            with pytest.raises(lac.ErreurLac, match=r"injoignable \(.*\) ; ouverture du magasin abandonnée. Pré"):
                lac.ouvrir(config)
        finally:
            postgres.lancer()
        assert lignes(magasin.liste(), ["id"]) == [(un["id"],)]
        assert magasin.lire("mesures")["valeur"].tolist() == [1.0] * 100
        assert len(list(config.dossier_fichiers.rglob("*.parquet"))) == 1


def test_profils_de_correspondance(magasin: lac.Lac):
    onape = {"nom": "Onape 2021", "niveau": "commune", "code": "codgeo", "annee": 2021,
             "indicateurs": [{"colonne": "nb", "indicateur": "places_eaje"}]}
    magasin.enregistrer_profil("onape_2021", onape, "ana@caf.fr")
    magasin.enregistrer_profil("insee", {"nom": "Insee", "niveau": "commune"}, "ana@caf.fr")
    avant = magasin.version()
    magasin.enregistrer_profil("onape_2021", {**onape, "annee": 2022}, "bob@caf.fr")  # remplace
    assert magasin.profils() == {"insee": {"nom": "Insee", "niveau": "commune"},
                                 "onape_2021": {**onape, "annee": 2022}}
    assert magasin.profils(avant)["onape_2021"]["annee"] == 2021
    assert lignes(magasin.historique().head(1), ["auteur", "message"]) == [
        ("bob@caf.fr", "profil de correspondance « Onape 2021 »")]
