"""Une commune est vue dans son EPCI, ou dans son département si elle n'en a pas : la même règle (jeux.cadre) pour
la page Tensions, le détail d'un indicateur et les chargés de coopération."""

import pandas as pd
import pytest

from portrait.donnees import jeux
from portrait.donnees.connexion import Chemins, connecter
from portrait.donnees.requetes import Requetes

# Bêta perd son EPCI dans ce test : elle est vue dans la Loire-Atlantique
CADRES = {
    "commune:44001": ("epci:200000001", {"44001"}, ["200000001"]),
    "commune:44002": ("departement:44", {"44001", "44002", "44003"}, ["200000001", "200000002"]),
    "commune:44003": ("epci:200000002", {"44003", "85001"}, ["200000002"]),
    "commune:85001": ("epci:200000002", {"44003", "85001"}, ["200000002"]),
    "commune:16001": ("epci:200000003", {"16001"}, ["200000003"]),
}


@pytest.fixture
def req_beta_sans_epci(donnees) -> Requetes:
    chemin = Chemins(donnees).table("communes")
    communes = pd.read_parquet(chemin)
    communes.loc[communes["code"] == "44002", "epci"] = None
    communes.to_parquet(chemin, index=False)
    return Requetes(connecter(donnees))


@pytest.mark.parametrize("commune", list(CADRES))
def test_le_meme_cadre_dans_les_trois_appelants(req_beta_sans_epci, commune):
    req = req_beta_sans_epci
    cadre, communes, epci = CADRES[commune]
    assert jeux.cadre(req, commune) == cadre
    assert jeux.cadre_tensions(req, commune) == cadre
    detail = jeux.detail(req, commune, "taux_couverture", 2023)
    assert set(detail.loc[detail["role"] == "commune", "code"]) == communes
    synthese, _ = jeux.cooperation(req, commune, 2023)
    assert sorted(synthese["code"]) == epci


def test_les_autres_territoires_sont_leur_propre_cadre(req):
    for t in ("epci:200000001", "departement:44", "region:52", "france"):
        assert jeux.cadre(req, t) == t
    assert jeux.cadre_tensions(req, "region:52") == "france"  # la page Tensions montre la France par EPCI
