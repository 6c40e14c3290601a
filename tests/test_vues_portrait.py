"""Accueil, Synthèse et Détail : une vue par page, lue la même à l'écran (AppTest), dans la fiche et dans la CLI."""

import base64
import io
import json
import re
import xml.etree.ElementTree as ET
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from portrait.donnees import jeux
from portrait.donnees.connexion import connecter
from portrait.donnees.requetes import Requetes
from portrait.surfaces import exports
from portrait.vues import accueil, detail, graphiques, synthese
from tests.conftest import ouvrir_page

SENS = MetricProto.MetricDirection
HAUSSE, BAISSE, SANS = SENS.UP, SENS.DOWN, SENS.NONE
INTERDIT = re.compile(r"\bNone\b|\bnan\b|\d\.\d")  # « None », « nan », ou un nombre écrit avec un point décimal
ESPACES = re.compile(r"\s+")


# --- Lire une page AppTest comme l'utilisateur la lit ---------------------------------------------------------------

def cellules(element) -> pd.DataFrame:
    """Les cellules d'un st.dataframe telles que le navigateur les écrit : le texte mis en forme (Styler), sinon les
    valeurs ; une valeur manquante, le texte de `placeholder`, « None » s'il n'est pas donné (quel que soit le
    Styler : c'est ce qu'affichait la Synthèse de Bezonvaux)."""
    valeurs = element.value
    affichees = element.proto.arrow_data.styler.display_values
    textes = pa.ipc.open_stream(affichees).read_pandas() if affichees else valeurs.astype(str)
    return textes.mask(valeurs.isna().to_numpy(), element.proto.placeholder or "None")


def valeurs_js(v) -> list:
    """Une série d'une figure envoyée au navigateur (liste, ou tableau typé base64 de Plotly 6)."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v or [])


def figures(at) -> dict[str, dict]:
    """Les figures Plotly d'une page, par titre."""
    specs = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    return {s["layout"]["title"]["text"]: s for s in specs}


def textes_figure(spec: dict) -> list[str]:
    """Ce qu'on lit sur une figure : titre, annotations, noms et étiquettes des séries, titres des axes."""
    mise = spec["layout"]
    textes = [mise["title"]["text"], *(a.get("text", "") for a in mise.get("annotations", []))]
    for trace in spec["data"]:
        textes += [str(trace.get("name", "")), *map(str, valeurs_js(trace.get("text")))]
        textes += [str(v) for axe in ("x", "y") for v in valeurs_js(trace.get(axe)) if isinstance(v, str)]
    textes += [mise[a].get("title", {}).get("text") or "" for a in mise if a.startswith(("xaxis", "yaxis"))]
    return textes


def textes_page(at) -> list[str]:
    """Tout le texte qu'une page montre : titres, légendes, grands nombres, cellules, figures."""
    textes = [e.value for e in (*at.title, *at.header, *at.subheader, *at.caption, *at.markdown, *at.warning)]
    textes += [x for m in at.metric for x in (m.label, m.value, m.proto.delta)]
    for d in at.dataframe:
        t = cellules(d)
        textes += [*map(str, t.columns), *map(str, t.index), *t.astype(str).to_numpy().ravel()]
    for spec in figures(at).values():
        textes += textes_figure(spec)
    return textes


def sans_espaces(texte: str) -> str:
    """Espaces fines, insécables et retours à la ligne ramenés à une espace (le PDF coupe et remplace)."""
    return ESPACES.sub(" ", texte.replace("\u202f", " ").replace("\u00a0", " ")).strip()


# --- Zêta, commune sans enfant (Bezonvaux, 55050, dans les vraies données) ----------------------------------------

def ajouter_zeta(racine: Path) -> Path:
    """Ajoute au jeu minuscule Zêta (16002), commune de CC Charente Test sans enfant de moins de 3 ans, comme
    Bezonvaux : une naissance en 2018, aucune en 2023, huit places en MAM, aucune assistante maternelle active.
    Les autres communes, et les chiffres des autres tests, ne changent pas (ce dossier n'est qu'à ces tests) ; elles
    ont zéro place en MAM, et Zêta zéro de leurs autres comptes : un total où manque une commune serait n.d."""
    ref = racine / "reference"
    communes = pd.read_parquet(ref / "communes.parquet")
    zeta = {"code": "16002", "nom": "Zêta", "departement": "16", "region": "75", "epci": "200000003", "population": 0}
    pd.concat([communes, pd.DataFrame([zeta])], ignore_index=True).to_parquet(ref / "communes.parquet", index=False)
    populations = pd.read_parquet(ref / "populations.parquet")
    pd.concat([populations, pd.DataFrame([{"code": "16002", "edition": 2023, "annee": 2020, "population": 0}])],
              ignore_index=True).to_parquet(ref / "populations.parquet", index=False)
    mesures = pd.read_parquet(racine / "demo" / "mesures.parquet")
    lignes = [(2018, "enfants_0_2", 0), (2023, "enfants_0_2", 0), (2018, "naissances", 1), (2023, "naissances", 0),
              (2023, "places_mam", 8), (2023, "am_actives", 0), (2023, "places_psu", 0), (2023, "places_am", 0),
              (2023, "am_actives_60_plus", 0), (2023, "enfants_0_2_parents_actifs", 0)]
    lignes = [("16002", *ligne) for ligne in lignes] + [(c, 2023, "places_mam", 0) for c in communes["code"]]
    ajout = pd.DataFrame([("commune", c, a, i, float(v), "demo") for c, a, i, v in lignes], columns=mesures.columns)
    ajout["annee"] = ajout["annee"].astype(mesures["annee"].dtype)
    pd.concat([mesures, ajout], ignore_index=True).to_parquet(racine / "demo" / "mesures.parquet", index=False)
    return racine


@pytest.fixture
def donnees_zeta(donnees) -> Path:
    return ajouter_zeta(donnees)


@pytest.fixture
def req_zeta(donnees_zeta) -> Requetes:
    return Requetes(connecter(donnees_zeta))


# --- Flèches des écarts -------------------------------------------------------------------------------------------

def fleches(at) -> dict[str, tuple[str, int]]:
    """libellé -> (écart affiché, sens de la flèche) des grands nombres qui ont un écart."""
    return {m.label: (m.proto.delta, m.proto.direction) for m in at.metric if m.proto.delta}


def sens_attendu(ecart: str) -> int:
    """Le sens que doit prendre la flèche : celui du nombre écrit (« -1,0 pt » baisse, « +1,0 pt » hausse)."""
    nombre = float(ecart.split(" pt")[0].replace(",", ".").replace("\u2212", "-"))
    return BAISSE if nombre < 0 else HAUSSE if nombre > 0 else SANS


def test_accueil_la_fleche_de_chaque_ecart_suit_son_signe(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/accueil.py", "epci:200000001")
    # CC Test Un face à la Loire-Atlantique : 170/290 contre 420/620 enfants avec parents actifs, 6/30 contre
    # 9/60 assistantes maternelles de 60 ans et plus, 170/290 contre 410/620 places
    assert fleches(at) == {
        "Part des enfants de 0 à 2 ans avec parents actifs": ("-9,1 pt vs Loire-Atlantique", BAISSE),
        "Part des assistantes maternelles de 60 ans et plus": ("+5,0 pt vs Loire-Atlantique", HAUSSE),
        "Taux de couverture petite enfance": ("-7,5 pt vs Loire-Atlantique", BAISSE),
    }
    assert all(sens == sens_attendu(ecart) for ecart, sens in fleches(at).values())


def test_tensions_commune_cliquee_la_fleche_suit_le_signe(donnees, monkeypatch):
    # le portrait court d'une commune de la carte appelle la même fonction que l'Accueil
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "epci:200000001", commune="44001")
    assert fleches(at) == {
        "Part des assistantes maternelles de 60 ans et plus": ("-5,0 pt vs Loire-Atlantique", BAISSE),
        "Part des enfants de 0 à 2 ans avec parents actifs": ("+5,0 pt vs Loire-Atlantique", HAUSSE),
        "Taux de couverture petite enfance": ("-20,7 pt vs Loire-Atlantique", BAISSE),
    }
    assert all(sens == sens_attendu(ecart) for ecart, sens in fleches(at).values())


# --- Année absente des données --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("demande", "raison"), [("2031", "absente des données"), ("abc", "illisible")])
def test_annee_absente_dite_et_remplacee_par_l_annee_par_defaut(donnees, monkeypatch, demande, raison):
    at = ouvrir_page(donnees, monkeypatch, None, "epci:200000001", annee=demande)
    assert [w.value for w in at.sidebar.warning] == [
        f"Année « {demande} » {raison} (années disponibles : 2018 à 2023). Affichage de 2023."]
    assert at.sidebar.selectbox(key="sel_annee").value == 2023
    assert at.query_params["annee"] == "2023"


def test_annee_et_territoire_illisibles_tous_deux_signales(monkeypatch):
    # sur les données livrées, où est le territoire par défaut (CA Pornic Agglo Pays de Retz)
    at = ouvrir_page(None, monkeypatch, None, "commune:99999", annee="2031")
    alerte = at.sidebar.warning[0].value
    assert alerte.startswith("Territoire « commune:99999 » inconnu")
    assert alerte.endswith("Année « 2031 » absente des données (années disponibles : 2016 à 2024). Affichage de 2023.")
    assert at.sidebar.selectbox(key="sel_annee").value == 2023


def test_annee_par_defaut_2023_sinon_la_plus_recente():
    assert jeux.annee_par_defaut([2024, 2023, 2022]) == 2023
    assert jeux.annee_par_defaut([2024, 2022]) == 2024
    assert jeux.annee_par_defaut([2021, 2022]) == 2022


# --- Une commune sans enfant ----------------------------------------------------------------------------------------

def test_synthese_d_une_commune_sans_enfant_dit_pourquoi_rien_n_est_dessine(donnees_zeta, monkeypatch):
    at = ouvrir_page(donnees_zeta, monkeypatch, "pages/synthese.py", "commune:16002")
    besoins, offre = (cellules(d) for d in at.dataframe)
    assert list(besoins.iloc[0]) == ["Zêta", "0", "0", "n.d.", "n.d.", "n.d.", "n.d."]
    assert list(offre.iloc[0]) == ["Zêta", "0", "n.d.", "8", "0", "n.d.", "n.d.", "8", "n.d.", "0", "0", "n.d."]
    assert [(m.label, m.value) for m in at.metric[-4:]] == [
        ("Zêta", "n.d."), ("CC Charente Test", "45,0\u00a0%"), ("Charente", "55,5\u00a0%"), ("France", "61,7\u00a0%")]
    figs = figures(at)
    places = figs["Places d'accueil pour 100 enfants de moins de 3 ans, par mode, Zêta, 2023"]
    mots = [(a["text"], a.get("y")) for a in places["layout"]["annotations"] if a.get("yref") == "y"]
    assert mots == [("n.d. : aucun enfant de moins de 3 ans", "Zêta")]
    note = next(a["text"] for a in places["layout"]["annotations"] if a["text"].startswith("Sources"))
    assert note.endswith("Sans valeur (n.d.) : Zêta (aucun enfant de moins de 3 ans).")
    couverture = figs["Taux de couverture petite enfance, Zêta et comparaisons, 2023"]
    assert [a["text"] for a in couverture["layout"]["annotations"] if a.get("x") == "Zêta"] == [
        "n.d.<br>aucun enfant de moins de 3 ans"]
    ages = figs["Âge des assistantes maternelles actives, Zêta, 2023"]
    assert ("n.d. : aucune assistante maternelle active", "Zêta") in [
        (a["text"], a.get("y")) for a in ages["layout"]["annotations"]]


def graduations(svg: bytes) -> list[list[str]]:
    """Les étiquettes de chaque axe d'une figure rendue en SVG par Plotly, axe par axe."""
    ns = "{http://www.w3.org/2000/svg}"
    return [[t.text for t in g.iter(f"{ns}text")] for g in ET.fromstring(svg).iter(f"{ns}g")
            if g.get("class") in ("xaxislayer-above", "yaxislayer-above")]


def test_axes_d_une_commune_sans_enfant_gradues_en_entiers(donnees_zeta, monkeypatch):
    # « 0 0 0 1 1 1 » : des graduations 0 ; 0,2 ; 0,4… arrondies à l'entier. On dessine en SVG (Kaleido, le moteur
    # de Plotly) les figures que la page envoie au navigateur, et on lit leurs graduations.
    import plotly.graph_objects as go

    from bench.navigateur import installer_chromium
    from portrait.surfaces import fiche

    if installer_chromium() is None:
        pytest.fail("Chromium est nécessaire à Kaleido (apt-get install chromium).")
    at = ouvrir_page(donnees_zeta, monkeypatch, "pages/synthese.py", "commune:16002")
    dessins = {titre: graduations(fiche.image(go.Figure(spec), "svg")) for titre, spec in figures(at).items()}
    for titre, axes in dessins.items():
        assert axes and all(len(a) == len(set(a)) for a in axes), (titre, axes)
        assert not any(INTERDIT.search(e) for a in axes for e in a), (titre, axes)
    # Zêta : 0 enfant en 2018 comme en 2023, une naissance en 2018 ; son axe va de 0 à 1
    assert dessins["Évolution du nombre d'enfants de 0 à 2 ans, Zêta et comparaisons, 2018-2023"][1] == ["0", "1"]
    assert dessins["Évolution du nombre de naissances, Zêta et comparaisons, 2018-2023"][1] == ["0", "1"]


# --- Détail : période réelle des séries, couleurs des communes ------------------------------------------------------

def annees_tracees(spec: dict) -> set[int]:
    return {int(a) for trace in spec["data"] for a in valeurs_js(trace.get("x"))}


@pytest.mark.parametrize(("mode", "periode", "annees"), [("Évolution", "2023", {2023}),
                                                          ("Nombre", "2018-2023", {2018, 2023})])
def test_detail_evolution_titree_de_la_periode_des_donnees(donnees, monkeypatch, mode, periode, annees):
    # une évolution compare N à N-5 : avec des données en 2018 et 2023, la série n'a que 2023
    at = ouvrir_page(donnees, monkeypatch, "pages/detail.py", "commune:44002", theme="enfants 0-2 ans", mode=mode)
    libelle = "Évolution du nombre d'enfants de 0 à 2 ans" if mode == "Évolution" else "Enfants de 0 à 2 ans"
    assert at.subheader[-1].value == f"Au fil des années : {libelle}, {periode}"
    courbes = figures(at)[f"{libelle}, communes choisies, {periode}"]
    assert annees_tracees(courbes) == annees


def test_detail_chaque_commune_suivie_a_une_couleur_qu_aucune_reference_ne_porte(donnees, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/detail.py", "epci:200000001", theme="enfants 0-2 ans",
                     mode="Nombre", communes="commune:44001,commune:44002")
    courbes = next(s for t, s in figures(at).items() if t.startswith("Enfants de 0 à 2 ans, communes choisies"))
    couleurs = {t["name"]: (t["line"]["color"], t["line"]["dash"]) for t in courbes["data"]}
    assert couleurs == {"Alpha": ("#0072B2", "solid"), "Bêta": ("#D55E00", "solid"),
                        "CC Test Un": ("#E69F00", "dash"), "Loire-Atlantique": ("#009E73", "dash")}


def test_douze_communes_suivies_toutes_distinctes_des_references():
    serie = pd.DataFrame({"nom": [f"C{i}" for i in range(12)] + ["EPCI", "Dép.", "France"], "annee": 2023,
                          "valeur": 1.0, "role": ["commune"] * 12 + ["epci", "departement", "france"]})
    traces = graphiques.courbes(serie, "enfants_0_2", "titre", "note").data
    references = {graphiques.COULEURS_ROLES[r] for r in graphiques.ROLES_REFERENCE}
    communes = [(t.line.color, t.marker.symbol) for t in traces[:12]]
    assert len(set(communes)) == 12 and not {c for c, _ in communes} & references


# --- Ni « None », ni « nan », ni point décimal : pages, CSV, XLSX, diapositives -------------------------------------

PAGES = [("pages/accueil.py", {}), ("pages/synthese.py", {}), ("pages/detail.py", {}),
         ("pages/detail.py", {"theme": "assistantes maternelles 60 ans et plus", "mode": "Part"})]


@pytest.mark.parametrize("territoire", ["commune:16002", "epci:200000001"])
@pytest.mark.parametrize(("page", "params"), PAGES)
def test_aucun_texte_none_nan_ni_point_decimal_sur_les_pages(donnees_zeta, monkeypatch, page, params, territoire):
    at = ouvrir_page(donnees_zeta, monkeypatch, page, territoire, **params)
    fautifs = [t for t in textes_page(at) if INTERDIT.search(t)]
    assert not fautifs
    assert all(s["layout"]["separators"] == ", " for s in figures(at).values())  # graduations à la française


def tableaux_des_vues(req, territoire: str) -> list:
    """Les tableaux des trois pages pour un territoire : ceux qu'on télécharge en CSV et en XLSX."""
    return [accueil.accueil(req, territoire, 2023).comparaison,
            *(lambda v: (v.besoins, v.offre))(synthese.synthese(req, territoire, 2023)),
            detail.detail(req, territoire, 2023, "enfants 0-2 ans", "Évolution").tableau]


@pytest.mark.parametrize("territoire", ["commune:16002", "epci:200000001"])
def test_csv_pour_excel_et_xlsx_des_tableaux(req_zeta, territoire):
    for t in tableaux_des_vues(req_zeta, territoire):
        texte = exports.csv_excel(t.valeurs).decode("utf-8-sig")
        assert not INTERDIT.search(texte), (t.titre, texte)
        feuille = openpyxl.load_workbook(io.BytesIO(exports.xlsx(t.valeurs, t.titre, t.note, t.formats_excel))).active
        nombres = [c for ligne in feuille.iter_rows(min_row=4, max_row=3 + len(t.valeurs)) for c in ligne
                   if isinstance(c.value, int | float)]
        assert nombres and all(c.number_format in (exports.FORMAT_NOMBRE, exports.FORMAT_POURCENT) for c in nombres)


def test_diapositives_de_synthese_sans_none_nan_ni_point_decimal(req_zeta):
    from portrait.surfaces import fiche

    d, _ = fiche.diapositives_synthese(req_zeta, "commune:16002", 2023)
    textes = [x for diapo in d for x in (diapo.titre, diapo.note, diapo.texte)]
    for diapo in d:
        if diapo.tableau is not None:
            textes += [*map(str, diapo.tableau.columns), *(fiche.texte_cellule(v, diapo.formats.get(c))
                                                           for c in diapo.tableau.columns for v in diapo.tableau[c])]
        if diapo.figure is not None:
            textes += textes_figure(json.loads(diapo.figure.to_json()))
    assert not [t for t in textes if INTERDIT.search(t)]


# --- Mêmes nombres, mêmes titres : page, PPTX, PDF, CLI -------------------------------------------------------------

def test_synthese_memes_nombres_et_titres_sur_la_page_la_fiche_et_la_cli(donnees, monkeypatch, req):
    from pptx import Presentation
    from pypdf import PdfReader

    from portrait.surfaces import fiche
    from portrait.surfaces.cli import main
    from portrait.vues import francais as fr

    at = ouvrir_page(donnees, monkeypatch, "pages/synthese.py", "epci:200000001")
    titres_figures = list(figures(at))
    titres_tableaux = [s.value for s in at.subheader]
    besoins, offre = (cellules(d) for d in at.dataframe)
    grands_nombres = [(m.label, m.value) for m in at.metric]
    assert titres_figures == [
        "Évolution du nombre de naissances, CC Test Un et comparaisons, aucune valeur connue",
        "Évolution du nombre d'enfants de 0 à 2 ans, CC Test Un et comparaisons, 2018-2023",
        "Places d'accueil pour 100 enfants de moins de 3 ans, par mode, CC Test Un, 2023",
        "Âge des assistantes maternelles actives, CC Test Un, 2023",
        "Taux de couverture petite enfance, CC Test Un et comparaisons, 2023"]
    assert titres_tableaux == ["Besoins des familles, CC Test Un, 2023",
                               "Places et assistantes maternelles, CC Test Un, 2023"]
    assert grands_nombres == [
        ("CC Test Un", "n.d."), ("Loire-Atlantique", "n.d."), ("France", "n.d."),
        ("Assistantes maternelles de 60 ans et plus, CC Test Un", "6"),
        ("Places menacées par les départs en retraite d'ici cinq ans (estimation)", "18"),
        ("CC Test Un", "58,6\u00a0%"), ("Loire-Atlantique", "66,1\u00a0%"), ("France", "60,6\u00a0%")]
    titres_page = [titres_figures[0], titres_figures[1], titres_tableaux[0], titres_figures[2], titres_tableaux[1],
                   titres_figures[3], titres_figures[4]]

    # PPTX : les diapositives de synthèse, dans l'ordre de la page, leurs tableaux cellule pour cellule
    prs = Presentation(io.BytesIO(fiche.fiche(req, "epci:200000001", 2023, "pptx")))
    diapos = list(prs.slides)[1:8]
    assert [s.shapes[0].text_frame.text for s in diapos] == titres_page
    tableaux = [pd.DataFrame([[c.text for c in r.cells] for r in sh.table.rows][1:],
                             columns=[c.text for c in sh.table.rows[0].cells])
                for s in diapos for sh in s.shapes if sh.has_table]
    assert [t.to_dict("list") for t in tableaux] == [besoins.to_dict("list"), offre.to_dict("list")]
    texte_pptx = " ".join(sh.text_frame.text for s in diapos for sh in s.shapes if sh.has_text_frame)
    assert all(f"{libelle} : {valeur}" in texte_pptx for libelle, valeur in grands_nombres)

    # PDF : titres, grands nombres et cellules, au texte près (le PDF coupe les lignes)
    lecteur = PdfReader(io.BytesIO(fiche.fiche(req, "epci:200000001", 2023, "pdf")))
    pages = [sans_espaces(p.extract_text()) for p in lecteur.pages[1:8]]
    assert all(sans_espaces(titre) in page for titre, page in zip(titres_page, pages))
    assert all(sans_espaces(f"{libelle} : {valeur}") in " ".join(pages) for libelle, valeur in grands_nombres)
    for page, tableau in ((pages[2], besoins), (pages[4], offre)):
        assert all(sans_espaces(v) in page for v in tableau.to_numpy().ravel())

    # CLI : les lignes de la même vue ; formatées à la française, les nombres de la page
    sortie = io.StringIO()
    with redirect_stdout(sortie):
        assert main(["portrait", "--territoire", "epci:200000001", "--annee", "2023", "--format", "json",
                     "--data-dir", str(donnees)]) == 0
    lignes = {ligne["nom"]: ligne for ligne in json.loads(sortie.getvalue())}
    assert [(n, fr.valeur("taux_couverture", lignes[n]["taux_couverture"])) for n in lignes] == grands_nombres[-3:]
    assert [(n, fr.valeur("naissances", lignes[n]["naissances"])) for n in lignes] == grands_nombres[:3]
    for tableau, ids in ((besoins, synthese.TABLE_BESOINS), (offre, synthese.TABLE_OFFRE)):
        cli = [[n, *(fr.valeur(i, lignes[n][i]) for i in ids)] for n in lignes]
        assert cli == tableau.to_numpy().tolist()


def test_cli_portrait_annee_absente_dite(donnees):
    from portrait.surfaces.cli import main

    sortie, erreur = io.StringIO(), io.StringIO()
    with redirect_stdout(sortie), redirect_stderr(erreur):
        code = main(["portrait", "--territoire", "epci:200000001", "--annee", "2031", "--data-dir", str(donnees)])
    assert (code, sortie.getvalue(), erreur.getvalue()) == (2, "", "Année 2031 absente des données (2018 à 2023).\n")


def test_synthese_les_barres_des_places_ne_se_disent_le_taux_que_s_il_l_est(req):
    """La Charente a un taux de couverture publié (55,5 %) ; ses barres, calculées sur ses places et ses enfants,
    font 25 (10 places pour 40 enfants) : la note ne dit plus que chaque barre a pour longueur le taux de couverture
    (avant : elle le disait), elle nomme l'écart. Là où tout est calculé (CC Test Un), la phrase reste."""
    note = synthese.synthese(req, "commune:16001", 2023).places.note
    assert "Chaque barre a pour longueur le taux de couverture" not in note
    assert note.endswith("Chaque barre additionne les places de chaque mode pour 100 enfants de moins de 3 ans, "
                         "calculées sur les places et les enfants ; le taux de couverture affiché (publié, ou d'une "
                         "autre source) en diffère pour Charente (barre : 25,0, taux : 55,5\u00a0%).")
    assert synthese.synthese(req, "epci:200000001", 2023).places.note.endswith(
        "Chaque barre a pour longueur le taux de couverture.")
