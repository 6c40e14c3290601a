"""Un dossier de données minuscule, écrit dans chaque test, aux valeurs calculables à la main."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees.connexion import connecter
from portrait.donnees.requetes import Requetes

RACINE = Path(__file__).resolve().parent.parent
# les serveurs lancés par les tests (navigateur, nginx) ne préchauffent rien : la préchauffe de tous les départements
# (surfaces/prechauffe.py) prendrait les cœurs des autres tests ; tests/test_prechauffe.py l'appelle elle-même
os.environ.setdefault("PORTRAIT_PRECHAUFFE", "non")

COMMUNES = pd.DataFrame(
    {
        "code": ["44001", "44002", "44003", "16001", "85001"],
        "nom": ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon"],
        "departement": ["44", "44", "44", "16", "85"],
        "region": ["52", "52", "52", "75", "52"],
        "epci": ["200000001", "200000001", "200000002", "200000003", "200000002"],
        "population": [1000, 4000, 12000, 500, 2000],
    }
)
EPCI = pd.DataFrame(
    {
        "code": ["200000001", "200000002", "200000003"],
        "nom": ["CC Test Un", "CA Test Deux", "CC Charente Test"],
        "type": ["CC", "CA", "CC"],
        "departement": ["44", "44", "16"],
        "nb_communes": [2, 2, 1],
        "population": [5000, 14000, 500],
    }
)
# la Vendée : un second département des Pays de la Loire (voisins.sql), dont Epsilon appartient à CA Test Deux,
# EPCI à cheval sur deux départements (département principal : la Loire-Atlantique)
DEPARTEMENTS = pd.DataFrame({"code": ["44", "16", "85"], "nom": ["Loire-Atlantique", "Charente", "Vendée"],
                             "region": ["52", "75", "52"]})
REGIONS = pd.DataFrame({"code": ["52", "75"], "nom": ["Pays de la Loire", "Nouvelle-Aquitaine"]})

# (code, annee, indicateur, valeur) au niveau communal, source « demo »
MESURES_COMMUNES = [
    ("44001", 2018, "enfants_0_2", 100), ("44002", 2018, "enfants_0_2", 200),
    ("44003", 2018, "enfants_0_2", 300), ("16001", 2018, "enfants_0_2", 50),
    ("44001", 2023, "enfants_0_2", 110), ("44002", 2023, "enfants_0_2", 180),
    ("44003", 2023, "enfants_0_2", 330), ("16001", 2023, "enfants_0_2", 40),
    ("44001", 2023, "places_psu", 20), ("44002", 2023, "places_psu", 60), ("44003", 2023, "places_psu", 150),
    ("44001", 2023, "places_am", 30), ("44002", 2023, "places_am", 60), ("44003", 2023, "places_am", 90),
    ("16001", 2023, "places_am", 10),
    ("44001", 2023, "am_actives", 10), ("44002", 2023, "am_actives", 20), ("44003", 2023, "am_actives", 30),
    ("44001", 2023, "am_actives_60_plus", 1), ("44002", 2023, "am_actives_60_plus", 5),
    ("44003", 2023, "am_actives_60_plus", 3),
    ("85001", 2018, "enfants_0_2", 60), ("85001", 2023, "enfants_0_2", 50), ("85001", 2023, "places_am", 10),
    ("85001", 2023, "am_actives", 4), ("85001", 2023, "am_actives_60_plus", 2),
    ("85001", 2023, "enfants_0_2_parents_actifs", 40),
    ("44001", 2023, "enfants_0_2_parents_actifs", 80), ("44002", 2023, "enfants_0_2_parents_actifs", 90),
    ("44003", 2023, "enfants_0_2_parents_actifs", 250),
    # zéro, pas absent : chaque commune a une valeur de chaque compte, comme dans la démonstration, sans quoi les
    # totaux de la France, de la Vendée et de la Charente seraient n.d. (queries/_tables.sql, agregats)
    ("16001", 2023, "places_psu", 0), ("85001", 2023, "places_psu", 0), ("16001", 2023, "am_actives", 0),
    ("16001", 2023, "am_actives_60_plus", 0), ("16001", 2023, "enfants_0_2_parents_actifs", 0),
]
# une valeur publiée au niveau du département de la Charente : elle l'emporte sur le calcul (10 / 40 = 25 %)
MESURES_STOCKEES = [("departement", "16", 2023, "taux_couverture", 55.5, "caf")]


def carre(x: float, y: float, cote: float = 0.1) -> str:
    """Un carré GeoJSON de coin bas-gauche (x, y), en degrés."""
    anneau = [[x, y], [x + cote, y], [x + cote, y + cote], [x, y + cote], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [anneau]})


def ecrire_contours(ref: Path) -> None:
    """Cinq communes carrées (Delta en Charente, au sud ; Epsilon en Vendée, sous Gamma), leurs EPCI et départements."""
    positions = {"44001": (-2.0, 47.0), "44002": (-1.9, 47.0), "44003": (-1.8, 47.0), "16001": (0.1, 45.6),
                 "85001": (-1.8, 46.9)}
    pd.DataFrame({"code": list(positions), "departement": ["44", "44", "44", "16", "85"],
                  "geometrie": [carre(*p) for p in positions.values()]}).to_parquet(ref / "contours_communes.parquet")
    pd.DataFrame({"code": ["200000001", "200000002", "200000003"],
                  "geometrie": [carre(-2.0, 47.0, 0.2), carre(-1.8, 47.0), carre(0.1, 45.6)]}
                 ).to_parquet(ref / "contours_epci.parquet")
    pd.DataFrame({"code": ["44", "16", "85"], "geometrie": [carre(-2.0, 47.0, 0.3), carre(0.1, 45.6),
                                                              carre(-1.8, 46.9)]}
                 ).to_parquet(ref / "contours_departements.parquet")


def ecrire_donnees(racine: Path) -> Path:
    """Écrit la géographie et les mesures du jeu minuscule dans `racine`."""
    ref = racine / "reference"
    ref.mkdir(parents=True)
    COMMUNES.to_parquet(ref / "communes.parquet", index=False)
    EPCI.to_parquet(ref / "epci.parquet", index=False)
    DEPARTEMENTS.to_parquet(ref / "departements.parquet", index=False)
    REGIONS.to_parquet(ref / "regions.parquet", index=False)
    pd.DataFrame({"code": COMMUNES["code"], "edition": 2023, "annee": 2020, "population": COMMUNES["population"]}
                 ).to_parquet(ref / "populations.parquet", index=False)
    corres = pd.DataFrame({"ancien_code": [*COMMUNES["code"], "44099"], "code": [*COMMUNES["code"], "44002"]})
    corres.to_parquet(ref / "correspondance_codes.parquet", index=False)
    ecrire_contours(ref)
    lignes = [("commune", c, a, i, float(v), "demo") for c, a, i, v in MESURES_COMMUNES] + MESURES_STOCKEES
    mesures = pd.DataFrame(lignes, columns=["niveau", "code", "annee", "indicateur", "valeur", "source"])
    mesures["annee"] = mesures["annee"].astype("int32")
    (racine / "demo").mkdir()
    mesures.to_parquet(racine / "demo" / "mesures.parquet", index=False)
    postes_cooperation().to_parquet(racine / "demo" / "cooperation.parquet", index=False)
    return racine


def postes_cooperation() -> pd.DataFrame:
    """Deux EPCI couverts, un sans poste (200000003) ; alertes attendues écrites dans test_cooperation.py."""
    from portrait.regles import cooperation

    def poste(epci, nom, thematique, etp, reels, cof=True, copil=1):
        return {"annee": 2023, "departement": "44", "niveau": "epci", "code": epci, "epci": epci,
                "employeur": f"EPCI {epci}", "intitule_poste": "Chargée de coopération CTG", "nom": nom,
                "thematique": thematique, "etp_valorises": etp, "etp_reels": reels, "cof_signee": cof,
                "reunions_elus": 3, "copil": copil, "groupes_travail": 2, "reunions_reseau": 4,
                **{q: i % 2 == 0 for i, q in enumerate(cooperation.QUESTIONS_OUI_NON)}, "source": "demo"}
    return pd.DataFrame([
        poste("200000001", "Anne Durand", "petite_enfance", 0.5, 0.5),
        poste("200000001", "Anne Durand", "enfance_jeunesse", 0.15, 0.15, copil=0),
        poste("200000001", "Bruno Petit", "parentalite", 0.3, 0.2, copil=0),
        poste("200000002", "Chloé Roux", "petite_enfance", 1.0, 1.0, cof=False, copil=0),
    ], columns=cooperation.COLONNES)


@pytest.fixture
def donnees(tmp_path: Path) -> Path:
    """Un dossier de données minuscule, neuf pour chaque test."""
    return ecrire_donnees(tmp_path / "data")


@pytest.fixture
def req(donnees: Path) -> Requetes:
    """Les requêtes sur le jeu minuscule."""
    return Requetes(connecter(donnees))


@pytest.fixture(scope="session")
def req_demo() -> Requetes:
    """Les requêtes sur les vraies données livrées (géographie 2026 et démonstration)."""
    return Requetes(connecter(RACINE / "data"))


DELAI_APPTEST = 60  # secondes : le premier passage construit la connexion et les caches


def ouvrir_page(racine: Path | None, monkeypatch, page: str | None, territoire: str | None,
                adresse_serveur: str = "127.0.0.1", secrets: dict | None = None, user: dict | None = None, **params):
    """Le seul endroit qui ouvre l'application dans AppTest : données de `racine` (None : celles livrées sous
    data/), adresse `?territoire=…&annee=2023&…params` (un paramètre à None est retiré de l'adresse), un premier
    passage sur l'accueil puis la page demandée (None : rester sur l'accueil) ; aucune exception. Le serveur simulé
    est celui de `make run` (boucle locale, sans connexion) sauf `adresse_serveur`, `secrets` (.streamlit/secrets.toml)
    et `user` (st.user) dits."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.util import build_mock_config_get_option

    monkeypatch.setenv("PORTRAIT_DATA_DIR", str(racine or RACINE / "data"))
    monkeypatch.setattr(config, "get_option", build_mock_config_get_option({"server.address": adresse_serveur}))
    at = AppTest.from_file(str(RACINE / "dashboard.py"), default_timeout=DELAI_APPTEST)
    at.secrets.update(secrets or {})
    if user is not None:
        at.user = user
    adresse = {"territoire": territoire, "annee": "2023", **params}
    at.query_params.update({cle: valeur for cle, valeur in adresse.items() if valeur is not None})
    at.run()  # switch_page() exige un premier passage
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def ouvrir(donnees: Path, monkeypatch):
    """ouvrir(page, territoire, **params) : ouvrir_page sur le jeu minuscule de ce test."""
    return lambda page, territoire, **params: ouvrir_page(donnees, monkeypatch, page, territoire, **params)


def lignes(df: pd.DataFrame, colonnes: list[str]) -> list[tuple]:
    """Les lignes de `df` réduites à `colonnes`, en tuples, NaN lu None : à comparer aux lignes calculées à la main."""
    return [tuple(None if (isinstance(v, float) and math.isnan(v)) else v for v in r)
            for r in df[colonnes].itertuples(index=False)]


def lire_tableau_html(html: str) -> pd.DataFrame:
    """Les cellules d'un tableau HTML (st.html) telles qu'affichées, en texte : la première ligne donne les colonnes.
    Les valeurs seules : sans la marque ✔ d'un critère rempli ni son texte pour lecteur d'écran (marques_html)."""
    from html.parser import HTMLParser

    class Lecteur(HTMLParser):
        def __init__(self):
            super().__init__()
            self.lignes: list[list[str]] = []
            self.cellule: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "span" and self.cellule is not None:
                self.cellule = None  # la marque (commun.MARQUE) et son texte caché suivent la valeur
                self.lignes[-1].append("".join(self.texte))
            if tag == "tr":
                self.lignes.append([])
            elif tag in ("td", "th"):
                self.cellule = self.texte = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cellule is not None:
                self.lignes[-1].append("".join(self.cellule))
                self.cellule = None

        def handle_data(self, data):
            if self.cellule is not None:
                self.cellule.append(data)

    lecteur = Lecteur()
    lecteur.feed(html.split("<caption>")[0] + html.split("</caption>")[-1] if "<caption>" in html else html)
    return pd.DataFrame(lecteur.lignes[1:], columns=lecteur.lignes[0])


def marques_html(html: str) -> pd.DataFrame:
    """Les cellules marquées ✔ (critère rempli) d'un tableau HTML : booléens, mêmes lignes et colonnes."""
    import re

    corps = html.split("<tbody>")[1]
    lignes = [["\u2714" in c for _, c in re.findall(r"<(td|th)[^>]*>(.*?)</\1>", tr)]
              for tr in re.findall(r"<tr>(.*?)</tr>", corps)]
    return pd.DataFrame(lignes, columns=[c.replace("\u2011", "-") for c in lire_tableau_html(html).columns])

