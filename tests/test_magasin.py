"""Le magasin DuckLake branché sur l'application : reprise de l'ancien registre au premier démarrage, retour dans le
temps (?au=<import>), signature qui voit un import fait par un autre processus, bandeau « catalogue injoignable »."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees import extensions
from portrait.donnees.connexion import connecter
from portrait.imports import registre
from tests import ancien_registre
from tests.conftest import ouvrir_page, postes_cooperation

RACINE = Path(__file__).resolve().parents[1]
VALEUR_16001 = ("select valeur, source from mesures where code = '16001' and annee = 2023 "
                "and indicateur = 'enfants_0_2'")

try:
    extensions.fichier("ducklake")
except extensions.ExtensionManquante as e:
    pytest.skip(str(e), allow_module_level=True)


def mesure(code: str, valeur: float, indicateur: str = "enfants_0_2") -> pd.DataFrame:
    return pd.DataFrame([("commune", code, 2023, indicateur, valeur)],
                        columns=["niveau", "code", "annee", "indicateur", "valeur"])


def fichier(dossier: Path, nom: str, valeur: int) -> Path:
    f = dossier / nom
    f.write_text(f"niveau;code;annee;indicateur;valeur\ncommune;16001;2023;enfants_0_2;{valeur}\n", encoding="utf-8")
    return f


def test_premier_demarrage_reprend_l_ancien_registre(donnees, monkeypatch):
    """Un dossier de données d'avant le magasin (registre.json, ses Parquet, un profil) : au premier démarrage, la
    page montre les mêmes imports, états et journal, les mêmes valeurs ; un ancien import s'annule ; le JSON
    n'est plus jamais relu (renommé registre.json.migre) et un second démarrage ne reprend rien deux fois."""
    un = ancien_registre.enregistrer(donnees, "mesures", mesure("16001", 45.0), "a.csv")
    deux = ancien_registre.enregistrer(donnees, "mesures", mesure("44001", 999.0), "b.csv", auteur=None)
    postes = ancien_registre.enregistrer(donnees, "cooperation", postes_cooperation().assign(source="import"),
                                         "p.xlsx", "Postes")
    ancien_registre.annuler(donnees, deux["id"])
    ancien_registre.profil(donnees, "places_am")

    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:16001")
    imports, journal = app.dataframe[0].value, app.dataframe[1].value
    assert imports[["Import", "Fichier", "État"]].values.tolist() == [
        [postes["id"], "p.xlsx", "actif"], [deux["id"], "b.csv", "annulé"], [un["id"], "a.csv", "actif"]]
    assert journal[["Qui", "Action", "Import"]].values.tolist() == [
        ["ana@caf44.fr", "import", postes["id"]], ["chef@caf44.fr", "annulation d'import", deux["id"]],
        [registre.AUTEUR_INCONNU, "import", deux["id"]], ["ana@caf44.fr", "import", un["id"]]]
    assert not (donnees / "imports" / "registre.json").exists()
    assert (donnees / "imports" / "registre.json.migre").exists() and (donnees / "imports" / "profils.migre").is_dir()
    assert connecter(donnees).execute(VALEUR_16001).fetchall() == [(45.0, f"import:{un['id']}")]
    from portrait.imports import correspondance
    assert [p.nom for p in correspondance.profils(donnees)] == ["Onape 2021"]

    registre.annuler(donnees, un["id"])  # un ancien import s'annule : la démonstration revient
    assert connecter(donnees).execute(VALEUR_16001).fetchall() == [(40.0, "demo")]
    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:16001")  # second démarrage
    assert len(app.dataframe[0].value) == 3


def test_retour_dans_le_temps(donnees, monkeypatch, tmp_path):
    """?au=<import> : toutes les pages lisent les données telles qu'après cet import, le bandeau le dit, et un
    bouton ramène aux données actuelles ; la page Données offre ce lien pour chaque import."""
    from portrait.imports import depot

    a, _ = depot.importer(fichier(tmp_path, "a.csv", 45), donnees)
    b, _ = depot.importer(fichier(tmp_path, "b.csv", 50), donnees)
    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:16001", au=a["id"])
    assert app.info[0].value.startswith("Données telles qu'au ")
    assert f"(import {a['id']}, a.csv)" in app.info[0].value
    provenance = " ".join(app.dataframe[-1].value["Provenance"])
    assert f"Import {a['id']}" in provenance and b["id"] not in provenance
    liens = app.dataframe[0].value["Données d'alors"].tolist()  # la vue de la page, à l'heure de chaque import
    assert [lien.rsplit("au=", 1)[1] for lien in liens] == [b["id"], a["id"]]
    assert all("territoire=commune%3A16001" in lien for lien in liens)
    app.switch_page("pages/accueil.py").run()  # d'une page à l'autre, le retour dans le temps demeure
    assert app.query_params["au"] == a["id"] and app.info[0].value.startswith("Données telles qu'au ")
    app.button(key="revenir_actuelles").click().run()
    assert "au" not in app.query_params and not [i for i in app.info if "telles qu'au" in i.value]
    app.switch_page("pages/donnees.py").run()
    assert f"Import {b['id']}" in " ".join(app.dataframe[-1].value["Provenance"])


def test_au_inconnu(donnees, monkeypatch):
    app = ouvrir_page(donnees, monkeypatch, None, "commune:16001", au="n-existe-pas")
    assert app.warning[0].value.startswith("Paramètre au=n-existe-pas ignoré : ")


def test_import_en_ligne_de_commande_pendant_que_l_application_tourne(donnees, tmp_path):
    """Un vrai serveur lit le catalogue SQLite ; un import en ligne de commande (autre processus) passe pendant ce
    temps, et le serveur montre la nouvelle valeur au passage suivant (la signature est la version du magasin)."""
    pytest.importorskip("playwright.sync_api")
    from bench.navigateur import VUE_HAUTE, chromium, serveur
    from portrait.donnees.requetes import Requetes
    from portrait.vues import accueil

    def attendus() -> list[tuple[str, str]]:
        vue = accueil.accueil(Requetes(connecter(donnees)), "commune:16001", 2023)
        return [(c.libelle, c.valeur) for c in vue.chiffres]

    def lus(page) -> list[tuple[str, str]]:
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        return [(m.locator('[data-testid="stMetricLabel"]').inner_text(),
                 m.locator('[data-testid="stMetricValue"]').inner_text())
                for m in page.locator('[data-testid="stMetric"]').all()]

    depot_import = [sys.executable, "-m", "portrait", "import", "mesures"]
    assert subprocess.run([*depot_import, str(fichier(tmp_path, "a.csv", 4500)), "--data-dir", str(donnees)],
                          cwd=RACINE, capture_output=True).returncode == 0  # le magasin existe, l'app le lit
    avant = attendus()
    with serveur(tmp_path / "streamlit.log", env={"PORTRAIT_DATA_DIR": str(donnees)}) as adresse, chromium() as b:
        page = b.new_page(viewport=VUE_HAUTE)
        page.goto(f"{adresse}/chiffres-cles?territoire=commune:16001&annee=2023")
        assert lus(page) == avant
        fait = subprocess.run([*depot_import, str(fichier(tmp_path, "b.csv", 9000)), "--data-dir", str(donnees)],
                              cwd=RACINE, capture_output=True, text=True, timeout=300)
        assert fait.returncode == 0, fait.stderr
        apres = attendus()
        assert apres != avant
        page.reload()
        assert lus(page) == apres


def test_une_connexion_lit_une_seule_version(donnees, tmp_path):
    """Une connexion recopie les valeurs d'une version à son ouverture : un import validé ensuite ne la change pas
    (jamais un mélange entre deux requêtes d'une page) ; la connexion suivante le voit ; `version` relit le passé."""
    from portrait.imports import depot

    a, _ = depot.importer(fichier(tmp_path, "a.csv", 45), donnees)
    con = connecter(donnees)
    version_a = con.execute("select version from magasin_lu").fetchone()[0]
    b, _ = depot.importer(fichier(tmp_path, "b.csv", 50), donnees)
    assert con.execute(VALEUR_16001).fetchall() == [(45.0, f"import:{a['id']}")]
    assert connecter(donnees).execute(VALEUR_16001).fetchall() == [(50.0, f"import:{b['id']}")]
    assert connecter(donnees, version_a).execute(VALEUR_16001).fetchall() == [(45.0, f"import:{a['id']}")]
    assert registre.import_au(donnees, a["id"])[0] == version_a


def test_tables_en_vigueur_ecrites_une_fois_par_version(donnees, tmp_path, monkeypatch):
    """Une version du magasin où des imports sont en vigueur : ses tables (démonstration et imports réunis) sont
    écrites une fois dans un Parquet que les connexions suivantes relisent sans rien relire du magasin ; une autre
    version a le sien ; une table sans import reste la démonstration seule. Avant, chaque connexion recopiait les
    lignes importées en objets Python et chaque requête refaisait la règle « l'import remplace la démonstration »
    (5 à 20 s par page et 2 Go par serveur après un import de 2 millions de valeurs)."""
    from portrait.donnees import connexion, lac
    from portrait.imports import depot

    demo_44001 = connecter(donnees).execute("select count(*) from mesures where code = '44001'").fetchone()
    a, _ = depot.importer(fichier(tmp_path, "a.csv", 45), donnees)
    con = connecter(donnees)
    (ecrit,) = (donnees / "lac" / "en_vigueur").iterdir()
    assert ecrit.name.startswith("mesures-v")  # la coopération n'a pas d'import : la démonstration seule
    assert sorted(f.name for f in ecrit.iterdir()) == ["demonstration.parquet", "importees.parquet"]
    assert con.execute(VALEUR_16001).fetchall() == [(45.0, f"import:{a['id']}")]
    assert con.execute("select count(*) from mesures where code = '44001'").fetchone() == demo_44001
    assert con.execute("select count(*) from mesures").fetchone() == connecter(donnees).execute(
        "select count(*) from mesures").fetchone()

    lus = []
    monkeypatch.setattr(lac, "en_vigueur", lambda *args: lus.append(args) or pytest.fail("relu du magasin"))
    assert connecter(donnees).execute(VALEUR_16001).fetchall() == [(45.0, f"import:{a['id']}")]
    assert lus == [] and list((donnees / "lac" / "en_vigueur").iterdir()) == [ecrit]
    monkeypatch.undo()

    b, _ = depot.importer(fichier(tmp_path, "b.csv", 50), donnees)
    assert connecter(donnees).execute(VALEUR_16001).fetchall() == [(50.0, f"import:{b['id']}")]
    assert len(list((donnees / "lac" / "en_vigueur").iterdir())) == 2
    registre.annuler(donnees, b["id"], "chef@caf44.fr")  # une troisième version : le fichier d'alors n'y sert pas
    assert connecter(donnees).execute(VALEUR_16001).fetchall() == [(45.0, f"import:{a['id']}")]
    assert len(list((donnees / "lac" / "en_vigueur").iterdir())) == 3

    # au démarrage, les versions passées partent (plus vieilles que le délai), la dernière reste, et une
    # écriture interrompue (.partiel) aussi part
    derniere = max((donnees / "lac" / "en_vigueur").iterdir(), key=lambda f: f.stat().st_mtime)
    (donnees / "lac" / "en_vigueur" / ".mesures-v9.1-2.partiel").mkdir()
    assert len(connexion.nettoyer_en_vigueur(donnees, garde=0)) == 3
    assert list((donnees / "lac" / "en_vigueur").iterdir()) == [derniere]
    assert connecter(donnees).execute(VALEUR_16001).fetchall() == [(45.0, f"import:{a['id']}")]


def test_une_nouvelle_version_libere_les_resultats_de_l_ancienne(donnees, tmp_path, monkeypatch):
    """Un import vu par une page (nouvelle signature) : les résultats gardés sous l'ancienne signature sont
    oubliés une fois (ils ne serviraient plus et la mémoire du serveur montait à chaque import), pas à chaque
    passage sans changement."""
    from portrait.imports import depot
    from portrait.surfaces import cache

    oublis = []
    oublier = cache.oublier_l_ancien_etat
    monkeypatch.setattr(cache, "oublier_l_ancien_etat", lambda: oublis.append(1) or oublier())
    app = ouvrir_page(donnees, monkeypatch, None, "commune:16001")
    app.run()
    assert oublis == []
    depot.importer(fichier(tmp_path, "a.csv", 45), donnees)
    app.run()
    assert not app.exception and oublis == [1]
    app.run()
    assert oublis == [1]

    lus = []
    monkeypatch.setattr(cache.jeux, "annees_disponibles", lambda req: lus.append(1) or [2023])
    cache.annees("sig-essai")
    cache.annees("sig-essai")
    oublier()
    cache.annees("sig-essai")
    assert len(lus) == 2  # gardé, puis recalculé après l'oubli
