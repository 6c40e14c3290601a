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


def temps_carte(navigateur, url: str, essais: int = 3) -> float:
    """Médiane (s) du temps entre la navigation et la carte dessinée (canvas MapLibre présent), à chaud."""
    temps = []
    for i in range(essais + 1):
        page = navigateur.new_page(viewport={"width": 1500, "height": 2400})
        debut = time.perf_counter()
        page.goto(url)
        page.locator(SELECTEUR_CARTE).first.wait_for(timeout=120_000)
        page.wait_for_function("document.querySelector('.js-plotly-plot') && "
                               "document.querySelector('.js-plotly-plot')._fullLayout !== undefined", timeout=60_000)
        if i > 0:  # le premier passage remplit les caches
            temps.append(time.perf_counter() - debut)
        page.close()
    return statistics.median(temps)


def mesurer(sortie: Path) -> dict:
    from playwright.sync_api import sync_playwright

    chemin = installer_chromium()
    sortie.mkdir(parents=True, exist_ok=True)
    app, adresse_app = demarrer([sys.executable, "-m", "portrait.serveur"], sortie / "app.log")
    plancher, adresse_plancher = demarrer([sys.executable, "-m", "streamlit", "run", "bench/plancher_carte.py"],
                                          sortie / "plancher.log")
    res = {}
    try:
        with sync_playwright() as p:
            nav = p.chromium.launch(executable_path=chemin, args=OPTIONS_CHROMIUM)
            for nom, t in (("département (Loire-Atlantique, 207 communes)", "departement:44"),
                           ("France par EPCI (1 255 EPCI)", "france")):
                a = temps_carte(nav, f"{adresse_app}/tensions-sppe?territoire={t}&annee=2023")
                b = temps_carte(nav, f"{adresse_plancher}/?territoire={t}")
                res[nom] = {"page": a, "plancher": b, "rapport": a / b}
            nav.close()
    finally:
        app.terminate()
        plancher.terminate()
    return res
