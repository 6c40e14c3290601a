"""Banc de charge (issue 18, §4) : 10 navigateurs ouvrent en même temps la page Tensions d'un département chacun puis
changent un filtre, face à un serveur, puis à deux derrière nginx (tests/nginx.py, le modèle de deploiement/). La
cible porte sur le serveur (sur deux cœurs, les navigateurs prennent les mêmes processeurs que les serveurs) : la
durée de chaque exécution de page, que l'application écrit à son journal (« exécution page=… durée_ms=… »)."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.navigateur import OPTIONS_CHROMIUM, RACINE, SELECTEUR_CARTE, VUE_HAUTE, installer_chromium, serveur

ANNEE = 2023
# dix départements, un par navigateur ; l'utilisateur seul ouvre les mêmes, l'un après l'autre (caches froids dans
# les deux cas : chaque phase a ses propres serveurs, neufs), pour que la charge soit la seule différence
DEPARTEMENTS = ("44", "85", "49", "35", "29", "56", "22", "72", "53", "16")
K = "3"  # le filtre changé : « Au moins k critères »
DELAI_MS = 600_000  # dix pages sur deux cœurs : plusieurs dizaines de secondes chacune
LIGNE = re.compile(r" exécution page=tensions-sppe durée_ms=(\d+)$")
CIBLE_RAPPORT = 2.0  # p95 sous charge, deux serveurs ≤ 2 × la médiane d'un utilisateur seul
PRECHAUFFE = re.compile(r" préchauffe finie vues=(\d+) durée_ms=(\d+)$")
DELAI_PRECHAUFFE = 600  # s : la préchauffe s'arrête d'elle-même avant (prechauffe.DUREE_MAX)
# Dans une CAF, les navigateurs tournent sur les postes des agents, pas sur le serveur ; ici, sur les deux mêmes
# cœurs. Lancés à la priorité la plus basse (nice 19), ils ne prennent aux serveurs que le temps qu'ils laissent.
# PORTRAIT_CHARGE_NICE=0 : l'ancienne variante (navigateurs à la même priorité que les serveurs).
PRIORITE_NAVIGATEURS = int(os.environ.get("PORTRAIT_CHARGE_NICE", "19"))


def centile(valeurs: list[float], q: float) -> float:
    """Le centile q (0,95 : p95) au rang le plus proche, comme chrono() du banc."""
    v = sorted(valeurs)
    return v[min(len(v) - 1, int(q * len(v)))]


def durees(journaux: list[Path]) -> list[int]:
    """Les durées (ms) des exécutions de la page Tensions écrites aux journaux des serveurs."""
    return [int(m[1]) for j in journaux for ligne in j.read_text(errors="replace").splitlines()
            if (m := LIGNE.search(ligne))]


def attendre_le_calme(journaux: list[Path], silence: float = 2.0) -> None:
    """Attend que les serveurs aient fini d'écrire (plus de nouvelle ligne pendant `silence` secondes)."""
    taille, depuis = -1, time.time()
    while time.time() - depuis < silence:
        t = sum(j.stat().st_size for j in journaux)
        if t != taille:
            taille, depuis = t, time.time()
        time.sleep(0.2)


async def session(navigateur, adresse: str, departement: str) -> float:
    """Un chargé d'études : la page Tensions d'un département jusqu'à la carte dessinée (temps rendu, s), puis « au
    moins 3 critères », jusqu'à ce que la page ait écrit le filtre dans son adresse."""
    contexte = await navigateur.new_context(viewport=VUE_HAUTE)
    page = await contexte.new_page()
    debut = time.perf_counter()
    await page.goto(f"{adresse}/tensions-sppe?territoire=departement:{departement}&annee={ANNEE}",
                    timeout=DELAI_MS)
    await page.locator(SELECTEUR_CARTE).first.wait_for(timeout=DELAI_MS)
    carte = time.perf_counter() - debut
    await page.locator(".st-key-k").get_by_text(K, exact=True).click(timeout=DELAI_MS)
    await page.wait_for_function(f"new URLSearchParams(location.search).get('k') === '{K}'", timeout=DELAI_MS)
    await contexte.close()
    return carte


def chromium_priorite(dossier: Path) -> str:
    """Le Chromium des sessions : lancé à la priorité PRIORITE_NAVIGATEURS (un script qui l'enveloppe dans nice ;
    ses processus de rendu en héritent)."""
    chemin = installer_chromium()
    if not PRIORITE_NAVIGATEURS:
        return chemin
    script = dossier / "chromium-nice"
    script.write_text(f'#!/bin/sh\nexec nice -n {PRIORITE_NAVIGATEURS} {chemin} "$@"\n')
    script.chmod(0o755)
    return str(script)


async def sessions(adresse: str, departements: tuple[str, ...], ensemble: bool, chromium: str) -> list[float]:
    """Les sessions d'un navigateur (un contexte chacune) : toutes à la fois, ou l'une après l'autre."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        navigateur = await p.chromium.launch(executable_path=chromium, args=OPTIONS_CHROMIUM)
        try:
            if ensemble:
                return list(await asyncio.gather(*(session(navigateur, adresse, d) for d in departements)))
            return [await session(navigateur, adresse, d) for d in departements]
        finally:
            await navigateur.close()


def chauffer(adresses: list[str]) -> None:
    """Une première page (Accueil) par serveur : la connexion aux données est ouverte avant la mesure."""
    asyncio.run(_chauffer(adresses))


async def _chauffer(adresses: list[str]) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        navigateur = await p.chromium.launch(executable_path=installer_chromium(), args=OPTIONS_CHROMIUM)
        for adresse in adresses:
            page = await navigateur.new_page()
            await page.goto(f"{adresse}/?territoire=france&annee={ANNEE}", timeout=DELAI_MS)
            await page.locator('[data-testid="stMetric"]').first.wait_for(timeout=DELAI_MS)
            await page.close()
        await navigateur.close()


def attendre_prechauffe(journaux: list[Path]) -> list[tuple[int, int]]:
    """Attend que chaque serveur ait fini sa préchauffe (surfaces/prechauffe.py) ; rend (vues, durée en ms) de
    chacun. Une préchauffe coupée (PORTRAIT_PRECHAUFFE=non) n'écrit rien : rien à attendre."""
    from portrait.surfaces import prechauffe

    if prechauffe.choix(os.environ.get(prechauffe.VARIABLE)) == []:
        return []
    limite = time.time() + DELAI_PRECHAUFFE
    while time.time() < limite:
        finies = [m for j in journaux for ligne in j.read_text(errors="replace").splitlines()
                  if (m := PRECHAUFFE.search(ligne))]
        if len(finies) == len(journaux):
            return [(int(m[1]), int(m[2])) for m in finies]
        time.sleep(0.5)
    raise RuntimeError(f"préchauffe non finie en {DELAI_PRECHAUFFE} s")


def phase(adresse: str, journaux: list[Path], directes: list[str], departements: tuple[str, ...],
          ensemble: bool, chromium: str) -> dict:
    """Une phase sur des serveurs neufs : préchauffe finie, une page Accueil, sessions, puis durées lues aux
    journaux."""
    prechauffes = attendre_prechauffe(journaux)
    chauffer(directes)
    attendre_le_calme(journaux)
    cartes = asyncio.run(sessions(adresse, departements, ensemble, chromium))
    attendre_le_calme(journaux)
    d = durees(journaux)
    return {"executions": len(d), "mediane_ms": statistics.median(d), "p95_ms": centile(d, 0.95),
            "carte_p50_s": statistics.median(cartes), "carte_p95_s": centile(cartes, 0.95), "pages": len(cartes),
            "prechauffe": prechauffes, "durees_ms": sorted(d)}


def mesurer() -> dict:
    from tests import nginx

    donnees = RACINE / "data"
    os.environ.setdefault("PORTRAIT_PRECHAUFFE", "tous")  # comme le déploiement partagé (portrait.env.exemple)
    env = {"PORTRAIT_DATA_DIR": str(donnees)}
    stockage = ("catalogue PostgreSQL (PORTRAIT_CATALOGUE)" if os.environ.get("PORTRAIT_CATALOGUE")
                else "dossier de données partagé (data/), lu par chaque serveur")
    res = {"stockage": stockage, "pages": len(DEPARTEMENTS), "priorite_navigateurs": PRIORITE_NAVIGATEURS,
           "prechauffe": os.environ["PORTRAIT_PRECHAUFFE"]}
    with tempfile.TemporaryDirectory(prefix="portrait-charge-") as tmp:
        dossier = Path(tmp)
        chromium = chromium_priorite(dossier)
        for nom, departements, ensemble in (("seul", DEPARTEMENTS, False), ("un_serveur", DEPARTEMENTS, True)):
            with ExitStack() as pile:
                journal = dossier / f"{nom}.log"
                adresse = pile.enter_context(serveur(journal, env=env))
                res[nom] = phase(adresse, [journal], [adresse], departements, ensemble, chromium)
        with nginx.deploiement(dossier / "deux", n=2, donnees=donnees) as d:
            res["deux_serveurs"] = phase(d.nginx.adresse, [s.journal for s in d.serveurs],
                                         [s.adresse for s in d.serveurs], DEPARTEMENTS, True, chromium)
            res["repartition"] = [len(durees([s.journal])) for s in d.serveurs]
    res["rapport"] = res["deux_serveurs"]["p95_ms"] / res["seul"]["mediane_ms"]
    res["cible_atteinte"] = res["rapport"] <= CIBLE_RAPPORT
    return res


if __name__ == "__main__":
    import json

    print(json.dumps(mesurer(), ensure_ascii=False, indent=1))
