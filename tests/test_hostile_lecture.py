"""Fichiers hostiles ou malchanceux (issue 16) : travail borné par dépôt, une phrase française à chaque échec."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bench import fichiers_hostiles
from portrait.imports import depot
from portrait.imports.rapport import ErreurImport
from portrait.surfaces.cli import main
from tests.conftest import ouvrir_page
from tests.test_enquete_flash import REPONSES, export

RACINE = Path(__file__).resolve().parent.parent
MESURES = "niveau;code;annee;indicateur;valeur\ncommune;44001;2023;naissances;12\ncommune;16001;2023;places_psu;3\n"


def nouveau_classeur() -> bytes:
    """Un classeur tout neuf, jamais rempli : ce qu'Excel enregistre quand on sauve un classeur vide."""
    tampon = io.BytesIO()
    openpyxl.Workbook().save(tampon)
    return tampon.getvalue()


@pytest.mark.parametrize("fabrique, limite", [
    ("bombe_xml", "au-delà de la limite de 100 Mo par partie"),
    ("bombe_dimension", "1\u202f048\u202f576 lignes (limite : 500\u202f000)"),
])
def test_bombes_xlsx_refusees_vite_et_sans_memoire(fabrique, limite):
    """Dans un processus à part (son pic de mémoire, VmHWM, est le sien) : le refus nomme la limite, en moins de 5 s
    et 300 Mo. Avant : 602 s et 5,4 Go pour la première, 589 s à 100 % de processeur pour la seconde."""
    sortie = subprocess.run([sys.executable, "-c", "import json; from bench.fichiers_hostiles import mesurer_refus; "
                             f"print(json.dumps(mesurer_refus({fabrique!r})))"],
                            capture_output=True, text=True, cwd=RACINE, timeout=120)
    assert sortie.returncode == 0, sortie.stderr
    mesure = json.loads(sortie.stdout.strip().splitlines()[-1])
    assert mesure["message"].startswith(f"{fabrique}.xlsx : ") and limite in mesure["message"], mesure["message"]
    assert mesure["secondes"] < 5 and mesure["pic_mo"] < 300, mesure


@pytest.mark.parametrize("nom, octets, attendu", [
    ("sans_feuille.xlsx", fichiers_hostiles.classeur_sans_feuille(), "le classeur ne contient aucune feuille"),
    ("vide.xlsx", nouveau_classeur(), "la feuille « Sheet » n'a pas d'en-têtes en ligne 1 (elle est vide)"),
    ("binaire.csv", bytes(range(256)) * 40, "ce n'est ni un fichier texte (CSV) ni un classeur Excel"),
])
@pytest.mark.parametrize("source", ["enquete_flash", "cooperation", None])
def test_fichier_illisible_une_phrase(donnees, nom, octets, attendu, source):
    """Classeur sans feuille (avant : IndexError), classeur neuf, fichier binaire : le nom du fichier et quoi faire."""
    with pytest.raises(ErreurImport) as e:
        depot.verifier(nom, donnees, octets, source, "44", 2024)
    assert str(e.value).startswith(f"{nom} : {attendu}"), str(e.value)


@pytest.mark.parametrize("nom, octets", [("sans_feuille.xlsx", fichiers_hostiles.classeur_sans_feuille()),
                                         ("binaire.csv", bytes(range(256)) * 40)])
def test_cli_fichier_illisible_sans_trace(donnees, tmp_path, capsys, nom, octets):
    f = tmp_path / nom
    f.write_bytes(octets)
    assert main(["import", "enquete-flash", str(f), "--departement", "44", "--data-dir", str(donnees)]) == 1
    erreur = capsys.readouterr().err
    assert erreur.startswith(f"{nom} : ") and "Traceback" not in erreur


def lignes_enquete(donnees, octets: bytes) -> pd.DataFrame:
    df, rapport = depot.verifier("enquete.csv", donnees, octets, "enquete_flash", "44")
    assert rapport.lignes_lues == 3 and len(rapport.erreurs) == 1  # « Gama » introuvable
    return df


@pytest.mark.parametrize("encodage", ["utf-16", "utf-16-le", "utf-16-be"])  # « utf-16 » : avec BOM
def test_utf16_lu_comme_utf8(donnees, encodage):
    """UTF-16 avec ou sans BOM : les mêmes postes qu'en UTF-8 (avant : en-têtes lus « yniveau », questions aux
    apostrophes typographiques perdues)."""
    texte = export(REPONSES).decode("utf-8-sig")
    attendu = lignes_enquete(donnees, texte.encode("utf-8"))
    pd.testing.assert_frame_equal(lignes_enquete(donnees, texte.encode(encodage)), attendu)
    df, rapport = depot.verifier("mesures.csv", donnees, MESURES.encode(encodage))
    assert rapport.source == "fichier de mesures générique" and list(df["valeur"]) == [12.0, 3.0]


def test_fins_de_ligne_cr_seul(donnees):
    """Fins de ligne CR seules (vieux Mac) : les mêmes postes qu'avec CRLF ; numéro de ligne juste dans le rapport."""
    octets = export(REPONSES)
    attendu = lignes_enquete(donnees, octets)
    cr = octets.replace(b"\r\n", b"\r")
    pd.testing.assert_frame_equal(lignes_enquete(donnees, cr), attendu)
    _, rapport = depot.verifier("enquete.csv", donnees, cr, "enquete_flash", "44")
    assert rapport.erreurs[0].startswith("enquete.csv, ligne 4 : commune « Gama » introuvable")


@pytest.mark.parametrize("nom, octets, attendu", [
    ("sans_feuille.xlsx", fichiers_hostiles.classeur_sans_feuille(), "le classeur ne contient aucune feuille"),
    ("binaire.csv", bytes(range(256)) * 40, "ce n'est ni un fichier texte (CSV) ni un classeur Excel"),
    ("dimension.xlsx", fichiers_hostiles.bombe_dimension(), "la feuille « Sheet » s'étend sur 1\u202f048\u202f576"),
])
def test_page_fichier_illisible_une_phrase(donnees, monkeypatch, nom, octets, attendu):
    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    app.selectbox(key="source").set_value("enquete_flash").run()
    app.file_uploader(key="fichier").upload(nom, octets, "application/octet-stream").run()
    assert not app.exception
    affiche = re.sub(r"\\(.)", r"\1", app.error[0].value)  # le Markdown échappé (noms de fichiers), tel qu'affiché
    assert affiche.startswith(f"{nom} : {attendu}"), affiche


def test_page_lit_un_depot_une_fois(donnees, monkeypatch):
    """Le fichier déposé est lu une fois : ni les passages suivants de la page ni le clic sur « Importer » ne le
    relisent (avant : une lecture à chaque passage, deux au clic)."""
    lus = []
    lire = depot.lire_fichier
    monkeypatch.setattr(depot, "lire_fichier", lambda *a, **k: lus.append(str(a[0])) or lire(*a, **k))
    app = ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003")
    octets = (RACINE / "tests" / "sources" / "txcouv_pe_com.csv").read_bytes()
    app.file_uploader(key="fichier").upload("txcouv_pe_com.csv", octets, "text/csv").run()
    app.run()
    app.run()
    assert lus == ["txcouv_pe_com.csv"]
    assert [b.label for b in app.button] == ["Importer 16 valeurs"]
    app.button(key="confirmer").click().run()
    assert app.success[0].value.startswith("Import ")
    # le clic enregistre ce qui a été lu ; seul le passage qui suit l'import relit le fichier, car les données ont
    # changé (le rapport compte les valeurs qu'il remplacerait)
    assert lus == ["txcouv_pe_com.csv"] * 2


# Un fichier de mesures mal fait de toutes les façons que rapport.valider connaît : ses lignes passent d'un bloc
# (rapport.valider) ou, forcées, par la validation en colonnes d'un gros CSV (gros_csv.py).
MAL_FAIT = (
    "niveau;code;annee;indicateur;valeur\n"
    "commune;44001;2023;naissances;12\n"
    "commune;16001;2023;places_psu;1 234,5\n"  # milliers espacés, virgule décimale
    "commune;99999;2023;naissances;1\n"  # code inconnu
    "commune;44002;2022;naissances;s\n"  # secret
    "\n"  # ligne vide : les numéros suivants n'en tiennent pas moins compte
    "commune;44003;2022;naissances;1\u202f234\n"
    "commune;44001;2023;naissances;13\n"  # doublon de la ligne 2
    "Commune;44001;2023;NAISSANCES;14\n"  # doublon aussi, autre casse
    "commune;44003;2023;naissances;9000\n"  # saut de plus de × 3
    "region;52;2021;taux_couverture;150\n"  # au-delà de 100 % : gardé, signalé
    "foo;1;2;3;4\n"  # niveau inconnu
    "commune;44001;1985;naissances;1\n"  # année hors plage
    "commune;44001;2024;naissances;-3\n"  # négatif
    "commune;44001;2022;naissances;2,5\n"  # non entier
    "commune;44099;2023;naissances;5\n"  # ancienne commune : reportée sur 44002 (ligne suivante : additionnées)
    "commune;44002;2023;naissances;7\n"
    "commune;44099;2021;taux_couverture;50\n"  # ancienne commune, un taux : écarté
    "commune;44002;2021;taux_couverture;60\n"
    "departement;44;2021-01-01;places_psu;\"1,5e3\"\n"  # date, nombre à exposant, guillemets
    "france;fr;2022;places_am;76,9 %\n"
    "epci;200000001;2023;evolution_naissances;3\n"  # une évolution ne s'importe pas
    "epci;200000001;2023;naisances;3\n"  # faute de frappe
    "departement;16;2023;part_enfants_0_2;0,11\n"  # un taux tout sous 1,5 : fractions ?
    "commune;44001;2023;places_psu;abc\n"  # illisible
    "commune;16001;2023;places_psu;1 234,5\n"  # doublon d'une ligne simple, plus bas
)


def comparable(rapport) -> dict:
    """Tout ce qu'un rapport dit, à comparer d'un chemin à l'autre."""
    return {**vars(rapport), "texte": rapport.texte()}


@pytest.mark.parametrize("encodage", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_gros_csv_valide_en_colonnes_comme_d_un_bloc(donnees, monkeypatch, tmp_path, encodage):
    """Un gros CSV de mesures est validé en colonnes (mémoire bornée) : mêmes valeurs dans le même ordre, mêmes
    phrases, mêmes numéros de ligne qu'une lecture d'un bloc, quel que soit l'encodage ; déposé ou lu sur le disque.
    Avant : un doublon entre deux morceaux avait une autre phrase, et un saut entre deux morceaux passait."""
    from portrait.imports import gros_csv

    octets = MAL_FAIT.replace("\u202f", " " if encodage == "cp1252" else "\u202f").encode(encodage)
    d_un_bloc, rapport_bloc = depot.verifier("gros.csv", donnees, octets)
    assert rapport_bloc.erreurs[1] == "gros.csv, ligne 8 : doublon de la ligne 2 (commune 44001, 2023, naissances)."
    appels = []
    monkeypatch.setattr(gros_csv, "valider_gros_csv", lambda *a, f=gros_csv.valider_gros_csv: appels.append(1) or f(*a))
    monkeypatch.setattr(depot, "SEUIL_MORCEAUX", 0)
    monkeypatch.setattr(depot, "TAILLE_MORCEAU", 2)
    fichier = tmp_path / "gros.csv"
    fichier.write_bytes(octets)
    for contenu in (octets, None):  # déposé (page Données), puis lu sur le disque au fil de l'eau (CLI)
        en_colonnes, rapport = depot.verifier(fichier if contenu is None else "gros.csv", donnees, contenu)
        pd.testing.assert_frame_equal(en_colonnes.astype(d_un_bloc.dtypes.to_dict()), d_un_bloc)
        assert comparable(rapport) == comparable(rapport_bloc)
    assert len(appels) == 2  # le chemin en colonnes a bien servi
    assert not list(Path(gros_csv.tempfile.gettempdir()).glob(f"{gros_csv.PREFIXE_TEMPORAIRE}{gros_csv.os.getpid()}-*"))


def test_csv_decode_par_tranches_comme_d_un_bloc(monkeypatch):
    """Le texte est décodé par tranches (pas de copie du fichier entier) : un CRLF, un CR seul, un caractère accentué
    ou une BOM coupés entre deux tranches donnent les mêmes lignes, numéros et encodage."""
    from portrait.imports import lecture
    for texte, encodage in [("niveau;code\r\ncommune;Bêta\r\rdép;é\r\n\r\nx;y", "utf-8"),
                            ("\ufeffniveau;code\rcommune;Bêta\r\nfin;é", "utf-8-sig"),
                            ("niveau;code\r\ncommune;Bêta\rfin;€", "cp1252"),
                            ("niveau;code\r\ncommune;Bêta\r\nfin;é", "utf-16")]:
        octets = texte.encode(encodage)
        d_un_bloc = lecture.lire_csv(octets, "f.csv")
        for taille in (1, 2, 3, 5):
            monkeypatch.setattr(lecture, "TRANCHE", taille)
            assert lecture.lire_csv(octets, "f.csv") == d_un_bloc
        monkeypatch.setattr(lecture, "TRANCHE", 1 << 20)
        assert d_un_bloc.lignes[0][1] == "Bêta"


def test_gros_csv_restes_et_disque_temporaire_plein(donnees, monkeypatch, tmp_path):
    """Le CSV temporaire d'un gros fichier : effacé après la validation ; celui d'une validation tuée l'est à la
    suivante (et au démarrage) ; un disque temporaire plein donne une phrase, rien n'est écrit."""
    import errno

    from portrait.imports import gros_csv, registre

    temporaire = tmp_path / "tmp"
    temporaire.mkdir()
    monkeypatch.setattr(gros_csv.tempfile, "tempdir", str(temporaire))
    mort = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    tue = temporaire / f"portrait-import-{mort.stdout.strip()}-abc"  # processus fini : reste d'un import tué
    vivant = temporaire / f"portrait-import-{gros_csv.os.getppid()}-abc"  # une validation en cours ailleurs
    for d in (tue, vivant):
        d.mkdir()
        (d / "lignes.csv").write_text("x")
    monkeypatch.setattr(depot, "SEUIL_MORCEAUX", 0)
    monkeypatch.setattr(depot, "TAILLE_MORCEAU", 2)
    depot.verifier("gros.csv", donnees, MAL_FAIT.encode())
    assert sorted(p.name for p in temporaire.iterdir()) == [vivant.name]
    tue.mkdir()
    assert registre.nettoyer_au_demarrage(donnees) == [] and not tue.exists() and vivant.exists()

    class Plein:  # l'écriture du CSV temporaire échoue comme sur un disque plein
        def __init__(self, *a, **k):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def write(self, texte):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gros_csv, "open", Plein, raising=False)
    with pytest.raises(ErreurImport, match=r"^Disque plein : l'import a besoin d'environ .* rien n'a été écrit"):
        depot.importer("gros.csv", donnees, MAL_FAIT.encode())
    assert sorted(p.name for p in temporaire.iterdir()) == [vivant.name]
    assert not (donnees / "imports").exists() or not list((donnees / "imports").glob("*.parquet"))
