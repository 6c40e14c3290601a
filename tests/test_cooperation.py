"""Chargés de coopération : alertes du référentiel, synthèse par EPCI, ligne de commande, page."""

import io
import json

import pandas as pd
import pytest

from portrait.donnees import jeux
from portrait.donnees import jeux as d
from portrait.donnees.connexion import connecter
from portrait.donnees.requetes import Requetes
from portrait.regles import cooperation
from portrait.surfaces.cli import main
from portrait.vues import cooperation as vue_cooperation
from tests.conftest import ouvrir_page, postes_cooperation


def test_alertes_du_referentiel():
    a = cooperation.alertes_postes(postes_cooperation())
    assert a.loc["200000001"].to_dict() == {"etp_inferieur_0_2": True, "thematique_obligatoire_sans_etp": False,
                                             "etp_reel_inferieur_valorise": True, "sans_copil": False,
                                             "sans_cof": False}
    assert a.loc["200000002"].to_dict() == {"etp_inferieur_0_2": False, "thematique_obligatoire_sans_etp": True,
                                             "etp_reel_inferieur_valorise": False, "sans_copil": True,
                                             "sans_cof": True}


def test_synthese_par_epci(req):
    synthese, postes = jeux.cooperation(req, "departement:44", 2023)
    s = synthese.set_index("code")
    assert list(s.index) == ["200000002", "200000001"]  # les EPCI de la Loire-Atlantique, par nom
    assert s.loc["200000001", "etp_total"] == pytest.approx(0.95)
    assert s.loc["200000001", "etp_pour_1000_enfants_0_2"] == pytest.approx(1000 * 0.95 / 290)
    assert s.loc["200000001", "financement_estime"] == pytest.approx(0.95 * 24_000)
    assert s.loc["200000001", "alertes"] == "etp_inferieur_0_2|etp_reel_inferieur_valorise"
    assert s.loc["200000002", "alertes"] == "thematique_obligatoire_sans_etp|sans_copil|sans_cof"
    assert list(zip(postes["epci"], postes["nom"], postes["thematique"])) == [  # postes_cooperation.sql
        ("200000001", "Anne Durand", "enfance_jeunesse"), ("200000001", "Bruno Petit", "parentalite"),
        ("200000001", "Anne Durand", "petite_enfance"), ("200000002", "Chloé Roux", "petite_enfance")]


def test_epci_sans_poste_garde(req):
    synthese, _ = jeux.cooperation(req, "departement:16", 2023, forfait=30_000)
    ligne = synthese.iloc[0]
    assert (ligne["code"], ligne["etp_total"], ligne["sans_poste"], ligne["alertes"]) == ("200000003", 0, True, "")


def test_noms_masques():
    assert cooperation.masquer_noms(postes_cooperation()).tolist() == [
        "Chargé·e de coopération 1", "Chargé·e de coopération 1", "Chargé·e de coopération 2",
        "Chargé·e de coopération 3"]


def test_resume_enquete():
    oui, comptes = cooperation.resume_enquete(postes_cooperation())
    assert list(oui.columns) == ["question", "Petite enfance", "Enfance / jeunesse", "Parentalité"]
    assert oui.set_index("question").loc["conduit ou coordonne des diagnostics", "Petite enfance"] == 100.0
    # conftest : chaque poste répond oui à une question sur deux, en commençant par la première
    for thematique in ("Petite enfance", "Enfance / jeunesse", "Parentalité"):
        assert list(oui[thematique]) == [100.0, 0.0] * (len(cooperation.QUESTIONS_OUI_NON) // 2)
    # une ligne par poste et activité ; le COPIL : Anne Durand (petite enfance) seule y a participé, une fois
    assert list(comptes.groupby("activite", sort=False)["nombre"].sum().items()) == [
        ("réunions avec les élus", 12), ("participations au COPIL", 1), ("groupes de travail", 8),
        ("réunions de réseau", 16)]
    assert list(comptes.loc[comptes["activite"] == "participations au COPIL", "nombre"]) == [1, 0, 0, 0]


def test_cli_cooperation(donnees, capsys):
    assert main(["cooperation", "--territoire", "departement:44", "--annee", "2023", "--format", "json",
                 "--data-dir", str(donnees)]) == 0
    lignes = json.loads(capsys.readouterr().out)
    assert list(lignes[0]) == ["code", "nom", "etp_petite_enfance", "etp_enfance_jeunesse", "etp_parentalite",
                               "etp_avs_logement_acces_droits", "etp_handicap", "etp_transversal", "etp_total",
                               "etp_pour_1000_enfants_0_2", "financement_estime", "alertes",
                               "part_communes_en_tension", "prioritaire"]
    assert lignes[1]["alertes"] == "etp_inferieur_0_2|etp_reel_inferieur_valorise"
    assert main(["cooperation", "--territoire", "departement:44", "--format", "csv", "--data-dir", str(donnees)]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"code": str})
    assert df.loc[0, "financement_estime"] == 24_000


def test_demo_nationale_et_charente(req_demo):
    synthese, _ = jeux.cooperation(req_demo, "departement:16", 2023)
    assert synthese["etp_total"].sum() == pytest.approx(14.75)  # document 003
    par_nom = dict(zip(synthese["nom"], synthese["etp_total"]))
    assert par_nom["CA du Grand Angoulême"] == pytest.approx(2.5) and par_nom["CA du Grand Cognac"] == pytest.approx(4)
    france, _ = jeux.cooperation(req_demo, "france", 2023)
    assert france["etp_total"].sum() == pytest.approx(4227, rel=0.01)
    # les grands nombres à la française (« 1145 sur 1255 » avant)
    chiffres = {c.libelle: c.valeur for c in vue_cooperation.chiffres_cooperation(france)}
    assert chiffres["EPCI couverts"].endswith(" sur 1\u202f255")


def test_page_cooperation(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/cooperation.py", "departement:44")
    metriques = {m.label: m.value for m in at.metric}
    assert metriques["EPCI couverts"] == "2 sur 2"
    assert metriques["Financement Caf estimé"] == "46\u202f800\u00a0€"
    tableau = at.dataframe[0].value
    postes = next(d.value for d in at.dataframe if "Personne" in d.value.columns)
    assert list(tableau["EPCI"]) == ["CA Test Deux", "CC Test Un"]
    assert list(tableau["ETP total"]) == pytest.approx([1.0, 0.95])
    # les ratios d'un EPCI portent sur tout l'EPCI, même à cheval sur deux départements : CA Test Deux compte
    # Gamma (44) et Epsilon (85), 330 + 50 enfants et 12 000 + 2 000 habitants
    assert list(tableau["ETP pour 1 000 enfants 0-2 ans"]) == pytest.approx([1000 * 1.0 / 380, 1000 * 0.95 / 290])
    assert list(tableau["ETP pour 10 000 habitants"]) == pytest.approx([10_000 * 1.0 / 14_000, 10_000 * 0.95 / 5_000])
    assert list(tableau["Financement estimé (€)"]) == [24_000, 22_800]
    assert "aucun COPIL dans l'année" in tableau.loc[0, "Alertes"]
    # noms masqués par défaut : un numéro par personne
    assert list(postes["Personne"]) == ["Chargé·e de coopération 1", "Chargé·e de coopération 2",
                                        "Chargé·e de coopération 1", "Chargé·e de coopération 3"]
    at.toggle(key="noms").set_value(True).run()
    assert "Anne Durand" in set(next(d.value for d in at.dataframe if "Personne" in d.value.columns)["Personne"])
    at.number_input(key="forfait").set_value(30_000.0).run()
    assert {m.label: m.value for m in at.metric}["Financement Caf estimé"] == "58\u202f500\u00a0€"
    assert at.query_params["forfait"] == "30000"


def test_import_generique_des_postes(donnees, tmp_path, capsys):
    f = tmp_path / "postes.csv"
    f.write_text("annee;niveau;code;employeur;nom;thematique;etp_valorises;etp_reels;cof_signee;copil\n"
                 "2023;epci;200000002;CA Test Deux;Zoé Lemaire;petite_enfance;0,8;0.8;Oui;2\n"
                 "2023;epci;200000002;CA Test Deux;Zoé Lemaire;parentalite;0,2;0,2;Oui;2\n", encoding="utf-8")
    assert main(["import", "cooperation", str(f), "--data-dir", str(donnees)]) == 0
    synthese, postes = d.cooperation(Requetes(connecter(donnees)), "departement:44", 2023)
    assert set(postes["nom"]) == {"Zoé Lemaire"}  # la Loire-Atlantique 2023 est remplacée en entier
    assert synthese.set_index("code").loc["200000002", "etp_total"] == pytest.approx(1.0)
    f.write_text("annee;niveau;code;thematique;etp_valorises\n2023;epci;123;jeunesse;1\n", encoding="utf-8")
    assert main(["import", "cooperation", str(f), "--data-dir", str(donnees)]) == 1
    assert "ligne 2 : territoire « epci 123 » inconnu" in capsys.readouterr().err


def test_annee_sans_aucun_poste_le_dit_sans_priorite_ni_erreur(req, donnees, capsys):
    # les postes connus sont de 2023 : en 2022, l'absence de données n'est ni une erreur (la carte classait un
    # ratio vide : « bins must increase monotonically ») ni une liste d'EPCI prioritaires
    vue = vue_cooperation.vue_cooperation(req, "departement:44", 2022)
    assert vue.prioritaires == [] and not vue.lignes["prioritaire"].any()
    assert vue.resume == [vue.phrase_prioritaires]
    assert vue.phrase_prioritaires.startswith("Aucun poste de chargé de coopération n'est enregistré en 2022")
    assert main(["cooperation", "--territoire", "departement:44", "--annee", "2022", "--data-dir", str(donnees)]) == 0
    assert "Aucun poste de chargé de coopération n'est enregistré en 2022" in capsys.readouterr().out
