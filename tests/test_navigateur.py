"""Un vrai navigateur (Chromium headless + Playwright) : la page Tensions d'un département, sa carte, son tableau."""

import re
from pathlib import Path

import pytest

from tests.navigateur import OPTIONS_CHROMIUM, RACINE, installer_chromium, serveur

CAPTURES = RACINE / "tests" / "captures"


@pytest.fixture(scope="module")
def navigateur():
    chemin = installer_chromium()
    if chemin is None:
        pytest.fail("Chromium introuvable et impossible à installer (apt-get install chromium).")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chemin, args=OPTIONS_CHROMIUM)
        yield b
        b.close()


@pytest.fixture(scope="module")
def adresse(tmp_path_factory):
    with serveur(Path(tmp_path_factory.mktemp("serveur")) / "streamlit.log") as a:
        yield a


def test_tensions_loire_atlantique_carte_tableau_clic(navigateur, adresse):
    CAPTURES.mkdir(exist_ok=True)
    page = navigateur.new_page(viewport={"width": 1500, "height": 3200})  # Streamlit défile dans son conteneur
    requetes = []
    page.on("request", lambda r: requetes.append(r.url))
    page.goto(f"{adresse}/tensions-sppe?territoire=departement:44&annee=2023")
    titre = page.get_by_role("heading", name=re.compile("communes? sur 207 en tension"))
    titre.wait_for(timeout=90_000)
    page.locator(".js-plotly-plot .maplibregl-canvas").first.wait_for(timeout=60_000)
    # la vue partagée trouve son serveur du premier coup, sans essayer /tensions-sppe/_stcore/health (surfaces.serveur)
    assert [r for r in requetes if "/_stcore/health" in r] == [f"{adresse}/_stcore/health"]
    assert page.get_by_text("Tensions SPPE · Loire-Atlantique").is_visible()
    en_tension = int(titre.inner_text().split()[0])
    tableau = page.locator(".tableau-fr table").first
    tableau.wait_for()
    assert tableau.locator("th").first.inner_text() == "Territoire"
    assert tableau.locator("tbody tr").count() == en_tension + 1  # communes en tension, ligne du département
    # les couleurs de tension arrivent jusqu'au navigateur (le style de st.html n'est pas filtré)
    assert tableau.locator("td[style*='rgba(215, 48, 39']").count() > 0
    # toutes les colonnes tiennent dans la page (une capture pour le COPIL les montre toutes) et une ligne reste
    # basse (elle en faisait dix avec le texte complet des compétences SPPE) : les compétences en noms courts
    for bloc in page.locator(".tableau-fr").all():
        assert bloc.evaluate("d => d.scrollWidth <= d.clientWidth"), "colonnes cachées à droite du tableau"
    assert tableau.locator("th").last.inner_text() == "Compétences SPPE"
    assert max(tableau.locator("tbody tr").evaluate_all("rs => rs.map(r => r.offsetHeight)")) < 90  # ≤ 3 lignes
    page.screenshot(path=str(CAPTURES / "tensions_44.png"), full_page=True)

    # la liste des zones d'offre insuffisante s'ouvre d'un clic ; l'URL la garde ouverte
    page.get_by_text(re.compile("Zones d'offre insuffisante, Loire-Atlantique, 2023 : \\d+ communes")).click()
    page.locator(".tableau-fr table").nth(1).wait_for(timeout=30_000)
    page.wait_for_url(re.compile("zones="), timeout=30_000)

    # toutes les communes dans le tableau : les 207 et le département ; l'URL le garde
    page.get_by_text("Montrer toutes les communes, pas seulement celles en tension").click()
    page.wait_for_url(re.compile("tout_voir=true"), timeout=30_000)
    page.wait_for_function("document.querySelector('.tableau-fr tbody').rows.length === 208", timeout=30_000)

    # un filtre : au moins un critère de plus -> moins de communes, l'URL suit
    page.get_by_role("radiogroup", name="Au moins k critères").get_by_text("3", exact=True).click()
    page.wait_for_function(f"!document.body.innerText.includes('{en_tension} communes sur 207')", timeout=30_000)
    page.wait_for_url(re.compile("k=3"), timeout=30_000)

    # un clic sur la carte (au centre du département) ouvre le portrait court de la commune
    carte = page.locator(".js-plotly-plot .maplibregl-canvas").first
    boite = carte.bounding_box()
    page.mouse.click(boite["x"] + boite["width"] * 0.55, boite["y"] + boite["height"] * 0.55)
    page.get_by_text(re.compile(r"habitants")).first.wait_for(timeout=30_000)
    page.screenshot(path=str(CAPTURES / "tensions_44_clic.png"), full_page=True)
    page.close()


def test_tensions_faible_couverture_et_departs_en_retraite_jusqu_au_csv(navigateur, adresse):
    # l'issue : trouver les communes qui cumulent faible couverture et assistantes maternelles proches de la
    # retraite, les voir sur la carte, télécharger la liste
    import pandas as pd

    page = navigateur.new_page(viewport={"width": 1500, "height": 3200}, accept_downloads=True)
    page.goto(f"{adresse}/tensions-sppe?territoire=departement:44&annee=2023")
    page.get_by_role("heading", name=re.compile("sur 207 en tension")).wait_for(timeout=90_000)
    page.locator(".js-plotly-plot .maplibregl-canvas").first.wait_for(timeout=60_000)
    exiges = page.locator(".stButtonGroup").filter(has_text="dont tous les critères exigés")
    for critere in ("taux de couverture", "part AM 60 ans et plus"):  # deux clics
        exiges.get_by_role("button", name=critere, exact=True).click()
        page.wait_for_url(re.compile("exiges="), timeout=30_000)
    page.wait_for_url(re.compile("exiges=taux_couverture(%2C|,)part_am_60_plus"), timeout=30_000)
    titre = page.get_by_role("heading", name=re.compile(r"^\d+ communes? sur 207 en tension$"))
    titre.wait_for(timeout=30_000)
    en_tension = int(titre.inner_text().split()[0])
    with page.expect_download(timeout=60_000) as telechargement:
        page.get_by_role("button", name="CSV (Excel)").click()
    csv = pd.read_csv(telechargement.value.path(), sep=";", decimal=",", encoding="utf-8-sig")
    communes, departement = csv[csv["Niveau"] == "Commune"], csv[csv["Niveau"] == "Département"].iloc[0]
    assert len(communes) == en_tension > 0
    assert (communes["taux de couverture"] < departement["taux de couverture"]).all()
    assert (communes["part AM 60 ans et plus"] >= 15).all()
    page.screenshot(path=str(CAPTURES / "tensions_44_exiges.png"), full_page=True)
    page.close()


@pytest.mark.parametrize(("chemin", "titre", "figures"), [
    ("synthese-petite-enfance?territoire=epci:200067346&annee=2023", "Synthèse petite enfance · CA Pornic", 5),
    ("detail-indicateur?territoire=epci:200067346&annee=2023&theme=taux%20de%20couverture%20petite%20enfance",
     "Détail par indicateur · CA Pornic", 2),
    ("charges-cooperation?territoire=departement:16&annee=2023", "Chargés de coopération CTG · Charente", 3),
])
def test_pages_s_affichent_avec_leurs_graphiques(navigateur, adresse, chemin, titre, figures):
    CAPTURES.mkdir(exist_ok=True)
    page = navigateur.new_page(viewport={"width": 1500, "height": 4000})
    page.goto(f"{adresse}/{chemin}")
    page.get_by_text(titre).first.wait_for(timeout=90_000)
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {figures}", timeout=60_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)  # attendre, pas compter trop tôt
    page.screenshot(path=str(CAPTURES / f"{chemin.split('?')[0]}.png"), full_page=True)
    page.close()


def test_mode_presentation_cache_la_barre_laterale(navigateur, adresse):
    page = navigateur.new_page(viewport={"width": 1500, "height": 2400})
    page.goto(f"{adresse}/synthese-petite-enfance?territoire=epci:200067346&annee=2023&presentation=1")
    page.get_by_text("Quitter le mode présentation").wait_for(timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=60_000)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.screenshot(path=str(CAPTURES / "presentation.png"), full_page=True)
    page.close()


def test_derriere_un_prefixe_d_adresse_la_vue_partagee_trouve_son_serveur(navigateur, tmp_path):
    # un déploiement sous un préfixe (server.baseUrlPath, derrière un proxy) : l'adresse du serveur que
    # portrait.surfaces.serveur pose dans la page reste juste, à la racine comme pour une vue partagée
    with serveur(tmp_path / "streamlit.log", prefixe="portrait") as adresse:
        vues = {"tensions-sppe?territoire=departement:44&annee=2023": "Tensions SPPE · Loire-Atlantique",
                "": "Portrait de territoire · CA Pornic"}
        for chemin, titre in vues.items():
            page = navigateur.new_page()
            requetes = []
            page.on("request", lambda r, liste=requetes: liste.append(r.url))
            page.goto(f"{adresse}/{chemin}")
            page.get_by_role("heading", name=re.compile(f"^{titre}")).wait_for(timeout=90_000)
            assert [r for r in requetes if "/_stcore/health" in r] == [f"{adresse}/_stcore/health"]
            page.close()


def test_depot_d_un_fichier_jusqu_au_rapport(navigateur, adresse):
    # le dépôt passe par /_stcore/upload_file du serveur (portrait.surfaces.serveur, st.App) ; rien n'est importé sans
    # confirmation, ce test n'écrit donc rien
    page = navigateur.new_page(viewport={"width": 1500, "height": 2400})
    page.goto(f"{adresse}/donnees-imports?territoire=epci:200067346&annee=2023")
    page.get_by_role("heading", name="Importer un fichier").wait_for(timeout=90_000)
    page.locator("input[type=file]").set_input_files(str(RACINE / "tests" / "sources" / "txcouv_pe_com.csv"))
    page.get_by_role("heading", name="Rapport de validation").wait_for(timeout=60_000)
    page.get_by_role("button", name="Importer 16 valeurs").wait_for(timeout=30_000)
    assert page.get_by_text("Lignes lues : 3 ; valeurs gardées : 16 ; erreurs : 0").is_visible()
    page.close()
