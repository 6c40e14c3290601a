"""La fiche COPIL projetée telle quelle (issue 17, section 3) : pas de texte sur du texte, des noms entiers, les
couleurs et marques des tensions, des sources lisibles, pas de page à moitié vide, et une fiche accessible (texte
alternatif, titre, langue française). Le PDF est rendu par pdftoppm et ses mots lus par pdftotext (poppler-utils)."""

import html
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.navigateur import installer_chromium
from portrait.regles import tensions
from portrait.surfaces import fiche
from portrait.vues import tensions as vue_tensions

PORNIC = "epci:200067346"
LOIRE_ATLANTIQUE = "departement:44"
DEUX_EXIGES = tensions.Filtres(tensions.Seuils(k=2, exiges=("taux_couverture", "part_am_60_plus")))
CAS = {"pornic": (PORNIC, tensions.Filtres()), "loire_atlantique": (LOIRE_ATLANTIQUE, DEUX_EXIGES)}


def installer_poppler() -> bool:
    """pdftoppm et pdftotext (poppler-utils), installés par le paquet Debian s'ils manquent, comme Chromium."""
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        return True
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "poppler-utils"], check=False, env=env,
                       capture_output=True)
    return bool(shutil.which("pdftoppm") and shutil.which("pdftotext"))


@pytest.fixture(scope="module", autouse=True)
def outils():
    if installer_chromium() is None:
        pytest.fail("Chromium est nécessaire à Kaleido (apt-get install chromium).")
    if not installer_poppler():
        pytest.fail("poppler-utils est nécessaire pour lire la fiche PDF (apt-get install poppler-utils).")


@pytest.fixture(scope="module")
def pdfs(req_demo, tmp_path_factory) -> dict[str, Path]:
    dossier = tmp_path_factory.mktemp("fiches")
    sortie = {}
    for nom, (territoire, filtres) in CAS.items():
        sortie[nom] = dossier / f"{nom}.pdf"
        sortie[nom].write_bytes(fiche.fiche(req_demo, territoire, 2023, "pdf", filtres))
    return sortie


@pytest.fixture(scope="module")
def pptx(req_demo):
    from pptx import Presentation

    return Presentation(io.BytesIO(fiche.fiche(req_demo, LOIRE_ATLANTIQUE, 2023, "pptx", DEUX_EXIGES)))


def mots(pdf: Path) -> list[tuple[float, list[tuple[float, float, float, float, str]]]]:
    """Par page : sa largeur et ses mots (xMin, yMin, xMax, yMax, texte), lus par pdftotext -bbox."""
    x = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in x.split("<page ")[1:]:
        largeur = float(re.search(r'width="([\d.]+)"', page).group(1))
        trouves = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                             page)
        pages.append((largeur, [(float(a), float(b), float(c), float(d), html.unescape(t))
                                for a, b, c, d, t in trouves]))
    return pages


def chevauchements(liste) -> list[tuple[str, str]]:
    """Les paires de mots dont les boîtes se recouvrent (plus d'un cinquième du plus petit)."""
    sortie = []
    for i, a in enumerate(liste):
        for b in liste[i + 1:]:
            dx, dy = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            petite = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if dx > 1 and dy > 1 and dx * dy > 0.2 * petite:
                sortie.append((a[4], b[4]))
    return sortie


def texte_page(pdf: Path, n: int) -> str:
    """Le texte d'une page, une ligne par ligne lue (un nom coupé en fin de ligne s'y verrait coupé)."""
    return subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("cas", list(CAS))
def test_pdf_sans_texte_sur_texte(pdfs, cas):
    # avant : la mention de démonstration sur les titres longs (« Données » sur « 2016-2024 », pages 3 et 5 de
    # Pornic), « 0 % » sur « 0,0 » dans le nuage des priorités
    trouves = {n: c for n, (_, liste) in enumerate(mots(pdfs[cas]), 1) if (c := chevauchements(liste))}
    assert trouves == {}


@pytest.mark.parametrize("cas", list(CAS))
def test_pdf_rendu_chaque_page_remplie(req_demo, pdfs, cas, tmp_path):
    # pdftoppm rend chaque page ; aucune n'est à moitié vide (avant : le tableau des besoins, 7 lignes, laissait
    # la moitié basse blanche)
    from PIL import Image, ImageOps

    subprocess.run(["pdftoppm", "-r", "24", "-png", str(pdfs[cas]), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == len(mots(pdfs[cas]))
    # avant : le tableau d'une seule ligne (les chargés de coopération d'un EPCI seul) laissait la page à moitié vide ;
    # il est posé en colonne
    for chemin in images[1:]:  # la couverture porte titre et résumé
        im = ImageOps.invert(Image.open(chemin).convert("L")).point(lambda v: 255 if v > 12 else 0)
        boite = im.getbbox()
        assert boite and (boite[3] - boite[1]) / im.height > 0.8, chemin.name
        # pas de grand blanc entre le contenu et la source : la plus longue suite de lignes de pixels vides
        vides = [im.crop((0, y, im.width, y + 1)).getbbox() is None for y in range(boite[1], boite[3])]
        plus_long, courant = 0, 0
        for v in vides:
            courant = courant + 1 if v else 0
            plus_long = max(plus_long, courant)
        assert plus_long / im.height < 0.3, chemin.name


def test_pdf_sources_lisibles_en_projection(pdfs):
    # « Sources : … » en 24 px au moins sur une page de 1 600 px (avant : 11 px)
    for largeur, liste in mots(pdfs["pornic"])[1:]:
        hauteurs = [(m[3] - m[1]) * fiche.LARGEUR / largeur for m in liste if m[4] == "Sources"]
        assert hauteurs and min(hauteurs) >= fiche.TAILLE_SOURCE


def test_pdf_noms_entiers_couleurs_et_marques(req_demo, pdfs):
    vue = vue_tensions.vue_tensions(req_demo, LOIRE_ATLANTIQUE, 2023, DEUX_EXIGES)
    pages = [texte_page(pdfs["loire_atlantique"], n) for n in range(1, len(mots(pdfs["loire_atlantique"])) + 1)]
    tableau = [p for p in pages if "Identification des tensions" in p]
    assert len(tableau) == 1
    lignes = [" ".join(ligne.split()) for ligne in tableau[0].splitlines()]
    for nom in vue.retenues:  # chaque nom entier sur une ligne, suivi de son niveau
        assert any(ligne.startswith(f"{nom} Commune") for ligne in lignes), nom
    assert fiche.MARQUE in tableau[0] and "critère de tension rempli" in tableau[0]


def test_tableau_des_tensions_garde_couleurs_et_marques(req_demo):
    d, _, _ = fiche.diapositives(req_demo, LOIRE_ATLANTIQUE, 2023, DEUX_EXIGES)
    diapo = next(x for x in d if x.titre.startswith("Identification des tensions"))
    frossay = diapo.tableau[diapo.tableau["Territoire"] == "Frossay"].iloc[0]
    # Frossay remplit les deux critères exigés : marqués, et rouges comme à l'écran
    assert frossay["taux de couverture"].endswith(fiche.MARQUE) and frossay["part AM 60 ans et plus"].endswith(
        fiche.MARQUE)
    colonnes = list(diapo.tableau.columns)
    i = list(diapo.tableau.index).index(frossay.name)
    assert diapo.couleurs[colonnes.index("taux de couverture")][i] != "#FFFFFF"
    assert diapo.couleurs[colonnes.index("Territoire")][i] == "#FFFFFF"
    assert fiche.fond("background-color: rgba(215, 48, 39, 0.50)") == "#EB9893"


def test_carte_des_tensions_est_la_vue_filtree(req_demo):
    d, _, _ = fiche.diapositives(req_demo, LOIRE_ATLANTIQUE, 2023, DEUX_EXIGES)
    carte = next(x for x in d if x.titre.startswith("Tensions SPPE")).figure
    vue = vue_tensions.vue_tensions(req_demo, LOIRE_ATLANTIQUE, 2023, DEUX_EXIGES)
    assert carte.to_json() == vue.carte.figure.to_json()
    # les communes colorées sont exactement les retenues : les autres portent la classe « hors filtre » (grisée)
    unites = carte.data[0]
    codes = dict(zip(vue.unites["nom"], vue.unites["code"]))
    z = dict(zip(unites.locations, unites.z))
    hors_filtre = {z[c] for n, c in codes.items() if n not in vue.retenues}
    assert len(hors_filtre) == 1
    assert sorted(c for c, v in z.items() if v not in hors_filtre) == sorted(codes[n] for n in vue.retenues)
    assert len(vue.retenues) == 11


def test_pptx_accessible_et_lisible(pptx):
    assert pptx.core_properties.title == "Loire-Atlantique · 2023"
    assert pptx.core_properties.language == "fr-FR"
    images = [f for s in pptx.slides for f in s.shapes if f.shape_type == 13]
    assert images and all(f._element.nvPicPr.cNvPr.get("descr") for f in images)
    langues = {r.get("lang") for s in pptx.slides for f in s.shapes for r in f._element.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}rPr")}
    assert langues == {"fr-FR"}
    for s in list(pptx.slides)[1:]:
        source = s.shapes[-1].text_frame
        assert source.text.startswith("Source")
        assert source.paragraphs[0].font.size.pt >= fiche.TAILLE_SOURCE_PPTX


def test_pptx_pas_de_texte_sur_texte(pptx):
    # chaque forme commence sous la précédente (titre, phrase des filtres, image ou tableau, source)
    for s in list(pptx.slides)[1:]:
        formes = sorted(s.shapes, key=lambda f: f.top)
        for a, b in zip(formes, formes[1:]):
            assert a.top + a.height <= b.top + 1, (a.name, b.name)


def test_pdf_titre_et_langue(pdfs):
    from pypdf import PdfReader

    lecteur = PdfReader(pdfs["pornic"])
    assert lecteur.metadata.title == "CA Pornic Agglo Pays de Retz · 2023"
    assert lecteur.trailer["/Root"]["/Lang"] == "fr-FR"
