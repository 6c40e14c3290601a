"""Chaque requête de queries/ sur le jeu minuscule de conftest.py, lignes attendues calculées à la main."""

import math

import pytest

from portrait.donnees import jeux
from tests.conftest import lignes


def test_territoire(req):
    assert lignes(req.executer("territoire", {"territoire": "commune:44002"}),
                  ["territoire", "niveau", "code", "nom", "departement", "region", "epci"]) == [
        ("commune:44002", "commune", "44002", "Bêta", "44", "52", "200000001")]
    assert lignes(req.executer("territoire", {"territoire": "epci:200000001"}),
                  ["niveau", "nom", "departement", "region"]) == [("epci", "CC Test Un", "44", "52")]


def test_annees_disponibles(req):
    assert list(req.executer("annees_disponibles", {})["annee"]) == [2023, 2018]


def test_choix_territoires(req):
    df = req.executer("choix_territoires", {"niveau": "epci", "parent": "departement:44"})
    assert lignes(df, ["territoire", "nom", "population"]) == [
        ("epci:200000002", "CA Test Deux", 14000), ("epci:200000001", "CC Test Un", 5000)]  # Gamma et Epsilon (85)
    df = req.executer("choix_territoires", {"niveau": "commune", "parent": "epci:200000001"})
    assert list(df["nom"]) == ["Alpha", "Bêta"]  # tri sans tenir compte des accents
    df = req.executer("choix_territoires", {"niveau": "departement", "parent": "france"})
    assert list(df["territoire"]) == ["departement:16", "departement:44", "departement:85"]


def test_comparateurs(req):
    cols = ["ordre", "territoire", "niveau", "code", "nom"]
    assert lignes(req.executer("comparateurs", {"territoire": "commune:44002"}), cols) == [
        (0, "commune:44002", "commune", "44002", "Bêta"),
        (1, "epci:200000001", "epci", "200000001", "CC Test Un"),
        (2, "departement:44", "departement", "44", "Loire-Atlantique"),
        (4, "france", "france", "FR", "France"),
    ]
    assert list(req.executer("comparateurs", {"territoire": "epci:200000001"})["ordre"]) == [0, 2, 4]
    assert list(req.executer("comparateurs", {"territoire": "departement:16"})["territoire"]) == [
        "departement:16", "france"]


def test_valeurs_territoires(req):
    """EPCI 200000001 = Alpha + Bêta ; taux = somme des places / somme des enfants, jamais une moyenne de taux."""
    df = req.executer("valeurs_territoires", {
        "territoires": ["epci:200000001", "departement:44", "france"],
        "indicateurs": ["enfants_0_2", "places_total", "taux_couverture", "part_am_60_plus",
                        "part_enfants_0_2_parents_actifs", "evolution_enfants_0_2", "naissances"],
        "annee": 2023, "recul": 5})
    attendu = [
        ("epci:200000001", "enfants_0_2", 290.0),
        ("epci:200000001", "evolution_enfants_0_2", 100 * (290 / 300 - 1)),
        ("epci:200000001", "part_am_60_plus", 20.0),
        ("epci:200000001", "part_enfants_0_2_parents_actifs", 100 * 170 / 290),
        ("epci:200000001", "places_total", 170.0),
        ("epci:200000001", "taux_couverture", 100 * 170 / 290),
        ("departement:44", "enfants_0_2", 620.0),
        ("departement:44", "evolution_enfants_0_2", 100 * (620 / 600 - 1)),
        ("departement:44", "part_am_60_plus", 15.0),
        ("departement:44", "part_enfants_0_2_parents_actifs", 100 * 420 / 620),
        ("departement:44", "places_total", 410.0),
        ("departement:44", "taux_couverture", 100 * 410 / 620),
        ("france", "enfants_0_2", 710.0),
        ("france", "evolution_enfants_0_2", 0.0),  # 710 enfants en 2018 comme en 2023
        ("france", "part_am_60_plus", 100 * 11 / 64),
        ("france", "part_enfants_0_2_parents_actifs", 100 * 460 / 710),
        ("france", "places_total", 430.0),
        ("france", "taux_couverture", 100 * 430 / 710),
    ]
    obtenu = lignes(df, ["territoire", "indicateur", "valeur"])
    attendu = sorted(attendu)  # triées par territoire puis indicateur
    assert [r[:2] for r in obtenu] == [r[:2] for r in attendu]  # pas de ligne « naissances » : n.d., pas 0
    assert [r[2] for r in obtenu] == pytest.approx([r[2] for r in attendu])
    assert df["demo"].all()


def test_portrait_valeur_stockee_prioritaire_et_manquante_absente(req):
    """Une valeur publiée au niveau du département l'emporte ; une valeur absente reste n.d."""
    df = jeux.portrait_territoire(req, "commune:16001", 2023)
    assert list(df["nom"]) == ["Delta", "CC Charente Test", "Charente", "France"]
    delta, _, charente, _ = (df.iloc[i] for i in range(4))
    assert delta["taux_couverture"] == pytest.approx(25.0)
    assert charente["taux_couverture"] == 55.5  # publiée, elle l'emporte sur 25 %
    assert delta["evolution_enfants_0_2"] == pytest.approx(-20.0)
    assert math.isnan(delta["part_am_60_plus"])  # aucune donnée : n.d., pas 0
    assert math.isnan(delta["naissances"])


def test_portrait_departement_et_france(req):
    assert list(jeux.portrait_territoire(req, "departement:44", 2023)["niveau"]) == ["departement", "france"]
    assert list(jeux.portrait_territoire(req, "france", 2023)["niveau"]) == ["france"]


def test_lignes_communes(req):
    cols = ["ordre", "territoire", "niveau", "code", "nom", "population"]
    assert lignes(req.executer("lignes_communes", {"territoire": "epci:200000001"}), cols) == [
        (0, "commune:44001", "commune", "44001", "Alpha", 1000),
        (0, "commune:44002", "commune", "44002", "Bêta", 4000),
        (1, "epci:200000001", "epci", "200000001", "CC Test Un", 5000),
        (2, "departement:44", "departement", "44", "Loire-Atlantique", 17000),
    ]
    assert lignes(req.executer("lignes_communes", {"territoire": "france"}), ["ordre", "territoire"]) == [
        (0, "epci:200000002"), (0, "epci:200000003"), (0, "epci:200000001"), (3, "france")]


def test_tensions(req):
    df = jeux.tensions(req, "epci:200000001", 2023)
    cols = ["code", "evolution_enfants_0_2", "part_am_60_plus", "part_enfants_0_2_parents_actifs", "taux_couverture"]
    attendu = [
        ("44001", 10.0, 10.0, 100 * 80 / 110, 100 * 50 / 110),
        ("44002", -10.0, 25.0, 50.0, 100 * 120 / 180),
        ("200000001", 100 * (290 / 300 - 1), 20.0, 100 * 170 / 290, 100 * 170 / 290),
        ("44", 100 * (620 / 600 - 1), 15.0, 100 * 420 / 620, 100 * 410 / 620),
    ]
    obtenu = lignes(df, cols)
    assert [r[0] for r in obtenu] == [r[0] for r in attendu]
    for o, a in zip(obtenu, attendu, strict=True):
        assert o[1:] == pytest.approx(a[1:])
    df = jeux.tensions(req, "departement:16", 2023)
    assert lignes(df, ["niveau", "code", "taux_couverture", "part_am_60_plus", "demo"]) == [
        ("commune", "16001", 25.0, None, True), ("departement", "16", 55.5, None, True)]


def test_serie_indicateur(req):
    df = req.executer("serie_indicateur", {"territoires": ["epci:200000001", "commune:44003"],
                                           "indicateur": "enfants_0_2", "annees": [2018, 2023], "recul": 5})
    assert lignes(df, ["territoire", "annee", "valeur"]) == [
        ("epci:200000001", 2018, 300.0), ("epci:200000001", 2023, 290.0),
        ("commune:44003", 2018, 300.0), ("commune:44003", 2023, 330.0)]


def test_etat_donnees(req):
    df = req.executer("etat_donnees", {"territoire": "departement:16"})
    assert lignes(df, ["indicateur", "source", "annee_min", "annee_max", "nb_valeurs"]) == [
        ("am_actives", "demo", 2023, 2023, 1), ("am_actives_60_plus", "demo", 2023, 2023, 1),
        ("enfants_0_2", "demo", 2018, 2023, 2), ("enfants_0_2_parents_actifs", "demo", 2023, 2023, 1),
        ("places_am", "demo", 2023, 2023, 1), ("places_psu", "demo", 2023, 2023, 1),
        ("taux_couverture", "caf", 2023, 2023, 1)]


def test_territoire_mal_ecrit():
    assert jeux.lire_territoire(" EPCI:200067346 ") == "epci:200067346"
    assert jeux.lire_territoire("departement:2a") == "departement:2A"
    with pytest.raises(jeux.TerritoireInconnu, match="illisible"):
        jeux.lire_territoire("pornic")


def test_tables_de_travail_de__tables_sql(req):
    """queries/_tables.sql : territoires, appartenance, comparateurs et agrégats, construits à la connexion."""
    con = req.curseur()
    territoires = ("select territoire, niveau, code, nom, departement, region, epci from territoires "
                   "where territoire in ('epci:200000001', 'region:75', 'france') order by territoire")
    assert con.execute(territoires).fetchall() == [
        ("epci:200000001", "epci", "200000001", "CC Test Un", "44", "52", "200000001"),
        ("france", "france", "FR", "France", None, None, None),
        ("region:75", "region", "75", "Nouvelle-Aquitaine", None, "75", None),
    ]
    assert con.execute("select commune from appartenance where territoire = 'epci:200000001' "
                       "order by commune").fetchall() == [("44001",), ("44002",)]
    assert con.execute("select count(*) from appartenance where territoire = 'france'").fetchone() == (5,)
    assert con.execute("select ordre, comparateur from comparateurs where territoire = 'commune:44002' "
                       "order by ordre").fetchall() == [
        (0, "commune:44002"), (1, "epci:200000001"), (2, "departement:44"), (4, "france")]
    assert con.execute("select territoire, valeur, demo from agregats where annee = 2023 and indicateur = "
                       "'enfants_0_2' order by territoire").fetchall() == [
        ("departement:16", 40.0, True), ("departement:44", 620.0, True), ("departement:85", 50.0, True),
        ("epci:200000001", 290.0, True), ("epci:200000002", 380.0, True), ("epci:200000003", 40.0, True),
        ("france", 710.0, True), ("region:52", 670.0, True), ("region:75", 40.0, True)]


def test_macro_valeurs_de__macros_sql(req):
    """queries/_macros.sql : la macro valeurs(), par le chemin des listes courtes et par celui des longues."""
    sql = ("select territoire, indicateur, valeur from valeurs($t::varchar[], [2023], 5) "
           "where indicateur in ('enfants_0_2', 'taux_couverture', 'evolution_enfants_0_2') "
           "order by territoire, indicateur")
    courte = req.curseur().execute(sql, {"t": ["commune:44001", "departement:16"]}).fetchall()
    assert [r[:2] for r in courte] == [
        ("commune:44001", "enfants_0_2"), ("commune:44001", "evolution_enfants_0_2"),
        ("commune:44001", "taux_couverture"), ("departement:16", "enfants_0_2"),
        ("departement:16", "evolution_enfants_0_2"), ("departement:16", "taux_couverture")]
    assert [r[2] for r in courte] == pytest.approx([110.0, 10.0, 100 * 50 / 110, 40.0, -20.0, 55.5])
    # plus de 200 territoires demandés : la jointure remplace le filtre ; mêmes valeurs
    longue = req.curseur().execute(sql, {"t": ["commune:44001", "departement:16",
                                               *(f"commune:X{i}" for i in range(250))]}).fetchall()
    assert longue == courte


def test_communes_territoire(req):
    df = req.executer("communes_territoire", {"territoire": "departement:44"})
    assert lignes(df, ["ordre", "territoire", "niveau", "code", "nom", "epci", "population"]) == [
        (0, "commune:44001", "commune", "44001", "Alpha", "200000001", 1000),
        (0, "commune:44002", "commune", "44002", "Bêta", "200000001", 4000),
        (0, "commune:44003", "commune", "44003", "Gamma", "200000002", 12000),
    ]
    assert len(req.executer("communes_territoire", {"territoire": "france"})) == 5


def test_contours_territoire(req):
    cols = ["couche", "territoire", "code"]
    df = req.executer("contours_territoire", {"territoire": "epci:200000001", "unites": "communes"})
    assert lignes(df, cols) == [("unite", "commune:44001", "44001"), ("unite", "commune:44002", "44002"),
                                ("departement", "departement:44", "44")]
    assert list(df["departement"]) == ["44", "44", "44"]
    df = req.executer("contours_territoire", {"territoire": "departement:44", "unites": "epci"})
    assert lignes(df, cols) == [("unite", "epci:200000001", "200000001"), ("unite", "epci:200000002", "200000002"),
                                ("departement", "departement:44", "44")]
    df = req.executer("contours_territoire", {"territoire": "france", "unites": "communes"})
    assert lignes(df, cols) == [("unite", "epci:200000001", "200000001"), ("unite", "epci:200000002", "200000002"),
                                ("unite", "epci:200000003", "200000003")]  # la France : par EPCI, sans départements
    assert df["geometrie"].str.startswith('{"type": "Polygon"').all()


def test_postes_cooperation(req):
    """Une ligne par personne et thématique, des EPCI dont une commune est dans le territoire (conftest.py)."""
    from portrait.regles import cooperation

    cols = ["epci", "nom", "thematique", "etp_valorises", "etp_reels", "cof_signee", "copil", "source"]
    un = [("200000001", "Anne Durand", "enfance_jeunesse", 0.15, 0.15, True, 0, "demo"),
          ("200000001", "Bruno Petit", "parentalite", 0.3, 0.2, True, 0, "demo"),
          ("200000001", "Anne Durand", "petite_enfance", 0.5, 0.5, True, 1, "demo")]
    deux = [("200000002", "Chloé Roux", "petite_enfance", 1.0, 1.0, False, 0, "demo")]
    df = req.executer("postes_cooperation", {"territoire": "departement:44", "annee": 2023})
    assert list(df.columns) == cooperation.COLONNES
    assert lignes(df, cols) == un + deux  # triées par EPCI, thématique, nom
    assert set(df["annee"]) == {2023} and set(df["departement"]) == {"44"}
    # la Vendée : Epsilon fait entrer CA Test Deux, EPCI à cheval, et son poste (déclaré en Loire-Atlantique)
    assert lignes(req.executer("postes_cooperation", {"territoire": "departement:85", "annee": 2023}), cols) == deux
    assert lignes(req.executer("postes_cooperation", {"territoire": "commune:44001", "annee": 2023}), cols) == un
    assert lignes(req.executer("postes_cooperation", {"territoire": "france", "annee": 2023}), cols) == un + deux
    # la Charente : son EPCI n'a aucun poste ; 2018 : aucune enquête
    assert req.executer("postes_cooperation", {"territoire": "departement:16", "annee": 2023}).empty
    assert req.executer("postes_cooperation", {"territoire": "france", "annee": 2018}).empty


def test_voisins(req):
    """Les autres départements de la même région : la Vendée et la Loire-Atlantique (52), personne pour la Charente."""
    cols = ["ordre", "territoire", "niveau", "code", "nom"]
    assert lignes(req.executer("voisins", {"territoire": "departement:44"}), cols) == [
        (3, "departement:85", "departement", "85", "Vendée")]
    assert lignes(req.executer("voisins", {"territoire": "departement:85"}), cols) == [
        (3, "departement:44", "departement", "44", "Loire-Atlantique")]
    assert lignes(req.executer("voisins", {"territoire": "departement:16"}), cols) == []  # seule en région 75
    assert lignes(req.executer("voisins", {"territoire": "epci:200000001"}), cols) == []  # un département seulement
    assert lignes(req.executer("voisins", {"territoire": "region:52"}), cols) == []
