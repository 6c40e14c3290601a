"""Le fichier des allocataires de la Cnaf (par commune ou par IRIS) et la règle IRIS -> commune partagée avec la
population par âge de l'Insee (arrondissements de Paris, Lyon et Marseille ramenés à leur commune)."""

import re
from pathlib import Path

import pandas as pd
import pytest

from portrait.imports import depot
from portrait.imports.rapport import ErreurImport

SOURCES = Path(__file__).parent / "sources"


def valeurs(df):
    return {(r.niveau, r.code, r.annee, r.indicateur): r.valeur for r in df.itertuples()}


def avec_paris(donnees: Path) -> Path:
    """Le jeu minuscule et Paris (75056), pour les arrondissements municipaux."""
    ref = donnees / "reference"
    ajouts = {
        "communes": {"code": "75056", "nom": "Paris", "departement": "75", "region": "11", "epci": None,
                     "population": 2_100_000},
        "departements": {"code": "75", "nom": "Paris", "region": "11"},
        "regions": {"code": "11", "nom": "Île-de-France"},
    }
    for table, ligne in ajouts.items():
        df = pd.read_parquet(ref / f"{table}.parquet")
        pd.concat([df, pd.DataFrame([ligne])], ignore_index=True).to_parquet(ref / f"{table}.parquet", index=False)
    return donnees


def test_population_par_age_arrondissements_de_paris(donnees, tmp_path):
    f = tmp_path / "base-ic-evol-struct-pop-2021.csv"
    f.write_text("IRIS;COM;TYP_IRIS;P21_POP0002;P21_POP0305;P21_POP0610;P21_POP1117\n"
                 "751010101;75101;H;10;20;30;40\n751020201;75102;H;5;5;5;5\n440010000;44001;Z;60;80;100;120\n",
                 encoding="utf-8")
    df, rapport = depot.verifier(f, avec_paris(donnees))
    assert not rapport.erreurs
    v = valeurs(df)
    assert v[("commune", "75056", 2021, "enfants_0_2")] == 15
    assert v[("commune", "75056", 2021, "enfants_0_17")] == 120
    assert v[("commune", "44001", 2021, "enfants_0_2")] == 60


@pytest.mark.parametrize("code, commune", [
    ("751010101", "75056"), ("75120", "75056"), ("693810101", "69123"), ("69389", "69123"),
    ("132010101", "13055"), ("13216", "13055"), ("13217", "13217"),  # 13217 : une commune, pas un arrondissement
    ("2A0040101", "2A004"), ("2b033", "2B033"), ("440010000", "44001"), ("10010000", "01001"), ("1001", "01001"),
])
def test_iris_et_arrondissements_ramenes_a_la_commune(code, commune):
    from portrait.imports import iris
    assert iris.commune(code) == commune


def test_iris_secret_rend_la_commune_nd():
    from portrait.imports import iris
    sommes = iris.additionner([(2, "440010001", "a", 10.0), (3, "440010002", "a", None), (4, "440010003", "a", 5.0),
                               (5, "440020000", "a", 7.0)])
    assert sommes == {("44001", "a"): (2, None), ("44002", "a"): (5, 7.0)}


def test_allocataires_par_iris_additionnes_par_commune(donnees):
    df, rapport = depot.verifier(SOURCES / "data_CAF_2022_IRIS.csv", donnees)
    assert rapport.source == "Cnaf, fichier des allocataires (FILEAS / BCA)" and not rapport.erreurs
    assert rapport.annees == [2022] and rapport.lignes_lues == 7
    v = valeurs(df)
    alpha = {i: v[("commune", "44001", 2022, i)] for (_, c, _, i) in v if c == "44001"}
    assert alpha == {  # deux IRIS additionnés ; l'EPCI du fichier (249999999, inconnu) n'est pas lu
        "allocataires": 2000, "personnes_couvertes": 5000, "allocataires_monoparents": 240,
        "allocataires_couples_avec_enfants": 700, "allocataires_avec_enfants": 940, "enfants_couverts": 1800,
        "enfants_couverts_0_2": 150, "allocataires_aide_logement": 1000, "allocataires_aah": 65,
        "allocataires_prime_activite": 590, "allocataires_rsa": 200, "allocataires_dependants_50": 290}
    assert v[("commune", "44002", 2022, "allocataires")] == 600  # 44002 et l'ancienne commune 44099 additionnées
    assert v[("commune", "16001", 2022, "allocataires")] == 60  # une ligne par commune, CODGEO sur 5 caractères
    assert v[("commune", "44003", 2022, "allocataires")] == 1300


def test_un_iris_secret_rend_la_commune_nd(donnees):
    df, _ = depot.verifier(SOURCES / "data_CAF_2022_IRIS.csv", donnees)
    v = valeurs(df)
    assert pd.isna(v[("commune", "44003", 2022, "allocataires_rsa")])  # un IRIS sur deux secret : pas 25
    # l'ancienne commune 44099 secrète : Bêta n.d., pas les seuls 10 de 44002
    assert pd.isna(v[("commune", "44002", 2022, "allocataires_aah")])
    assert v[("commune", "44002", 2022, "allocataires_monoparents")] == 60


def test_allocataires_sans_libelles_ni_apres_annee_donnee(donnees):
    with pytest.raises(ErreurImport, match="python -m portrait import auto FICHIER --annee"):
        depot.verifier(SOURCES / "allocataires_communes.csv", donnees)
    df, rapport = depot.verifier(SOURCES / "allocataires_communes.csv", donnees, annee=2020)
    assert not rapport.erreurs and rapport.annees == [2020]
    v = valeurs(df)
    assert v[("commune", "44001", 2020, "allocataires")] == 2000
    assert pd.isna(v[("commune", "44003", 2020, "allocataires_rsa")])  # cellule vide, dernière du fichier
    assert not any(i == "allocataires_dependants_50" for *_, i in v)  # APRES50 absente : rien d'inventé


def test_allocataires_avec_uu_sans_apres(donnees):
    df, rapport = depot.verifier(SOURCES / "data_CAF_2021_UU.csv", donnees)
    assert not rapport.erreurs and rapport.annees == [2021]
    v = valeurs(df)
    assert v[("commune", "44001", 2021, "allocataires_rsa")] == 200
    assert v[("commune", "44002", 2021, "allocataires")] == 500
    assert ("commune", "44001", 2021, "allocataires_dependants_50") not in v


def test_annee_donnee_l_emporte_sur_le_nom(donnees):
    _, rapport = depot.verifier(SOURCES / "data_CAF_2022_IRIS.csv", donnees, annee=2021)
    assert rapport.annees == [2021]


@pytest.mark.parametrize("lignes, message", [
    (["440010101;10;20", "440010101;1;2"], "le code 440010101 figure deux fois \\(lignes 2 et 3\\)"),
    (["44001;10;20", "440010101;1;2"], "44001 : commune donnée à la fois en entier et par ses IRIS"),
    (["440010101;dix;20"], "ligne 2 : valeur « dix » illisible"),
])
def test_allocataires_refus(donnees, tmp_path, lignes, message):
    f = tmp_path / "data_CAF_2022.csv"
    f.write_text("\n".join(["CODGEO;A;PERCOU", *lignes]), encoding="utf-8")
    try:
        _, rapport = depot.verifier(f, donnees)
    except ErreurImport as e:
        texte = str(e)
    else:
        assert depot.bloque(None, rapport)
        texte = rapport.texte()
    assert re.search(message, texte), texte


def test_allocataires_arrondissements_de_lyon(donnees, tmp_path):
    ref = donnees / "reference"
    communes = pd.read_parquet(ref / "communes.parquet")
    lyon = {"code": "69123", "nom": "Lyon", "departement": "44", "region": "52", "epci": None, "population": 1}
    pd.concat([communes, pd.DataFrame([lyon])]).to_parquet(ref / "communes.parquet", index=False)
    f = tmp_path / "data_CAF_2022_IRIS.csv"
    f.write_text("CODGEO;A;PERCOU\n693810101;10;20\n693810102;5;10\n69389;1;2\n", encoding="utf-8")
    df, rapport = depot.verifier(f, donnees)
    assert not rapport.erreurs
    assert valeurs(df)[("commune", "69123", 2022, "allocataires")] == 16


def test_import_puis_detail_sous_familles_allocataires_puis_annulation(donnees, ouvrir):
    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes
    from portrait.imports import registre
    from portrait.regles import catalogue
    from portrait.vues import detail

    avant = detail.detail(Requetes(connecter(donnees)), "commune:44001", 2023, "monoparents", "Part")
    assert avant.tableau.valeurs["part monoparents"].isna().all() and not avant.demo  # rien d'inventé
    assert avant.resume[0].startswith("Part des monoparents parmi les allocataires avec enfants : aucune valeur en "
                                      "2023 pour ces territoires (source : Cnaf, fichier des allocataires")
    entree, _ = depot.importer(SOURCES / "data_CAF_2022_IRIS.csv", donnees)
    vue = detail.detail(Requetes(connecter(donnees)), "commune:44001", 2022, "monoparents", "Part")
    t = vue.tableau.valeurs
    assert list(t["Territoire"]) == ["Alpha", "Bêta", "Loire-Atlantique", "CC Test Un"]
    # somme des numérateurs sur somme des dénominateurs : AM / (AM + ACAVENF)
    assert list(t["part monoparents"]) == pytest.approx([100 * 240 / 940, 100 * 60 / 300, 100 * 460 / 1850,
                                                         100 * 300 / 1240])
    assert vue.tableau.note == "Sources : Cnaf, fichier des allocataires (FILEAS / BCA). Année 2022."
    assert not vue.demo
    assert catalogue.libelle_theme("monoparents") == "Familles allocataires · monoparents"

    app = ouvrir("pages/detail.py", "commune:44001", annee="2022", theme="monoparents", mode="Nombre")
    assert "Familles allocataires · monoparents" in app.selectbox(key="theme").options
    assert list(app.dataframe[0].value["monoparents"]) == [240, 60, 460, 300]
    assert app.radio(key="mode").options == ["Nombre", "Part"]

    registre.annuler(donnees, entree["id"])
    apres = detail.detail(Requetes(connecter(donnees)), "commune:44001", 2022, "monoparents", "Nombre")
    assert apres.tableau.valeurs["monoparents"].isna().all()


def test_fichier_iris_de_la_taille_de_la_france(tmp_path):
    """Le fichier du banc (13 000 IRIS, Paris, Lyon et Marseille par arrondissement) sur la géographie livrée :
    aucune erreur, chaque grande ville égale à la somme de ses IRIS (le temps est mesuré par python -m bench)."""
    from bench import allocataires as banc
    from tests.conftest import RACINE

    communes = pd.read_parquet(RACINE / "data" / "reference" / "communes.parquet")
    f = banc.fichier_iris(tmp_path / "data_CAF_2022_IRIS.csv", communes)
    df, rapport = depot.verifier(f, RACINE / "data")
    assert not rapport.erreurs and rapport.lignes_lues == banc.LIGNES
    brut = pd.read_csv(f, sep=";", dtype=str)
    v = valeurs(df)
    for ville, prefixe in (("75056", "751"), ("69123", "6938"), ("13055", "132")):
        for indicateur, colonne in (("allocataires", "A"), ("personnes_couvertes", "PERCOU"),
                                    ("allocataires_rsa", "ARSAS")):
            cellules = brut.loc[brut["CODGEO"].str.startswith(prefixe), colonne]
            attendu = None if cellules.isna().any() else sum(int(x.replace(" ", "")) for x in cellules)
            lu = v[("commune", ville, 2022, indicateur)]
            assert (attendu is None and pd.isna(lu)) or lu == attendu, (ville, indicateur)
            assert attendu is not None or indicateur == "allocataires_rsa"  # A et PERCOU jamais secrets ici


def test_commune_secrete_rend_ses_territoires_nd(donnees):
    """Gamma n'a pas d'allocataires du RSA (un IRIS secret) : CA Test Deux et la Loire-Atlantique non plus, plutôt
    qu'une somme partielle lue comme leur total ; CC Test Un (Alpha et Bêta, sans secret) garde le sien."""
    from portrait.donnees.connexion import connecter
    from portrait.donnees.jeux import portrait_territoire
    from portrait.donnees.requetes import Requetes

    depot.importer(SOURCES / "data_CAF_2022_IRIS.csv", donnees)
    req = Requetes(connecter(donnees))
    un = portrait_territoire(req, "epci:200000001", 2022).set_index("code")
    assert un.loc["200000001", "allocataires_rsa"] == 200 + 36
    assert un.loc["200000001", "part_allocataires_rsa"] == pytest.approx(100 * 236 / 2600)
    assert un.loc["44", "allocataires"] == 2000 + 600 + 1300
    assert pd.isna(un.loc["44", "allocataires_rsa"]) and pd.isna(un.loc["44", "part_allocataires_rsa"])
    deux = portrait_territoire(req, "epci:200000002", 2022).set_index("code")
    assert pd.isna(deux.loc["200000002", "allocataires_rsa"])


def test_ligne_de_commande_annee_donnee_ou_refus(donnees):
    from portrait.donnees.connexion import Chemins
    from tests.test_cli import lancer

    fichier = str(SOURCES / "allocataires_communes.csv")
    code, _, erreur = lancer("import", "auto", fichier, "--data-dir", str(donnees))
    assert code == 1 and not Chemins(donnees).lac.exists()
    assert erreur.strip() == (
        "allocataires_communes.csv : le fichier des allocataires n'a pas de colonne d'année, et son nom n'en porte "
        "pas ; précisez-la (champ « Année des données » de la page Données, ou python -m portrait import auto "
        "FICHIER --annee 2020), ou renommez le fichier avec son année (data_CAF_2020_IRIS.csv). Rien n'a été écrit.")
    code, sortie, _ = lancer("import", "auto", fichier, "--annee", "2020", "--data-dir", str(donnees))
    assert code == 0
    assert sortie.splitlines()[:3] == [
        "Fichier : allocataires_communes.csv (Cnaf, fichier des allocataires (FILEAS / BCA))",
        "Lignes lues : 2 ; valeurs gardées : 22 ; erreurs : 0", "Années : 2020"]


@pytest.mark.parametrize("espace, encodage", [("\u00a0", "latin-1"), ("\u202f", "utf-8-sig"),
                                              ("\u00a0", "utf-16")])
def test_octets_comme_ils_viennent(donnees, espace, encodage):
    """Latin-1, UTF-8 avec BOM ou UTF-16, espaces insécables (U+00A0, U+202F) en séparateur de milliers, virgule
    décimale, LF, sans fin de ligne finale : les mêmes valeurs que le fichier UTF-8 en CRLF."""
    texte = (SOURCES / "data_CAF_2022_IRIS.csv").read_text(encoding="utf-8").replace("\r\n", "\n").rstrip("\n")
    texte = texte.replace("1 200;", f"1{espace}200,0;").replace("2 950;", f"2{espace}950;")
    df, rapport = depot.verifier("data_CAF_2022_IRIS.csv", donnees, octets=texte.encode(encodage))
    attendu, _ = depot.verifier(SOURCES / "data_CAF_2022_IRIS.csv", donnees)
    assert not rapport.erreurs
    assert valeurs(df) == pytest.approx(valeurs(attendu), nan_ok=True)


@pytest.mark.parametrize("cellule, motif", [("-3", "allocataires négatif"),
                                            ("12,5", "allocataires non entier (un compte dénombré)")])
def test_comptes_hors_plage_refuses(donnees, tmp_path, cellule, motif):
    f = tmp_path / "data_CAF_2022.csv"
    f.write_text(f"CODGEO;A;PERCOU\n16001;{cellule};20\n", encoding="utf-8")
    _, rapport = depot.verifier(f, donnees)
    assert list(rapport.refus) == [motif] and depot.bloque(None, rapport)


def test_detail_sans_fichier_des_allocataires(ouvrir):
    """Avant tout import : le thème s'ouvre, ses valeurs sont n.d. et une phrase dit quelle source manque."""
    from portrait.vues import commun

    app = ouvrir("pages/detail.py", "epci:200000001", theme="allocataires RSA", mode="Part")
    assert app.dataframe[0].value["part allocataires RSA"].isna().all()
    texte = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in app.markdown))  # le Markdown échappé, relu en texte
    assert "aucune valeur en 2023 pour ces territoires (source : Cnaf, fichier des allocataires (FILEAS / BCA))" \
        in texte
    assert not [w for w in app.warning if w.value == commun.BANDEAU_DEMO]  # pas de bandeau : rien de démonstration


def test_total_nd_quand_des_communes_manquent_au_fichier(donnees):
    """Un fichier des allocataires qui ne couvre qu'Alpha et Gamma (aucune valeur de démonstration) : le Détail ne
    donne ni à CC Test Un (Bêta absente), ni à la Loire-Atlantique, ni à la France une somme partielle lue comme leur
    total (avant : 2 000, 3 300, 3 300), ni à leurs parts un rapport de sommes partielles ; une valeur donnée au
    niveau même d'un territoire (CA Test Deux) l'emporte sur le total, comme avant."""
    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes
    from portrait.vues import detail
    from tests.conftest import lignes as lignes_conftest

    mesures = pd.read_parquet(donnees / "demo" / "mesures.parquet")
    publiee = pd.DataFrame([("epci", "200000002", 2020, "allocataires", 1450.0, "caf")], columns=mesures.columns)
    publiee["annee"] = publiee["annee"].astype(mesures["annee"].dtype)
    pd.concat([mesures, publiee]).to_parquet(donnees / "demo" / "mesures.parquet", index=False)
    depot.importer(SOURCES / "allocataires_communes.csv", donnees, annee=2020)
    req = Requetes(connecter(donnees))
    vue = detail.detail(req, "commune:44001", 2020, "allocataires", "Nombre")
    assert lignes_conftest(vue.tableau.valeurs, ["Territoire", "allocataires"]) == [
        ("Alpha", 2000.0), ("Bêta", None), ("Loire-Atlantique", None), ("CC Test Un", None)]
    df = req.executer("valeurs_territoires", {
        "territoires": ["epci:200000001", "epci:200000002", "region:52", "france"],
        "indicateurs": ["allocataires", "personnes_couvertes", "part_allocataires_rsa"], "annee": 2020, "recul": 5})
    assert lignes_conftest(df, ["territoire", "indicateur", "valeur"]) == [
        ("epci:200000001", "allocataires", None), ("epci:200000001", "part_allocataires_rsa", None),
        ("epci:200000001", "personnes_couvertes", None),
        ("epci:200000002", "allocataires", 1450.0), ("epci:200000002", "part_allocataires_rsa", None),
        ("epci:200000002", "personnes_couvertes", None),
        ("france", "allocataires", None), ("france", "part_allocataires_rsa", None),
        ("france", "personnes_couvertes", None),
        ("region:52", "allocataires", None), ("region:52", "part_allocataires_rsa", None),
        ("region:52", "personnes_couvertes", None)]
