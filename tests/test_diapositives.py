"""Exports pour le COPIL : images 1 600 × 900, fiche territoire PPTX et PDF, mode présentation."""

import io
import struct

import pytest
from streamlit.testing.v1 import AppTest

from portrait.surfaces import fiche
from portrait.vues import graphiques
from portrait.vues import tensions as vue_tensions
from tests.navigateur import installer_chromium


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
    assert titres[0] == "CA Pornic Agglo Pays de Retz · 2023"
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
    assert len(lecteur.pages) >= 9
    texte = "\n".join(p.extract_text() for p in lecteur.pages)
    assert "Identification des tensions" in texte and "Taux de couverture" in texte


def test_mode_presentation_par_l_url(donnees, monkeypatch):
    monkeypatch.setenv("PORTRAIT_DATA_DIR", str(donnees))
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.query_params.update({"territoire": "epci:200000001", "presentation": "1"})
    at.run()
    assert at.session_state["presentation"] is True
    assert any("stSidebar" in m.value for m in at.markdown)
    at.button(key="quitter_presentation").click().run()
    assert at.session_state["presentation"] is False
    assert "presentation" not in at.query_params


def test_fiche_reprend_les_filtres_de_la_page_tensions(req_demo):
    # la fiche téléchargée après un filtrage montre la même sélection que la page, et la dit
    from portrait.regles import tensions

    filtres = tensions.Filtres(tensions.Seuils(k=1, exiges=("taux_couverture", "part_am_60_plus")), zone=40.0)
    d, _, _ = fiche.diapositives(req_demo, "epci:200067346", 2023, filtres)
    texte = next(x.texte for x in d if x.titre.startswith("Tensions SPPE"))
    attendu = tensions.evaluer(donnees_tensions(req_demo), filtres)
    retenues, total = tensions.decompte(attendu)
    assert "au moins 1 critère, dont taux de couverture et part AM 60 ans et plus" in texte
    assert texte.endswith(f"{retenues} commune{'s' if retenues > 1 else ''} sur {total} en tension.")
    defaut = next(x.texte for x in fiche.diapositives(req_demo, "epci:200067346", 2023)[0]
                  if x.titre.startswith("Tensions SPPE"))
    assert "au moins 2 critères." in defaut


def donnees_tensions(req):
    from portrait.donnees import jeux
    from portrait.regles import tensions

    return jeux.tensions(req, "epci:200067346", 2023, autres=tensions.INDICATEURS_ZONES)
