"""Un vrai navigateur (Chromium headless + Playwright, bench/navigateur.py) sur les données livrées : ce que
l'utilisateur lit (titres, décomptes, lignes des tableaux, chiffres, fichier téléchargé), pas seulement une figure."""

import re
import sys

import pytest

from bench.navigateur import RACINE, VUE_HAUTE, chromium, port_libre, serveur
from portrait.donnees import jeux
from portrait.regles import tensions
from portrait.vues import cooperation as vue_cooperation
from portrait.vues import synthese as vue_synthese
from portrait.vues import tensions as vue_tensions

CAPTURES = RACINE / "tests" / "captures"
ROUGE = "rgba(215, 48, 39"
PORNIC = "epci:200067346"
# Les communes de Loire-Atlantique (démonstration 2023) qui cumulent faible couverture et AM de 60 ans et plus :
# les 11 de l'issue 14, les mêmes dans la page, la fiche et `python -m portrait tensions`
FAIBLE_COUVERTURE_ET_DEPARTS = [
    "Frossay", "Le Temple-de-Bretagne", "Marsac-sur-Don", "Massérac", "Pouillé-les-Côteaux", "Remouillé",
    "Saint-Aubin-des-Châteaux", "Saint-Lumine-de-Clisson", "Saint-Michel-Chef-Chef", "Sévérac", "Trans-sur-Erdre"]


@pytest.fixture(scope="module")
def navigateur():
    pytest.importorskip("playwright.sync_api")
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def application(tmp_path_factory):
    journal = tmp_path_factory.mktemp("serveur") / "streamlit.log"
    with serveur(journal) as adresse:
        yield adresse, journal


@pytest.fixture
def adresse(application):
    """L'adresse du serveur ; ce qu'il a écrit pendant le test est montré si le test échoue."""
    adresse, journal = application
    debut = len(journal.read_text())
    yield adresse
    print(f"--- journal du serveur pendant le test ---\n{journal.read_text()[debut:]}", file=sys.stderr)


@pytest.fixture
def page(navigateur):
    p = navigateur.new_page(viewport=VUE_HAUTE, accept_downloads=True)
    yield p
    p.close()


def vue_44(req, **options) -> vue_tensions.VueTensions:
    """La page Tensions de la Loire-Atlantique, 2023, calculée ici par sa vue, sans passer par le serveur."""
    return vue_tensions.vue_tensions(req, "departement:44", 2023, **options)


def premieres_cellules(tableau) -> list[str]:
    return tableau.locator("tbody tr").evaluate_all("rs => rs.map(r => r.cells[0].innerText)")


def titres_des_figures(page) -> list[str]:
    """Le titre de chaque figure Plotly de la page, sans balises, dans l'ordre de la page."""
    titres = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => d.layout.title.text)")
    return [" ".join(re.sub("<[^>]+>", " ", t or "").split()) for t in titres]


def metriques(page) -> list[tuple[str, str]]:
    return [(m.locator('[data-testid="stMetricLabel"]').inner_text(), m.locator('[data-testid="stMetricValue"]')
             .inner_text()) for m in page.locator('[data-testid="stMetric"]').all()]


def test_tensions_loire_atlantique_carte_tableau_clic(page, adresse, req_demo):
    CAPTURES.mkdir(exist_ok=True)
    vue = vue_44(req_demo)
    attendu = vue.tableau.valeurs
    requetes = []
    page.on("request", lambda r: requetes.append(r.url))
    page.goto(f"{adresse}/tensions-sppe?territoire=departement:44&annee=2023")
    titre = page.get_by_role("heading", name=re.compile("communes? sur 207 en tension"))
    titre.wait_for(timeout=90_000)
    page.locator(".js-plotly-plot .maplibregl-canvas").first.wait_for(timeout=60_000)
    # la vue partagée trouve son serveur du premier coup, sans essayer /tensions-sppe/_stcore/health (surfaces.serveur)
    assert [r for r in requetes if "/_stcore/health" in r] == [f"{adresse}/_stcore/health"]
    assert page.locator("h1").first.inner_text() == "Tensions SPPE · Loire-Atlantique"
    assert titre.inner_text() == vue.decompte == "31 communes sur 207 en tension"
    tableau = page.locator(".tableau-fr table").first
    tableau.wait_for()
    # en-têtes à traits d'union insécables (« 0‑2 ans » ne se coupe pas)
    assert [t.replace("\u2011", "-") for t in tableau.locator("thead th").all_inner_texts()] == list(attendu.columns)
    # les communes en tension, dans l'ordre, puis la ligne du département
    assert premieres_cellules(tableau) == list(attendu["Territoire"]) == [*vue.retenues, "Loire-Atlantique"]
    # les couleurs de tension arrivent jusqu'au navigateur (le style de st.html n'est pas filtré)
    assert tableau.locator(f"td[style*='{ROUGE}']").count() == vue.html_tableau.count(ROUGE) > 0
    # toutes les colonnes tiennent dans la page (une capture pour le COPIL les montre toutes) et une ligne reste
    # basse (elle en faisait dix avec le texte complet des compétences SPPE) : les compétences en noms courts
    for bloc in page.locator(".tableau-fr").all():
        assert bloc.evaluate("d => d.scrollWidth <= d.clientWidth"), "colonnes cachées à droite du tableau"
    assert max(tableau.locator("tbody tr").evaluate_all("rs => rs.map(r => r.offsetHeight)")) < 90  # ≤ 3 lignes
    page.screenshot(path=str(CAPTURES / "tensions_44.png"), full_page=True)

    # la liste des zones d'offre insuffisante s'ouvre d'un clic ; l'URL la garde ouverte
    assert vue.zones.titre == "Zones d'offre insuffisante, Loire-Atlantique, 2023 : 35 communes"
    page.get_by_text(vue.zones.titre, exact=True).click()
    page.wait_for_url(re.compile("zones="), timeout=30_000)
    liste = page.locator(".tableau-fr table").nth(1)
    liste.wait_for(timeout=30_000)
    assert premieres_cellules(liste) == list(vue.zones.valeurs["Territoire"]) and len(vue.zones.valeurs) == 35 + 1

    # toutes les communes dans le tableau : les 207 et le département ; l'URL le garde
    page.get_by_text("Montrer toutes les communes, pas seulement celles en tension").click()
    page.wait_for_url(re.compile("tout_voir=true"), timeout=30_000)
    page.wait_for_function("document.querySelector('.tableau-fr tbody').rows.length === 208", timeout=30_000)
    assert premieres_cellules(tableau) == list(vue_44(req_demo, tout_voir=True).tableau.valeurs["Territoire"])

    # un filtre : au moins un critère de plus -> 2 communes, l'URL suit
    page.get_by_role("radiogroup", name="Au moins k critères").get_by_text("3", exact=True).click()
    assert vue_44(req_demo, filtres=tensions.Filtres(tensions.Seuils(k=3))).decompte == "2 communes sur 207 en tension"
    page.get_by_role("heading", name="2 communes sur 207 en tension", exact=True).wait_for(timeout=30_000)
    page.wait_for_url(re.compile("k=3"), timeout=30_000)

    # un clic sur la carte (au centre du département) ouvre le portrait court de la commune ; l'URL la nomme
    # (Plotly choisit le point survolé : attendre la bulle de survol avant de cliquer)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=30_000)  # la page a fini
    boite = page.locator(".js-plotly-plot .maplibregl-canvas").first.bounding_box()
    x, y = boite["x"] + boite["width"] * 0.55, boite["y"] + boite["height"] * 0.55
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y, steps=5)
    page.locator(".js-plotly-plot .hoverlayer .hovertext").first.wait_for(timeout=30_000)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"commune=\d{5}"), timeout=30_000)
    panneau = vue_tensions.panneau(req_demo, vue, re.search(r"commune=(\d{5})", page.url)[1])
    page.get_by_text(panneau.titre.replace("**", ""), exact=True).wait_for(timeout=30_000)
    page.locator('[data-testid="stMetric"]').nth(len(panneau.chiffres) - 1).wait_for(timeout=30_000)
    assert metriques(page) == [(c.libelle, c.valeur) for c in panneau.chiffres] and len(panneau.chiffres) == 5
    page.screenshot(path=str(CAPTURES / "tensions_44_clic.png"), full_page=True)


def test_tensions_faible_couverture_et_departs_en_retraite_jusqu_au_csv(page, adresse, req_demo):
    # l'issue : trouver les communes qui cumulent faible couverture et assistantes maternelles proches de la
    # retraite, les voir sur la carte, télécharger la liste
    import pandas as pd

    page.goto(f"{adresse}/tensions-sppe?territoire=departement:44&annee=2023")
    page.get_by_role("heading", name=re.compile("sur 207 en tension")).wait_for(timeout=90_000)
    page.locator(".js-plotly-plot .maplibregl-canvas").first.wait_for(timeout=60_000)
    exiges = page.locator(".stButtonGroup").filter(has_text="dont tous les critères exigés")
    for critere in ("taux de couverture", "part AM 60 ans et plus"):  # deux clics
        exiges.get_by_role("button", name=critere, exact=True).click()
        page.wait_for_url(re.compile("exiges="), timeout=30_000)
    page.wait_for_url(re.compile("exiges=taux_couverture(%2C|,)part_am_60_plus"), timeout=30_000)
    page.get_by_role("heading", name="11 communes sur 207 en tension", exact=True).wait_for(timeout=30_000)
    tableau = page.locator(".tableau-fr table").first
    assert premieres_cellules(tableau) == [*FAIBLE_COUVERTURE_ET_DEPARTS, "Loire-Atlantique"]
    with page.expect_download(timeout=60_000) as telechargement:
        page.get_by_role("button", name="CSV (Excel)").click()
    assert telechargement.value.suggested_filename == "tensions_departement_44_2023.csv"
    csv = pd.read_csv(telechargement.value.path(), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Code": str})
    communes, departement = csv[csv["Niveau"] == "Commune"], csv[csv["Niveau"] == "Département"].iloc[0]
    assert list(communes["Territoire"]) == FAIBLE_COUVERTURE_ET_DEPARTS
    # les mêmes lignes et valeurs que la vue calculée ici, à la précision du fichier
    vue = vue_44(req_demo, filtres=tensions.Filtres(tensions.Seuils(exiges=("taux_couverture", "part_am_60_plus"))))
    assert vue.retenues == FAIBLE_COUVERTURE_ET_DEPARTS
    assert list(csv["Code"]) == list(vue.tableau.valeurs["Code"])
    assert list(csv["taux de couverture"]) == pytest.approx(list(vue.tableau.valeurs["taux de couverture"]), abs=0.05)
    assert (communes["taux de couverture"] < departement["taux de couverture"]).all()
    assert (communes["part AM 60 ans et plus"] >= 15).all()
    page.screenshot(path=str(CAPTURES / "tensions_44_exiges.png"), full_page=True)


def test_synthese_pornic_agglo(page, adresse, req_demo):
    page.goto(f"{adresse}/synthese-petite-enfance?territoire={PORNIC}&annee=2023")
    page.get_by_text("Synthèse petite enfance · CA Pornic").first.wait_for(timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=60_000)
    # la table accessible (cachée) de la grille : attendre, pas compter trop tôt
    page.locator('[data-testid="stDataFrame"] table').first.wait_for(state="attached", timeout=60_000)
    vue = vue_synthese.synthese(req_demo, PORNIC, 2023)  # ce que la page montre, calculé ici
    assert page.locator("h1").first.inner_text() == vue.titre
    assert vue.titre == "Synthèse petite enfance · CA Pornic Agglo Pays de Retz"
    figures = [vue.series_naissances, vue.series_enfants, vue.places, vue.ages, vue.figure_couverture]
    assert titres_des_figures(page) == [f.titre for f in figures]
    # les chiffres du document 004 (naissances, couverture) pour l'EPCI, son département et la France
    noms = ["CA Pornic Agglo Pays de Retz", "Loire-Atlantique", "France"]
    chiffres = metriques(page)
    assert chiffres == [(c.libelle, c.valeur) for g in (vue.naissances, vue.retraite, vue.couverture)
                        for c in g.chiffres]
    assert [libelle for libelle, _ in chiffres[:3]] == noms == [libelle for libelle, _ in chiffres[-3:]]
    assert chiffres[0][1] == "576" and chiffres[-3][1] == "76,9\u00a0%"
    for tableau in page.locator('[data-testid="stDataFrame"] table').all():
        assert premieres_cellules(tableau) == noms
    page.screenshot(path=str(CAPTURES / "synthese-petite-enfance.png"), full_page=True)


def test_detail_pornic_agglo_taux_de_couverture(page, adresse, req_demo):
    page.goto(f"{adresse}/detail-indicateur?territoire={PORNIC}&annee=2023"
              "&theme=taux%20de%20couverture%20petite%20enfance")
    page.get_by_text("Détail par indicateur · CA Pornic").first.wait_for(timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    tableau = page.locator('[data-testid="stDataFrame"] table').first  # la table accessible (cachée) de la grille
    tableau.wait_for(state="attached", timeout=60_000)
    assert page.locator(".js-plotly-plot").count() == 2
    # les 15 communes, le département puis l'EPCI (l'ordre du document 004), valeurs de la requête
    attendu = jeux.detail(req_demo, PORNIC, "taux_couverture", 2023)
    assert premieres_cellules(tableau) == list(attendu["nom"]) and len(attendu) == 15 + 2
    assert attendu["nom"].iloc[-1] == "CA Pornic Agglo Pays de Retz"
    lues = tableau.locator("tbody tr").evaluate_all("rs => rs.map(r => r.cells[r.cells.length - 1].innerText)")
    assert [float(v) for v in lues] == pytest.approx(list(attendu["valeur"]))
    page.screenshot(path=str(CAPTURES / "detail-indicateur.png"), full_page=True)


def test_cooperation_charente(page, adresse, req_demo):
    page.goto(f"{adresse}/charges-cooperation?territoire=departement:16&annee=2023")
    page.get_by_text("Chargés de coopération CTG · Charente").first.wait_for(timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60_000)
    tableau = page.locator('[data-testid="stDataFrame"] table').first  # la table accessible (cachée) de la grille
    tableau.wait_for(state="attached", timeout=60_000)
    vue = vue_cooperation.vue_cooperation(req_demo, "departement:16", 2023)  # ce que la page montre, calculé ici
    assert page.locator("h1").first.inner_text() == vue.titre
    assert page.locator(".js-plotly-plot").count() == 3
    assert titres_des_figures(page)[:2] == [vue.carte.titre, vue.priorites.titre]  # puis l'enquête flash
    assert metriques(page) == [(c.libelle, c.valeur) for c in vue.chiffres]
    # document 003 : 14,75 ETP dans les 9 EPCI de la Charente ; 24 000 € par ETP
    chiffres = dict(metriques(page))
    assert chiffres["ETP valorisés"] == "14,75"
    assert chiffres["EPCI couverts"] == "9 sur 9"
    assert chiffres["Financement Caf estimé"] == "354\u202f000\u00a0€"
    assert premieres_cellules(tableau) == list(vue.tableau.valeurs["EPCI"]) and len(vue.tableau.valeurs) == 9
    page.screenshot(path=str(CAPTURES / "charges-cooperation.png"), full_page=True)


def test_mode_presentation_cache_la_barre_laterale(page, adresse):
    page.goto(f"{adresse}/synthese-petite-enfance?territoire={PORNIC}&annee=2023&presentation=1")
    quitter = page.get_by_role("button", name=re.compile("Quitter le mode présentation"))
    quitter.wait_for(timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=60_000)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator("h1").first.inner_text() == "Synthèse petite enfance · CA Pornic Agglo Pays de Retz"
    page.screenshot(path=str(CAPTURES / "presentation.png"), full_page=True)
    quitter.click()  # retour au mode normal : la barre latérale revient, l'URL oublie le mode
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=30_000)
    page.wait_for_function("!location.search.includes('presentation')", timeout=30_000)


# ce qu'une capture du mode présentation ne doit pas montrer : la barre latérale, les widgets, la barre d'outils des
# figures, les volets et l'aide « Cliquez sur une commune… »
WIDGETS = ['[data-testid="stSidebar"]', ".stSelectbox", ".stNumberInput", ".stRadio", ".stToggle", ".stMultiSelect",
           '[data-testid="stButtonGroup"]', ".stDownloadButton", ".stExpander", ".modebar"]


def test_mode_presentation_tensions_la_carte_en_grand_sans_widget(navigateur, adresse, req_demo):
    # avant : les seuils et k cachés mais « au moins k critères » écrit, un trou à la place des widgets, la carte à
    # sa taille ordinaire, l'aide « Cliquez sur une commune… » et le bouton « Quitter » dans chaque capture
    filtres = tensions.Filtres(tensions.Seuils(k=2, exiges=("taux_couverture", "part_am_60_plus")))
    vue = vue_44(req_demo, filtres=filtres)
    page = navigateur.new_page(viewport={"width": 1500, "height": 900})
    try:
        page.goto(f"{adresse}/tensions-sppe?territoire=departement:44&annee=2023&exiges=taux_couverture,"
                  "part_am_60_plus&presentation=1")
        attendre_page(page)
        page.locator(".js-plotly-plot .maplibregl-canvas").first.wait_for(timeout=60_000)
        page.mouse.move(5, 890)  # la souris loin du bouton de sortie et de la carte
        page.wait_for_timeout(1500)
        page.screenshot(path=str(CAPTURES / "presentation-tensions.png"))
        visibles = {s: n for s in WIDGETS if (n := sum(e.is_visible() for e in page.locator(s).all()))}
        assert visibles == {}
        assert page.get_by_text(re.compile("Cliquez sur une")).count() == 0
        # le bouton de sortie est là (clavier, survol) mais transparent : aucune capture ne le montre
        quitter = page.locator(".st-key-quitter_presentation")
        assert quitter.evaluate("e => getComputedStyle(e).opacity") == "0"
        # l'en-tête dit le décompte seul, comme la diapositive : la légende de la carte dit les filtres en une phrase
        # (seuils, k et critères exigés compris), l'en-tête la redisait
        assert page.get_by_text(f"{vue.decompte}.", exact=True).count() == 1
        assert page.get_by_text(vue.phrase, exact=True).count() == 0
        assert "au moins 2 critères, dont taux de couverture et part AM 60 ans et plus" in vue.phrase
        # la carte : au moins 80 % de la hauteur de la fenêtre, entière dans la fenêtre
        boite = page.locator(".stPlotlyChart").first.bounding_box()
        assert boite["height"] >= 0.8 * 900 and boite["y"] + boite["height"] <= 900
        # on sort au clavier : les mêmes filtres, la page entière revient
        page.keyboard.press("Tab")
        quitter.get_by_role("button").focus()
        assert quitter.evaluate("e => getComputedStyle(e).opacity") == "1"
        page.keyboard.press("Enter")
        page.wait_for_function("!location.search.includes('presentation')", timeout=30_000)
        page.locator("h3", has_text=vue.decompte).wait_for(timeout=30_000)  # st.subheader
        assert "exiges=taux_couverture" in page.url
    finally:
        page.close()


def test_mode_presentation_echap_le_quitte_en_gardant_les_filtres(navigateur, adresse):
    page = navigateur.new_page(viewport={"width": 1500, "height": 900})
    try:
        page.goto(f"{adresse}/tensions-sppe?territoire=departement:44&annee=2023&k=3&presentation=1")
        attendre_page(page)
        page.locator(".st-key-quitter_presentation").wait_for(state="attached", timeout=60_000)
        page.keyboard.press("Escape")
        page.wait_for_function("!location.search.includes('presentation')", timeout=30_000)
        page.get_by_role("radiogroup").first.wait_for(timeout=30_000)  # les widgets reviennent
        assert "k=3" in page.url
    finally:
        page.close()


def test_derriere_un_prefixe_d_adresse_la_vue_partagee_trouve_son_serveur(navigateur, tmp_path):
    # un déploiement sous un préfixe (server.baseUrlPath, derrière un proxy) : l'adresse du serveur que
    # portrait.surfaces.serveur pose dans la page reste juste, à la racine comme pour une vue partagée
    with serveur(tmp_path / "streamlit.log", prefixe="portrait") as adresse:
        vues = {"tensions-sppe?territoire=departement:44&annee=2023": "Tensions SPPE · Loire-Atlantique",
                "": "Portrait de territoire · CA Pornic Agglo Pays de Retz"}
        for chemin, titre in vues.items():
            page = navigateur.new_page()
            requetes = []
            page.on("request", lambda r, liste=requetes: liste.append(r.url))
            page.goto(f"{adresse}/{chemin}")
            page.get_by_role("heading", name=re.compile(f"^{titre}")).wait_for(timeout=90_000)
            assert page.locator("h1").first.inner_text() == titre
            assert [r for r in requetes if "/_stcore/health" in r] == [f"{adresse}/_stcore/health"]
            page.close()


# des mots anglais que Streamlit ou Plotly écrivent d'eux-mêmes : aucun ne doit atteindre l'utilisateur
ANGLAIS = ["Skip to", "Link to heading", "Selected value",
           "Upload", "Drag and drop", "per file", "KB", "MB", "Browse", "Download plot", "Pan", "Zoom in",
           "Zoom out", "Autoscale", "Reset", "Fullscreen", "Download as CSV", "Search", "No results", "sidebar",
           "Running", "Press Enter", "January", "February", "March", "April", "June", "July", "August",
           "September", "October", "November", "December", "Monday", "Error", "Page not found"]


def anglais(page) -> list[str]:
    """Les mots anglais (ANGLAIS) du texte de la page, de ses libellés (aria-label, title, placeholder) et des
    bulles de la barre d'outils des figures (data-title)."""
    textes = page.evaluate("""() => [document.body.innerText, document.title, ...Array.from(
        document.querySelectorAll('[aria-label], [title], [placeholder], [data-title]')).flatMap(e =>
        ['aria-label', 'title', 'placeholder', 'data-title'].map(a => e.getAttribute(a) || ''))].join('\\n')""")
    return [f"{m} : …{textes[max(t.start() - 40, 0):t.end() + 40]}…" for m in ANGLAIS
            if (t := re.search(rf"\b{re.escape(m)}\b", textes))]


def test_depot_d_un_fichier_jusqu_au_rapport(page, adresse):
    # le dépôt passe par /_stcore/upload_file du serveur (portrait.surfaces.serveur, st.App) ; rien n'est importé sans
    # confirmation, ce test n'écrit donc rien
    page.goto(f"{adresse}/donnees-imports?territoire={PORNIC}&annee=2023")
    page.get_by_role("heading", name="Importer un fichier").wait_for(timeout=90_000)
    # la consigne du dépôt en français (« 200MB per file • CSV, TXT, XLSX » traduit par surfaces.serveur)
    page.get_by_text(re.compile("^200\u00a0Mo au plus par fichier")).wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(str(RACINE / "tests" / "sources" / "txcouv_pe_com.csv"))
    page.get_by_role("heading", name="Rapport de validation").wait_for(timeout=60_000)
    # tout en français : le dépôt (« Upload », « 200MB per file », « 1.2KB ») traduit par surfaces.serveur
    assert anglais(page) == []
    assert page.get_by_text(re.compile(r"^\d+(,\d+)?\u00a0(o|Ko)$")).count() == 1  # la taille du fichier déposé

    page.get_by_role("button", name="Importer 16 valeurs").wait_for(timeout=30_000)
    rapport = page.locator('[data-testid="stCode"]').first.inner_text().splitlines()
    assert rapport[:3] == ["Fichier : txcouv_pe_com.csv (data.caf.fr (taux de couverture ou places))",
                           "Lignes lues : 3 ; valeurs gardées : 16 ; erreurs : 0", "Années : 2022, 2023"]
    assert rapport[-1] == "Valeurs existantes remplacées : 0"


# --- RGAA : axe-core (WCAG 2.0 / 2.1, niveaux A et AA) sur chaque page, pour un EPCI, un département et la France ---

PAGES = {"Accueil": "", "Synthèse": "synthese-petite-enfance", "Détail": "detail-indicateur",
         "Tensions": "tensions-sppe", "Coopération": "charges-cooperation", "Données": "donnees-imports"}
REGLES_WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Ce que Streamlit dessine lui-même et qu'aucun réglage du thème, CSS ou paramètre ne corrige : (règle, morceau du
# sélecteur du nœud fautif) -> « version de Streamlit, composant, pourquoi ». Tout le reste doit passer.
EXCEPTIONS_STREAMLIT: dict[tuple[str, str], str] = {}


def attendre_page(page) -> None:
    """La page a fini de s'exécuter (plus d'indicateur « Running ») et ses figures sont dessinées."""
    page.locator("h1").first.wait_for(timeout=90_000)
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=90_000)
    page.wait_for_function("Array.from(document.querySelectorAll('.js-plotly-plot'))"
                           ".every(d => d._fullLayout !== undefined)", timeout=60_000)
    page.wait_for_timeout(1000)


def violations_axe(page, axe: str) -> dict[str, list[str]]:
    """Les violations axe-core de la page (règle -> sélecteurs des nœuds), exceptions Streamlit nommées ôtées."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=axe)
    resultat = page.evaluate("o => axe.run(document, o)", {"runOnly": {"type": "tag", "values": REGLES_WCAG},
                                                           "resultTypes": ["violations"]})
    sortie = {}
    for v in resultat["violations"]:
        noeuds = [f'{" ".join(map(str, n["target"]))} : {n["failureSummary"].splitlines()[-1].strip()[:150]}'
                  for n in v["nodes"]]
        gardes = [n for n in noeuds if not any(r == v["id"] and m in n for r, m in EXCEPTIONS_STREAMLIT)]
        if gardes:
            sortie[v["id"]] = gardes
    return sortie


@pytest.mark.parametrize("territoire", [PORNIC, "departement:44", "france"])
def test_rgaa_axe_core_aucune_violation(page, adresse, territoire):
    from bench.navigateur import installer_axe

    axe = installer_axe()
    if axe is None:
        pytest.skip("axe-core introuvable (npm install axe-core impossible)")
    bilan, langues, titres, mots = {}, set(), set(), {}
    for nom, chemin in PAGES.items():
        page.goto(f"{adresse}/{chemin}?territoire={territoire}&annee=2023")
        attendre_page(page)
        bilan[nom] = violations_axe(page, str(axe))
        print(f"axe {territoire} {nom} : " + (", ".join(f"{r} {len(n)}" for r, n in bilan[nom].items()) or "0"))
        for regle, noeuds in bilan[nom].items():
            print(f"    {regle} : {noeuds[:8]}")
        langues.add(page.evaluate("document.documentElement.lang"))
        mots[nom] = anglais(page)
        print("    anglais :", mots[nom])
        titres.add(page.title())
    print(f"titres {territoire} : {sorted(titres)}")
    assert {nom: v for nom, v in bilan.items() if v} == {}
    assert langues == {"fr"}
    assert {nom: m for nom, m in mots.items() if m} == {}  # aucun mot anglais
    assert len(titres) == len(PAGES), titres  # un titre par page et territoire


def tabuler_jusqu_a(page, cible, maximum: int = 250) -> None:
    """Tab (au clavier seulement) jusqu'à ce que le focus soit sur `cible` (un locator) ou dans elle."""
    for _ in range(maximum):
        page.keyboard.press("Tab")
        if cible.evaluate("e => e === document.activeElement || e.contains(document.activeElement)"):
            return
    raise AssertionError(f"{cible} jamais atteint au clavier en {maximum} tabulations")


def test_parcours_au_clavier_seulement(page, adresse):
    # RGAA : sans souris, choisir un territoire, changer un filtre, télécharger un export, entrer dans le mode
    # présentation et en sortir ; seul le clavier sert (Tab, flèches, Entrée, Espace, Échap)
    page.goto(f"{adresse}/tensions-sppe?territoire={PORNIC}&annee=2023")
    attendre_page(page)
    barre = page.locator('[data-testid="stSidebar"]')
    # le territoire : la liste « Département » de la barre latérale, on tape, Entrée
    tabuler_jusqu_a(page, barre.locator(".stSelectbox").filter(has_text="Département").locator("input"))
    page.keyboard.type("Vendée")
    page.keyboard.press("Enter")
    page.locator("h1", has_text="Tensions SPPE · Vendée").wait_for(timeout=60_000)
    page.wait_for_url(re.compile("territoire=departement(%3A|:)85"), timeout=30_000)
    attendre_page(page)
    # un filtre : « Au moins k critères », flèche droite (1 -> 2 critères ; 2 -> 3)
    k = page.get_by_role("radiogroup", name="Au moins k critères")
    tabuler_jusqu_a(page, k)
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile("k=3"), timeout=30_000)
    attendre_page(page)
    # un export : le CSV du tableau, Entrée
    csv = page.get_by_role("button", name="CSV (Excel)")
    tabuler_jusqu_a(page, csv)
    with page.expect_download(timeout=60_000) as telechargement:
        page.keyboard.press("Enter")
    assert telechargement.value.suggested_filename == "tensions_departement_85_2023.csv"
    # le tableau qui défile se rejoint au clavier (zone focalisable)
    tabuler_jusqu_a(page, page.locator(".tableau-fr").first)
    # le mode présentation : la bascule de la barre latérale, Espace ; puis le bouton pour en sortir, Entrée
    tabuler_jusqu_a(page, barre.locator("label").filter(has_text="Mode présentation"))
    page.keyboard.press("Space")
    page.wait_for_url(re.compile("presentation=1"), timeout=30_000)
    quitter = page.get_by_role("button", name=re.compile("Quitter le mode présentation"))
    quitter.wait_for(timeout=30_000)
    page.keyboard.press("Shift+Tab")  # le focus part de la page, pas d'un élément caché
    tabuler_jusqu_a(page, quitter)
    page.keyboard.press("Enter")
    page.wait_for_function("!location.search.includes('presentation')", timeout=30_000)
    barre.wait_for(state="visible", timeout=30_000)


def test_fichier_non_reconnu_dire_les_colonnes_puis_importer(navigateur, tmp_path):
    # issue 15 §4 : un tableau maison déposé, ses colonnes dites au clavier dans les listes cherchables, le rapport,
    # aucune violation axe-core sur la page du formulaire, puis l'import ; jeu minuscule (rien d'écrit sous data/)
    from bench.navigateur import installer_axe
    from tests.conftest import ecrire_donnees
    from tests.test_correspondance import MAISON

    donnees = ecrire_donnees(tmp_path / "data")
    fichier = tmp_path / "maison.csv"
    fichier.write_text(MAISON, encoding="utf-8")
    with serveur(tmp_path / "journal.log", env={"PORTRAIT_DATA_DIR": str(donnees)}) as adresse:
        page = navigateur.new_page(viewport=VUE_HAUTE)
        page.goto(f"{adresse}/donnees-imports?territoire=commune:44003&annee=2023")
        page.get_by_role("heading", name="Importer un fichier").wait_for(timeout=90_000)
        page.locator("input[type=file]").set_input_files(str(fichier))
        page.get_by_role("heading", name="Ce que contient chaque colonne").wait_for(timeout=60_000)
        for colonne, recherche in (("Couv. totale", "taux_couverture"), ("Places crèches", "places en cr")):
            page.get_by_label(f"Indicateur de la colonne « {colonne} »").click()  # libellé sans « \. » échappé
            page.keyboard.type(recherche)
            page.keyboard.press("Enter")
            page.wait_for_timeout(1000)
        importer = page.get_by_role("button", name="Importer 6 valeurs")
        importer.wait_for(timeout=30_000)
        rapport = page.locator('[data-testid="stCode"]').first.inner_text().splitlines()
        assert rapport[:5] == ["Fichier : maison.csv (correspondance de colonnes)",
                               "Lignes lues : 3 ; valeurs gardées : 6 ; erreurs : 0", "Années : 2023",
                               "Niveaux : commune", "Indicateurs : places_psu (3 valeurs), taux_couverture (3 valeurs)"]
        assert anglais(page) == []
        if (axe := installer_axe()) is not None:
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=90_000)
            assert violations_axe(page, str(axe)) == {}
        importer.click()
        page.get_by_text(re.compile(r"^Import \S+ enregistré : maison\.csv\.$")).wait_for(timeout=60_000)
        page.close()


def test_un_onglet_reconnecte_a_un_serveur_neuf_garde_son_premier_choix(navigateur, tmp_path, req_demo):
    """Le serveur redémarre sous deux onglets ouverts (comme un serveur tombé que l'autre remplace derrière nginx) :
    chacun se reconnecte à une session neuve, et le premier choix qu'on y fait est pris (il revenait à la valeur de
    l'adresse : surfaces/reprise.py). Un filtre ; un autre département, dont le rappel oublie l'EPCI choisi."""
    from playwright.sync_api import expect

    port = port_libre()
    filtre, territoire = (navigateur.new_page(viewport=VUE_HAUTE) for _ in range(2))
    k = filtre.locator(".st-key-k")
    departement = territoire.locator('[data-testid="stSidebar"] .stSelectbox').filter(has_text="Département")
    with serveur(tmp_path / "avant.log", port=port) as adresse:
        filtre.goto(f"{adresse}/tensions-sppe?territoire=departement:44&annee=2023")
        territoire.goto(f"{adresse}/tensions-sppe?territoire={PORNIC}&annee=2023")
        for page in (filtre, territoire):
            attendre_page(page)
    for champ in (k.locator("input").first, departement.locator("input")):
        expect(champ).to_be_disabled(timeout=30_000)  # l'onglet a perdu son serveur
    with serveur(tmp_path / "apres.log", port=port):
        expect(k.locator("input").first).to_be_enabled(timeout=60_000)  # reconnecté, à une session neuve
        k.get_by_text("3", exact=True).click()
        filtre.wait_for_function("new URLSearchParams(location.search).get('k') === '3'", timeout=60_000)
        decompte = vue_44(req_demo, filtres=tensions.Filtres(tensions.Seuils(k=3))).decompte
        expect(filtre.get_by_role("heading", name=decompte)).to_be_visible(timeout=60_000)
        expect(k.get_by_role("radio", name="3")).to_be_checked()

        expect(departement.locator("input")).to_be_enabled(timeout=60_000)
        departement.click()
        territoire.keyboard.type("Vendée")
        territoire.keyboard.press("Enter")
        expect(territoire.locator("h1").first).to_have_text("Tensions SPPE · Vendée", timeout=60_000)
        territoire.wait_for_url(re.compile("territoire=departement(%3A|:)85&"), timeout=30_000)
    for page in (filtre, territoire):
        page.close()
