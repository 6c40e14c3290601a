"""Déploiement partagé (issue 18, §3 et §4) : PostgreSQL, deux serveurs de l'application et nginx devant eux, lancé
sur le modèle même de deploiement/portrait.nginx.conf ; un vrai navigateur. La page passe par nginx (WebSocket
compris), un import fait par le serveur A se voit sur B, son annulation par B se voit sur A, et un serveur tué
laisse l'autre servir. Les tests tournent dans l'ordre du fichier : le dernier tue un serveur."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.navigateur import RACINE, SELECTEUR_CARTE, VUE_HAUTE, chromium
from portrait.regles import catalogue
from tests import nginx, postgres

DELAI_MS = 90_000  # deux serveurs, nginx, PostgreSQL et Chromium sur deux cœurs
PORNIC = "commune:44131"
NAISSANCES = catalogue.indicateur("naissances").libelle
CAPTURES = RACINE / "tests" / "captures"  # regardées à la main, hors de git


@pytest.fixture(scope="module")
def pg():
    """Le serveur PostgreSQL du catalogue (le test de panne l'arrête et le relance)."""
    pytest.importorskip("playwright.sync_api")
    try:
        serveur = postgres.demarrer()
    except postgres.PostgresIndisponible as e:
        pytest.skip(str(e))
    yield serveur
    serveur.effacer()


@pytest.fixture(scope="module")
def partage(tmp_path_factory, pg):
    """PostgreSQL (catalogue du magasin), deux serveurs sur une même copie de data/, nginx devant eux."""
    try:
        with nginx.deploiement(tmp_path_factory.mktemp("partage"), catalogue=pg.creer_base("portrait")) as d:
            yield d
    except nginx.NginxIndisponible as e:
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def navigateur():
    with chromium() as b:
        yield b


@pytest.fixture
def contexte(navigateur):
    c = navigateur.new_context(viewport=VUE_HAUTE)
    yield c
    c.close()


def servi_par(partage, avant: list[int]) -> list[int]:
    """Les serveurs (indices) qui ont exécuté une page depuis `avant` (le nombre de lignes de chacun) ; la ligne
    s'écrit à la fin de l'exécution, après la barre latérale : attendue quelques secondes."""
    limite = time.time() + 30
    while True:
        servis = [i for i, s in enumerate(partage.serveurs) if len(s.executions()) > avant[i]]
        if servis or time.time() > limite:
            return servis
        time.sleep(0.2)


def comptes(partage) -> list[int]:
    return [len(s.executions()) for s in partage.serveurs]


def naissances(page):
    """La valeur affichée du chiffre clé « Naissances » de la page Accueil."""
    metrique = page.locator('[data-testid="stMetric"]').filter(has_text=NAISSANCES).first
    return metrique.locator('[data-testid="stMetricValue"]')


def cli(serveur: nginx.Serveur, *args: str) -> str:
    """`python -m portrait …` lancé avec l'environnement d'un serveur (son catalogue, ses dossiers), sans autre
    option : comme le README le montre, l'environnement suffit."""
    fait = subprocess.run([sys.executable, "-m", "portrait", *args],
                          cwd=RACINE, env={**os.environ, **serveur.env}, capture_output=True, text=True)
    assert fait.returncode == 0, fait.stderr
    return fait.stdout


def test_page_par_nginx_websocket_et_duree_au_journal(partage, contexte):
    avant = comptes(partage)
    page = contexte.new_page()
    page.goto(f"{partage.nginx.adresse}/tensions-sppe?territoire=departement:44&annee=2023")
    page.locator(SELECTEUR_CARTE).first.wait_for(timeout=DELAI_MS)  # la figure vient par le WebSocket
    page.wait_for_function("document.title.startsWith('Tensions SPPE')", timeout=DELAI_MS)
    assert page.title() == "Tensions SPPE · Loire-Atlantique · Portrait de territoire"
    assert page.locator("h1").first.inner_text().startswith("Tensions")
    assert [c["name"] for c in contexte.cookies()] .count("portrait_serveur") == 1  # le cookie collant de nginx
    # une seule session, un seul serveur : ses exécutions sont toutes au journal de celui-là, durée comprise
    servis = servi_par(partage, avant)
    assert len(servis) == 1, [s.executions() for s in partage.serveurs]
    lignes = partage.serveurs[servis[0]].executions()[avant[servis[0]]:]
    assert all(re.search(r" exécution page=tensions-sppe durée_ms=\d+ calcul_ms=\d+$", ligne)
               for ligne in lignes), lignes


def test_sessions_collantes_par_le_cookie_de_nginx(partage):
    """Sans cookie, chaque navigateur va au serveur suivant, chacun son tour, et reçoit un cookie qui nomme celui qui
    a répondu ; avec son cookie, il va toujours à lui, et rien n'est reposé ; un cookie inconnu est remplacé."""
    sante = partage.nginx.adresse + "/_stcore/health"
    adresses = [s.adresse.split("/")[2] for s in partage.serveurs]

    def visite(essai: str, cookie: str = "") -> list[str]:  # Streamlit pose aussi le sien (_streamlit_xsrf)
        requete = urllib.request.Request(f"{sante}?essai={essai}", headers={"Cookie": cookie} if cookie else {})
        return [c for c in urllib.request.urlopen(requete).headers.get_all("Set-Cookie") or []
                if c.startswith("portrait_serveur=")]

    poses = [visite("sans-cookie") for _ in range(12)]
    servis = partage.nginx.amonts("essai=sans-cookie", au_moins=12)
    assert len(servis) == 12 and all(servis.count(a) == 6 for a in adresses), servis  # six et six
    assert all(servis[i] != servis[i + 1] for i in range(11)), servis  # l'un, l'autre, l'un…
    for (pose,), servi in zip(poses, servis, strict=True):
        assert "HttpOnly" in pose and "SameSite=Lax" in pose
        assert pose.split(";")[0] == f"portrait_serveur={adresses.index(servi) + 1}"  # il nomme qui a répondu

    for n in (1, 2):
        assert all(visite(f"avec-cookie-{n}", f"portrait_serveur={n}") == [] for _ in range(6))  # déjà le bon
        assert partage.nginx.amonts(f"essai=avec-cookie-{n}", au_moins=6) == [adresses[n - 1]] * 6
    (pose,) = visite("cookie-inconnu", "portrait_serveur=9")  # un serveur retiré depuis
    (servi,) = partage.nginx.amonts("essai=cookie-inconnu", au_moins=1)
    assert pose.split(";")[0] == f"portrait_serveur={adresses.index(servi) + 1}"


def test_fichiers_de_streamlit_servis_par_nginx(partage):
    """Le JavaScript de Streamlit vient de nginx, pas des serveurs Python (environ 0,15 s de leur calcul par
    première visite d'un navigateur), avec le cache d'un an que Streamlit lui donne."""
    import streamlit

    fichier = min((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("index.*.js"))
    reponse = urllib.request.urlopen(f"{partage.nginx.adresse}/static/js/{fichier.name}?essai=statique")
    assert reponse.read() == fichier.read_bytes()
    assert reponse.headers["Cache-Control"] == "public, immutable, max-age=31536000"
    assert partage.nginx.amonts("essai=statique", au_moins=1) == ["-"]  # aucun serveur amont


def test_import_par_a_vu_par_b_annulation_par_b_vue_par_a(partage, contexte, tmp_path):
    a, b = partage.serveurs
    sur_b = contexte.new_page()
    sur_b.goto(f"{b.adresse}/?territoire={PORNIC}&annee=2023")
    naissances(sur_b).wait_for(timeout=DELAI_MS)
    assert naissances(sur_b).inner_text() == "173"
    fichier = tmp_path / "naissances_pornic.csv"
    fichier.write_text("niveau;code;annee;indicateur;valeur\ncommune;44131;2023;naissances;987\n", encoding="utf-8")
    ident = re.search(r"Import (\S+) enregistré\.", cli(a, "import", "mesures", str(fichier)))[1]

    from playwright.sync_api import expect

    sur_b.keyboard.press("r")  # une nouvelle exécution, dans la même session de B
    expect(naissances(sur_b)).to_have_text("987", timeout=DELAI_MS)
    sur_a = contexte.new_page()
    sur_a.goto(f"{a.adresse}/?territoire={PORNIC}&annee=2023")
    expect(naissances(sur_a)).to_have_text("987", timeout=DELAI_MS)

    assert f"Import {ident}" in cli(b, "imports", "rollback", ident)
    sur_a.keyboard.press("r")
    expect(naissances(sur_a)).to_have_text("173", timeout=DELAI_MS)


def test_catalogue_arrete_le_bandeau_le_dit_les_chiffres_restent(partage, pg, contexte):
    """PostgreSQL s'arrête sous des serveurs qui tournent : à la nouvelle exécution, chaque page dit en haut que le
    catalogue est injoignable et garde ses chiffres ; la page Données n'offre plus de dépôt ; PostgreSQL relancé,
    le bandeau s'en va sans redémarrer l'application."""
    from playwright.sync_api import expect

    a = partage.serveurs[0]
    page = contexte.new_page()
    page.goto(f"{a.adresse}/?territoire={PORNIC}&annee=2023")
    expect(naissances(page)).to_have_text("173", timeout=DELAI_MS)
    bandeau = page.get_by_text("Catalogue des données injoignable")
    assert bandeau.count() == 0
    pg.arreter()
    try:
        page.keyboard.press("r")
        expect(bandeau).to_be_visible(timeout=DELAI_MS)
        assert re.search(r"les chiffres affichés sont ceux du \d\d/\d\d/\d{4} à \d\d:\d\d ; imports et "
                         r"annulations impossibles pour l'instant\.", bandeau.inner_text()), bandeau.inner_text()
        assert naissances(page).inner_text() == "173"
        CAPTURES.mkdir(exist_ok=True)
        page.screenshot(path=str(CAPTURES / "catalogue_injoignable.png"), full_page=True)
        donnees = contexte.new_page()
        donnees.goto(f"{a.adresse}/donnees-imports?territoire={PORNIC}&annee=2023")
        expect(donnees.get_by_text("Imports et annulations impossibles tant que le catalogue")).to_be_visible(
            timeout=DELAI_MS)
        assert donnees.locator('[data-testid="stFileUploader"]').count() == 0
        assert donnees.get_by_text("Traceback").count() == 0
    finally:
        pg.lancer()
    page.keyboard.press("r")
    expect(bandeau).to_have_count(0, timeout=DELAI_MS)
    assert naissances(page).inner_text() == "173"


def test_serveur_tue_l_autre_sert_et_le_rechargement_y_atterrit(partage, contexte):
    from playwright.sync_api import expect

    page = contexte.new_page()
    avant = comptes(partage)
    page.goto(f"{partage.nginx.adresse}/?territoire={PORNIC}&annee=2023")
    naissances(page).wait_for(timeout=DELAI_MS)
    (servi,) = servi_par(partage, avant)
    onglet = contexte.new_page()  # un onglet qui reste ouvert sur le serveur qui va tomber (même cookie)
    onglet.goto(f"{partage.nginx.adresse}/tensions-sppe?territoire=departement:44&annee=2023")
    k = onglet.locator(".st-key-k")
    expect(k.locator("input").first).to_be_enabled(timeout=DELAI_MS)
    tue = partage.serveurs[servi]
    adresse = page.url
    page.goto("about:blank")  # la page quittée ne tente plus de se reconnecter : nginx ignore encore la panne
    tue.proc.send_signal(signal.SIGKILL)
    tue.proc.wait(timeout=10)

    avant = comptes(partage)
    page.goto(adresse)  # même navigateur, même cookie : sa première requête vise le serveur tué
    naissances(page).wait_for(timeout=DELAI_MS)
    assert naissances(page).inner_text() == "173"
    assert servi_par(partage, avant) == [1 - servi]  # le rechargement a atterri sur le serveur vivant
    # et le cookie le nomme désormais : revenu, le serveur tué ne reprendrait pas ce navigateur (sa session est ici)
    assert {c["name"]: c["value"] for c in contexte.cookies()}["portrait_serveur"] == str(2 - servi)

    # l'onglet resté ouvert s'est reconnecté, par nginx, au serveur vivant (une session neuve) : son premier choix y
    # est pris (surfaces/reprise.py), il revenait à la valeur de l'adresse
    avant = comptes(partage)
    expect(k.locator("input").first).to_be_enabled(timeout=DELAI_MS)
    k.get_by_text("3", exact=True).click()
    onglet.wait_for_function("new URLSearchParams(location.search).get('k') === '3'", timeout=DELAI_MS)
    expect(k.get_by_role("radio", name="3")).to_be_checked()
    assert servi_par(partage, avant) == [1 - servi]
