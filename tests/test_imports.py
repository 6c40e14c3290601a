"""Import du fichier générique de mesures : formats tolérés, erreurs en français, tout ou rien, annulation."""

from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees.connexion import Chemins, connecter
from portrait.donnees.jeux import portrait_territoire
from portrait.donnees.requetes import Requetes
from portrait.imports import depot, registre
from portrait.imports.rapport import ErreurImport, normaliser_code


def ligne(racine, territoire="commune:16001"):
    """La ligne du territoire dans son portrait 2023, relu sur l'état courant des données."""
    return portrait_territoire(Requetes(connecter(racine)), territoire, 2023).iloc[0]


def test_fichier_latin1_point_virgule_virgule_decimale(donnees, tmp_path):
    texte = ("Niveau;Code;Année;Indicateur;Valeur\r\n"
             "commune;16001;2023;places_psu;1 234,5\r\n"
             "Commune;44003;2023;taux_couverture;91,2\r\n"
             "commune;44001;2023;naissances;s\r\n")
    f = tmp_path / "mesures.csv"
    f.write_bytes(texte.encode("latin-1"))
    entree, rapport = depot.importer(f, donnees)
    assert rapport.lignes_lues == 3 and rapport.lignes_gardees == 3 and not rapport.erreurs
    assert rapport.valeurs_manquantes == 1
    assert entree["actif"] and entree["fichier_source"] == "mesures.csv"
    assert ligne(donnees, "commune:44003")["taux_couverture"] == 91.2  # importée : l'emporte sur le calcul
    assert ligne(donnees)["places_psu"] == 1234.5
    assert pd.isna(ligne(donnees, "commune:44001")["naissances"])  # « s » (secret) reste manquant


def test_bom_virgule_et_entetes_accentues(donnees, tmp_path):
    f = tmp_path / "m.csv"
    f.write_bytes("\ufeffNIVEAU,code,Année,INDICATEUR,valeur\nepci,200000003,2023,taux_couverture,\"61,5\"\n"
                  .encode("utf-8"))
    _, rapport = depot.importer(f, donnees)
    assert rapport.lignes_gardees == 1
    assert ligne(donnees, "epci:200000003")["taux_couverture"] == 61.5


@pytest.mark.parametrize(
    ("ligne_fausse", "message"),
    [
        ("commune;99999;2023;naissances;5", "ligne 3 : code commune « 99999 » inconnu"),
        ("commune;16001;2023;naissance;5", "ligne 3 : indicateur « naissance » inconnu. Valeurs proches : naissances"),
        ("commune;16001;2023;naissances;1,2,3", "ligne 3 : valeur « 1,2,3 » illisible"),
        ("commune;16001;23;naissances;5", "ligne 3 : année « 23 » illisible"),
        ("canton;16001;2023;naissances;5", "ligne 3 : niveau « canton » inconnu"),
        ("commune;16001;2023;naissances;7", "ligne 3 : doublon de la ligne 2"),
        ("commune;16001;2023;evolution_enfants_0_2;7", "C'est une évolution, calculée par l'outil"),
    ],
)
def test_ligne_fausse_rien_ecrit(donnees, tmp_path, ligne_fausse, message):
    f = tmp_path / "faux.csv"
    entete = "niveau;code;annee;indicateur;valeur\ncommune;16001;2023;naissances;5\n"
    f.write_text(f"{entete}{ligne_fausse}\n", encoding="utf-8")
    avant = ligne(donnees)
    with pytest.raises(ErreurImport) as err:
        depot.importer(f, donnees)
    assert "faux.csv" in str(err.value) and message in str(err.value)
    assert "rien n'a été écrit" in str(err.value)
    assert not Chemins(donnees).lac.exists()
    pd.testing.assert_series_equal(ligne(donnees), avant)


def test_colonne_manquante(donnees, tmp_path):
    f = tmp_path / "sans_valeur.csv"
    f.write_text("niveau;code;annee;indicateur\ncommune;16001;2023;naissances\n", encoding="utf-8")
    with pytest.raises(ErreurImport, match="sans_valeur.csv : colonne\\(s\\) absente\\(s\\) : valeur"):
        depot.importer(f, donnees)


def test_zeros_retablis():
    assert normaliser_code("commune", "1001") == "01001"
    assert normaliser_code("departement", "1") == "01"
    assert normaliser_code("commune", "2a004") == "2A004"
    assert normaliser_code("france", "France") == "FR"


def test_ancien_code_reporte_sur_la_commune_actuelle(donnees, tmp_path):
    f = tmp_path / "anciens.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;44099;2023;naissances;4\n"
                 "commune;44002;2023;naissances;6\n", encoding="utf-8")
    _, rapport = depot.importer(f, donnees)
    assert rapport.avertissements == ["anciens.csv, ligne 2 : commune 44099 fusionnée depuis ; valeur reportée sur la "
                                      "commune actuelle 44002."]
    req = Requetes(connecter(donnees))
    df = req.executer("serie_indicateur", {"territoires": ["commune:44002"],
                                           "indicateur": "naissances", "annees": [2023], "recul": 5})
    assert list(df["valeur"]) == [10.0]  # 4 (ancienne commune) + 6 additionnés


def test_annulation_rend_les_valeurs_precedentes(donnees, tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ndepartement;16;2023;taux_couverture;70\n", encoding="utf-8")
    entree, rapport = depot.importer(f, donnees)
    assert rapport.valeurs_remplacees == 1
    assert ligne(donnees, "departement:16")["taux_couverture"] == 70
    registre.annuler(donnees, entree["id"])
    assert ligne(donnees, "departement:16")["taux_couverture"] == 55.5
    liste = registre.liste(donnees)
    assert list(liste["actif"]) == [False]
    with pytest.raises(ErreurImport, match="déjà annulé"):
        registre.annuler(donnees, entree["id"])
    with pytest.raises(ErreurImport, match="inconnu"):
        registre.annuler(donnees, "n-existe-pas")


def test_import_le_plus_recent_gagne(donnees, tmp_path):
    for valeur in (60, 65):
        f = tmp_path / f"m{valeur}.csv"
        f.write_text(f"niveau;code;annee;indicateur;valeur\nepci;200000003;2023;taux_couverture;{valeur}\n",
                     encoding="utf-8")
        depot.importer(f, donnees)
    assert ligne(donnees, "epci:200000003")["taux_couverture"] == 65


def test_xlsx(donnees, tmp_path):
    f = tmp_path / "mesures.xlsx"
    pd.DataFrame({"Niveau": ["commune"], "Code": [16001], "Année": [2023], "Indicateur": ["naissances"],
                  "Valeur": [12]}).to_excel(f, index=False)
    _, rapport = depot.importer(f, donnees)
    assert rapport.lignes_gardees == 1 and not rapport.avertissements
    assert ligne(donnees)["naissances"] == 12  # la valeur arrive jusqu'au portrait de Delta


def test_reimport_tel_quel_remplace_sans_rien_changer(donnees):
    """Le même fichier importé deux fois : la seconde fois, il remplace ses 12 valeurs sans en changer aucune ; le
    rapport et le journal le disent (avant : « 12 (par exemple … 31 → 31 ; 22 → 22 …) », lu comme 12 changements).
    Un fichier qui en change une seule ne cite qu'elle en exemple."""
    source = Path(__file__).parent / "sources" / "places_communes_snake_bom.csv"
    depot.importer(source, donnees)
    _, rapport = depot.importer(source, donnees)
    assert (rapport.valeurs_remplacees, rapport.valeurs_changees, rapport.exemples_remplaces) == (12, 0, [])
    assert "Valeurs existantes remplacées : 12, aucune ne change" in rapport.texte().splitlines()
    modifie = donnees.parent / "places_communes_snake_bom.csv"
    texte = source.read_text(encoding="utf-8-sig")
    modifie.write_text(texte.replace(",22.0,", ",23.0,", 1), encoding="utf-8-sig")
    _, rapport = depot.verifier(modifie, donnees)
    assert "Valeurs existantes remplacées : 12, dont 1 change (par exemple commune 44001, 2023, places_psu : 22 → 23)" \
        in rapport.texte().splitlines()
    journal = registre.historique(donnees)
    assert journal[["valeurs_remplacees", "valeurs_changees"]].values.tolist() == [[12, 0], [4, 4]]
