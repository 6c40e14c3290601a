"""Règles SPPE : critères et seuils, k critères, classes de compétences, zones d'offre insuffisante, carte."""

import math
import re

import pandas as pd
import pytest

from portrait.donnees import jeux
from portrait.regles import catalogue, tensions
from portrait.vues import francais as fr
from portrait.vues import tensions as vue_tensions
from tests.conftest import COMMUNES, lire_tableau_html, marques_html, ouvrir_page
from tests.test_queries import lignes


def table(**colonnes):
    """Trois communes puis le département (ordre 2) ; les colonnes absentes valent « n.d. ». Chaque commune se compare
    au département (colonnes reference_<indicateur>, comme les rend jeux.tensions)."""
    base = {
        "ordre": [0, 0, 0, 2], "niveau": ["commune"] * 3 + ["departement"], "code": ["A", "B", "C", "D"],
        "nom": ["A", "B", "C", "Dép"], "population": [3_499, 3_500, 10_000, 50_000],
        "evolution_enfants_0_2": [5.0, 4.9, math.nan, 0.0], "part_am_60_plus": [15.0, 20.0, 14.9, 10.0],
        "part_enfants_0_2_parents_actifs": [80.0, 74.9, 75.0, 70.0], "taux_couverture": [60.0, 70.0, 40.0, 65.0],
        "places_psu": [10, 0, 0, 10], "places_mc_paje": [0, 0, 0, 0], "enfants_0_2": [100, 50, 0, 1000],
    }
    base.update(colonnes)
    df = pd.DataFrame(base)
    for ind in catalogue.INDICATEURS_TENSION:
        df[f"reference_{ind}"] = colonnes.get(f"reference_{ind}", [df[ind].iloc[3]] * 3 + [math.nan])
    return df


def test_criteres_seuils_inclusifs_et_couverture_du_departement():
    c = tensions.criteres(table(), tensions.Seuils())
    assert c.loc[0].tolist() == [True, True, True, True]  # 5 ≥ 5, 15 ≥ 15, 80 ≥ 75, 60 < 65
    assert c.loc[1].tolist() == [False, True, False, False]
    assert c.loc[2].tolist() == [False, False, True, True]  # évolution n.d. : jamais en tension


def test_seuil_de_couverture_choisi_remplace_le_departement():
    c = tensions.criteres(table(), tensions.Seuils(taux_couverture=75.0))
    assert c["taux_couverture"].tolist() == [True, True, True, True]


def test_chaque_commune_se_compare_a_son_departement():
    # A et B dans un département à 65 %, C dans un autre à 30 % : C (40 %) n'est pas sous SA valeur
    t = table(reference_taux_couverture=[65.0, 65.0, 30.0, math.nan])
    assert tensions.criteres(t, tensions.Seuils())["taux_couverture"].tolist() == [True, False, False, False]
    assert list(tensions.ecart_tension(t, "taux_couverture").iloc[:3]) == [5.0, -5.0, -10.0]


def test_vue_france_la_couverture_se_compare_a_la_france():
    # France par EPCI : chaque EPCI se compare à la France (reference_*), sans compétence SPPE (elles sont aux
    # communes) ; avant, le critère de couverture ne se remplissait jamais
    france = table(ordre=[0, 0, 0, 3], niveau=["epci"] * 3 + ["france"])
    e = tensions.evaluer(france, tensions.Filtres(tensions.Seuils(k=1), classes_sppe=("10 000 habitants et plus",)))
    assert e.loc[e["ordre"] == 0, "critere_taux_couverture"].tolist() == [True, False, True]  # 60 et 40 < 65
    assert e["classe_sppe"].isna().all() and e["competences_sppe"].isna().all()
    assert e.loc[e["ordre"] == 0, "retenue"].tolist() == [True, True, True]  # le filtre SPPE ne s'y applique pas
    assert vue_tensions.reference_tensions(True) == ("valeur de la France", "écart à la France", "= France")
    assert vue_tensions.libelles_methodes(True)["rapport au département"] == "rapport à la France"
    assert vue_tensions.libelles_methodes(False)["rapport au département"] == "rapport au département"
    # le tableau colore l'écart à la France : A (60 % < 65 %) en rouge ; pas de colonne « Compétences SPPE »
    tableau = vue_tensions.tableau_tensions(e, par_epci=True)
    assert "Compétences SPPE" not in tableau.columns
    assert "rgba(215, 48, 39" in vue_tensions.styles_tensions(tableau, e).loc[0, "taux de couverture"]


@pytest.mark.parametrize(("k", "attendu"), [(1, [True, True, True]), (2, [True, False, True]),
                                             (3, [True, False, False]), (4, [True, False, False])])
def test_au_moins_k_criteres(k, attendu):
    e = tensions.evaluer(table(), tensions.Filtres(tensions.Seuils(k=k)))
    assert e.loc[e["ordre"] == 0, "en_tension"].tolist() == attendu
    assert not e.loc[3, "en_tension"]  # la ligne du département n'est jamais « en tension »


@pytest.mark.parametrize(("k", "exiges", "attendu"), [
    (1, (), [True, True, True]),
    (2, ("taux_couverture",), [True, False, True]),  # B : 1 critère, et pas la couverture
    (1, ("taux_couverture", "part_am_60_plus"), [True, False, False]),  # faible couverture et départs en retraite
    (4, ("part_am_60_plus",), [True, False, False]),
])
def test_criteres_exiges_en_plus_des_k(k, exiges, attendu):
    # A remplit les 4 critères ; B seulement AM 60+ ; C parents actifs et couverture
    e = tensions.evaluer(table(), tensions.Filtres(tensions.Seuils(k=k, exiges=exiges)))
    assert e.loc[e["ordre"] == 0, "en_tension"].tolist() == attendu


def test_texte_des_filtres_pour_les_exports_et_la_fiche():
    assert vue_tensions.texte_filtres(tensions.Filtres(), par_epci=False) == (
        "Filtres : évolution des 0-2 ans ≥ +5\u00a0%, AM de 60 ans et plus ≥ 15\u00a0%, parents actifs ≥ 75\u00a0%, "
        "couverture sous la valeur du département ; en tension = au moins 2 critères.")
    seuils = tensions.Seuils(-2.5, 20.0, 75.0, 40.0, 1, ("taux_couverture", "part_am_60_plus"))
    filtres = tensions.Filtres(seuils, classes_sppe=("10 000 habitants et plus",))
    assert vue_tensions.texte_filtres(filtres, par_epci=False) == (
        "Filtres : évolution des 0-2 ans ≥ \u22122,5\u00a0%, AM de 60 ans et plus ≥ 20\u00a0%, parents actifs ≥ "
        "75\u00a0%, couverture sous 40\u00a0% ; en tension = au moins 1 critère, dont taux de couverture et part AM 60 "
        "ans et plus ; communes de 10 000 habitants et plus.")
    # la vue France juge des EPCI : ni « la valeur du département », ni classes SPPE
    assert vue_tensions.texte_filtres(tensions.Filtres(classes_sppe=("10 000 habitants et plus",)), par_epci=True) == (
        "Filtres : évolution des 0-2 ans ≥ +5\u00a0%, AM de 60 ans et plus ≥ 15\u00a0%, parents actifs ≥ 75\u00a0%, "
        "couverture sous la valeur de la France ; en tension = au moins 2 critères.")


def test_decompte_a_la_francaise():
    assert vue_tensions.decompte_tension(69, 1255, epci=True) == "69 EPCI sur 1\u202f255 en tension"
    assert vue_tensions.decompte_tension(1, 15, epci=False) == "1 commune sur 15 en tension"
    assert vue_tensions.decompte_tension(9, 15, epci=False) == "9 communes sur 15 en tension"


def test_classes_sppe():
    assert tensions.classe_sppe(3_499) == "moins de 3 500 habitants"
    assert tensions.classe_sppe(3_500) == "3 500 à 9 999 habitants"
    assert tensions.classe_sppe(10_000) == "10 000 habitants et plus"
    assert tensions.classe_sppe(None) is None
    assert "relais petite enfance" in tensions.COMPETENCES_SPPE["10 000 habitants et plus"]
    assert "planifier" not in tensions.COMPETENCES_SPPE["moins de 3 500 habitants"]
    # à l'écran, des noms courts, expliqués sous le tableau ; les exports gardent le texte complet
    courts = vue_tensions.formats_tensions()["Compétences SPPE"]
    assert courts(tensions.COMPETENCES_SPPE["moins de 3 500 habitants"]) == "besoins, information"
    assert courts(tensions.COMPETENCES_SPPE["10 000 habitants et plus"]) == \
        "besoins, information, planification, qualité, schéma, RPE"
    assert "RPE = relais petite enfance (dès 10\u202f000 habitants)" in vue_tensions.legende_competences()


def test_filtre_sppe_et_decompte():
    e = tensions.evaluer(table(), tensions.Filtres(tensions.Seuils(k=1), classes_sppe=("10 000 habitants et plus",)))
    assert e.loc[e["ordre"] == 0, "retenue"].tolist() == [False, False, True]
    assert tensions.decompte(e) == (1, 3)
    # aucune classe choisie : pas de filtre de population (une vue partagée sans « sppe » montre la même chose)
    assert tensions.Filtres(classes_sppe=()).classes_sppe == tensions.CLASSES_SPPE


def test_zones_d_offre_insuffisante():
    z = tensions.zone_insuffisante(table(), seuil=50.0)
    # A : 60 % et une crèche ; B : 70 % mais aucune place collective pour 50 enfants ; C : 40 % < 50 %
    assert z.tolist() == [False, True, True, False]


def test_classes_de_carte():
    valeurs = pd.Series([50.0, 64.0, 66.0, 90.0, math.nan])
    classes, couleurs = tensions.classer(valeurs, "taux_couverture", "rapport au département", pd.Series([65.0] * 5))
    assert classes.iloc[-1] == "n.d." and couleurs["n.d."] == tensions.GRIS_ND
    assert classes.iloc[0] == "moins de 52,0\u00a0%"
    # couverture : plus c'est bas, plus c'est rouge
    assert couleurs[classes.iloc[0]] == tensions.ROUGES[-1]
    niveaux, _ = tensions.classer_tension(pd.Series([0, 1, 4]))
    assert niveaux.tolist() == ["0 critère", "1 critère", "4 critères"]


def test_classes_de_carte_rapport_a_son_departement():
    # deux communes de 40 % : l'une dans un département à 65 % (très en dessous), l'autre dans un département à 40 %
    # (proche) ; avant, toutes deux étaient rapportées au même département, celui de l'EPCI
    classes, _ = tensions.classer(pd.Series([40.0, 40.0]), "taux_couverture", "rapport au département",
                                  pd.Series([65.0, 40.0]))
    assert classes.tolist() == ["très en dessous de son département", "proche de son département"]
    seule, _ = tensions.classer(pd.Series([40.0]), "taux_couverture", "rapport au département", pd.Series([40.0]))
    assert seule.tolist() == ["38,0\u00a0% à 42,0\u00a0%"]  # un seul département : des classes en valeurs


@pytest.fixture
def app(donnees, monkeypatch):
    return ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44")


def test_page_tensions_seuils_et_decompte(app, req):
    # Loire-Atlantique : Alpha (+10 %, 10 %, 72,7 %, 45,5 %), Bêta (−10 %, 25 %, 50 %, 66,7 %),
    # Gamma (+10 %, 10 %, 75,8 %, 72,7 %) ; département : couverture 66,1 %
    # Alpha : évolution et couverture ; Gamma : évolution et parents actifs
    assert app.subheader[0].value == "2 communes sur 3 en tension"
    assert list(lire_tableau_html(app.html[0].value)["Territoire"]) == ["Alpha", "Gamma", "Loire-Atlantique"]
    app.number_input(key="am60").set_value(20.0).run()
    app.radio(key="k").set_value(1).run()
    assert app.subheader[0].value == "3 communes sur 3 en tension"
    app.radio(key="k").set_value(3).run()
    assert app.subheader[0].value == "0 commune sur 3 en tension"
    assert list(lire_tableau_html(app.html[0].value)["Territoire"]) == ["Loire-Atlantique"]
    assert app.query_params["k"] == "3" and app.query_params["am60"] == "20.0"
    app.button[0].click().run()  # réinitialiser
    assert app.subheader[0].value == "2 communes sur 3 en tension"
    # compétences SPPE : des deux communes en tension, seule Gamma a 10 000 habitants ou plus ; aucune classe = toutes
    app.button_group(key="sppe").set_value(["10 000 habitants et plus"]).run()
    assert app.subheader[0].value == "1 commune sur 3 en tension"
    assert list(lire_tableau_html(app.html[0].value)["Territoire"]) == ["Gamma", "Loire-Atlantique"]
    app.button_group(key="sppe").set_value([]).run()
    assert app.subheader[0].value == "2 communes sur 3 en tension" and "sppe" not in app.query_params


def test_page_tensions_couverture_faible_et_departs_en_retraite(app):
    # la question de l'issue : les communes qui cumulent faible couverture et assistantes maternelles proches de la
    # retraite. Alpha : couverture 45,5 % < 66,1 %, AM 60+ 10 % ; Bêta : AM 60+ 25 %, couverture 66,7 % ;
    # Gamma : AM 60+ 10 %, couverture 72,7 %
    app.button_group(key="exiges").set_value(["taux_couverture", "part_am_60_plus"]).run()
    assert app.subheader[0].value == "0 commune sur 3 en tension"
    app.number_input(key="am60").set_value(10.0).run()
    assert app.subheader[0].value == "1 commune sur 3 en tension"
    assert list(lire_tableau_html(app.html[0].value)["Territoire"]) == ["Alpha", "Loire-Atlantique"]
    assert app.query_params["exiges"] == "taux_couverture,part_am_60_plus"
    # la fiche COPIL de la barre latérale reprendra cette sélection
    assert app.session_state["filtres_tensions"].seuils.exiges == ("taux_couverture", "part_am_60_plus")
    # la note sous le tableau (et dans le XLSX) dit la sélection, seuil changé compris
    note = next(c.value for c in app.caption if c.value.startswith("Sources : "))
    assert ("Filtres : évolution des 0-2 ans ≥ +5\u00a0%, AM de 60 ans et plus ≥ 10\u00a0%, parents actifs ≥ "
            "75\u00a0%, couverture sous la valeur du département ; en tension = au moins 2 critères, dont taux de "
            "couverture et part AM 60 ans et plus.") in note
    app.button[0].click().run()  # réinitialiser : plus de critère exigé, l'URL l'oublie
    assert app.subheader[0].value == "2 communes sur 3 en tension" and "exiges" not in app.query_params


def test_page_tensions_toutes_les_communes_depuis_l_url(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44", tout_voir="true")
    assert at.toggle(key="tout_voir").value
    assert list(lire_tableau_html(at.html[0].value)["Territoire"]) == ["Alpha", "Bêta", "Gamma", "Loire-Atlantique"]


def test_page_tensions_valeurs_du_tableau(app, req):
    app.toggle(key="tout_voir").set_value(True).run()
    tableau = lire_tableau_html(app.html[0].value)
    attendu = jeux.tensions(req, "departement:44", 2023)
    assert list(tableau["Code"]) == list(attendu["code"])
    # affiché à la française ; Alpha, Bêta, Gamma : les valeurs calculées à la main plus haut
    assert list(tableau["taux de couverture"]) == [fr.pourcent(v) for v in attendu["taux_couverture"]]
    assert list(tableau["taux de couverture"].iloc[:3]) == ["45,5\u00a0%", "66,7\u00a0%", "72,7\u00a0%"]
    assert list(tableau["Critères remplis"].iloc[:3]) == ["2 / 4", "1 / 4", "2 / 4"]


def test_page_tensions_critere_rempli_dit_sans_couleur(app, req):
    # RGAA : la couleur ne porte pas seule le sens ; chaque critère rempli porte ✔ (et « critère rempli » pour un
    # lecteur d'écran), autant de marques par commune que « Critères remplis », aucune sur les lignes de référence
    app.toggle(key="tout_voir").set_value(True).run()
    html = app.html[0].value
    tableau, marques = lire_tableau_html(html), marques_html(html)
    colonnes = list(vue_tensions.COLONNES_TENSION.values())
    assert list(marques[colonnes].sum(axis=1)) == [2, 1, 2, 0]  # Alpha, Bêta, Gamma, Loire-Atlantique
    # la ligne du département n'est pas jugée : rien, pas « n.d. » (qui dirait une donnée manquante)
    assert list(tableau["Critères remplis"]) == ["2 / 4", "1 / 4", "2 / 4", ""]
    assert not marques.drop(columns=colonnes).any().any()
    assert html.count("(critère rempli)") == 5 and "critère rempli (seuils de la sélection)" in html
    # le tableau a une légende (caption), des en-têtes à portée, une zone qui défile joignable au clavier
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert 'class="tableau-fr" tabindex="0" role="region" aria-label="Identification des tensions' in html


def test_page_tensions_vue_depuis_l_url(ouvrir):
    at = ouvrir("pages/tensions.py", "epci:200000001", annee=None, k="1", couverture="50",
                indicateur="taux_couverture", methode="quantiles", exiges="part_am_60_plus,inconnu")
    assert at.radio(key="k").value == 1
    assert at.number_input(key="couverture").value == 50.0
    assert at.selectbox(key="indicateur").value == "taux_couverture"
    assert at.radio(key="methode").value == "quantiles"
    assert at.button_group(key="exiges").value == ["part_am_60_plus"]  # un critère inconnu est ignoré
    # au moins 1 critère dont AM 60+ (≥ 15 %) : Bêta seule (25 %) ; Alpha n'a que 10 %
    assert at.subheader[0].value == "1 commune sur 2 en tension"
    assert list(lire_tableau_html(at.html[0].value)["Territoire"]) == ["Bêta", "CC Test Un", "Loire-Atlantique"]
    assert at.toggle(key="filtre_carte").value  # absent de l'URL : hors filtre grisé
    at.toggle(key="filtre_carte").set_value(False).run()
    assert at.query_params["filtre_carte"] == "false"


def test_carte_des_tensions_legende_et_zones(req):
    # Loire-Atlantique : Alpha et Gamma en tension (2 critères), Bêta 1 critère ; zone d'offre insuffisante :
    # Alpha (couverture 45,5 % < 50 %)
    vue = vue_tensions.vue_tensions(req, "departement:44", 2023)
    fig = vue.carte.figure
    assert vue.carte.titre == fig.layout.title.text == "Niveau de tension (critères remplis), Loire-Atlantique, 2023"
    choro, *lignes = fig.data
    assert sorted(choro.locations) == ["44001", "44002", "44003"]
    assert [t.name for t in lignes] == ["limite départementale", "offre insuffisante", "noms"]
    assert list(lignes[-1].text) == ["Gamma", "Alpha"]  # les communes retenues nommées, les plus peuplées d'abord
    assert not fig.layout.showlegend  # la légende est une annotation, pas des traces vides
    legende = next(a.text for a in fig.layout.annotations if "■" in (a.text or ""))
    classes, filtre = legende.split("<br>", 1)
    assert [x.strip() for x in re.sub("<[^>]+>", "|", classes).replace("||", "|").strip("|").split("|")] == [
        "■", "2 critères", "□", "hors filtre", "━", "limite départementale", "━", "offre insuffisante"]
    assert filtre.replace("<br>", " ").replace("\u00a0;", " ;") == vue.filtres  # la sélection : la phrase de la page
    # Alpha et Gamma dans la couleur de « 2 critères », Bêta (1 critère) grisée hors filtre
    assert list(choro.customdata[:, 0]) == ["Alpha", "Bêta", "Gamma"]
    positions = [(z - choro.zmin) / (choro.zmax - choro.zmin) for z in choro.z]  # lues sur l'échelle de couleurs
    assert [next(c for seuil, c in choro.colorscale if seuil >= x) for x in positions] == [
        "#FC8D59", "#F2F2F2", "#FC8D59"]


def test_page_tensions_zones_fermees_puis_ouvertes_par_l_url(app, donnees, monkeypatch):
    # Loire-Atlantique : une seule zone d'offre insuffisante, Alpha (couverture 45,5 % < 50 %)
    # (le premier volet est l'alternative textuelle de la carte ; celui des zones vient après)
    assert app.expander[-1].label.endswith("Zones d'offre insuffisante, Loire-Atlantique, 2023 : 1 commune")
    assert len(app.html) == 1  # fermée : seul le tableau des tensions est dessiné
    ouverte = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44", zones="true")
    assert list(lire_tableau_html(ouverte.html[1].value)["Territoire"]) == ["Alpha", "Loire-Atlantique"]
    ouverte.number_input(key="zone").set_value(70.0).run()
    assert ouverte.expander[-1].label.endswith(": 2 communes")
    assert list(lire_tableau_html(ouverte.html[1].value)["Territoire"]) == ["Alpha", "Bêta", "Loire-Atlantique"]


def test_page_tensions_seuil_vide_quitte_l_url(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44", couverture="50")
    assert at.query_params["couverture"] == "50.0"
    at.number_input(key="couverture").set_value(None).run()
    assert "couverture" not in at.query_params  # un lien partagé compare de nouveau au département
    assert at.subheader[0].value == "2 communes sur 3 en tension"


def test_page_tensions_carte_sans_grise_depuis_l_url(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44", filtre_carte="false")
    assert not at.toggle(key="filtre_carte").value


def test_lignes_communes_epci_a_cheval_sur_deux_departements(req):
    # chaque unité porte son territoire de comparaison ; l'EPCI à cheval a une ligne par département
    cols = ["ordre", "territoire", "niveau", "nom", "population", "reference"]
    assert lignes(req.executer("lignes_communes", {"territoire": "epci:200000002"}), cols) == [
        (0, "commune:85001", "commune", "Epsilon", 2000, "departement:85"),
        (0, "commune:44003", "commune", "Gamma", 12000, "departement:44"),
        (1, "epci:200000002", "epci", "CA Test Deux", 14000, None),
        (2, "departement:44", "departement", "Loire-Atlantique", 17000, None),
        (2, "departement:85", "departement", "Vendée", 2000, None),
    ]
    assert lignes(req.executer("lignes_communes", {"territoire": "france"}), ["ordre", "territoire", "reference"]) == [
        (0, "epci:200000002", "france"), (0, "epci:200000003", "france"), (0, "epci:200000001", "france"),
        (3, "france", None)]
    assert lignes(req.executer("communes_territoire", {"territoire": "epci:200000002"}),
                  ["code", "epci", "reference"]) == [("44003", "200000002", "departement:44"),
                                                     ("85001", "200000002", "departement:85")]


def test_tensions_valeurs_du_departement_de_chaque_commune(req):
    # jeux.tensions : les valeurs de comparaison de chaque ligne (Vendée pour Epsilon, Loire-Atlantique pour Gamma)
    t = jeux.tensions(req, "epci:200000002", 2023).set_index("code")
    assert t.loc["85001", "reference_taux_couverture"] == pytest.approx(100 * 10 / 50)
    assert t.loc["44003", "reference_taux_couverture"] == pytest.approx(100 * 410 / 620)
    assert t.loc["85001", "reference_part_am_60_plus"] == pytest.approx(50.0)
    # toutes les communes de France, chacune avec son département (la part de communes en tension par EPCI)
    c = jeux.tensions_communes(req, "france", 2023).set_index("code")
    assert c.loc["16001", "reference_taux_couverture"] == 55.5 and list(c.index) == sorted(COMMUNES["code"])
    parts = tensions.part_en_tension_par_epci(jeux.tensions_communes(req, "france", 2023))
    assert lignes(parts, ["code", "communes", "en_tension"]) == [("200000001", 2, 1), ("200000002", 2, 2),
                                                                 ("200000003", 1, 0)]


def test_page_tensions_portrait_court_de_la_commune_de_l_url(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44", commune="44001")
    assert any(m.value.startswith("**Alpha** · 1\u202f000 habitants · compétences SPPE : recenser les besoins")
               and m.value.endswith("· offre insuffisante") for m in at.markdown)
    assert [m.label for m in at.metric] == [catalogue.indicateur(i).libelle for i in vue_tensions.CHIFFRES_TENSION]
    assert at.metric[0].value == "110" and at.query_params["commune"] == "44001"
    # vue France : un EPCI, sans compétences SPPE
    france = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "france", commune="200000001")
    assert any(m.value == "**CC Test Un** · 5\u202f000 habitants" for m in france.markdown)


def test_sous_titre_une_ligne_par_epci_seulement_pour_la_france(req):
    """« France entière : une ligne par EPCI » ne se lit que sur la vue France, pas sur celle d'un département."""
    assert vue_tensions.vue_tensions(req, "departement:44", 2023).sous_titre == (
        "2023 · service public de la petite enfance (loi du 18 décembre 2023) : repérer les zones où l'offre "
        "d'accueil est insuffisante ou difficile d'accès.")
    assert vue_tensions.vue_tensions(req, "france", 2023).sous_titre.endswith(
        "difficile d'accès. France entière : une ligne par EPCI.")


def test_criteres_remplis_sans_objet_pour_les_lignes_de_reference(req):
    # la fiche et les exports lisent les mêmes cellules que la page (commun.textes) : vide pour le département, et
    # « n.d. » seulement pour une donnée qui manque vraiment
    from portrait.vues import commun

    vue = vue_tensions.vue_tensions(req, "departement:44", 2023, tout_voir=True)
    assert list(commun.textes(vue.tableau)["Critères remplis"]) == ["2 / 4", "1 / 4", "2 / 4", ""]
    valeurs = pd.DataFrame({"Territoire": ["A", "Dép"], "Critères remplis": [math.nan, math.nan]})
    vides = pd.DataFrame({"Territoire": [False, False], "Critères remplis": [False, True]})
    lus = commun.textes(commun.Tableau("t", "", valeurs, sans_objet=vides))
    assert list(lus["Critères remplis"]) == ["n.d.", ""]
