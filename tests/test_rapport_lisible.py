"""Le rapport de validation tel qu'un nouvel utilisateur le lit (essai en utilisateur) : ce que l'import a compris
de chaque fichier, des nombres à la française, pas de fausse alerte d'unité."""

from pathlib import Path

from portrait.imports import depot
from portrait.imports.rapport import nombre_fr
from tests.test_allocataires import avec_paris

SOURCES = Path(__file__).parent / "sources"


def test_allocataires_par_iris_le_rapport_dit_ce_qu_il_a_compris(donnees):
    _, rapport = depot.verifier(SOURCES / "data_CAF_2022_IRIS.csv", donnees)
    lignes = rapport.texte().splitlines()
    assert "Reconnu : Cnaf, fichier des allocataires par IRIS, année du nom du fichier, 2022" in lignes
    assert "Regroupé : 6 IRIS additionnés en 4 communes" in lignes
    ignorees = next(ligne for ligne in lignes if ligne.startswith("Colonnes ignorées : ")).split(" ; ")
    assert [c.split(" (")[0].removeprefix("Colonnes ignorées : ") for c in ignorees] == [
        "LIBGEO", "DEPCOM", "LIBCOM", "EPCI", "REG", "NOTE", "AI", "ACSSENF", "AC3ENF", "ENF_3_5", "ENF_6_10",
        "ENF_11_14", "ENF_15_17", "ENF_18_24", "A_ETUD", "A_NETUD_24", "AAPL", "APRES100"]
    assert "EPCI (EPCI du fichier non lu : celui de la géographie 2026)" in ignorees
    # l'ancienne commune 44099 : dite une fois pour sa ligne, pas une fois par indicateur (douze)
    assert [a for a in rapport.avertissements if "44099" in a] == [
        "data_CAF_2022_IRIS.csv, ligne 5 : commune 44099 fusionnée depuis ; valeur reportée sur la commune actuelle "
        "44002."]


def test_population_par_iris_le_rapport_dit_les_iris_et_les_arrondissements(donnees, tmp_path):
    f = tmp_path / "base-ic-evol-struct-pop-2021.csv"
    f.write_text("IRIS;COM;LIBCOM;P21_POP;P21_POP0002;P21_POP0305;P21_POP0610;P21_POP1117;P21_POP1824\n"
                 "751010101;75101;Paris 1er;900;10;20;30;40;50\n751020201;75102;Paris 2e;800;5;5;5;5;5\n"
                 "440010000;44001;Alpha;700;60;80;100;120;70\n", encoding="utf-8")
    _, rapport = depot.verifier(f, avec_paris(donnees))
    lignes = rapport.texte().splitlines()
    assert "Reconnu : Insee, population par âge par IRIS, colonnes P21_, 2021" in lignes
    assert "Regroupé : 3 IRIS additionnés en 3 communes ; arrondissements 75101, 75102 → 75056" in lignes
    assert ("Colonnes ignorées : IRIS (code IRIS : valeurs additionnées par commune (COM)) ; LIBCOM (pas "
            "d'indicateur au catalogue) ; P21_POP (pas d'indicateur au catalogue) ; P21_POP1824 (pas d'indicateur "
            "au catalogue)") in lignes


def test_taux_faibles_par_nature_sans_fausse_alerte_de_fractions(donnees, tmp_path):
    # garde à domicile, hors PSU : de 0 à 2 % dans les vrais fichiers data.caf.fr ; la colonne globale trahit un
    # fichier écrit en fractions
    f = tmp_path / "m.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\n"
                 "commune;44001;2023;taux_couverture;61,2\ncommune;44001;2023;taux_couverture_garde_domicile;0,8\n"
                 "commune;44001;2023;taux_couverture_hors_psu;1,2\n", encoding="utf-8")
    _, rapport = depot.verifier(f, donnees)
    assert not [a for a in rapport.avertissements if "fractions" in a]
    f.write_text("niveau;code;annee;indicateur;valeur\n"
                 "commune;44001;2023;taux_couverture;0,612\ncommune;44001;2023;taux_couverture_garde_domicile;0,008\n",
                 encoding="utf-8")
    _, rapport = depot.verifier(f, donnees)
    assert [a.split(" :")[0] for a in rapport.avertissements if "fractions" in a] == ["taux_couverture"]


def test_comptes_du_rapport_a_la_francaise():
    from portrait.imports.rapport import Rapport

    r = Rapport("f.csv", lignes_lues=13_000, lignes_gardees=104_000, valeurs_manquantes=2_500,
                valeurs_remplacees=12_000, valeurs_changees=3_500, par_indicateur={"allocataires": 13_000})
    assert r.texte().splitlines() == [
        "Fichier : f.csv", "Lignes lues : 13\u202f000 ; valeurs gardées : 104\u202f000 ; erreurs : 0",
        "Indicateurs : allocataires (13\u202f000 valeurs)",
        "Valeurs secrètes ou manquantes (gardées comme « n.d. ») : 2\u202f500",
        "Valeurs existantes remplacées : 12\u202f000, dont 3\u202f500 changent"]


def test_nombres_du_rapport_a_la_francaise():
    assert [nombre_fr(v) for v in (498070, 3685.7, 225.1, 0.1234, -2.0, None, 1.5e6)] == [
        "498\u202f070", "3\u202f685,7", "225,1", "0,123", "\u22122", "n.d.", "1\u202f500\u202f000"]
