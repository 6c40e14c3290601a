"""Un vrai navigateur, pour les tests (tests/test_navigateur.py) comme pour le banc : une application Streamlit servie
sur un port libre, Chromium de Debian piloté par Playwright ; puis le temps de chargement de la carte de la page
Tensions face à l'application « plancher » (python -m bench)."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# sans bac à sable ni GPU (conteneur), sans trafic ni mise à jour en arrière-plan (mesures stables, hors ligne) ;
# Playwright donne à chaque lancement un profil neuf (son propre --user-data-dir temporaire)
OPTIONS_CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"]
VUE_HAUTE = {"width": 1500, "height": 3200}  # Streamlit défile dans son conteneur : une fenêtre haute montre tout
APPLICATION = [sys.executable, "-m", "portrait.surfaces.serveur"]
DELAI_SERVEUR = 60  # secondes pour répondre à /_stcore/health
# axe-core (contrôles automatiques du RGAA / WCAG) : version figée, installée par npm dans un cache, comme Chromium
AXE_VERSION = "4.10.3"
CACHE_AXE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "portrait" / f"axe-core-{AXE_VERSION}"


def installer_chromium() -> str | None:
    """Rend le chemin de Chromium, en installant le paquet Debian s'il manque ; None si c'est impossible."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env, capture_output=True)
    return CHROMIUM if os.path.exists(CHROMIUM) else None


def installer_axe() -> Path | None:
    """Rend le chemin de axe.min.js (axe-core AXE_VERSION), installé par npm dans CACHE_AXE s'il manque ; None si
    c'est impossible (ni npm ni registre)."""
    fichier = CACHE_AXE / "node_modules" / "axe-core" / "axe.min.js"
    if not fichier.exists() and shutil.which("npm"):
        CACHE_AXE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(CACHE_AXE), "--no-save", "--no-audit", "--no-fund",
                        f"axe-core@{AXE_VERSION}"], check=False, capture_output=True)
    return fichier if fichier.exists() else None


def port_libre() -> int:
    """Un port TCP libre de la machine, pour un serveur à lui."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attendre(adresse: str, proc: subprocess.Popen, journal: Path) -> None:
    """Attend que le serveur réponde ; s'il s'arrête ou se tait, l'erreur porte sa sortie d'erreur."""
    limite = time.time() + DELAI_SERVEUR
    while time.time() < limite:
        if proc.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté (code {proc.returncode}) :\n{journal.read_text()}")
        try:
            urllib.request.urlopen(adresse + "/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"le serveur n'a pas répondu en {DELAI_SERVEUR} s :\n{journal.read_text()}")


def arreter(proc: subprocess.Popen) -> None:
    """Arrête un processus lancé ici : SIGTERM, puis SIGKILL s'il ne s'arrête pas en 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def serveur(journal: Path, commande: list[str] = APPLICATION, env: dict | None = None,
            prefixe: str = "", ecoute: str = "127.0.0.1", processus: list | None = None,
            port: int | None = None) -> Iterator[str]:
    """Lance l'application (ou `commande`, une autre application Streamlit) sur un port libre, sous un préfixe
    d'adresse (server.baseUrlPath) s'il est donné, et rend son adresse dès qu'elle répond. Sa sortie va dans
    `journal`, recopié sur la sortie d'erreur si quoi que ce soit échoue pendant qu'elle tourne ; arrêtée en sortant.
    `ecoute` : l'adresse où il écoute (la boucle locale ; "0.0.0.0" : tout le réseau). `processus`, une liste, reçoit
    son subprocess.Popen (test de panne : le serveur tué). `port` : un port choisi (le même serveur relancé) ; sinon
    un port libre."""
    port = port or port_libre()
    options = ["--server.port", str(port), "--server.headless", "true", "--server.address", ecoute]
    with open(journal, "w") as sortie:
        proc = subprocess.Popen([*commande, *options, *(["--server.baseUrlPath", prefixe] if prefixe else [])],
                                cwd=RACINE, stdout=sortie, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    if processus is not None:
        processus.append(proc)
    adresse = f"http://127.0.0.1:{port}" + (f"/{prefixe}" if prefixe else "")
    try:
        attendre(adresse, proc, journal)
        yield adresse
    except BaseException:
        print(f"--- journal du serveur ({' '.join(commande)}) ---\n{journal.read_text()}", file=sys.stderr)
        raise
    finally:
        arreter(proc)


@contextmanager
def chromium() -> Iterator:
    """Chromium headless lancé par Playwright (playwright.sync_api.Browser), fermé en sortant."""
    from playwright.sync_api import sync_playwright

    chemin = installer_chromium()
    if chemin is None:
        raise RuntimeError("Chromium introuvable et impossible à installer (apt-get install chromium).")
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=chemin, args=OPTIONS_CHROMIUM)
        try:
            yield navigateur
        finally:
            navigateur.close()


# --- Banc : la carte de la page Tensions face au plancher ----------------------------------------------------------

SELECTEUR_CARTE = ".js-plotly-plot .maplibregl-canvas"
ESSAIS = 12  # la médiane de 6 bougeait de ± 0,05 d'un passage à l'autre, autant que l'écart à la cible
ANNEE = 2023
# Deux navigateurs : le premier passage (cache HTTP vide, tout le JavaScript de Streamlit est téléchargé) et le
# navigateur habituel d'un chargé d'études (le JavaScript de Streamlit est déjà en cache, seules les données viennent).
VISITES = {"première visite": False, "navigateur habituel": True}
PLANCHER = [sys.executable, "-m", "streamlit", "run", "bench/plancher_carte.py"]


def chargement(contexte, url: str) -> float:
    """Temps (s) entre la navigation et la carte dessinée (canvas MapLibre présent, figure Plotly prête)."""
    page = contexte.new_page()
    debut = time.perf_counter()
    page.goto(url)
    page.locator(SELECTEUR_CARTE).first.wait_for(timeout=120_000)
    page.wait_for_function("document.querySelector('.js-plotly-plot') && "
                           "document.querySelector('.js-plotly-plot')._fullLayout !== undefined", timeout=60_000)
    duree = time.perf_counter() - debut
    page.close()
    return duree


def comparer(navigateur, urls: dict[str, str], cache: bool) -> dict:
    """Médianes de chaque adresse (la page, le plancher, la figure seule), chargées en alternance (la machine dérive
    moins entre elles) ; un premier passage de chacune, non compté, remplit les caches du serveur."""
    vue = {"width": 1500, "height": 2400}
    partage = navigateur.new_context(viewport=vue) if cache else None
    def contexte():
        return partage or navigateur.new_context(viewport=vue)
    temps = {nom: [] for nom in urls}
    for i in range(ESSAIS + 1):
        for nom, url in urls.items():
            c = contexte()
            t = chargement(c, url)
            if c is not partage:
                c.close()
            if i > 0:
                temps[nom].append(t)
    if partage:
        partage.close()
    medianes = {nom: statistics.median(t) for nom, t in temps.items()}
    return {**medianes, "rapport": medianes["page"] / medianes["plancher"],
            "rapport_figure": medianes["figure"] / medianes["plancher"]}


def mesurer(sortie: Path) -> dict:
    sortie.mkdir(parents=True, exist_ok=True)
    res = {}
    with ExitStack() as pile:
        adresse_app = pile.enter_context(serveur(sortie / "app.log"))
        adresse_plancher = pile.enter_context(serveur(sortie / "plancher.log", PLANCHER))
        nav = pile.enter_context(chromium())
        for nom, t in (("département (Loire-Atlantique, 207 communes)", "departement:44"),
                       ("France par EPCI (1 255 EPCI)", "france")):
            urls = {"page": f"{adresse_app}/tensions-sppe?territoire={t}&annee={ANNEE}",
                    "plancher": f"{adresse_plancher}/?territoire={t}",
                    "figure": f"{adresse_plancher}/?territoire={t}&annee={ANNEE}&figure=page"}
            for visite, cache in VISITES.items():
                res[f"{nom}, {visite}"] = comparer(nav, urls, cache)
    return res
