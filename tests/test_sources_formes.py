"""Les fichiers publiés tels que les analystes les ont (issue 15) : chaque orthographe des en-têtes, chaque forme des
nombres et des octets, reconnus sans option (`import auto`), et ce que le rapport en a compris."""

import re
from pathlib import Path

import pandas as pd
import pytest

from portrait.imports import depot
from portrait.imports.lecture import cle_entete, decoder, lire_nombre, normaliser_entete
from portrait.imports.rapport import ErreurImport
from tests.conftest import ecrire_donnees
from tests.test_cli import lancer

SOURCES = Path(__file__).parent / "sources"
MESURES = sorted(f.name for f in SOURCES.glob("*.csv"))  # tous les échantillons de tests/sources/
ANNEE_DITE = {"allocataires_communes.csv": 2020}  # son nom ne porte pas d'année : --annee


def valeurs(df):
    return {(r.niveau, r.code, r.annee, r.indicateur): (None if pd.isna(r.valeur) else r.valeur)
            for r in df.itertuples()}


@pytest.fixture(scope="module")
def jeu(tmp_path_factory) -> Path:
    """Le jeu minuscule, partagé par les tests qui ne font que lire (rien n'est écrit)."""
    return ecrire_donnees(tmp_path_factory.mktemp("formes") / "data")


def test_trois_orthographes_une_seule():
    assert {normaliser_entete(e) for e in ("Numéro.Département", "Numéro Département", "numero_departement",
                                           " NUMERO-DEPARTEMENT ")} == {"numero_departement"}
    assert cle_entete("NUM_COM") == cle_entete("numcom") == "numcom"
    assert cle_entete("Taux.de.couv.global") == cle_entete("taux_de_couv_global") == cle_entete("Taux de couv global")


@pytest.mark.parametrize("texte, attendu", [
    ("2 256", 2256), ("2\u00a0256", 2256), ("2\u202f256", 2256), ("1\u202f180,5", 1180.5), ("76,9", 76.9),
    ("76.9", 76.9), ("76,9 %", 76.9), ("76,9%", 76.9), ("", None), ("n.d.", None), ("s", None), ("NC", None),
    ("nc", None)])
def test_nombres_tels_qu_ils_viennent(texte, attendu):
    assert lire_nombre(texte) == attendu


def test_caf_snake_case_plusieurs_annees_commune_inconnue_ecartee(jeu):
    df, rapport = depot.verifier(SOURCES / "taux_couverture_communes_snake.csv", jeu)
    v = valeurs(df)
    assert v[("commune", "44003", 2023, "taux_couverture")] == 91.2
    assert v[("commune", "44003", 2017, "taux_couverture_psu")] == 25.1
    assert v[("commune", "44002", 2023, "taux_couverture_hors_psu")] == 0
    assert v[("commune", "44003", 2022, "taux_couverture_individuel")] == 46.9
    assert rapport.compris == "data.caf.fr, taux de couverture par commune, en-têtes en snake_case, 2017-2023"
    assert rapport.par_indicateur == dict.fromkeys(
        ["taux_couverture", "taux_couverture_am", "taux_couverture_eaje", "taux_couverture_garde_domicile",
         "taux_couverture_hors_psu", "taux_couverture_individuel", "taux_couverture_prescolarisation",
         "taux_couverture_psu"], 4)
    # La Réunion est absente du jeu de test : ses valeurs sont écartées et dites, le fichier n'est pas refusé
    assert rapport.inconnus == {"commune 97411": 8} and not rapport.erreurs
    assert not rapport.colonnes_ignorees  # noms et codes d'EPCI, de département : compris, pas ignorés


def test_caf_places_snake_case_bom_crlf_date_francaise(jeu):
    df, rapport = depot.verifier(SOURCES / "places_communes_snake_bom.csv", jeu)
    v = valeurs(df)
    assert v[("commune", "44003", 2023, "places_psu")] == 99
    assert v[("commune", "44003", 2023, "places_mc_paje")] == 33.3
    assert v[("commune", "44003", 2023, "places_total")] == 301
    assert v[("commune", "44001", 2023, "places_prescolarisation")] is None  # « s »
    assert v[("commune", "44001", 2023, "places_garde_domicile")] is None  # « NC »
    assert rapport.colonnes_ignorees == ["places_EAJE_ensemble (pas d'indicateur au catalogue)",
                                         "places_accueil_individuel_ensemble (pas d'indicateur au catalogue)"]
    assert rapport.compris == "data.caf.fr, places par commune, en-têtes en snake_case, 2023"
    assert rapport.valeurs_remplacees == 4  # les places de démonstration d'Alpha et de Gamma
    assert rapport.exemples_remplaces == ["commune 44001, 2023, places_am : 30 → 31",
                                          "commune 44001, 2023, places_psu : 20 → 22",
                                          "commune 44003, 2023, places_am : 90 → 148,5"]
    texte = rapport.texte()
    assert ("Valeurs existantes remplacées : 4, dont 4 changent (par exemple commune 44001, 2023, places_am : "
            "30 → 31 ; ") in texte


def test_caf_libelles_point_virgule_virgule_decimale_pourcent(jeu):
    df, rapport = depot.verifier(SOURCES / "taux_couverture_communes_libelles.csv", jeu)
    v = valeurs(df)
    assert v[("commune", "85001", 2023, "taux_couverture")] == 26.7
    assert v[("commune", "16001", 2023, "taux_couverture_prescolarisation")] == 2.5
    assert v[("commune", "16001", 2023, "taux_couverture_garde_domicile")] is None  # « n.d. »
    assert rapport.compris == "data.caf.fr, taux de couverture par commune, libellés de colonnes, 2023"
    assert rapport.lignes_gardees == 16 and not rapport.erreurs and not rapport.avertissements


def test_caf_libelles_epci_utf16_milliers_epci_dissous(jeu):
    df, rapport = depot.verifier(SOURCES / "places_epci_libelles_utf16.csv", jeu)
    v = valeurs(df)
    assert v[("epci", "200000001", 2023, "places_am")] == 1091  # U+202F
    assert v[("epci", "200000002", 2023, "places_am")] == 2010  # U+00A0
    assert v[("epci", "200000001", 2023, "places_total")] == 1180.5  # espace, virgule décimale
    assert rapport.inconnus == {"epci 200099999": 6}
    assert rapport.compris == "data.caf.fr, places par EPCI, libellés de colonnes, 2023"


def test_caf_make_names_de_r_guillemets(jeu):
    df, rapport = depot.verifier(SOURCES / "taux_couverture_departements_r.csv", jeu)
    assert valeurs(df) == {
        ("departement", "44", 2023, "taux_couverture_psu"): 21.7, ("departement", "44", 2023, "taux_couverture"): 66.4,
        ("departement", "44", 2023, "taux_couverture_am"): 38.9,
        ("departement", "16", 2023, "taux_couverture_psu"): 10.1, ("departement", "16", 2023, "taux_couverture"): 55.9,
        ("departement", "16", 2023, "taux_couverture_am"): 30.2}
    assert rapport.compris == ("data.caf.fr, taux de couverture par département, libellés passés par make.names "
                                "(R), 2023")
    assert rapport.exemples_remplaces == ["departement 16, 2023, taux_couverture : 55,5 → 55,9"]


def test_onape_2020_annee_du_nom_niveaux_une_fois_epci_dissous(jeu):
    df, rapport = depot.verifier(SOURCES / "TAUXCOUV2020.csv", jeu)
    assert valeurs(df) == {
        ("commune", "44001", 2020, "taux_couverture"): 70.1, ("commune", "44003", 2020, "taux_couverture"): 86.3,
        ("commune", "85001", 2020, "taux_couverture"): 30.4, ("commune", "16001", 2020, "taux_couverture"): 26.0,
        ("epci", "200000001", 2020, "taux_couverture"): 74.3, ("epci", "200000002", 2020, "taux_couverture"): 80.0,
        ("epci", "200000003", 2020, "taux_couverture"): 26.0,
        ("departement", "44", 2020, "taux_couverture"): 68.2, ("departement", "85", 2020, "taux_couverture"): 55.1,
        ("departement", "16", 2020, "taux_couverture"): 51.3,
        ("region", "52", 2020, "taux_couverture"): 62.0, ("region", "75", 2020, "taux_couverture"): 57.7,
        ("france", "FR", 2020, "taux_couverture"): 59.4}
    assert rapport.inconnus == {  # 1001 : le zéro perdu rétabli ; 44002 = 44002 + 44099, un taux ne s'additionne pas
        "commune 44099": "fusionnée, reportée sur la commune actuelle 44002", "commune 01001": 1,
        "epci 200099999": 1}
    assert rapport.niveaux == ["commune", "epci", "departement", "region", "france"]
    assert rapport.compris.startswith("Onape, taux de couverture par commune")


def test_onape_2021_zone_d_emploi_ignoree(jeu):
    df, rapport = depot.verifier(SOURCES / "TAUXCOUV2021.csv", jeu)
    v = valeurs(df)
    assert v[("commune", "44002", 2021, "taux_couverture")] == 76.2
    assert v[("epci", "200000001", 2021, "taux_couverture")] == 75.1
    assert v[("france", "FR", 2021, "taux_couverture")] == 59.8
    assert len(df) == 4 + 3 + 2 + 2 + 1
    assert rapport.colonnes_ignorees == ["NUMZEMPL (zone d'emploi : niveau absent de l'outil)",
                                         "NOMZEMPL (zone d'emploi : niveau absent de l'outil)"]


def test_onape_sans_annee_dans_le_nom(jeu, tmp_path):
    f = tmp_path / "taux_onape.csv"
    f.write_bytes((SOURCES / "TAUXCOUV2021.csv").read_bytes())
    with pytest.raises(ErreurImport, match="se lit dans son nom"):
        depot.verifier(f, jeu)
    df, _ = depot.verifier(f, jeu, annee=2019)
    assert set(df["annee"]) == {2019}


def test_colonne_inconnue_ignoree_jamais_une_erreur(jeu, tmp_path):
    f = tmp_path / "txcouv.csv"
    f.write_text("annee;numcom;commentaire;txcouv_com\n2023;44003;ok;91,2\n", encoding="utf-8")
    df, rapport = depot.verifier(f, jeu)
    assert valeurs(df) == {("commune", "44003", 2023, "taux_couverture"): 91.2} and not rapport.erreurs
    assert "Colonnes ignorées : commentaire (colonne inconnue)" in rapport.texte().splitlines()


FORMES = [("utf-8", "\n", True), ("utf-8-sig", "\r\n", False), ("latin-1", "\r\n", True), ("cp1252", "\n", False),
          ("utf-16", "\r\n", True), ("utf-16", "\n", False)]  # chaque encodage, fin de ligne, dernière ligne


def formes(octets: bytes):
    """Le même fichier sous les formes d'octets rencontrées : encodages (avec ou sans BOM), CRLF ou LF, avec ou sans
    fin de ligne après la dernière ; en Latin-1 et CP1252, l'espace fine U+202F (absente) devient U+00A0."""
    texte, _ = decoder(octets)
    lignes = texte.replace("\r\n", "\n").rstrip("\n").split("\n")
    for encodage, fin, finale in FORMES:
        t = fin.join(lignes) + (fin if finale else "")
        t = t.replace("\u202f", "\u00a0") if encodage in ("latin-1", "cp1252") else t
        yield f"{encodage} {fin!r} {finale}", t.encode(encodage, errors="replace")


@pytest.mark.parametrize("nom", MESURES)
def test_chaque_forme_d_octets_donne_les_memes_valeurs(jeu, nom):
    octets = (SOURCES / nom).read_bytes()
    annee = ANNEE_DITE.get(nom)
    attendu, rapport = depot.verifier(nom, jeu, octets, annee=annee)
    assert rapport.lignes_gardees > 0 and not rapport.erreurs
    for forme, variante in formes(octets):
        df, autre = depot.verifier(nom, jeu, variante, annee=annee)
        assert (valeurs(df), autre.lignes_lues) == (valeurs(attendu), rapport.lignes_lues), forme


def test_import_auto_puis_portrait_puis_annulation(donnees):
    avant = portrait_gamma(donnees)
    assert float(avant["taux_couverture"]) == pytest.approx(100 * 240 / 330)  # calculé : places / enfants
    code, sortie, _ = lancer("import", "auto", str(SOURCES / "taux_couverture_communes_snake.csv"),
                             "--data-dir", str(donnees))
    assert code == 0
    assert "Reconnu : data.caf.fr, taux de couverture par commune, en-têtes en snake_case, 2017-2023" in sortie
    ident = re.search(r"Import (\S+) enregistré", sortie)[1]
    apres = portrait_gamma(donnees)
    assert (float(apres["taux_couverture"]), float(apres["taux_couverture_psu"])) == (91.2, 30.0)  # publiés
    assert lancer("imports", "rollback", ident, "--data-dir", str(donnees))[0] == 0
    assert portrait_gamma(donnees) == avant


def portrait_gamma(donnees: Path) -> dict:
    """La ligne de Gamma de `python -m portrait portrait --format csv`, colonne -> texte."""
    code, sortie, _ = lancer("portrait", "--territoire", "commune:44003", "--format", "csv", "--data-dir",
                             str(donnees))
    assert code == 0
    entetes, gamma = sortie.splitlines()[:2]
    return dict(zip(entetes.split(","), gamma.split(",")))


def test_par_morceaux_le_meme_rapport(jeu, monkeypatch):
    """Un gros CSV data.caf.fr lu par morceaux comprend et compte comme une lecture d'un bloc (années, valeurs par
    indicateur, territoires inconnus additionnés d'un morceau à l'autre)."""
    fichier = SOURCES / "taux_couverture_communes_snake.csv"
    d_un_bloc, un_bloc = depot.verifier(fichier, jeu)
    monkeypatch.setattr(depot, "SEUIL_MORCEAUX", 10)
    monkeypatch.setattr(depot, "TAILLE_MORCEAU", 2)
    par_morceaux, rapport = depot.verifier(fichier, jeu)
    assert valeurs(par_morceaux) == valeurs(d_un_bloc)
    assert rapport.texte() == un_bloc.texte()


def test_la_mention_demo_quitte_les_figures_qui_n_en_montrent_plus(donnees, tmp_path):
    """Les taux de couverture publiés de Gamma et de ses comparateurs importés : la figure de couverture ne dit plus
    « Valeurs de démonstration », les autres (naissances, places, âges) le disent encore, comme la page."""
    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes
    from portrait.vues.synthese import synthese

    f = tmp_path / "couverture.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;44003;2023;taux_couverture;91,2\n"
                 "epci;200000002;2023;taux_couverture;80\ndepartement;44;2023;taux_couverture;66,4\n"
                 "france;FR;2023;taux_couverture;59,8\n", encoding="utf-8")
    avant = synthese(Requetes(connecter(donnees)), "commune:44003", 2023)
    assert avant.figure_couverture.note.endswith("Valeurs de démonstration.")
    depot.importer(f, donnees)
    vue = synthese(Requetes(connecter(donnees)), "commune:44003", 2023)
    assert "démonstration" not in vue.figure_couverture.note and not vue.figure_couverture.demo
    assert vue.series_enfants.note.endswith("Valeurs de démonstration.") and vue.series_enfants.demo
    assert vue.places.demo and vue.ages.demo and vue.demo  # la page montre encore des valeurs de démonstration


def test_avertissements_cites_trente_au_plus():
    from portrait.imports.rapport import Rapport

    rapport = Rapport("f.csv", avertissements=[f"ligne {i}" for i in range(2, 42)])
    lignes = rapport.texte().splitlines()
    assert lignes[-2:] == ["Attention : ligne 31", "… et 10 autres avertissements."]
