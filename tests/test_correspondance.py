"""Un fichier qu'aucune source ne reconnaît : la correspondance de ses colonnes dite par l'analyste, ses profils, la
ligne de commande (--colonnes, --profil, --enregistrer-profil)."""

import re
from pathlib import Path

import pandas as pd
import pytest

from portrait.donnees import jeux
from portrait.donnees.connexion import Chemins, connecter
from portrait.donnees.requetes import Requetes
from portrait.imports import correspondance, depot, registre
from portrait.imports.correspondance import Correspondance
from portrait.imports.rapport import ErreurImport
from tests.conftest import lignes
from tests.test_cli import lancer

# un tableau maison : aucune source ne reconnaît ces en-têtes
MAISON = ("Code_Commune;Libellé;Millésime;Couv. totale;Places crèches;Remarque\n"
          "44001;Alpha;2023;76,9;25;ras\n"
          "44003;Gamma;2023;91,5;s;\n"
          "16001;Delta;2023;55;4;à revoir\n")
# le même tableau l'année suivante, en-têtes écrits autrement (casse, accents, espaces) : mêmes en-têtes pliés
MAISON_2024 = ("CODE COMMUNE;libelle;MILLESIME;couv totale;Places Creches;remarque\n"
               "44001;Alpha;2024;80;30;\n"
               "44002;Bêta;2024;62,5;12;\n")
CORRESPONDANCE = Correspondance("commune", "Code_Commune", "Millésime",
                                (("Couv. totale", "taux_couverture"), ("Places crèches", "places_psu")))
COLONNES = "code=Code_Commune,niveau=commune,annee=Millésime,taux_couverture=Couv. totale,places_psu=Places crèches"
ATTENDU_2023 = [("commune", "44001", 2023, "taux_couverture", 76.9), ("commune", "44001", 2023, "places_psu", 25.0),
                ("commune", "44003", 2023, "taux_couverture", 91.5), ("commune", "44003", 2023, "places_psu", None),
                ("commune", "16001", 2023, "taux_couverture", 55.0), ("commune", "16001", 2023, "places_psu", 4.0)]
ATTENDU_2024 = [("commune", "44001", 2024, "taux_couverture", 80.0), ("commune", "44001", 2024, "places_psu", 30.0),
                ("commune", "44002", 2024, "taux_couverture", 62.5), ("commune", "44002", 2024, "places_psu", 12.0)]
MESURES = ["niveau", "code", "annee", "indicateur", "valeur"]


def ecrire(dossier: Path, nom: str, texte: str) -> Path:
    f = dossier / nom
    f.write_text(texte, encoding="utf-8")
    return f


def valeur(donnees: Path, code: str, annee: int, indicateur: str):
    """Une valeur de la commune relue par le portrait (jeux.portrait_territoire), sur l'état courant des données."""
    return jeux.portrait_territoire(Requetes(connecter(donnees)), f"commune:{code}", annee).iloc[0][indicateur]


def test_sans_correspondance_le_fichier_n_est_pas_reconnu(donnees, tmp_path):
    with pytest.raises(ErreurImport, match="maison.csv : source non reconnue"):
        depot.verifier(ecrire(tmp_path, "maison.csv", MAISON), donnees)


def test_correspondance_donne_les_valeurs_exactes(donnees, tmp_path):
    df, rapport = depot.verifier(ecrire(tmp_path, "maison.csv", MAISON), donnees, correspondance=CORRESPONDANCE)
    assert lignes(df, MESURES) == ATTENDU_2023
    assert rapport.texte().splitlines()[:6] == [
        "Fichier : maison.csv (correspondance de colonnes)",
        "Lignes lues : 3 ; valeurs gardées : 6 ; erreurs : 0", "Années : 2023", "Niveaux : commune",
        "Indicateurs : places_psu (3 valeurs), taux_couverture (3 valeurs)",
        "Valeurs secrètes ou manquantes (gardées comme « n.d. ») : 1"]
    assert not Chemins(donnees).lac.exists()  # rien d'écrit par la vérification


def test_une_annee_pour_tout_le_fichier_et_le_niveau_france(donnees, tmp_path):
    f = ecrire(tmp_path, "f.csv", "zone;couv\nFrance;60,2\n")
    df, _ = depot.verifier(f, donnees, correspondance=Correspondance("france", None, 2022,
                                                                      (("couv", "taux_couverture"),)))
    assert lignes(df, MESURES) == [("france", "FR", 2022, "taux_couverture", 60.2)]


def test_les_erreurs_du_fichier_passent_par_le_rapport_habituel(donnees, tmp_path):
    f = ecrire(tmp_path, "m.csv", MAISON.replace("16001;Delta", "99999;Inconnue"))
    _, rapport = depot.verifier(f, donnees, correspondance=CORRESPONDANCE)
    assert rapport.erreurs == ["m.csv, ligne 4 : code commune « 99999 » inconnu de la géographie 2026."] * 2
    assert depot.bloque(None, rapport)


def test_colonnes_de_la_page(tmp_path):
    tableau = depot.lire_tableau(ecrire(tmp_path, "maison.csv", MAISON))
    assert [(c.brut, c.entete, c.exemples, c.numerique) for c in correspondance.colonnes(tableau)] == [
        ("Code_Commune", "code_commune", ("44001", "44003", "16001"), True),
        ("Libellé", "libelle", ("Alpha", "Gamma", "Delta"), False),
        ("Millésime", "millesime", ("2023",), True),
        ("Couv. totale", "couv_totale", ("76,9", "91,5", "55"), True),
        ("Places crèches", "places_creches", ("25", "s", "4"), True),
        ("Remarque", "remarque", ("ras", "à revoir"), False)]


def test_profil_enregistre_puis_applique_aux_memes_entetes(donnees, tmp_path):
    p = correspondance.enregistrer_profil(donnees, "Tableau maison", CORRESPONDANCE,
                                          depot.lire_tableau(ecrire(tmp_path, "maison.csv", MAISON)).entetes)
    assert p.nom == "Tableau maison" and p.correspondance.profil == "Tableau maison"
    assert list(registre.profils(donnees)) == ["tableau_maison"]  # dans le magasin
    second = ecrire(tmp_path, "maison_2024.csv", MAISON_2024)
    assert [q.nom for q in correspondance.profils_pour(donnees, depot.lire_tableau(second).entetes)] == [
        "Tableau maison"]
    entree, rapport = depot.importer(second, donnees)  # import « auto » : le profil s'applique de lui-même
    assert rapport.source == "correspondance de colonnes, profil « Tableau maison »"
    assert entree["type"] == rapport.source
    assert valeur(donnees, "44002", 2024, "taux_couverture") == 62.5
    assert valeur(donnees, "44001", 2024, "places_psu") == 30.0
    # d'autres en-têtes : le profil n'est pas proposé
    autre = ecrire(tmp_path, "autre.csv", MAISON_2024.replace("remarque", "observation"))
    assert correspondance.profils_pour(donnees, depot.lire_tableau(autre).entetes) == []
    with pytest.raises(ErreurImport, match="source non reconnue"):
        depot.verifier(autre, donnees)


def test_nom_de_profil_plie_jamais_un_chemin(donnees):
    p = correspondance.enregistrer_profil(donnees, "../../[lien](http://x) **gras**", CORRESPONDANCE, ["a"])
    assert list(registre.profils(donnees)) == ["lien_http_x_gras"]
    assert p.nom == "../../[lien](http://x) **gras**"  # le nom tel qu'écrit, montré littéralement
    with pytest.raises(ErreurImport, match="Nom de profil « ... » inutilisable"):
        correspondance.enregistrer_profil(donnees, "...", CORRESPONDANCE, ["a"])


def test_profil_abime_est_passe(donnees):
    # un profil abîmé (repris d'un ancien fichier modifié à la main) est passé, et nommé s'il est demandé
    correspondance.enregistrer_profil(donnees, "bon", CORRESPONDANCE, ["a"])
    registre.enregistrer_profil(donnees, "abime", {"nom": "abime"})
    registre.enregistrer_profil(donnees, "faux", {"nom": "faux", "entetes": ["a"], "niveau": "canton", "code": "c",
                                                  "annee": 2023, "indicateurs": []})
    assert [p.nom for p in correspondance.profils(donnees)] == ["bon"]
    with pytest.raises(ErreurImport, match=r"Profil abime : profil illisible"):
        correspondance.profil(donnees, "abime")
    with pytest.raises(ErreurImport, match=r"Profil faux : Niveau « canton » inconnu"):
        correspondance.profil(donnees, "faux")


def test_lire_texte_des_colonnes():
    assert correspondance.lire_texte("code=NUMCOM,niveau=commune,annee=2021,taux_couverture=tauxcouv_com") == \
        Correspondance("commune", "NUMCOM", 2021, (("tauxcouv_com", "taux_couverture"),))
    assert CORRESPONDANCE.texte() == COLONNES
    assert correspondance.lire_texte(CORRESPONDANCE.texte()) == CORRESPONDANCE


@pytest.mark.parametrize("texte, message", [
    ("niveau=commune,annee=2021,taux_couverture=tx",
     "Dites quelle colonne porte le code du territoire : code=NOM_DE_LA_COLONNE."),
    ("code=c,niveau=commune,annee=2021,taux_couvertur=tx",
     "--colonnes : « taux_couvertur » n'est ni code, niveau, annee, ni un indicateur du catalogue. Valeurs proches : "
     "taux_couverture, taux_couverture_am, taux_couverture_psu. Écrivez --colonnes "
     "code=COLONNE,niveau=commune,annee=2021,INDICATEUR=COLONNE."),
    ("code=c,niveau=canton,annee=2021,taux_couverture=tx",
     "Niveau « canton » inconnu : dites le niveau des codes du territoire, niveau=commune (ou epci, departement, "
     "region, france)."),
    ("code=c,niveau=commune,taux_couverture=tx",
     "Dites où est l'année : annee=NOM_DE_LA_COLONNE, ou annee=2021 pour tout le fichier."),
    ("code=c,niveau=commune,annee=2021",
     "Dites quel indicateur porte au moins une colonne : INDICATEUR=NOM_DE_LA_COLONNE (par exemple "
     "taux_couverture=tauxcouv_com)."),
    ("code,niveau=commune", "--colonnes : « code » n'est pas de la forme clé=valeur ; écrivez par exemple "
     "--colonnes code=COLONNE,niveau=commune,annee=2021,INDICATEUR=COLONNE."),
    ("code=c,annee=2021,taux_couverture=tx",
     "Dites le niveau des codes du territoire, niveau=commune (ou epci, departement, region, france)."),
])
def test_lire_texte_refuse_avec_la_correction(texte, message):
    with pytest.raises(ErreurImport) as e:
        correspondance.lire_texte(texte)
    assert str(e.value) == message


# Ligne de commande


def test_cli_colonnes_importe_les_valeurs(donnees, tmp_path):
    f = ecrire(tmp_path, "maison.csv", MAISON)
    code, sortie, erreur = lancer("import", "auto", str(f), "--colonnes", COLONNES, "--data-dir", str(donnees))
    assert (code, erreur) == (0, "")
    assert sortie.splitlines()[:2] == ["Fichier : maison.csv (correspondance de colonnes)",
                                       "Lignes lues : 3 ; valeurs gardées : 6 ; erreurs : 0"]
    assert valeur(donnees, "44001", 2023, "taux_couverture") == 76.9
    assert valeur(donnees, "16001", 2023, "places_psu") == 4.0


def test_cli_colonnes_annee_fixe_verifier_n_ecrit_rien(donnees, tmp_path):
    f = ecrire(tmp_path, "tx.csv", "NUMCOM;tauxcouv_com\n44001;70\n")
    code, sortie, _ = lancer("import", "auto", str(f), "--verifier", "--data-dir", str(donnees), "--colonnes",
                             "code=NUMCOM,niveau=commune,annee=2021,taux_couverture=tauxcouv_com")
    assert code == 0
    assert sortie.splitlines()[:3] == ["Fichier : tx.csv (correspondance de colonnes)",
                                       "Lignes lues : 1 ; valeurs gardées : 1 ; erreurs : 0", "Années : 2021"]
    assert not Chemins(donnees).lac.exists()


@pytest.mark.parametrize("colonnes, code_retour, message", [
    ("code=NUMERO,niveau=commune,annee=Millésime,taux_couverture=Couv. totale", 1,
     "maison.csv : colonne « NUMERO » (code du territoire) absente du fichier. Colonnes lues : Code_Commune, Libellé, "
     "Millésime, Couv. totale, Places crèches, Remarque.\n"),
    ("code=Code_Commune,niveau=commune,annee=Millésime,couverture=Couv. totale", 2,
     "--colonnes : « couverture » n'est ni code, niveau, annee, ni un indicateur du catalogue. Valeurs proches : "
     "taux_couverture, taux_couverture_am, taux_couverture_psu. Écrivez --colonnes "
     "code=COLONNE,niveau=commune,annee=2021,INDICATEUR=COLONNE.\n"),
    ("niveau=commune,annee=2023,taux_couverture=Couv. totale", 2,
     "Dites quelle colonne porte le code du territoire : code=NOM_DE_LA_COLONNE.\n"),
])
def test_cli_mauvaise_correspondance_une_phrase(donnees, tmp_path, colonnes, code_retour, message):
    f = ecrire(tmp_path, "maison.csv", MAISON)
    code, sortie, erreur = lancer("import", "auto", str(f), "--colonnes", colonnes, "--data-dir", str(donnees))
    assert (code, sortie, erreur) == (code_retour, "", message)
    assert not Chemins(donnees).lac.exists()


def test_cli_enregistrer_profil_puis_profil(donnees, tmp_path):
    f = ecrire(tmp_path, "maison.csv", MAISON)
    code, sortie, _ = lancer("import", "auto", str(f), "--verifier", "--colonnes", COLONNES,
                             "--enregistrer-profil", "Tableau maison", "--data-dir", str(donnees))
    assert code == 0
    assert sortie.splitlines()[-1] == ("Profil « Tableau maison » enregistré : il s'applique de lui-même aux fichiers "
                                       "aux mêmes en-têtes (ou --profil « Tableau maison »).")
    second = ecrire(tmp_path, "maison_2024.csv", MAISON_2024)
    code, sortie, _ = lancer("import", "auto", str(second), "--profil", "tableau MAISON", "--data-dir", str(donnees))
    assert code == 0
    assert sortie.splitlines()[:2] == ["Fichier : maison_2024.csv (correspondance de colonnes, profil « Tableau "
                                       "maison »)", "Lignes lues : 2 ; valeurs gardées : 4 ; erreurs : 0"]
    assert valeur(donnees, "44002", 2024, "taux_couverture") == 62.5
    code, _, erreur = lancer("import", "auto", str(second), "--profil", "autre", "--data-dir", str(donnees))
    assert (code, erreur) == (2, "Profil « autre » introuvable ; profils enregistrés : « Tableau maison ». "
                                 "Enregistrez-le avec --colonnes … --enregistrer-profil NOM, ou depuis la page "
                                 "Données.\n")


def test_cli_auto_applique_le_profil_des_memes_entetes(donnees, tmp_path):
    correspondance.enregistrer_profil(donnees, "Tableau maison", CORRESPONDANCE,
                                      depot.lire_tableau(ecrire(tmp_path, "maison.csv", MAISON)).entetes)
    code, sortie, _ = lancer("import", "auto", str(ecrire(tmp_path, "m24.csv", MAISON_2024)), "--data-dir",
                             str(donnees))
    assert code == 0
    assert sortie.splitlines()[0] == "Fichier : m24.csv (correspondance de colonnes, profil « Tableau maison »)"


# Page Données (AppTest)


def cle(choix: str, profil: str = "nouveau") -> str:
    """La clé d'un choix de la correspondance pour les en-têtes de MAISON (mêmes en-têtes pliés que MAISON_2024)."""
    from portrait.vues.donnees import apercu

    return f"corresp_{choix}_{profil}_{apercu('maison.csv', MAISON.encode()).empreinte}"


def test_page_dire_les_colonnes_importer_puis_profil(donnees, monkeypatch):
    from tests.conftest import ouvrir_page

    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    app.file_uploader(key="fichier").upload("maison.csv", MAISON.encode(), "text/csv").run()
    # le message d'origine (le Markdown échappé, tel qu'affiché), puis les colonnes et leurs exemples
    assert re.sub(r"\\(.)", r"\1", app.warning[0].value).startswith("maison.csv : source non reconnue.")
    assert lignes(app.dataframe[0].value, ["Colonne", "Exemples"]) == [
        ("Code_Commune", "44001 ; 44003 ; 16001"), ("Libellé", "Alpha ; Gamma ; Delta"), ("Millésime", "2023"),
        ("Couv. totale", "76,9 ; 91,5 ; 55"), ("Places crèches", "25 ; s ; 4"), ("Remarque", "ras ; à revoir")]
    # proposés d'office d'après les noms et les exemples : le code (communes), l'année
    assert [app.selectbox(key=cle(k)).value for k in ("code", "niveau", "annee_colonne")] == [
        "code_commune", "commune", "millesime"]
    assert [i.value for i in app.info][0] == "Choisissez l'indicateur d'au moins une colonne : le rapport de " \
        "validation suit."
    assert not app.code and not app.button  # ni rapport ni bouton tant que la correspondance n'est pas dite
    # une liste par colonne de nombres, sauf le code et l'année ; « ignorer » d'office
    assert [s.label for s in app.selectbox if s.key.startswith("corresp_ind_")] == [
        "Indicateur de la colonne « Couv. totale »", "Indicateur de la colonne « Places crèches »"]
    assert app.selectbox(key=cle("ind_couv_totale")).value is None
    assert "Taux de couverture petite enfance (%) · taux_couverture" in \
        app.selectbox(key=cle("ind_couv_totale")).options
    app.selectbox(key=cle("ind_couv_totale")).set_value("taux_couverture").run()
    app.selectbox(key=cle("ind_places_creches")).set_value("places_psu").run()
    assert app.code[0].value.splitlines()[:2] == ["Fichier : maison.csv (correspondance de colonnes)",
                                                  "Lignes lues : 3 ; valeurs gardées : 6 ; erreurs : 0"]
    assert app.code[1].value == ('python -m portrait import auto FICHIER --colonnes "code=Code_Commune,niveau=commune,'
                                 'annee=Millésime,taux_couverture=Couv. totale,places_psu=Places crèches"')
    assert valeur(donnees, "44001", 2023, "taux_couverture") != 76.9  # rien d'écrit avant la confirmation
    app.button(key="confirmer").click().run()
    assert app.success[0].value.startswith("Import ")
    assert valeur(donnees, "44001", 2023, "taux_couverture") == 76.9
    assert valeur(donnees, "44003", 2023, "places_psu") is None or pd.isna(valeur(donnees, "44003", 2023,
                                                                                    "places_psu"))
    app.text_input(key="profil_nom").input("Tableau *maison*").run()
    app.button(key="enregistrer_profil").click().run()
    assert [s.value for s in app.success] == ["Profil « Tableau \\*maison\\* » enregistré : il sera proposé pour les "
                                              "fichiers aux mêmes en-têtes."]
    assert [p.nom for p in correspondance.profils(donnees)] == ["Tableau *maison*"]

    # le fichier suivant, mêmes en-têtes écrits autrement : le profil est proposé et appliqué, choix préremplis
    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    app.file_uploader(key="fichier").upload("maison_2024.csv", MAISON_2024.encode(), "text/csv").run()
    assert not app.warning
    assert app.selectbox(key="profil_choisi").value == 0
    assert app.selectbox(key=cle("code", "tableau_maison")).value == "code_commune"
    assert app.selectbox(key=cle("ind_places_creches", "tableau_maison")).value == "places_psu"
    assert app.code[0].value.splitlines()[:2] == [
        "Fichier : maison_2024.csv (correspondance de colonnes, profil « Tableau *maison* »)",
        "Lignes lues : 2 ; valeurs gardées : 4 ; erreurs : 0"]
    app.button(key="confirmer").click().run()
    assert valeur(donnees, "44002", 2024, "taux_couverture") == 62.5


def test_page_un_fichier_reconnu_ne_demande_rien(donnees, monkeypatch):
    from tests.conftest import ouvrir_page

    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    app.file_uploader(key="fichier").upload("m.csv", b"niveau;code;annee;indicateur;valeur\n"
                                            b"commune;16001;2023;naissances;3\n", "text/csv").run()
    assert not [s for s in app.selectbox if s.key.startswith("corresp_")] and not app.warning
    assert [b.label for b in app.button] == ["Importer 1 valeur"]


@pytest.mark.parametrize("brut, sur", [
    ("Couv. totale", True), ("taux_de_couv_eaje", True), ("Nb d'AM 60 ans+ (%)", True), ("Taux %", True),
    ("[lien](http://x)", False), ("_ital_", False), (":red[rouge]", False), ("a*b*", False), ("$x$", False)])
def test_libelle_de_colonne_tel_qu_ecrit_markdown_neutralise(brut, sur):
    # le nom tel qu'écrit dans le libellé, toujours (avant : plié, « nb_d_am_60_ans »…, à côté d'autres tels
    # qu'écrits) ; l'aria-label d'un choix est son libellé brut (« Couv\\. totale » se lisait avec sa barre
    # oblique) : un nom que Streamlit lirait comme du Markdown est affiché au-dessus, échappé, le choix le garde brut
    from portrait.vues.donnees import libelle_colonne, libelle_sur

    assert libelle_colonne(brut) == f"Indicateur de la colonne « {brut} »"
    assert libelle_sur(libelle_colonne(brut)) is sur


def test_page_libelles_des_colonnes_tels_qu_ecrits(donnees, monkeypatch):
    from tests.conftest import ouvrir_page

    texte = "Code commune;Année;Nb d'AM 60 ans+ (%);Places *crèche*;tx_couverture_global\n44001;2023;12;25;70\n"
    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    app.file_uploader(key="fichier").upload("t.csv", texte.encode(), "text/csv").run()
    choix = [s for s in app.selectbox if s.key.startswith("corresp_ind_")]
    assert [s.label for s in choix] == [
        "Indicateur de la colonne « Nb d'AM 60 ans+ (%) »", "Indicateur de la colonne « Places *crèche* »",
        "Indicateur de la colonne « tx_couverture_global »"]
    assert [s.proto.label_visibility.value for s in choix] == [0, 2, 0]  # visible, replié (montré au-dessus)
    assert "Indicateur de la colonne « Places \\*crèche\\* »" in [m.value for m in app.markdown]


@pytest.mark.parametrize("texte, attendu", [
    (MAISON, ("code_commune", "commune", "millesime")),
    ("date_reference;numero_epci;nom_epci;taux\n2022-12-31;200000001;CC;50\n", ("numero_epci", "epci",
                                                                                "date_reference")),
    ("NUM_DEP;tx\n44;50\n2A;60\n", ("num_dep", "departement", None)),
    ("REG;tx\n52;50\n", ("reg", "region", None)),
    ("nom_commune;valeur;annee\nAlpha;12;deux mille\n", (None, "commune", None)),
])
def test_proposition_d_office(tmp_path, texte, attendu):
    tableau = depot.lire_tableau(ecrire(tmp_path, "f.csv", texte))
    assert correspondance.proposition(correspondance.colonnes(tableau)) == attendu


def test_page_un_autre_fichier_repart_des_propositions(donnees, monkeypatch):
    # les choix d'un premier fichier restaient sur un second aux autres en-têtes (niveau « commune » gardé pour un
    # fichier de régions)
    from portrait.vues.donnees import apercu
    from tests.conftest import ouvrir_page

    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    app.file_uploader(key="fichier").upload("maison.csv", MAISON.encode(), "text/csv").run()
    app.selectbox(key=cle("ind_couv_totale")).set_value("taux_couverture").run()
    regions = b"REG;tx;annee\n52;50;2023\n"
    app.file_uploader(key="fichier").upload("regions.csv", regions, "text/csv").run()
    e = apercu("regions.csv", regions).empreinte
    assert [app.selectbox(key=f"corresp_{k}_nouveau_{e}").value for k in ("code", "niveau", "annee_colonne")] == [
        "reg", "region", "annee"]
    assert app.selectbox(key=f"corresp_ind_tx_nouveau_{e}").value is None


def test_gros_fichier_lu_par_morceaux_comme_d_un_bloc(donnees, tmp_path, monkeypatch):
    # un gros CSV non reconnu se valide par morceaux (mémoire bornée), comme les mesures : mêmes valeurs, mêmes
    # erreurs, doublon entre deux morceaux refusé
    texte = MAISON + "44002;Bêta;2023;50;8;\n99999;X;2023;1;1;\n44001;Alpha;2023;70;2;\n"
    d_un_bloc, rapport_bloc = depot.verifier("gros.csv", donnees, texte.encode(), correspondance=CORRESPONDANCE)
    monkeypatch.setattr(depot, "SEUIL_MORCEAUX", 0)
    monkeypatch.setattr(depot, "TAILLE_MORCEAU", 2)
    lus = []
    lire = correspondance.lignes
    monkeypatch.setattr(correspondance, "lignes", lambda t, c: lus.append(len(t.lignes)) or lire(t, c))
    par_morceaux, rapport = depot.verifier("gros.csv", donnees, texte.encode(), correspondance=CORRESPONDANCE)
    assert lus == [2, 2, 2]  # trois morceaux de deux lignes
    assert lignes(par_morceaux, MESURES) == lignes(d_un_bloc, MESURES)[:8]
    assert rapport_bloc.erreurs[:2] == rapport.erreurs[:2] == [
        "gros.csv, ligne 6 : code commune « 99999 » inconnu de la géographie 2026."] * 2
    assert rapport.erreurs[2:] == [
        "gros.csv : commune 44001, 2023, taux_couverture figure deux fois, à plus de 10\u202f000 lignes d'écart "
        "(doublon, ou ancienne commune reportée sur la commune actuelle) ; gardez une seule valeur.",
        "gros.csv : commune 44001, 2023, places_psu figure deux fois, à plus de 10\u202f000 lignes d'écart "
        "(doublon, ou ancienne commune reportée sur la commune actuelle) ; gardez une seule valeur."]


def test_classeur_xlsx(donnees, tmp_path):
    import openpyxl

    classeur = openpyxl.Workbook()
    for ligne in [["Code_Commune", "Millésime", "Couv. totale"], [44001, 2023, 76.9], [16001, 2023, 55]]:
        classeur.active.append(ligne)
    f = tmp_path / "maison.xlsx"
    classeur.save(f)
    df, _ = depot.verifier(f, donnees, correspondance=Correspondance("commune", "code_commune", "millesime",
                                                                     (("couv_totale", "taux_couverture"),)))
    assert lignes(df, MESURES) == [("commune", "44001", 2023, "taux_couverture", 76.9),
                                   ("commune", "16001", 2023, "taux_couverture", 55.0)]


def test_cli_source_correspondance_sans_colonnes(donnees, tmp_path):
    f = ecrire(tmp_path, "maison.csv", MAISON)
    code, sortie, erreur = lancer("import", "correspondance", str(f), "--data-dir", str(donnees))
    assert (code, sortie) == (1, "")
    assert erreur == ("maison.csv : dites ce que contient chaque colonne, sur la page Données ou avec --colonnes "
                      "code=COLONNE,niveau=commune,annee=2021,INDICATEUR=COLONNE (ou --profil NOM).\n")


def test_page_autre_fichier_choisi_pour_un_fichier_reconnu(donnees, monkeypatch):
    # « Autre fichier » : la correspondance se dit même pour un fichier qu'une source reconnaîtrait
    from portrait.vues.donnees import apercu
    from tests.conftest import ouvrir_page

    octets = b"niveau;code;annee;indicateur;valeur\ncommune;16001;2023;naissances;3\n"
    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    app.selectbox(key="source").set_value("correspondance").run()
    app.file_uploader(key="fichier").upload("m.csv", octets, "text/csv").run()
    assert not app.warning and not app.error
    e = apercu("m.csv", octets).empreinte
    assert [app.selectbox(key=f"corresp_{k}_nouveau_{e}").value for k in ("code", "niveau", "annee_colonne")] == [
        "code", "commune", "annee"]
    app.selectbox(key=f"corresp_ind_valeur_nouveau_{e}").set_value("naissances").run()
    assert app.code[0].value.splitlines()[:2] == ["Fichier : m.csv (correspondance de colonnes)",
                                                  "Lignes lues : 1 ; valeurs gardées : 1 ; erreurs : 0"]


def test_profil_enregistre_est_inscrit_au_journal_avec_son_auteur(donnees):
    correspondance.enregistrer_profil(donnees, "Tableau maison", CORRESPONDANCE, ["NUMCOM", "couv"],
                                      auteur="referente@caf.fr")
    journal = registre.historique(donnees)
    assert list(journal[["auteur", "action"]].itertuples(index=False, name=None)) == [("referente@caf.fr", "profil")]
    assert journal.loc[0, "detail"].startswith("profil « Tableau maison » : ")
