"""Temps de chargement de la carte dans un vrai navigateur : la page Tensions face à l'application « plancher »."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from tests.navigateur import OPTIONS_CHROMIUM, installer_chromium, port_libre  # noqa: E402

SELECTEUR_CARTE = ".js-plotly-plot .maplibregl-canvas"


def demarrer(commande: list[str], journal: Path) -> tuple[subprocess.Popen, str]:
    port = port_libre()
    proc = subprocess.Popen([*commande, "--server.port", str(port), "--server.headless", "true",
                             "--server.address", "127.0.0.1"], cwd=RACINE, stdout=open(journal, "w"),
                            stderr=subprocess.STDOUT)
    adresse = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(adresse + "/_stcore/health", timeout=1)
            return proc, adresse
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(journal.read_text())


ESSAIS = 12  # la médiane de 6 bougeait de ± 0,05 d'un passage à l'autre, autant que l'écart à la cible
ANNEE = 2023
# Deux navigateurs : le premier passage (cache HTTP vide, tout le JavaScript de Streamlit est téléchargé) et le
# navigateur habituel d'un chargé d'études (le JavaScript de Streamlit est déjà en cache, seules les données viennent).
VISITES = {"première visite": False, "navigateur habituel": True}


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
    from playwright.sync_api import sync_playwright

    chemin = installer_chromium()
    sortie.mkdir(parents=True, exist_ok=True)
    app, adresse_app = demarrer([sys.executable, "-m", "portrait.surfaces.serveur"], sortie / "app.log")
    plancher, adresse_plancher = demarrer([sys.executable, "-m", "streamlit", "run", "bench/plancher_carte.py"],
                                          sortie / "plancher.log")
    res = {}
    try:
        with sync_playwright() as p:
            nav = p.chromium.launch(executable_path=chemin, args=OPTIONS_CHROMIUM)
            for nom, t in (("département (Loire-Atlantique, 207 communes)", "departement:44"),
                           ("France par EPCI (1 255 EPCI)", "france")):
                urls = {"page": f"{adresse_app}/tensions-sppe?territoire={t}&annee={ANNEE}",
                        "plancher": f"{adresse_plancher}/?territoire={t}",
                        "figure": f"{adresse_plancher}/?territoire={t}&annee={ANNEE}&figure=page"}
                for visite, cache in VISITES.items():
                    res[f"{nom}, {visite}"] = comparer(nav, urls, cache)
            nav.close()
    finally:
        app.terminate()
        plancher.terminate()
    return res
