"""Charge (issue 18, §4) : la préchauffe du serveur, les lignes lues gardées d'un filtre à l'autre, la carte dont
les contours ne sont plus recopiés, la carte figée sans être reconstruite, les sources non surveillées."""

import copy
import threading
import tomllib

import plotly.graph_objects as go
import pytest

from portrait.donnees import jeux
from portrait.regles import tensions
from portrait.surfaces import cache, prechauffe
from portrait.vues import graphiques
from portrait.vues import tensions as vue_tensions
from tests.conftest import RACINE, lire_tableau_html, ouvrir_page


@pytest.fixture
def sans_calcul(monkeypatch):
    """Après la préchauffe : tout calcul de la vue Tensions ou lecture de ses lignes échoue."""
    def interdit(*args, **kwargs):
        raise AssertionError("vue Tensions recalculée")
    return lambda: (monkeypatch.setattr(vue_tensions, "vue_tensions", interdit),
                    monkeypatch.setattr(vue_tensions, "lire_tensions", interdit))


@pytest.fixture(autouse=True)
def caches_vides():
    cache.vue_tensions.clear()
    cache.table_tensions.clear()
    cache.cadre_tensions.clear()
    yield
    cache.vue_tensions.clear()


def test_la_page_ouverte_apres_la_prechauffe_ne_recalcule_rien(donnees, monkeypatch, sans_calcul):
    # la clé de la préchauffe est celle de la page aux filtres par défaut : sinon la page recalculait sa vue
    monkeypatch.setenv("PORTRAIT_DATA_DIR", str(donnees))
    assert prechauffe.prechauffer(["44", "85"]) == ["departement:44", "departement:85"]
    sans_calcul()
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44")
    assert at.subheader[0].value == "2 communes sur 3 en tension"
    assert list(lire_tableau_html(at.html[0].value)["Territoire"]) == ["Alpha", "Gamma", "Loire-Atlantique"]


def test_prechauffe_de_tous_les_departements(donnees, monkeypatch):
    monkeypatch.setenv("PORTRAIT_DATA_DIR", str(donnees))
    # le jeu minuscule : Charente, Loire-Atlantique, Vendée
    assert prechauffe.prechauffer() == ["departement:16", "departement:44", "departement:85"]


def test_la_prechauffe_attend_qu_aucune_page_ne_s_execute(donnees, monkeypatch):
    monkeypatch.setenv("PORTRAIT_DATA_DIR", str(donnees))
    with prechauffe.execution():
        assert not prechauffe.calme()
        assert prechauffe.prechauffer(["44"], duree_max=0.3) == []  # la limite passe avant que la page ait fini
    assert not prechauffe.calme()  # une page vient de finir : la suivante arrive peut-être (CALME)
    arret = threading.Event()
    arret.set()
    assert prechauffe.prechauffer(["44"], arret) == []


def test_choix_des_departements_a_prechauffer():
    assert prechauffe.choix("tous") is None and prechauffe.choix(" Tous ") is None
    assert prechauffe.choix(None) == [] and prechauffe.choix(" ") == []  # make run : aucune
    assert prechauffe.choix("non") == [] and prechauffe.choix("NON") == []
    assert prechauffe.choix("44, 85,") == ["44", "85"]
    assert prechauffe.lancer({"PORTRAIT_PRECHAUFFE": "non"}) is None and prechauffe.lancer({}) is None


def test_la_barre_laterale_d_un_departement_prechauffe_ne_lit_rien(donnees, monkeypatch):
    # la première page d'un département lisait encore ses EPCI et ses communes dans DuckDB : sous une rafale de
    # visites, ces lectures de 10 ms en duraient plusieurs centaines (banc de charge, py-spy)
    from portrait.donnees.requetes import Requetes

    monkeypatch.setenv("PORTRAIT_DATA_DIR", str(donnees))
    cache.choix_territoires.clear()
    cache.infos_territoire.clear()
    assert prechauffe.prechauffer(["44"]) == ["departement:44"]
    lus = []
    monkeypatch.setattr(Requetes, "executer", lambda self, nom, params=None: lus.append(nom))
    sig = cache.signature_lue(cache.racine())
    assert cache.infos_territoire(sig, "departement:44")["nom"] == "Loire-Atlantique"
    assert list(cache.choix_territoires(sig, "epci", "departement:44")["nom"]) == ["CA Test Deux", "CC Test Un"]
    assert list(cache.choix_territoires(sig, "commune", "departement:44")["nom"]) == ["Alpha", "Bêta", "Gamma"]
    assert lus == []


def test_changer_de_filtre_ne_relit_pas_les_donnees(donnees, monkeypatch):
    # la page relisait les lignes du département (deux requêtes) à chaque changement de seuil ou de k
    lus = []
    lire = jeux.tensions
    monkeypatch.setattr(jeux, "tensions", lambda *a, **k: lus.append(a[1]) or lire(*a, **k))
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44")
    at.radio(key="k").set_value(3).run()
    assert at.subheader[0].value == "0 commune sur 3 en tension"
    at.radio(key="k").set_value(1).run()
    assert at.subheader[0].value == "3 communes sur 3 en tension"
    assert lus == ["departement:44"]


def test_les_contours_de_la_carte_ne_sont_pas_recopies(req):
    # Plotly recopiait (copy.deepcopy) le GeoJSON à chaque to_dict() et en figeant la carte
    fig = vue_tensions.vue_tensions(req, "departement:44", 2023, tensions.Filtres()).carte.figure
    geojson = fig.to_dict()["data"][0]["geojson"]
    assert [f["id"] for f in geojson["features"]] == ["44001", "44002", "44003"]
    assert fig.to_dict()["data"][0]["geojson"] is geojson and copy.deepcopy(fig).data[0].geojson is geojson


def test_la_carte_figee_sans_etre_reconstruite(req):
    # FigureFigee(fig) reconstruisait la carte et en revalidait chaque point ; figer() garde la même figure
    fig = vue_tensions.vue_tensions(req, "departement:44", 2023, tensions.Filtres()).carte.figure
    attendu = fig.to_dict()
    figee = graphiques.FigureFigee.figer(fig)
    assert figee is fig and isinstance(figee, graphiques.FigureFigee)
    assert figee.to_dict() is figee.to_dict() and figee.to_dict()["layout"]["title"] == attendu["layout"]["title"]
    copie = copy.deepcopy(figee)  # une copie redevient une figure ordinaire, entière
    assert type(copie) is go.Figure and [t.type for t in copie.data] == [t["type"] for t in attendu["data"]]


def test_le_serveur_ne_surveille_pas_les_sources():
    # après chaque exécution de page, Streamlit parcourait tous les modules chargés pour proposer « Rerun » (≈ 0,14 s
    # de calcul sur le fil du serveur qui sert aussi les autres sessions)
    with open(RACINE / ".streamlit" / "config.toml", "rb") as f:
        assert tomllib.load(f)["server"]["fileWatcherType"] == "none"


def test_le_serveur_ne_ramasse_pas_tout_apres_chaque_page():
    # Streamlit lançait gc.collect() après chaque exécution : sur un serveur préchauffé (des millions d'objets en
    # cache), plusieurs centaines de millisecondes avec le GIL, pendant lesquelles les autres sessions attendaient
    with open(RACINE / ".streamlit" / "config.toml", "rb") as f:
        assert tomllib.load(f)["runner"]["postScriptGC"] is False


def test_la_duree_au_journal_separe_calcul_et_attente(caplog):
    """durée_ms : le temps écoulé ; calcul_ms : le temps de calcul du fil de la page. Une page qui attend (ici, une
    pause de 0,3 s) a une longue durée et peu de calcul ; une page qui calcule, les deux."""
    import re
    import time

    caplog.set_level("INFO", logger="portrait")
    with prechauffe.execution() as execution:
        execution.page = "attend"
        time.sleep(0.3)
    with prechauffe.execution() as execution:
        execution.page = "calcule"
        fin = time.thread_time() + 0.3
        while time.thread_time() < fin:
            pass
    mesures = {m[1]: (int(m[2]), int(m[3])) for r in caplog.records
               if (m := re.fullmatch(r"exécution page=(\w+) durée_ms=(\d+) calcul_ms=(\d+)", r.getMessage()))}
    (duree, calcul), (duree_c, calcul_c) = mesures["attend"], mesures["calcule"]
    assert duree >= 300 and calcul < 50
    assert calcul_c >= 300 and duree_c >= calcul_c


def test_chaque_execution_de_page_ecrit_sa_duree(caplog):
    """Le journal du serveur (banc de charge) : une ligne par exécution dont la page est connue, interrompue ou
    non ; aucune avant que la navigation ait dit la page."""
    import re

    caplog.set_level("INFO", logger="portrait")
    with pytest.raises(RuntimeError), prechauffe.execution() as execution:
        execution.page = "tensions-sppe"
        raise RuntimeError("st.stop, un widget changé")
    with prechauffe.execution():
        pass
    lignes = [r.getMessage() for r in caplog.records if r.getMessage().startswith("exécution")]
    assert len(lignes) == 1, lignes
    assert re.fullmatch(r"exécution page=tensions-sppe durée_ms=\d+ calcul_ms=\d+", lignes[0]), lignes
    assert prechauffe.calme() is False  # une exécution vient de finir : la préchauffe attend encore CALME secondes


def test_le_p95_du_banc_est_au_rang_le_plus_proche():
    """⌈0,95 × n⌉ : sur les 20 exécutions du banc de charge, le p95 est la 19e, pas la plus longue."""
    from bench import centile

    assert centile(list(range(1, 21)), 0.95) == 19
    assert centile(list(range(1, 31)), 0.95) == 29
    assert centile(list(range(1, 11)), 0.95) == 10
    assert centile([7.0], 0.95) == 7.0
    assert centile([3, 1, 2], 0.5) == 2
