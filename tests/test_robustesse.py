"""Robustesse des imports : fichiers abîmés (hypothesis), écrivain tué en plein import, formules neutralisées."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portrait.donnees import lac
from portrait.donnees.connexion import Chemins, connecter
from portrait.donnees.jeux import portrait_territoire
from portrait.donnees.requetes import Requetes
from portrait.imports import depot, registre
from portrait.imports.lecture import lire_fichier
from portrait.imports.rapport import ANNEE_MAX, ANNEE_MIN, COLONNES_MESURES, ErreurImport, Rapport
from portrait.regles import catalogue, cooperation
from tests.conftest import ecrire_donnees

RACINE = Path(__file__).resolve().parent.parent
ENTETE = "niveau;code;annee;indicateur;valeur\n"
BON = ENTETE + "commune;44001;2023;naissances;12\ncommune;16001;2023;places_psu;1 234,5\n"

cellule = st.one_of(
    st.sampled_from(["commune", "epci", "44001", "16001", "99999", "2023", "23", "naissances", "taux_couverture",
                     "1 234,5", "1.234,5", "1e308", "-5", "s", "nd", "", "=cmd|' /C calc'!A0", "@SUM(A1)",
                     "45292", "2023-01-01", "é\u00e0ç", "\x00", '"', ";", ","]),
    st.text(max_size=12),
)
ligne = st.lists(cellule, min_size=0, max_size=7)
separateur = st.sampled_from([";", ",", "\t", "|"])
encodage = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252"])


def encoder(texte: str, enc: str) -> bytes:
    return texte.encode(enc, errors="replace")


@pytest.fixture(scope="module")
def dossier(tmp_path_factory):
    return ecrire_donnees(tmp_path_factory.mktemp("fuzz") / "data")


def verifier_rapport(df: pd.DataFrame, rapport: Rapport, nom: str, octets: bytes) -> None:
    """Un rapport rendu dit vrai : les lignes du fichier, les valeurs gardées (toutes valides), en français."""
    assert rapport.fichier == nom
    assert rapport.lignes_lues == len(lire_fichier(nom, octets).lignes)
    assert rapport.lignes_gardees == len(df)
    assert list(df.columns) == list(COLONNES_MESURES)
    assert set(df["niveau"]) <= set(catalogue.NIVEAUX)
    assert set(df["indicateur"]) <= {i.id for i in catalogue.CATALOGUE if i.nature != "evolution"}
    assert df["annee"].between(ANNEE_MIN, ANNEE_MAX).all()
    assert not (df["valeur"] < 0).any()
    assert rapport.annees == sorted({int(a) for a in df["annee"]})
    texte = rapport.texte()
    assert texte.startswith(f"Fichier : {nom}")
    assert f"Lignes lues : {rapport.lignes_lues} ; valeurs gardées : {len(df)} ; erreurs : {len(rapport.erreurs)}" \
        in texte


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entete=st.sampled_from([ENTETE, "Niveau,Code,Année,Indicateur,Valeur\n", "txcouv_com;annee;numcom\n",
                               "GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE\n", "", "a\n"]),
       lignes=st.lists(ligne, max_size=8), sep=separateur, enc=encodage, fin=st.sampled_from(["\n", "\r\n", "\r"]))
def test_fichiers_arbitraires_message_ou_rapport(dossier, entete, lignes, sep, enc, fin):
    """Jamais d'exception non prévue : un rapport juste, ou une ErreurImport qui nomme le fichier ; rien d'écrit."""
    texte = entete.replace(";", sep) + fin.join(sep.join(c) for c in lignes)
    octets = encoder(texte, enc)
    try:
        df, rapport = depot.verifier("fuzz.csv", dossier, octets)
    except ErreurImport as e:
        assert str(e).startswith("fuzz.csv") or "Fichier : fuzz.csv" in str(e), str(e)
    else:
        verifier_rapport(df, rapport, "fuzz.csv", octets)
    assert not Chemins(dossier).lac.exists()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(coupure=st.integers(min_value=0, max_value=len(BON.encode()) + 3), enc=encodage)  # + 3 : la BOM
def test_fichier_tronque(dossier, coupure, enc):
    """Un fichier coupé n'invente rien : ses valeurs gardées sont celles du fichier entier, sur les mêmes clés."""
    octets = encoder(BON, enc)[:coupure]
    try:
        df, rapport = depot.verifier("tronque.csv", dossier, octets)
    except ErreurImport as e:
        assert str(e).startswith("tronque.csv"), str(e)
        return
    verifier_rapport(df, rapport, "tronque.csv", octets)
    cles = list(df[["niveau", "code", "annee", "indicateur"]].itertuples(index=False, name=None))
    entieres = [("commune", "44001", 2023, "naissances"), ("commune", "16001", 2023, "places_psu")]
    assert cles == entieres[:len(cles)]
    if octets == encoder(BON, enc):  # rien de coupé : les deux valeurs, exactes
        assert list(df["valeur"]) == [12.0, 1234.5]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(octets=st.binary(max_size=400))
def test_xlsx_abime(dossier, octets):
    with pytest.raises(ErreurImport, match="^abime.xlsx"):
        depot.verifier("abime.xlsx", dossier, b"PK\x03\x04" + octets)


def test_ecrivain_tue_en_plein_import(tmp_path):
    """Import tué à des instants variés : les données sont celles d'avant ou celles d'après, jamais un mélange."""
    racine = ecrire_donnees(tmp_path / "data")
    gros = tmp_path / "gros.csv"
    lignes = [ENTETE.strip()] + [f"commune;{c};{a};naissances;{a % 97}"  # 111 lignes, années permises
                                 for c in ("44001", "44002", "44003") for a in range(1990, 2027)]
    gros.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    avant = portrait_territoire(Requetes(connecter(racine)), "commune:44001", 2023)
    script = (f"import sys; sys.path.insert(0, {str(RACINE)!r}); from portrait.imports import depot; "
              f"depot.importer({str(gros)!r}, {str(racine)!r})")
    etats = []
    for delai in (0.05, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0, 4.5, 6.0, None):  # None : l'import va à son terme
        proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
        if delai is None:
            _, erreur = proc.communicate(timeout=120)
            assert proc.returncode == 0, erreur.decode()
        else:
            time.sleep(delai)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        registre.nettoyer_au_demarrage(racine, timedelta(0))  # le démarrage suivant
        inscrits = registre.liste(racine)
        con = connecter(racine)
        importees = con.execute("select source, count(*) from mesures where source like 'import:%' "
                                "group by all").fetchall()
        # tout import enregistré est lu entier ; rien d'un import tué
        assert importees == [(f"import:{i}", 111) for i in inscrits.loc[inscrits["actif"], "id"]]
        assert inscrits["lignes_gardees"].eq(111).all()
        actifs = inscrits.loc[inscrits["actif"], "id"].tolist()
        apres = portrait_territoire(Requetes(con), "commune:44001", 2023)
        if actifs:
            etats.append("nouveau")
            assert apres.iloc[0]["naissances"] == 2023 % 97
            registre.annuler(racine, actifs[-1])  # on repart des données d'avant
        else:
            etats.append("ancien")
            pd.testing.assert_frame_equal(apres, avant)
    assert os.path.exists(racine / "demo" / "mesures.parquet")
    print("états observés après les arrêts brutaux :", etats)
    # l'écrivain démarre (un arrêt à 50 ms le trouve avant toute écriture) et l'import mené à terme est vu
    assert etats[0] == "ancien" and etats[-1] == "nouveau"
    # les restes des imports tués (Parquet qu'aucune version ne nomme) ont été effacés au démarrage suivant
    assert lac.nettoyer(registre.config(racine), timedelta(0)) == []


def test_formules_neutralisees_a_l_export():
    from portrait.surfaces.exports import csv_excel

    df = pd.DataFrame({"Territoire": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@A1", "Pornic"], "v": [1, 2, 3, 4, 5]})
    import csv
    import io

    lignes = list(csv.reader(io.StringIO(csv_excel(df).decode("utf-8-sig")), delimiter=";"))[1:]
    assert [ligne[0] for ligne in lignes] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@A1", "Pornic"]


def entetes_enquete() -> str:
    from tests.test_enquete_flash import BLOC, DEBUT, QUESTIONS, THEMES

    return ";".join(DEBUT + QUESTIONS + [q.format(t=t) for t in THEMES for q in BLOC]) + "\n"


cellule_postes = st.one_of(
    st.sampled_from(["alpha", "Bêta", "Gama", "15/09/2024 10:00:00", "2024-09-15", "0,5", "1.5", "-5", "1e308",
                     "Oui", "Non", "", "s", "epci", "commune", "200000001", "44001", "petite_enfance", "handicap",
                     "2023", "2023.9", "=cmd|' /C calc'!A0", "\x00", '"', ";", "\r"]),
    st.text(max_size=10),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=st.sampled_from(["enquete_flash", "cooperation"]),
       entete=st.sampled_from(["enquete", "annee;niveau;code;thematique;etp_valorises;etp_reels;copil\n", "", "a\n"]),
       lignes=st.lists(st.lists(cellule_postes, max_size=40), max_size=6), sep=separateur,
       enc=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]),
       fin=st.sampled_from(["\n", "\r\n", "\r"]), annee=st.sampled_from([None, 2024]))
def test_postes_arbitraires_message_ou_rapport(dossier, source, entete, lignes, sep, enc, fin, annee):
    """Enquête flash et fichier des postes : jamais d'exception non prévue ; un rapport juste, ou une ErreurImport
    qui nomme le fichier ; rien d'écrit."""
    entete = entetes_enquete() if entete == "enquete" else entete
    texte = entete.replace(";", sep) + fin.join(sep.join(c) for c in lignes)
    octets = encoder(texte, enc)
    try:
        df, rapport = depot.verifier("postes.csv", dossier, octets, source, "44", annee)
    except ErreurImport as e:
        assert str(e).startswith("postes.csv") or "Fichier : postes.csv" in str(e), str(e)
    else:
        assert list(df.columns) == list(cooperation.COLONNES)
        assert rapport.lignes_gardees == len(df) and rapport.lignes_lues >= 0
        assert df["etp_valorises"].notna().all() and df["annee"].between(ANNEE_MIN, ANNEE_MAX).all()
        assert rapport.texte().startswith("Fichier : postes.csv")
    assert not Chemins(dossier).lac.exists()
