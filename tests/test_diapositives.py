"""Exports pour le COPIL : images 1 600 × 900, fiche territoire PPTX et PDF, mode présentation."""

import io
import re
import struct

import pytest

from bench.navigateur import installer_chromium
from portrait.surfaces import fiche
from portrait.vues import graphiques
from portrait.vues import tensions as vue_tensions


@pytest.fixture(scope="module", autouse=True)
def chromium():
    if installer_chromium() is None:
        pytest.fail("Chromium est nécessaire à Kaleido (apt-get install chromium).")


def taille_png(octets: bytes) -> tuple[int, int]:
    assert octets[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", octets[16:24])


def test_image_au_format_diapositive():
    import pandas as pd

    t = pd.DataFrame({"nom": ["A", "B"], "role": ["territoire", "france"], "taux_couverture": [76.9, 69.6]})
    fig = graphiques.barres_comparaison(t, "taux_couverture", "Taux de couverture, A, 2023", "Sources : Cnaf.")
    assert taille_png(fiche.image(fig, "png", demo=True)) == (1600, 900)
    svg = fiche.image(fig, "svg", demo=True).decode()
    assert "Taux de couverture, A, 2023" in svg and "Données de démonstration" in svg and "76,9" in svg


def test_images_en_serie_rien_ne_passe_d_une_image_a_l_autre():
    # Kaleido ne recharge plus son onglet entre deux images (fiche._classe_kaleido) : chaque image d'une série est
    # celle que la figure donne seule, quelle que soit la précédente (une barre, un tableau, une carte)
    import pandas as pd
    import plotly.graph_objects as go
    from kaleido.errors import KaleidoError

    t = pd.DataFrame({"nom": ["A", "B"], "role": ["territoire", "france"], "taux_couverture": [76.9, 69.6]})
    barres = graphiques.barres_comparaison(t, "taux_couverture", "Taux de couverture, A, 2023", "Sources : Cnaf.")
    tableau = go.Figure(go.Table(header={"values": ["nom"]}, cells={"values": [["A", "B"]]}))
    carte = go.Figure(go.Scattermap(lat=[47.1], lon=[-2.1], text=["Pornic"]),
                      layout={"map": {"style": "white-bg", "center": {"lat": 47.1, "lon": -2.1}, "zoom": 8}})
    serie = fiche.images([barres, tableau, carte, barres, tableau, carte], "png")
    assert serie[:3] == serie[3:]
    # une carte sans fond (ses tuiles viendraient du réseau) est refusée ; l'onglet reste bon pour la suivante
    with pytest.raises(KaleidoError, match="Map error"):
        fiche.image(go.Figure(go.Scattermap(lat=[47.1], lon=[-2.1]), layout={"map": {"zoom": 8}}), "png")
    assert fiche.image(tableau, "png") == serie[1]


def test_figure_figee_envoyee_sans_copie_et_image_intacte():
    # la carte en cache : st.plotly_chart lit to_dict() sans recopie ; l'image diapositive part d'une copie ordinaire
    import plotly.graph_objects as go

    figee = graphiques.FigureFigee(go.Figure(go.Bar(x=["A"], y=[76.9]), layout={"title": {"text": "Carte"}}))
    assert figee.to_dict() is figee.to_dict()
    assert taille_png(fiche.image(figee, "png")) == (1600, 900)
    # la mise au format 16:9 n'a touché ni la figure partagée ni le dictionnaire qu'elle envoie
    assert figee.layout.width is None and "width" not in figee.to_dict()["layout"]


def test_fiche_pptx_pornic_agglo(req_demo):
    from pptx import Presentation

    octets = fiche.fiche(req_demo, "epci:200067346", 2023, "pptx")
    prs = Presentation(io.BytesIO(octets))
    titres = [s.shapes[0].text_frame.text for s in prs.slides]
    # la couverture, puis une diapositive par partie de la fiche, dans l'ordre, sous son titre
    d, _, _ = fiche.diapositives(req_demo, "epci:200067346", 2023)
    assert titres == ["CA Pornic Agglo Pays de Retz · 2023", *(x.titre for x in d)]
    assert "Besoins des familles, CA Pornic Agglo Pays de Retz, 2023" in titres
    tensions = [t for t in titres if t.startswith("Identification des tensions")]
    assert tensions == ["Identification des tensions, CA Pornic Agglo Pays de Retz, 2023"]  # les communes retenues
    tableaux = [sh.table for s in prs.slides for sh in s.shapes if sh.has_table]
    cellules = {c.text for t in tableaux for r in t.rows for c in r.cells}
    assert "76,9\u00a0%" in cellules  # la ligne de l'EPCI
    retenues = vue_tensions.vue_tensions(req_demo, "epci:200067346", 2023).retenues
    assert retenues and set(retenues) <= cellules and "Préfailles" not in retenues and "Préfailles" not in cellules
    notes = [s.shapes[-1].text_frame.text for s in list(prs.slides)[1:]]
    assert all(n.startswith("Source") and "Données de démonstration" in n for n in notes)


def test_fiche_pdf(req_demo):
    from pypdf import PdfReader

    lecteur = PdfReader(io.BytesIO(fiche.fiche(req_demo, "epci:200067346", 2023, "pdf")))
    d, _, _ = fiche.diapositives(req_demo, "epci:200067346", 2023)
    pages = [" ".join(p.extract_text().split()) for p in lecteur.pages]
    assert len(pages) == 1 + len(d)  # la couverture, puis une page par diapositive
    assert pages[0].startswith("CA Pornic Agglo Pays de Retz · 2023 Portrait de territoire petite enfance")
    # chaque page porte le titre de sa figure, ou celui de sa diapositive pour un tableau
    for page, diapo in zip(pages[1:], d, strict=True):
        titre = diapo.titre if diapo.figure is None else diapo.figure.layout.title.text
        assert " ".join(re.sub("<[^>]+>", " ", titre).split()) in page, (titre, page[:200])


def test_mode_presentation_par_l_url(ouvrir):
    from portrait.surfaces import ecran

    at = ouvrir(None, "epci:200000001", presentation="1")
    assert at.session_state["presentation"] is True
    styles = [m.value for m in at.markdown if "<style>" in m.value]
    assert styles == [ecran.STYLE_PRESENTATION.strip()]
    assert '[data-testid="stSidebar"]' in styles[0]  # la barre latérale cachée
    at.button(key="quitter_presentation").click().run()
    assert at.session_state["presentation"] is False
    assert "presentation" not in at.query_params
    assert [m.value for m in at.markdown if "<style>" in m.value] == []


def test_mode_presentation_tensions_dit_les_filtres_une_fois(ouvrir):
    # avant : l'en-tête écrivait la phrase des filtres, que la légende de la carte, juste dessous, redit
    import json

    at = ouvrir("pages/tensions.py", "epci:200000001", presentation="1", k="1")
    assert at.session_state["presentation"] is True
    textes = [m.value for m in at.markdown if "<style>" not in m.value]
    assert [t for t in textes if re.fullmatch(r"\d+ communes? sur \d+ en tension\.", t)], textes  # le décompte
    assert not any("au moins 1 critère" in t for t in textes), textes
    carte = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "au moins 1 critère" in carte["layout"]["annotations"][-1]["text"]  # la légende de la carte les dit

def test_fiche_reprend_les_filtres_de_la_page_tensions(req_demo):
    # la fiche téléchargée après un filtrage montre la même sélection que la page, et la dit
    from portrait.regles import tensions

    filtres = tensions.Filtres(tensions.Seuils(k=1, exiges=("taux_couverture", "part_am_60_plus")), zone=40.0)
    d, _, _ = fiche.diapositives(req_demo, "epci:200067346", 2023, filtres)
    def dit(diapos) -> str:
        """Ce que dit la diapositive de la carte : sa phrase et la légende de la carte (les filtres)."""
        x = next(x for x in diapos if x.titre.startswith("Tensions SPPE"))
        return x.texte + " " + x.figure.layout.annotations[-1].text.replace("<br>", " ").replace("\u00a0;", " ;")
    texte = dit(d)
    attendu = tensions.evaluer(donnees_tensions(req_demo), filtres)
    retenues, total = tensions.decompte(attendu)
    assert "au moins 1 critère, dont taux de couverture et part AM 60 ans et plus" in texte
    assert texte.startswith(f"{retenues} commune{'s' if retenues > 1 else ''} sur {total} en tension.")
    # le tableau qui suit dit la phrase entière, celle du mode présentation
    tableau = next(x for x in d if x.tableau is not None and x.titre.startswith("Identification des tensions"))
    assert tableau.texte.startswith(vue_tensions.vue_tensions(req_demo, "epci:200067346", 2023, filtres).phrase)
    assert "au moins 2 critères." in dit(fiche.diapositives(req_demo, "epci:200067346", 2023)[0])


def donnees_tensions(req):
    from portrait.donnees import jeux
    from portrait.regles import tensions

    return jeux.tensions(req, "epci:200067346", 2023, autres=tensions.INDICATEURS_ZONES)


def test_pptx_le_titre_d_une_figure_n_est_ecrit_qu_une_fois(req_demo):
    # avant : l'image d'une figure portait son titre, que la diapositive écrit déjà au-dessus : deux fois
    from portrait.vues import synthese as vue_synthese

    f = vue_synthese.synthese(req_demo, "epci:200067346", 2023).places
    assert fiche.pour_diapositive(f.figure, demo=True, source=False)["layout"]["title"]["text"] == ""
    assert fiche.pour_diapositive(f.figure, demo=True)["layout"]["title"]["text"] == f.titre  # PNG, SVG, PDF


def test_tableau_d_une_ligne_pose_en_colonne(req_demo):
    # avant : les chargés de coopération d'un EPCI seul, une ligne, laissaient la diapositive à moitié vide
    d, _, _ = fiche.diapositives(req_demo, "epci:200067346", 2023)
    t = next(x.tableau for x in d if x.titre.startswith("Chargés de coopération"))
    assert list(t.columns) == ["EPCI", "CA Pornic Agglo Pays de Retz"]
    assert list(t["EPCI"]) == ["ETP petite enfance", "ETP total", "ETP pour 1 000 enfants 0-2 ans",
                               "Financement estimé (€)", "Alertes"]
