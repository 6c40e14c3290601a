"""Connexion avec un vrai fournisseur OIDC (oidc-provider-mock, sur un port libre) et un vrai navigateur (Chromium,
bench/navigateur.py) : une lectrice et une référente des données se connectent ; la page Données de l'une n'a ni
dépôt ni annulation, l'autre importe un fichier, et le journal dit qui l'a fait. Sans connexion, un serveur ouvert au
réseau le dit en tête de chaque page."""

import re
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from bench.navigateur import APPLICATION, VUE_HAUTE, chromium, serveur
from portrait.imports import registre
from tests.conftest import ecrire_donnees

CAPTURES = Path(__file__).parent / "captures"
SOURCES = Path(__file__).parent / "sources"
FICHIER = "txcouv_pe_com.csv"
GROUPE = "portrait-referents"
VUE = "territoire=commune:44003&annee=2023"  # le jeu minuscule n'a pas le territoire par défaut
LECTRICE = {"email": "lea.lecteur@caf44.fr", "name": "Léa Lecteur", "groups": ["agents"]}
REFERENTE = {"email": "remi.referente@caf44.fr", "name": "Rémi Référente", "groups": ["agents", GROUPE]}


@pytest.fixture(scope="module")
def fournisseur():
    """Un fournisseur OIDC qui connaît les deux comptes (leurs revendications : e-mail, nom, groupes)."""
    import httpx  # requirements.txt : oidc-provider-mock, et streamlit[auth] (Authlib) pour l'application
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as serveur_oidc:
        adresse = f"http://localhost:{serveur_oidc.server_port}"
        for compte in (LECTRICE, REFERENTE):
            assert httpx.put(f"{adresse}/users/{quote(compte['email'])}", json=compte).status_code == 204
        yield adresse


@pytest.fixture(scope="module")
def application(tmp_path_factory, fournisseur):
    """L'application sur le jeu minuscule, la connexion configurée dans un secrets.toml à elle (le groupe
    « portrait-referents » donne le rôle de référent)."""
    dossier = tmp_path_factory.mktemp("connexion")
    donnees = ecrire_donnees(dossier / "data")
    secrets = dossier / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "un-secret-de-test-assez-long-pour-signer"
client_id = "portrait"
client_secret = "secret"
server_metadata_url = "{fournisseur}/.well-known/openid-configuration"

[roles]
groupes_referents_donnees = ["{GROUPE}"]
""", encoding="utf-8")
    with serveur(dossier / "streamlit.log", [*APPLICATION, "--secrets.files", str(secrets)],
                 env={"PORTRAIT_DATA_DIR": str(donnees)}) as adresse:
        yield adresse, donnees, dossier / "streamlit.log"


@pytest.fixture(scope="module")
def navigateur():
    pytest.importorskip("playwright.sync_api")
    with chromium() as b:
        yield b


def attendre(page) -> None:
    """La page a fini de s'exécuter."""
    page.locator("h1").first.wait_for(timeout=90_000)
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=90_000)
    page.wait_for_timeout(500)


def se_connecter(navigateur, adresse: str, compte: dict):
    """Un navigateur neuf (ses propres cookies) : l'invitation, « Se connecter », le formulaire du fournisseur,
    le retour connecté ; rend la page, sur la page Données."""
    contexte = navigateur.new_context(viewport=VUE_HAUTE)
    contexte.route(re.compile(r"^https://cdn\.jsdelivr\.net/"), lambda r: r.abort())  # feuille de style du mock
    page = contexte.new_page()
    page.goto(f"{adresse}/donnees-imports?{VUE}")
    bouton = page.get_by_role("button", name="Se connecter")
    bouton.wait_for(timeout=90_000)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    CAPTURES.mkdir(exist_ok=True)
    page.screenshot(path=str(CAPTURES / "connexion.png"))
    bouton.click()
    page.get_by_placeholder("sub").fill(compte["email"])  # le formulaire du fournisseur
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(adresse)), timeout=60_000)
    page.goto(f"{adresse}/donnees-imports?{VUE}")
    attendre(page)
    return page


def test_lectrice_puis_referente(navigateur, application):
    adresse, donnees, journal = application
    CAPTURES.mkdir(exist_ok=True)
    try:
        lectrice = se_connecter(navigateur, adresse, LECTRICE)
        barre = lectrice.locator('[data-testid="stSidebar"]')
        barre.get_by_text("Connecté :").wait_for(timeout=60_000)
        assert "Connecté : Léa Lecteur (lea.lecteur@caf44.fr) · lecteur" in barre.inner_text()
        assert lectrice.locator('[data-testid="stFileUploader"]').count() == 0
        assert lectrice.get_by_role("button", name="Annuler cet import").count() == 0
        assert "Lecture seule : importer un fichier ou annuler un import est réservé aux référents des données." \
            in lectrice.locator('[data-testid="stMain"]').inner_text()
        assert "Accès ouvert" not in lectrice.content()
        lectrice.screenshot(path=str(CAPTURES / "donnees_lectrice.png"), full_page=True)

        referente = se_connecter(navigateur, adresse, REFERENTE)
        referente.get_by_text("Connecté :").wait_for(timeout=60_000)
        assert "Rémi Référente (remi.referente@caf44.fr) · référent des données" in \
            referente.locator('[data-testid="stSidebar"]').inner_text()
        referente.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(SOURCES / FICHIER))
        referente.get_by_role("button", name="Importer 16 valeurs").click()
        referente.get_by_text(re.compile(r"Import \S+ enregistré : txcouv_pe_com\.csv\.")).wait_for(timeout=60_000)
        attendre(referente)
        assert referente.get_by_role("button", name="Annuler cet import").count() == 1
        referente.screenshot(path=str(CAPTURES / "donnees_referente.png"), full_page=True)
    except BaseException:
        print(f"--- journal du serveur ---\n{journal.read_text()}", file=sys.stderr)
        raise
    assert registre.historique(donnees)[["auteur", "action", "fichier_source", "valeurs_gardees"]].values.tolist() \
        == [["remi.referente@caf44.fr", "import", FICHIER, 16]]

    lectrice.reload()  # la lectrice voit l'import de la référente, toujours sans pouvoir l'annuler
    attendre(lectrice)
    assert lectrice.get_by_role("button", name="Annuler cet import").count() == 0


def test_sans_connexion_un_serveur_ouvert_le_dit_sur_chaque_page(navigateur, tmp_path):
    donnees = ecrire_donnees(tmp_path / "data")
    with serveur(tmp_path / "streamlit.log", env={"PORTRAIT_DATA_DIR": str(donnees)}, ecoute="0.0.0.0") as adresse:
        page = navigateur.new_page(viewport=VUE_HAUTE)
        for chemin in ("chiffres-cles", "tensions-sppe", "donnees-imports"):
            page.goto(f"{adresse}/{chemin}?{VUE}")
            bandeau = page.locator('[data-testid="stMain"] [data-testid="stAlert"]').first
            bandeau.wait_for(timeout=90_000)
            assert bandeau.inner_text().startswith("Accès ouvert : aucune connexion configurée."), chemin
        page.locator('[data-testid="stFileUploader"]').wait_for(timeout=60_000)  # le poste local peut importer
        attendre(page)
        page.screenshot(path=str(CAPTURES / "acces_ouvert.png"))
        page.close()
