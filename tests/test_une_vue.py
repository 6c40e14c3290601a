"""Une vue, une vérité : la page, la fiche (PPTX, PDF) et la ligne de commande montrent les mêmes communes, et un
classement (tension, quadrant) ne change pas avec le territoire affiché. Jeu minuscule (tests/conftest.py)."""

import io
import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from bench.navigateur import installer_chromium
from portrait.donnees import jeux
from portrait.regles import tensions
from portrait.surfaces import exports, fiche
from portrait.surfaces.cli import main
from portrait.vues import cooperation as vue_cooperation
from portrait.vues import tensions as vue_tensions
from tests.conftest import COMMUNES, lire_tableau_html, ouvrir_page

# faible couverture (sous 70 %) et assistantes maternelles proches de la retraite (10 % et plus), les deux exigés :
# Alpha (45,5 % ; 10 %) et Bêta (66,7 % ; 25 %) ; pas Gamma (72,7 %)
PARAMS = {"exiges": "taux_couverture,part_am_60_plus", "couverture": "70", "am60": "10"}
ATTENDUES = ["Alpha", "Bêta"]
FILTRES = tensions.Filtres(tensions.Seuils(part_am_60_plus=10.0, taux_couverture=70.0,
                                           exiges=("taux_couverture", "part_am_60_plus")))
NOMS = set(COMMUNES["nom"])


def options_cli(params: dict) -> list[str]:
    return [x for cle, valeur in params.items() for x in (f"--{cle}", valeur)]


def cli_json(donnees, capsys, *args) -> list[dict]:
    assert main([*args, "--annee", "2023", "--format", "json", "--data-dir", str(donnees)]) == 0
    return json.loads(capsys.readouterr().out)


def communes_page(at) -> list[str]:
    tableau = lire_tableau_html(at.html[0].value)
    return list(tableau.loc[tableau["Niveau"] == "Commune", "Territoire"])


def affiche(d):
    """Les cellules d'un st.dataframe telles qu'affichées : les valeurs mises en forme (Styler), sinon brutes."""
    octets = d.proto.arrow_data.styler.display_values
    return (convert_arrow_bytes_to_pandas_df(octets) if octets else d.value).astype(str)


@pytest.fixture(scope="module")
def chromium():
    if installer_chromium() is None:
        pytest.fail("Chromium est nécessaire à Kaleido (apt-get install chromium).")


def test_memes_communes_sur_la_page_la_fiche_et_la_ligne_de_commande(donnees, req, monkeypatch, capsys, chromium):
    # avant : la fiche citait les filtres mais listait les trois communes (« 0 / 4 » compris) et coloriait toute la
    # carte ; la ligne de commande n'avait pas ces options
    from pptx import Presentation
    from pypdf import PdfReader

    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44", **PARAMS)
    assert at.subheader[0].value == "2 communes sur 3 en tension"
    assert communes_page(at) == ATTENDUES

    prs = Presentation(io.BytesIO(fiche.fiche(req, "departement:44", 2023, "pptx", FILTRES)))
    tableaux = [sh.table for s in prs.slides for sh in s.shapes if sh.has_table
                and s.shapes[0].text_frame.text.startswith("Identification des tensions")]
    pptx = [t.cell(i, 0).text for t in tableaux for i in range(1, len(t.rows)) if t.cell(i, 1).text == "Commune"]
    assert pptx == ATTENDUES
    textes = [s.shapes[1].text_frame.text for s in prs.slides if s.shapes[0].text_frame.text.startswith("Tensions")]
    assert textes and textes[0].endswith("2 communes sur 3 en tension.")

    pdf = PdfReader(io.BytesIO(fiche.fiche(req, "departement:44", 2023, "pdf", FILTRES)))
    pages = [p.extract_text() for p in pdf.pages if "Identification des tensions" in p.extract_text()]
    assert pages and sorted(n for n in NOMS if any(n in p for p in pages)) == ATTENDUES

    lignes = cli_json(donnees, capsys, "tensions", "--territoire", "departement:44", *options_cli(PARAMS))
    assert [ligne["nom"] for ligne in lignes if ligne["niveau"] == "commune"] == ATTENDUES

    # la carte de la fiche est celle de la page : les communes hors filtre y sont grisées
    d = fiche.diapositives_tensions(req, "departement:44", 2023, FILTRES)[0]
    legende = next(a.text for a in d.figure.layout.annotations if "■" in (a.text or "") or "□" in (a.text or ""))
    assert "hors filtre" in legende


def test_une_commune_jugee_contre_son_departement_quel_que_soit_le_territoire(donnees, monkeypatch):
    # CA Test Deux : Gamma (Loire-Atlantique) et Epsilon (Vendée). Epsilon (couverture 20 %) se compare à la Vendée
    # (20 %), pas au département principal de l'EPCI (66,1 %) : 2 critères dans l'EPCI comme dans la Vendée (avant :
    # 3 dans l'EPCI, donc en tension avec k = 3, et 2 dans la Vendée)
    dans_epci = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "epci:200000002", k="3", tout_voir="true")
    dans_vendee = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:85", k="3", tout_voir="true")
    dans_la = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "departement:44", k="3", tout_voir="true")
    lignes = {nom: lire_tableau_html(at.html[0].value).set_index("Territoire")
              for nom, at in (("epci", dans_epci), ("85", dans_vendee), ("44", dans_la))}
    criteres = {nom: t["Critères remplis"] for nom, t in lignes.items()}
    assert criteres["epci"]["Epsilon"] == criteres["85"]["Epsilon"] == "2 / 4"
    assert criteres["epci"]["Gamma"] == criteres["44"]["Gamma"] == "2 / 4"
    assert dans_epci.subheader[0].value == "0 commune sur 2 en tension"
    # le tableau de l'EPCI montre ses deux départements, chacun la référence de ses communes
    assert list(lignes["epci"].index) == ["Epsilon", "Gamma", "CA Test Deux", "Loire-Atlantique", "Vendée"]
    # les cellules rouges d'une commune disent l'écart à SON département : la ligne d'Epsilon est la même dans
    # l'EPCI et dans la Vendée (avant, dans l'EPCI, sa couverture de 20 % était rouge contre 66,1 %)
    assert ligne_html(dans_epci, "Epsilon") == ligne_html(dans_vendee, "Epsilon")
    assert ligne_html(dans_epci, "Gamma") == ligne_html(dans_la, "Gamma")


def ligne_html(at, nom: str) -> str:
    """Les cellules (valeurs et styles) de la ligne d'un territoire dans le tableau des tensions d'une page."""
    return at.html[0].value.split(f'<th scope="row">{nom}</th>')[1].split("</tr>")[0]


@pytest.mark.parametrize("filtres", [tensions.Filtres(), tensions.Filtres(tensions.Seuils(k=3)),
                                     tensions.Filtres(tensions.Seuils(k=1, exiges=("taux_couverture",)))])
def test_classement_et_carte_identiques_dans_l_epci_et_dans_le_departement(req, filtres):
    colonnes = ["code", "niveau_tension", "en_tension", "retenue",
                *(f"critere_{i}" for i in vue_tensions.COLONNES_TENSION)]
    dans_epci = vue_tensions.vue_tensions(req, "epci:200000002", 2023, filtres, "taux_couverture").unites
    for cadre in ("departement:44", "departement:85"):
        dans_dep = vue_tensions.vue_tensions(req, cadre, 2023, filtres, "taux_couverture").unites
        a = dans_epci[dans_epci["code"].isin(dans_dep["code"])][colonnes].reset_index(drop=True)
        b = dans_dep[dans_dep["code"].isin(dans_epci["code"])][colonnes].reset_index(drop=True)
        assert len(a) == 1 and a.equals(b), cadre  # Gamma, puis Epsilon
    # la carte « rapport au département » : Epsilon a la même couleur dans l'EPCI et dans la Vendée
    couleur = {}
    for cadre in ("epci:200000002", "departement:85"):
        evaluee = tensions.evaluer(jeux.tensions(req, cadre, 2023,
                                                 autres=tensions.indicateurs_a_lire("taux_couverture")), filtres)
        table, couleurs = vue_tensions.table_carte(evaluee, "taux_couverture", tensions.METHODES[0], False)
        couleur[cadre] = couleurs[table.set_index("code").loc["85001", "classe"]]
    assert couleur["epci:200000002"] == couleur["departement:85"]


def test_vue_france_des_epci_sans_competences_sppe(donnees, monkeypatch):
    # la vue France juge des EPCI : la page le dit, et ne leur prête pas les compétences SPPE des communes
    at = ouvrir_page(donnees, monkeypatch, "pages/tensions.py", "france", sppe="10 000 habitants et plus",
                     tout_voir="true")
    assert any("un EPCI est en tension quand il remplit" in m.value for m in at.markdown)
    assert not any("une commune est en tension" in m.value for m in at.markdown)
    tableau = lire_tableau_html(at.html[0].value)
    assert "Compétences SPPE" not in tableau.columns
    assert list(tableau["Niveau"]) == ["EPCI", "EPCI", "EPCI", "France"]
    assert at.subheader[0].value == "2 EPCI sur 3 en tension"  # le filtre SPPE ne retire pas d'EPCI
    assert not [p for p in at.button_group if p.key == "sppe"]
    assert not any("communes de 10 000" in c.value for c in at.caption)


def test_quadrant_identique_quel_que_soit_le_territoire(donnees, monkeypatch, capsys):
    # médianes de tous les EPCI de France (1,72 ETP ; 50 %) : CC Test Un (50 %, 1,72 ETP) est dans le quadrant vu
    # seul comme dans la Loire-Atlantique ou la France (avant : médianes de la sélection, il l'était seul et ne
    # l'était plus dans la Loire-Atlantique)
    pages = {t: ouvrir_page(donnees, monkeypatch, "pages/cooperation.py", t)
             for t in ("epci:200000001", "departement:44", "france")}
    for territoire, at in pages.items():
        phrase = next(m.value for m in at.markdown if "Forte tension, peu de coopération" in m.value)
        assert "CC Test Un" in phrase and "CA Test Deux" not in phrase, territoire
    for territoire, at in pages.items():
        assert any("Lignes : médianes de tous les EPCI de France (1,72 ETP" in c.value for c in at.caption)
        lignes = cli_json(donnees, capsys, "cooperation", "--territoire", territoire)
        assert {ligne["code"]: ligne["prioritaire"] for ligne in lignes}["200000001"] is True


def test_cooperation_compte_les_communes_avec_les_filtres_de_tensions(donnees, monkeypatch, capsys):
    # les filtres de la page Tensions, lus dans l'URL : au moins 1 critère, dont la couverture. Chaque commune est
    # jugée contre son département, y compris en vue France (avant : la couverture n'y était jamais remplie)
    # CC Test Un : Alpha (45,5 % < 66,1 %) sur 2 ; CA Test Deux : ni Gamma ni Epsilon ; CC Charente : Delta (25 % <
    # 55,5 %)
    params = {"k": "1", "exiges": "taux_couverture"}
    at = ouvrir_page(donnees, monkeypatch, "pages/cooperation.py", "france", **params)
    assert any("en tension = au moins 1 critère, dont taux de couverture" in c.value for c in at.caption)
    phrase = next(m.value for m in at.markdown if "Forte tension, peu de coopération" in m.value)
    assert phrase == "Forte tension, peu de coopération (2 EPCI) : CC Charente Test, CC Test Un."
    assert at.query_params["k"] == "1" and at.query_params["exiges"] == "taux_couverture"
    # la fiche de la barre latérale reprendra ces filtres
    assert at.session_state["filtres_tensions"].seuils.exiges == ("taux_couverture",)
    lignes = cli_json(donnees, capsys, "cooperation", "--territoire", "france", *options_cli(params))
    assert {ligne["code"]: ligne["part_communes_en_tension"] for ligne in lignes} == {
        "200000002": 0.0, "200000003": 100.0, "200000001": 50.0}


def test_cooperation_nombres_a_la_francaise(donnees, req, monkeypatch):
    at = ouvrir_page(donnees, monkeypatch, "pages/cooperation.py", "departement:44")
    postes = next(d for d in at.dataframe if "Personne" in d.value.columns)
    assert list(affiche(postes)["ETP valorisés"]) == ["0,15", "0,30", "0,50", "1,00"]  # « 0.15 » avant
    for d in at.dataframe:
        textes = affiche(d)
        assert not textes.map(lambda t: any(c.isdigit() for c in t) and "." in t).any().any(), textes
    vue = vue_cooperation.vue_cooperation(req, "departement:44", 2023)
    csv = exports.csv_excel(vue.postes.valeurs).decode("utf-8-sig")
    assert ";0,15;" in csv and "0.15" not in csv
    from openpyxl import load_workbook

    feuille = load_workbook(io.BytesIO(exports.xlsx(vue.postes.valeurs, vue.postes.titre, vue.postes.note,
                                                    vue.postes.formats_excel))).active
    cellule = next(c for c in feuille["E"] if c.value == 0.15)
    assert cellule.number_format == "0.00"  # un nombre, affiché « 0,15 » par un Excel français


def test_pdf_noms_longs_entiers(chromium):
    # la page PDF d'un tableau : chaque colonne à la largeur de son texte (« Saint-Aubin-des-Châ » avant)
    import pandas as pd
    from pypdf import PdfReader

    t = pd.DataFrame({"Territoire": ["Saint-Aubin-des-Châteaux", "Saint-Lumine-de-Clisson"],
                      "Niveau": ["Commune"] * 2, **{f"colonne {i}": [1.0, 2.0] for i in range(8)}})
    d = fiche.Diapositive("Identification des tensions", "Sources.", tableau=t)
    texte = PdfReader(io.BytesIO(fiche.image(fiche.figure_tableau(d), "pdf"))).pages[0].extract_text()
    assert "Saint-Aubin-des-Châteaux" in texte.splitlines() and "Saint-Lumine-de-Clisson" in texte.splitlines()
