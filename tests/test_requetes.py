"""L'exécuteur de requêtes : paramètres nommés, erreurs bruyantes."""

import pytest

from portrait.donnees.requetes import ErreurRequete, parametres


def test_parametres_ignore_commentaires_et_chaines():
    sql = "-- $pas_moi\nselect '$ni_moi', $territoire, $annee::integer from t where x = $territoire"
    assert parametres(sql) == {"territoire", "annee"}


def test_requete_inconnue(req):
    with pytest.raises(ErreurRequete, match="Requête inconnue : « portrait_inexistant »"):
        req.executer("portrait_inexistant", {})


def test_parametre_manquant(req):
    with pytest.raises(ErreurRequete, match=r"manquants \['annee', 'recul'\]"):
        req.executer("valeurs_territoires", {"territoires": ["france"], "indicateurs": []})


def test_parametre_en_trop(req):
    with pytest.raises(ErreurRequete, match=r"inattendus \['pirate'\]"):
        req.executer("territoire", {"territoire": "france", "pirate": 1})


def test_valeur_jamais_formatee_dans_le_sql(req):
    """Une valeur hostile reste une valeur : aucun territoire ne s'appelle ainsi."""
    df = req.executer("territoire", {"territoire": "france'; drop table communes; --"})
    assert df.empty
    assert len(req.executer("territoire", {"territoire": "commune:44001"})) == 1


def test_chaque_requete_a_un_entete(req):
    for nom, texte in req.textes.items():
        premiere = texte.splitlines()[0]
        assert premiere.startswith(f"-- {nom}.sql : "), nom
        assert "Paramètres" in texte and "Colonnes" in texte, nom


def test_requetes_de_reference_gardees_et_copiees(req):
    a = req.reference("territoire", {"territoire": "commune:44001"})
    a.loc[0, "nom"] = "modifié"
    b = req.reference("territoire", {"territoire": "commune:44001"})
    assert b.loc[0, "nom"] == "Alpha"  # une copie : l'appelant ne peut pas abîmer la mémoire
    assert len(req._memoire) == 1
