"""Préchauffe du serveur : à son démarrage, en arrière-plan, la vue Tensions de chaque département aux filtres par
défaut (ce qu'un chargé d'études ouvre d'abord), pour que la première visite du matin trouve sa carte prête ; elle
ne calcule que quand aucune exécution de page ne tourne (`execution`, qui écrit aussi leur durée au journal)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# « tous » : chaque département ; « 44,85 » : ceux-là (une CAF) ; absente ou « non » : aucune. Un poste seul
# (make run) n'en a pas besoin : son chargé d'études ouvre un ou deux départements, pas 101 (0,3 Go, 1 min de calcul)
VARIABLE = "PORTRAIT_PRECHAUFFE"
DUREE_MAX = 300.0  # s : au-delà, elle s'arrête (machine trop chargée), ce qui est fait reste
CALME = 0.5  # s sans exécution de page avant chaque calcul : une page ouverte passe toujours avant
ATTENTE = 0.1  # s entre deux regards, en attendant le calme
JOURNAL = logging.getLogger("portrait")
FIL = "prechauffe"
# Streamlit avertit de chaque appel de cache hors d'une page (« missing ScriptRunContext ») : attendu ici, tu
JOURNAL_CONTEXTE = "streamlit.runtime.scriptrunner_utils.script_run_context"

_verrou = threading.Lock()
_en_cours = 0  # exécutions de page en cours dans ce processus
_derniere = 0.0  # fin de la dernière (time.monotonic)


@dataclass
class Execution:
    """Une exécution de page en cours ; `page` (son chemin d'adresse) dit au journal laquelle, une fois connue."""

    page: str | None = None


@contextmanager
def execution() -> Iterator[Execution]:
    """Autour de chaque exécution de page (dashboard.py) : la préchauffe ne calcule que quand aucune ne tourne ; à
    la fin, interrompue ou non (widget changé, arrêt), sa durée au journal du serveur, « exécution page=…
    durée_ms=… calcul_ms=… » : le temps écoulé, puis le temps de calcul de son fil (l'écart est l'attente : du
    processeur, du GIL, de DuckDB) (banc de charge, tests du déploiement)."""
    global _en_cours, _derniere
    debut, calcul, en_cours = time.perf_counter(), time.thread_time(), Execution()
    with _verrou:
        _en_cours += 1
    try:
        yield en_cours
    finally:
        with _verrou:
            _en_cours -= 1
            _derniere = time.monotonic()
        if en_cours.page is not None:
            JOURNAL.info("exécution page=%s durée_ms=%d calcul_ms=%d", en_cours.page,
                         round(1000 * (time.perf_counter() - debut)), round(1000 * (time.thread_time() - calcul)))


def calme() -> bool:
    """Vrai si aucune page ne s'exécute et qu'aucune n'a fini depuis CALME secondes."""
    with _verrou:
        return _en_cours == 0 and time.monotonic() - _derniere >= CALME


def choix(valeur: str | None) -> list[str] | None:
    """Les départements à préchauffer d'après PORTRAIT_PRECHAUFFE : None pour tous, [] pour aucun."""
    texte = (valeur or "").strip().lower()
    if texte in ("", "non", "0", "aucun", "false"):
        return []
    if texte in ("tous", "oui"):
        return None
    return [d.strip() for d in texte.split(",") if d.strip()]


def attendre_le_calme(arret: threading.Event, limite: float) -> bool:
    """Attend qu'aucune page ne s'exécute ; faux si l'arrêt est demandé ou la limite de temps passée."""
    while not calme():
        if arret.is_set() or time.monotonic() > limite:
            return False
        time.sleep(ATTENTE)
    return not arret.is_set() and time.monotonic() <= limite


def prechauffer(departements: list[str] | None = None, arret: threading.Event | None = None,
                duree_max: float = DUREE_MAX) -> list[str]:
    """Calcule, dans les caches de l'application (surfaces/cache.py), la barre latérale et la vue Tensions aux
    filtres par défaut de chaque département (tous si `departements` est None), un à la fois et seulement quand
    aucune page ne s'exécute ; rend les cadres calculés. Les modules que Streamlit n'importe qu'au premier usage
    d'un widget de la page (les émojis des pastilles : 0,15 s) le sont d'abord."""
    from streamlit import string_util

    from portrait.donnees import jeux
    from portrait.surfaces import cache, url

    arret = arret or threading.Event()
    limite = time.monotonic() + duree_max
    string_util.extract_leading_emoji("é")  # importe streamlit.emojis (compile son expression) : texte non ASCII
    sig = cache.signature_lue(cache.racine())
    req = cache.connexion_de(sig)
    annee = jeux.annee_par_defaut(jeux.annees_disponibles(req))
    codes = list(jeux.choix_territoires(req, "departement", "france")["code"])
    codes = [c for c in codes if departements is None or c in departements][:cache.DEPARTEMENTS_PRECHAUFFES]
    defaut = {nom: url.PARAMETRES[nom].lire(None) for nom in ("indicateur", "methode", "filtre_carte", "tout_voir")}
    faits = []
    for code in codes:
        if not attendre_le_calme(arret, limite):
            break
        territoire = f"departement:{code}"
        # la barre latérale de sa première page : le territoire, ses EPCI et ses communes (lus dans DuckDB au milieu
        # d'une rafale de visites, ces lectures de 10 ms en duraient plusieurs centaines : banc de charge, py-spy)
        cache.infos_territoire(sig, territoire)
        cache.choix_territoires(sig, "epci", territoire)
        cache.choix_territoires(sig, "commune", territoire)
        cadre = cache.cadre_tensions(sig, territoire)
        cache.vue_tensions(sig, cadre, annee, url.filtres({}), defaut["indicateur"], defaut["methode"],
                           defaut["filtre_carte"], defaut["tout_voir"])
        faits.append(cadre)
    return faits


def _fil(departements: list[str] | None, arret: threading.Event) -> None:
    """Le fil de la préchauffe : attend que Streamlit ait démarré (ses caches n'existent qu'alors), préchauffe,
    et écrit au journal ce qu'il a fait (le banc de charge attend cette ligne)."""
    from streamlit import runtime

    logging.getLogger(JOURNAL_CONTEXTE).addFilter(lambda r: r.threadName != FIL)
    while not runtime.exists():
        if arret.wait(ATTENTE):
            return
    debut = time.monotonic()
    try:
        faits = prechauffer(departements, arret)
    except Exception as e:  # noqa: BLE001 — une préchauffe ratée ne doit jamais gêner le service
        JOURNAL.warning("préchauffe interrompue : %s", e)
        return
    JOURNAL.info("préchauffe finie vues=%d durée_ms=%d", len(faits), round(1000 * (time.monotonic() - debut)))


def lancer(environ: dict[str, str] = os.environ) -> threading.Thread | None:
    """Lance la préchauffe en arrière-plan (fil démon) selon PORTRAIT_PRECHAUFFE ; None sans préchauffe."""
    departements = choix(environ.get(VARIABLE))
    if departements == []:
        return None
    fil = threading.Thread(target=_fil, args=(departements, threading.Event()), name=FIL, daemon=True)
    fil.start()
    return fil
