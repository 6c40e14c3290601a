"""Entrées hostiles ou malchanceuses (issue 16) : paramètres d'URL, chemins, noms de fichiers, disque plein."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pandas as pd
import pytest

from portrait.regles import catalogue
from tests.conftest import ouvrir_page


@pytest.mark.parametrize("forfait", ["nan", "inf", "-inf", "abc"])
def test_forfait_illisible_dans_l_url(donnees, monkeypatch, forfait):
    # forfait=nan donnait « Financement Caf estimé 0 € » et l'URL gardait nan : la vue fausse se partageait
    at = ouvrir_page(donnees, monkeypatch, "pages/cooperation.py", "departement:44", forfait=forfait)
    assert {m.label: m.value for m in at.metric}["Financement Caf estimé"] == "46\u202f800\u00a0€"
    assert "forfait" not in at.query_params
    alertes = [w.value for w in at.sidebar.warning]
    assert any(f"forfait : « {forfait} » n'est pas un nombre" in a and "24\u202f000" in a for a in alertes), alertes


def test_filtres_illisibles_dans_l_url(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44",
                     am60="nan", zone="inf", couverture="abc", k="nan")
    for nom in ("am60", "zone", "couverture", "k"):
        assert nom not in at.query_params, nom
    alerte = " ".join(w.value for w in at.sidebar.warning)
    for texte in ("am60 : « nan »", "zone : « inf »", "couverture : « abc »", "k : « nan »"):
        assert texte in alerte, alerte


@pytest.mark.parametrize("texte", ["nan", "NaN", "inf", "-Infinity"])
def test_la_ligne_de_commande_refuse_nan(texte):
    from portrait.surfaces.url import PARAMETRES

    with pytest.raises(ValueError, match="n'est pas un nombre"):
        PARAMETRES["forfait"].valider(texte)


@pytest.mark.parametrize("nom", ["data*", "data?", "data[1]"])
def test_dossier_de_donnees_au_nom_de_motif(donnees, tmp_path, nom):
    # un dossier « data* » faisait lire à DuckDB ses voisins : la population de la France triplait (269 M)
    import shutil

    from portrait.donnees.connexion import connecter
    from portrait.donnees.jeux import portrait_territoire
    from portrait.donnees.requetes import Requetes
    from portrait.imports import depot

    for voisin in ("data1", "dataX", "data[1]"):
        shutil.copytree(donnees, tmp_path / "freres" / voisin)
    dossier = tmp_path / "freres" / nom
    if not dossier.exists():
        shutil.copytree(donnees, dossier)
    f = tmp_path / "mesures.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;places_psu;1234,5\n", encoding="utf-8")
    for racine in (dossier, donnees):  # deux fichiers de mesures : la macro `remplacer` retrouve le rang de chacun
        depot.importer(f, racine)
    lu, attendu = (portrait_territoire(Requetes(connecter(r)), "france", 2023) for r in (dossier, donnees))
    pd.testing.assert_frame_equal(lu, attendu)
    assert portrait_territoire(Requetes(connecter(dossier)), "commune:16001", 2023).iloc[0]["places_psu"] == 1234.5


NOM_MARKDOWN = "[clic](https://exemple.org) ![image](https://exemple.org/x.png) **gras** _i_ <b>x</b> :red[rouge].csv"


def test_nom_de_fichier_markdown_affiche_tel_quel(donnees, monkeypatch):
    # un nom de fichier en Markdown devenait un vrai lien et une image dans le message de la page Données
    from portrait.vues.texte import markdown_litteral

    at = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    contenu = b"niveau;code;annee;indicateur;valeur\ncommune;16001;2023;places_psu;12\n"
    at.file_uploader(key="fichier").upload(NOM_MARKDOWN, contenu, "text/csv").run()
    at.button(key="confirmer").click().run()
    message = at.success[0].value
    assert message.endswith(f" enregistré : {markdown_litteral(NOM_MARKDOWN)}.")
    # aucune ponctuation Markdown du nom n'est laissée nue : chacune est précédée d'une barre oblique inverse
    nom = message.split(" enregistré : ", 1)[1]
    assert not re.search(r"(?<!\\)[\[\]()!*_<>:]", nom[:-1].replace("\\\\", "")), nom


def test_markdown_litteral():
    from portrait.vues.texte import markdown_litteral

    assert markdown_litteral("[a](b) *c*") == r"\[a\]\(b\) \*c\*"
    assert markdown_litteral("éà 1 2") == "éà 1 2"


def test_imports_list_sans_sequences_de_terminal(donnees, tmp_path, capsys):
    # `imports list` écrivait les séquences ANSI du nom de fichier telles quelles : le terminal les exécutait
    from portrait.surfaces.cli import main

    f = tmp_path / "\x1b[2J\x1b[31mrouge\x07.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;16001;2023;places_psu;12\n", encoding="utf-8")
    assert main(["import", "mesures", str(f), "--data-dir", str(donnees)]) == 0
    capsys.readouterr()
    assert main(["imports", "list", "--data-dir", str(donnees)]) == 0
    sortie = capsys.readouterr().out
    assert "\x1b" not in sortie and "\x07" not in sortie
    assert "\\x1b[2J\\x1b[31mrouge\\x07.csv" in sortie


def etat_du_magasin(racine) -> tuple:
    """Ce que lisent les pages et le registre après le nettoyage d'un démarrage : les imports, les valeurs importées
    en vigueur, et les Parquet du magasin (aucun reste d'un import échoué)."""
    from datetime import timedelta

    from portrait.donnees.connexion import connecter
    from portrait.imports import registre

    registre.nettoyer_au_demarrage(racine, timedelta(0))
    valeurs = connecter(racine).execute("select * from mesures where source like 'import:%' order by all").fetchall()
    fichiers = sorted(str(f.relative_to(racine)) for f in (racine / "lac").rglob("*") if f.is_file()
                      and not f.name.endswith("-journal"))
    return registre.liste(racine).values.tolist(), valeurs, fichiers


def fichier_mesures(dossier, lignes: int):
    """Un fichier de mesures : une ligne (gardée dans le catalogue du magasin) ou davantage (un Parquet)."""
    from tests.test_robustesse import ENTETE

    f = dossier / f"mesures-{lignes}.csv"
    corps = ("".join(f"commune;{c};{a};naissances;{a % 97}\n" for c in ("44001", "44002", "44003")
                     for a in range(1990, 2027)) if lignes == 111 else "commune;16001;2023;places_psu;12\n")
    f.write_text(ENTETE + corps, encoding="utf-8")
    return f


@contextmanager
def petit_disque(tmp_path, donnees):
    """Le dossier de données recopié sur un petit disque (tmpfs de taille fixe ; sauté si la machine ne sait pas en
    monter) ; le magasin gardé ouvert par ce processus est fermé avant de le démonter."""
    import shutil
    import subprocess

    from portrait.donnees import lac
    from portrait.imports import registre

    disque = tmp_path / "disque"
    disque.mkdir()
    taille = 2 * sum(f.stat().st_size for f in donnees.rglob("*") if f.is_file()) + 4 * 1024 * 1024
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={taille}", "tmpfs", str(disque)],
                      capture_output=True).returncode:
        pytest.skip("tmpfs indisponible")
    racine = disque / "data"
    try:
        shutil.copytree(donnees, racine)
        yield racine
    finally:
        lac.oublier(registre.config(racine))
        subprocess.run(["umount", "-l", str(disque)], check=False)


def remplir(disque) -> None:
    """Le disque plein, au dernier octet."""
    with open(disque / "remplissage", "wb", buffering=0) as remplissage:
        try:
            while True:
                remplissage.write(b"\0" * 4096)
        except OSError:
            pass


@pytest.mark.parametrize("lignes", [1, 111])  # 111 : tests/test_robustesse.py
@pytest.mark.parametrize("erreur", ["ENOSPC", "EROFS"])
def test_disque_plein_ou_lecture_seule(donnees, tmp_path, capsys, erreur, lignes):
    # disque plein : trace OSError [Errno 28] brute, fichiers .partiel, Parquet orphelin et registre.json.partiel ;
    # avec le magasin : sur un vrai petit disque, plein ou remonté en lecture seule, une ligne (écrite dans le
    # catalogue SQLite) ou 111 (un Parquet)
    import subprocess

    from portrait.surfaces.cli import main

    with petit_disque(tmp_path, donnees) as racine:
        assert main(["import", "mesures", str(fichier_mesures(tmp_path, 1)), "--data-dir", str(racine)]) == 0
        avant = etat_du_magasin(racine)  # un import déjà là : le magasin existe, il doit rester tel quel
        capsys.readouterr()
        if erreur == "ENOSPC":
            remplir(racine.parent)
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(racine.parent)], check=True)
        assert main(["import", "mesures", str(fichier_mesures(tmp_path, lignes)), "--data-dir", str(racine)]) == 1
        message = capsys.readouterr().err
        assert "Traceback" not in message and "Errno" not in message and "Error" not in message, message
        if erreur == "ENOSPC":
            assert message.startswith("Disque plein : l'import a besoin d'environ "), message
            assert re.search(r"besoin d'environ \d+,\d Mo dans .* \(\d+,\d Mo libres\)", message), message
            (racine.parent / "remplissage").unlink()
        else:
            assert "est en lecture seule : rien n'a été écrit" in message, message
            subprocess.run(["mount", "-o", "remount,rw", str(racine.parent)], check=True)
        assert etat_du_magasin(racine) == avant  # ni valeur, ni import, ni Parquet de plus


def test_restes_d_un_import_tue_effaces(donnees, tmp_path):
    # 9 fichiers .partiel laissés par les arrêts brutaux n'étaient jamais effacés ; avec le magasin : un Parquet
    # qu'aucune version ne nomme (import tué avant son commit) est effacé au démarrage par DuckLake
    # (ducklake_delete_orphaned_files), sauf s'il est récent (un import en cours dans un autre processus)
    import os
    import shutil
    import time

    from portrait.imports import depot, registre

    depot.importer(fichier_mesures(tmp_path, 111), donnees)
    gardes = sorted((donnees / "lac" / "fichiers").rglob("*.parquet"))
    assert len(gardes) == 1
    reste, en_cours = gardes[0].with_name("ducklake-reste.parquet"), gardes[0].with_name("ducklake-en-cours.parquet")
    shutil.copy(gardes[0], reste)
    shutil.copy(gardes[0], en_cours)
    os.utime(reste, (time.time() - 3600,) * 2)
    assert registre.nettoyer_au_demarrage(donnees) == [str(reste)]  # au lancement de l'application
    assert sorted((donnees / "lac" / "fichiers").rglob("*.parquet")) == sorted([*gardes, en_cours])


TUE_AVANT_LE_COMMIT = """
import os, signal, sys
sys.path.insert(0, {racine!r})
from portrait.donnees import lac
from portrait.imports import depot
inserer = lac.Lac._inserer
def inserer_puis_mourir(self, *args, **kwargs):  # tué après l'écriture des lignes, avant le commit
    entree = inserer(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
lac.Lac._inserer = inserer_puis_mourir
depot.importer({fichier!r}, {donnees!r})
"""


def test_import_tue_avant_son_commit(donnees, tmp_path):
    # un premier import tué entre le Parquet et le registre laissait un Parquet qu'aucun nettoyage n'effaçait ;
    # avec le magasin : tué après l'écriture de ses lignes, avant le commit, il n'a rien changé et son Parquet est
    # effacé au démarrage suivant
    import signal
    import subprocess
    import sys
    from datetime import timedelta
    from pathlib import Path

    from portrait.imports import depot, registre

    f = fichier_mesures(tmp_path, 111)
    script = TUE_AVANT_LE_COMMIT.format(racine=str(Path(__file__).resolve().parent.parent), fichier=str(f),
                                        donnees=str(donnees))
    tue = lambda: subprocess.run([sys.executable, "-c", script], capture_output=True)  # noqa: E731
    # les fichiers du magasin (lac/en_vigueur, les tables d'une version pour les pages, n'en sont pas)
    parquets = lambda: sorted((donnees / "lac" / "fichiers").rglob("*.parquet"))  # noqa: E731
    assert tue().returncode == -signal.SIGKILL
    orphelins = parquets()
    assert len(orphelins) == 1 and registre.liste(donnees).empty
    assert registre.nettoyer_au_demarrage(donnees, timedelta(0)) == list(map(str, orphelins))
    assert parquets() == []
    entree, _ = depot.importer(f, donnees)  # un import mené à terme, puis un second tué : le premier reste
    gardes = parquets()
    assert tue().returncode == -signal.SIGKILL
    assert len(registre.nettoyer_au_demarrage(donnees, timedelta(0))) == 1
    assert parquets() == gardes and registre.liste(donnees)["id"].tolist() == [entree["id"]]


def test_enquete_flash_etp_impossibles_refuses(donnees):
    # ETP −5 et 1 000 000 : « erreurs : 0 », et l'EPCI montrait 999 995 ETP et 23 999 880 000 € de financement
    from portrait.imports import depot
    from tests.test_enquete_flash import export

    reponses = [("alpha", ("-5", "-5", "1"), ("1000000", "1000000", "0")), ("Beta", ("1", "1", "-3"), None),
                ("Gamma", ("0,8", "0,8", "1"), None)]
    lignes, rapport = depot.verifier("enquete.csv", donnees, export(reponses), "enquete_flash", "44")
    texte = rapport.texte()
    assert "erreurs : 5" in texte
    assert ("Valeurs refusées (hors des valeurs plausibles) : 5 (copil négatif ou non entier : 1 ; "
            "etp_reels hors de 0 à 1,5 : 2 ; etp_valorises hors de 0 à 1,5 : 2)") in texte
    assert "enquete.csv, ligne 2 (petite_enfance) : etp_valorises -5 hors de 0 à 1,5 ETP par poste ; " \
           "ligne refusée." in rapport.erreurs
    assert list(lignes["etp_valorises"]) == [0.8]  # Gamma seule


def test_postes_cooperation_valeurs_impossibles_refusees(donnees, tmp_path):
    # le fichier générique acceptait etp_reels −7, copil −3 et annee 2023.9 (enregistrée 2023)
    from portrait.imports import depot
    from portrait.imports.rapport import ErreurImport

    f = tmp_path / "postes.csv"
    f.write_text("annee;niveau;code;employeur;nom;thematique;etp_valorises;etp_reels;cof_signee;copil\n"
                 "2023;epci;200000002;CA Test Deux;Zoé Lemaire;petite_enfance;0,8;-7;Oui;2\n"
                 "2023;epci;200000002;CA Test Deux;Zoé Lemaire;parentalite;0,2;0,2;Oui;-3\n"
                 "2023.9;epci;200000002;CA Test Deux;Zoé Lemaire;handicap;0,2;0,2;Oui;1\n"
                 "2031;epci;200000002;CA Test Deux;Zoé Lemaire;handicap;0,2;0,2;Oui;1\n"
                 "2023;epci;200000001;CC Test Un;Léa Petit;handicap;1;1;Oui;1\n", encoding="utf-8")
    _, rapport = depot.verifier(f, donnees, source="cooperation")
    assert rapport.refus == {"etp_reels hors de 0 à 1,5": 1, "copil négatif ou non entier": 1,
                             "année non entière": 1, f"année hors de 1990 à {catalogue.annee_max()}": 1}
    assert rapport.lignes_gardees == 1
    assert "postes.csv, ligne 4 : année 2023.9 non entière ; ligne refusée." in rapport.erreurs
    with pytest.raises(ErreurImport, match="Import refusé"):
        depot.importer(f, donnees, source="cooperation")


def test_etp_d_un_epci_au_dela_du_maximum(donnees, tmp_path):
    from portrait.imports import depot

    f = tmp_path / "postes.csv"
    f.write_text("annee;niveau;code;employeur;nom;thematique;etp_valorises\n" + "".join(
        f"2023;epci;200000002;CA Test Deux;Personne {i};petite_enfance;1,5\n" for i in range(201)), encoding="utf-8")
    lignes, rapport = depot.verifier(f, donnees, source="cooperation")
    assert lignes.empty and rapport.refus == {"ETP d'un EPCI au-delà du maximum": 1}
    assert rapport.erreurs == ["postes.csv, EPCI 200000002 : 301.5 ETP en 2023, au-delà de 300 ETP par EPCI ; "
                               "postes de l'EPCI refusés."]


def test_mesures_hors_plage_refusees_inhabituelles_signalees(donnees, tmp_path):
    from portrait.imports import depot

    f = tmp_path / "m.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\n"
                 "commune;16001;2023;naissances;-4\n"  # refusée : négative
                 "commune;16001;2022;naissances;12,5\n"  # refusée : une naissance se compte
                 "commune;44001;2023;enfants_0_2;12,5\n"  # gardée : estimation pondérée du recensement
                 "commune;44001;2023;taux_couverture;1200\n"  # refusée : au-delà de 1 000 %
                 "commune;44002;2023;taux_couverture;130\n"  # gardée, signalée : au-delà de 100 %
                 "commune;44003;2023;part_enfants_0_2;0,12\n"
                 "commune;44003;2022;part_enfants_0_2;0,11\n"  # une colonne de taux toute sous 1,5 : fractions ?
                 "commune;44003;2022;places_psu;10\n"
                 "commune;44003;2023;places_psu;100\n"  # × 10 en un an : signalé
                 "commune;44003;2021;places_psu;9\n", encoding="utf-8")
    lignes, rapport = depot.verifier(f, donnees)
    assert rapport.refus == {"naissances négatif": 1, "naissances non entier (un compte dénombré)": 1,
                             "taux_couverture au-delà de 1\u202f000 %": 1}
    assert rapport.lignes_gardees == 7
    texte = rapport.texte()
    assert "Valeurs refusées (hors des valeurs plausibles) : 3 (" in texte
    assert ("Attention : m.csv, ligne 6 : taux_couverture au-delà de 100 % (gardé : possible, mais à vérifier)."
            in texte)
    assert ("Attention : part_enfants_0_2 : toutes les valeurs sont sous 1,5 ; des fractions (0,76) au lieu de "
            "pourcentages (76) ? Les taux s'écrivent en %.") in texte
    assert ("Attention : places_psu commune 44003 : 10 en 2022, 100 en 2023 (plus de × 3 en un an : unité "
            "changée ?)") in texte
    assert "9 en 2021" not in texte  # 9 puis 10 : rien à signaler


def test_la_demonstration_passe_les_memes_controles():
    # des postes de démonstration portaient jusqu'à 72 ETP : la démonstration est corrigée, pas la plage
    from portrait.imports.rapport import Rapport, poste_refuse, sans_epci_hors_plage
    from portrait.regles import cooperation
    from tests.conftest import RACINE

    postes = pd.read_parquet(RACINE / "data" / "demo" / "cooperation.parquet")
    rapport = Rapport("cooperation.parquet")
    assert not [r for r in postes.to_dict("records") if poste_refuse("démonstration", r, rapport)], rapport.erreurs
    assert len(sans_epci_hors_plage(postes, rapport)) == len(postes)
    assert postes["etp_valorises"].max() <= cooperation.ETP_POSTE_MAX
    en_2023 = postes[postes["annee"] == 2023]
    assert en_2023["etp_valorises"].sum() == pytest.approx(4215.25)  # le total national (~4 227 ETP) gardé
    assert en_2023.loc[en_2023["departement"] == "16", "etp_valorises"].sum() == pytest.approx(14.75)  # document 003


@pytest.mark.parametrize("annee", ["abc", "2031", "nan", "2023.5"])
def test_annee_illisible_ou_absente_meme_repli(donnees, monkeypatch, annee):
    # annee=abc et annee=2031 retombaient sur des années différentes, sans un mot : même repli, dit en clair
    at = ouvrir_page(donnees, monkeypatch, None, "departement:44", annee=annee)
    alerte = " ".join(w.value for w in at.sidebar.warning)
    montree = at.query_params["annee"]
    assert f"Année « {annee} »" in alerte and alerte.endswith(f"Affichage de {montree}."), alerte
    assert montree == str(at.session_state["sel_annee"]) and montree != annee


def test_saut_face_aux_valeurs_deja_la(donnees, tmp_path):
    # le saut de plus de × 3 n'était cherché que dans le fichier : 20 places en 2023 (démonstration), puis 200 en
    # 2024 importées, sans un mot
    from portrait.imports import depot

    f = tmp_path / "m.csv"
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;44001;2024;places_psu;200\n"
                 "commune;44001;2022;places_psu;5\n"  # 5 puis 20 (déjà là) : × 4, signalé aussi
                 "commune;44002;2024;places_psu;50\n", encoding="utf-8")
    lignes, rapport = depot.verifier(f, donnees)
    assert not rapport.erreurs and rapport.lignes_gardees == 3  # signalé, pas refusé
    assert [a for a in rapport.avertissements if "unité changée" in a] == [
        "places_psu commune 44001 : 5 en 2022, 20 en 2023 (valeur déjà là) (plus de × 3 en un an : unité changée ?)",
        "places_psu commune 44001 : 20 en 2023 (valeur déjà là), 200 en 2024 (plus de × 3 en un an : unité "
        "changée ?)"]
    entree, _ = depot.importer(f, donnees)  # importé : les avertissements ne bloquent pas
    assert entree["lignes_gardees"] == 3
    f.write_text("niveau;code;annee;indicateur;valeur\ncommune;44001;2023;places_psu;150\n", encoding="utf-8")
    _, rapport = depot.verifier(f, donnees)  # 2023 remplacée : comparée à 2022 et 2024, toutes deux d'un import
    assert [a for a in rapport.avertissements if "unité changée" in a] == [
        "places_psu commune 44001 : 5 en 2022 (valeur déjà là), 150 en 2023 (plus de × 3 en un an : unité changée ?)"]
