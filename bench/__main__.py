"""Banc de mesure `python -m bench` : temps des requêtes et des pages, pandas en comparaison, mémoire."""

from __future__ import annotations

import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from bench import centile

RACINE = Path(__file__).resolve().parent.parent
SORTIE = RACINE / "bench" / "sortie"
RESULTATS = RACINE / "bench" / "RESULTS.md"
sys.path.insert(0, str(RACINE))

ANNEE = 2023
TERRITOIRES = {
    "commune (Pornic)": "commune:44131",
    "EPCI (Pornic Agglo)": "epci:200067346",
    "département (Loire-Atlantique)": "departement:44",
    "France": "france",
}
REPETITIONS = 30
CIBLES = {"portrait:epci:200067346": 30, "portrait:france": 150}  # ms, médiane


def chrono(fonction, n: int = REPETITIONS) -> dict:
    """Médiane et 95e centile (ms) de n appels, après un appel de chauffe."""
    fonction()
    temps = []
    for _ in range(n):
        debut = time.perf_counter()
        fonction()
        temps.append(1000 * (time.perf_counter() - debut))
    temps.sort()
    return {"mediane": statistics.median(temps), "p95": centile(temps, 0.95)}


def memoire_mo(champ: str) -> float:
    """VmRSS (mémoire résidente) ou VmHWM (son pic) du processus, en Mo ; VmHWM repart de zéro à l'exec,
    contrairement à ru_maxrss que Linux hérite du processus parent."""
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith(champ + ":"):
            return int(ligne.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Architectures comparées -------------------------------------------------------------------------------

def mode_duckdb() -> dict:
    """L'architecture du produit : DuckDB sur Parquet, une requête par portrait."""
    from portrait.donnees import jeux
    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes

    base = memoire_mo("VmRSS")
    debut = time.perf_counter()
    req = Requetes(connecter(RACINE / "data"))
    connexion = 1000 * (time.perf_counter() - debut)
    res = {"connexion_ms": connexion, "portrait": {}, "tensions": {}}
    for nom, t in TERRITOIRES.items():
        res["portrait"][nom] = chrono(lambda t=t: jeux.portrait_territoire(req, t, ANNEE))
        res["tensions"][nom] = chrono(lambda t=t: jeux.tensions(req, t, ANNEE), n=10 if t == "france" else 30)
    res["memoire_mo"] = memoire_mo("VmHWM") - base
    res["controle"] = jeux.portrait_territoire(req, "epci:200067346", ANNEE).iloc[0]["taux_couverture"]
    return res


def portrait_pandas(mesures, communes, territoire: str, annee: int) -> dict:
    """Le même portrait calculé avec pandas : filtre des communes, somme des comptes, taux recalculés."""
    from portrait.regles import catalogue

    niveau, _, code = territoire.partition(":")
    if niveau == "france":
        codes = communes["code"]
    else:
        codes = communes.loc[communes[niveau] == code, "code"] if niveau != "commune" else [code]
    sel = mesures[mesures["code"].isin(set(codes)) & mesures["annee"].isin([annee, annee - 5])]
    comptes = sel.groupby(["annee", "indicateur"])["valeur"].sum(min_count=1)
    val = {i: comptes.get((annee, i)) for i in catalogue.COMPTES}
    val["places_total"] = sum(val[m] or 0 for m in catalogue.MODES_ACCUEIL)
    for i in catalogue.CATALOGUE:
        if i.nature == "taux":
            n, d = val.get(i.numerateur), val.get(i.denominateur)
            val[i.id] = 100 * n / d if n is not None and d else None  # n.d. sans numérateur (allocataires)
        elif i.nature == "evolution":
            avant = comptes.get((annee - 5, i.base))
            val[i.id] = 100 * (val[i.base] / avant - 1) if avant else None
    return val


def comparateurs(communes, territoire: str) -> list[str]:
    """Le territoire, son EPCI, son département et la France, comme la requête DuckDB."""
    niveau, _, code = territoire.partition(":")
    if niveau == "commune":
        c = communes.set_index("code").loc[code]
        return [territoire, f"epci:{c['epci']}", f"departement:{c['departement']}", "france"]
    if niveau == "epci":
        dep = communes.loc[communes["epci"] == code, "departement"].mode()[0]
        return [territoire, f"departement:{dep}", "france"]
    return [territoire, "france"] if niveau != "france" else ["france"]


def mode_pandas_csv() -> dict:
    """La façon de faire actuelle : relire l'export CSV à chaque portrait, puis filtrer et agréger."""
    import pandas as pd

    csv_mesures, csv_communes = SORTIE / "mesures.csv", SORTIE / "communes.csv"
    res = {"portrait": {}}
    for nom, t in TERRITOIRES.items():
        def un_portrait(t=t):
            mesures = pd.read_csv(csv_mesures, dtype={"code": str})
            communes = pd.read_csv(csv_communes, dtype=str)
            return [portrait_pandas(mesures, communes, x, ANNEE) for x in comparateurs(communes, t)]
        res["portrait"][nom] = chrono(un_portrait, n=3)
    return res


def mode_pandas_memoire() -> dict:
    """L'architecture de la plupart des applications Streamlit : toute la table en mémoire, filtrée à chaque requête."""
    import pandas as pd

    base = memoire_mo("VmRSS")
    debut = time.perf_counter()
    mesures = pd.read_parquet(RACINE / "data" / "demo" / "mesures.parquet")
    communes = pd.read_parquet(RACINE / "data" / "reference" / "communes.parquet")
    chargement = 1000 * (time.perf_counter() - debut)
    res = {"chargement_ms": chargement, "portrait": {}}
    for nom, t in TERRITOIRES.items():
        res["portrait"][nom] = chrono(
            lambda t=t: [portrait_pandas(mesures, communes, x, ANNEE) for x in comparateurs(communes, t)], n=10)
    res["memoire_mo"] = memoire_mo("VmHWM") - base
    res["controle"] = portrait_pandas(mesures, communes, "epci:200067346", ANNEE)["taux_couverture"]
    return res


VUES = ("accueil", "synthèse", "détail")


def mode_vues() -> dict:
    """Temps des vues des pages Accueil, Synthèse et Détail : la fonction même qu'appellent la page (quand son cache
    ne l'a pas encore), la fiche et la CLI, requêtes, tableaux et figures compris."""
    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes
    from portrait.vues import accueil, detail, synthese

    req = Requetes(connecter(RACINE / "data"))
    fonctions = dict(zip(VUES, (accueil.accueil, synthese.synthese,
                                lambda r, t, a: detail.detail(r, t, a, "taux de couverture petite enfance", "Part"))))
    return {nom: {vue: chrono(lambda f=f, t=t: f(req, t, ANNEE), n=10) for vue, f in fonctions.items()}
            for nom, t in TERRITOIRES.items()}


def mode_pages() -> dict:
    """Temps d'exécution des pages (AppTest), à chaud : le cache est déjà rempli."""
    from streamlit.testing.v1 import AppTest

    res = {}
    for nom, page, t in PAGES:
        at = AppTest.from_file(str(RACINE / "dashboard.py"), default_timeout=120)
        at.query_params["territoire"] = t
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        assert not at.exception, at.exception
        res[nom] = chrono(lambda at=at: at.run(), n=10)
    return res


# (nom, page, territoire, cible en ms à chaud)
PAGES = [
    ("accueil, EPCI", None, "epci:200067346"),
    ("accueil, département", None, "departement:44"),
    ("synthèse, EPCI", "pages/synthese.py", "epci:200067346"),
    ("synthèse, département de 890 communes (62)", "pages/synthese.py", "departement:62"),
    ("détail, EPCI", "pages/detail.py", "epci:200067346"),
    ("détail, département de 890 communes (62)", "pages/detail.py", "departement:62"),
    ("tensions, EPCI", "pages/tensions.py", "epci:200067346"),
    ("tensions, département de 890 communes (62)", "pages/tensions.py", "departement:62"),
    ("tensions, France par EPCI", "pages/tensions.py", "france"),
]
CIBLES_PAGES = {"accueil, EPCI": 500, "synthèse, EPCI": 700, "détail, EPCI": 700,
                "synthèse, département de 890 communes (62)": 1500, "détail, département de 890 communes (62)": 1500,
                "tensions, département de 890 communes (62)": 800}


def mode_carte() -> dict:
    """Poids de la carte envoyée au navigateur (JSON de la figure), et temps de chargement dans Chromium."""
    from bench import navigateur, vue_par_defaut
    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes

    req = Requetes(connecter(RACINE / "data"))
    poids = {}
    vues = (("département 44 (207 communes)", "departement:44"), ("département 62 (890 communes)", "departement:62"),
            ("France par EPCI", "france"))
    for nom, t in vues:
        poids[nom] = len(vue_par_defaut.carte_tensions(req, t, ANNEE).to_json().encode()) / 1e6
    return {"poids_mo": poids, "navigateur": navigateur.mesurer(SORTIE)}


def mode_imports_hostiles() -> dict:
    """Les deux bombes XLSX refusées et le CSV de 2 millions de lignes importé, chacun dans son processus (VmHWM)."""
    def mesure(appel: str) -> dict:
        sortie = subprocess.run([sys.executable, "-c", "import json; from bench import fichiers_hostiles as f; "
                                 f"print(json.dumps(f.{appel}))"], capture_output=True, text=True, cwd=RACINE)
        if sortie.returncode != 0:
            raise SystemExit(f"{appel} en échec :\n{sortie.stderr}")
        return json.loads(sortie.stdout.strip().splitlines()[-1])
    return {"bombe_xml": mesure("mesurer_refus('bombe_xml')"),
            "bombe_dimension": mesure("mesurer_refus('bombe_dimension')"),
            "csv_2m": mesure("mesurer_import_csv()")}



def mode_allocataires() -> dict:
    """Import d'un fichier des allocataires par IRIS de 13 000 lignes (cible issue 15 : moins de 10 s)."""
    from bench import allocataires

    return allocataires.mesurer_import()


FICHES = (("EPCI (Pornic Agglo)", "epci:200067346"), ("département (Loire-Atlantique)", "departement:44"))
CIBLE_FICHE_S = 5.0  # secondes, fiche PDF de la Loire-Atlantique (issue 17)


def mode_fiche() -> dict:
    """Temps de la fiche COPIL (PDF et PPTX) d'un EPCI et d'un département, à chaud (Kaleido démarré, repères
    nationaux lus une fois) : médiane de 3 ; et la part du contenu (vues) hors images."""
    from pypdf import PdfReader

    from portrait.donnees.connexion import connecter
    from portrait.donnees.requetes import Requetes
    from portrait.surfaces import fiche
    from portrait.vues import cooperation

    req = Requetes(connecter(RACINE / "data"))
    france = cooperation.donnees_france(req, ANNEE)  # comme le cache de l'application : une fois par année
    fiche.fiche(req, FICHES[0][1], ANNEE, "pdf", france=france)  # chauffe : Kaleido, caches de DuckDB
    res = {}
    for nom, t in FICHES:
        pages = len(PdfReader(io.BytesIO(fiche.fiche(req, t, ANNEE, "pdf", france=france))).pages)
        res[nom] = {"pages": pages,
                    "pdf": chrono(lambda t=t: fiche.fiche(req, t, ANNEE, "pdf", france=france), n=3),
                    "pptx": chrono(lambda t=t: fiche.fiche(req, t, ANNEE, "pptx", france=france), n=3),
                    "contenu": chrono(lambda t=t: fiche.diapositives(req, t, ANNEE, france=france), n=3)}
    return res


def mode_charge() -> dict:
    """Dix navigateurs à la fois sur la page Tensions, face à un serveur puis à deux derrière nginx (issue 18)."""
    from bench import charge

    return charge.mesurer()


MODES = {"duckdb": mode_duckdb, "pandas_csv": mode_pandas_csv, "pandas_memoire": mode_pandas_memoire,
         "vues": mode_vues, "pages": mode_pages, "carte": mode_carte, "imports_hostiles": mode_imports_hostiles,
         "fiche": mode_fiche, "allocataires": mode_allocataires, "charge": mode_charge}


def dans_un_processus(mode: str) -> dict:
    """Chaque architecture tourne dans son propre processus : les pics de mémoire ne se mélangent pas."""
    sortie = subprocess.run([sys.executable, "-m", "bench", "--mode", mode], capture_output=True, text=True,
                            cwd=RACINE, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if sortie.returncode != 0:
        raise SystemExit(f"Mode {mode} en échec :\n{sortie.stderr}")
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def exporter_csv() -> None:
    """L'export CSV que les chargés d'études manipulent aujourd'hui (une fois, gardé dans bench/sortie/)."""
    import duckdb

    SORTIE.mkdir(parents=True, exist_ok=True)
    if not (SORTIE / "mesures.csv").exists():
        duckdb.sql(f"copy (from '{RACINE}/data/demo/mesures.parquet') to '{SORTIE}/mesures.csv' (header)")
    if not (SORTIE / "communes.csv").exists():
        duckdb.sql(f"copy (from '{RACINE}/data/reference/communes.parquet') to '{SORTIE}/communes.csv' (header)")


def ms(x: float, decimales: int = 1) -> str:
    return f"{x:,.{decimales}f}".replace(",", "\u202f").replace(".", ",")


def section_charge(ch: dict) -> list[str]:
    """La section « Charge » de RESULTS.md, d'un résultat du mode charge."""
    lignes: list[str] = []
    lignes += ["", f"## Charge : {ch['pages']} navigateurs sur la page Tensions", "",
               "Chaque navigateur (un contexte Chromium, tous dans un même Chromium) ouvre la page Tensions d'un "
               "département (dix différents) puis choisit « au moins 3 critères » ; l'utilisateur seul ouvre les "
               "mêmes l'un après l'autre. Serveurs neufs à chaque phase ; chacun a fini sa préchauffe (la vue "
               "Tensions aux filtres par défaut de chaque département, calculée au démarrage : "
               f"{ch.get('prechauffe', 'aucune')}) puis une page Accueil, avant la mesure ; le filtre changé "
               "(« au moins 3 critères ») est calculé à la demande. Côté serveur : durée de chaque exécution de "
               "la page, lue au journal de l'application (« exécution page=tensions-sppe durée_ms=… calcul_ms=… » : "
               "le temps écoulé, puis le temps de calcul du fil de la page ; l'écart est l'attente) ; côté "
               f"navigateur, pour information : de la navigation à la carte dessinée. Données : {ch['stockage']}. "
               "Les navigateurs prennent les mêmes deux cœurs que les serveurs (dans une CAF, ils sont sur les "
               "postes des agents) : " + (f"tout le côté navigateurs (banc, pilote de Playwright, Chromium) tourne "
               f"dans son propre processus à la priorité la plus basse (nice {ch['priorite_navigateurs']}), sans le "
               "droit de la relever (setpriv : lancé en root, Chromium remettait ses processus de rendu à la "
               "priorité ordinaire), et ne prend aux serveurs que le temps qu'ils laissent. nginx envoie chaque "
               "nouveau navigateur au serveur suivant, chacun son tour."
               if ch.get("priorite_navigateurs") else "à la même priorité que les serveurs."), "",
               "| configuration | exécutions | serveur médiane (ms) | serveur p95 (ms) | calcul médiane (ms) | "
               "calcul p95 (ms) | carte p50 (s) | carte p95 (s) |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for nom, cle in (("un utilisateur, un serveur", "seul"), (f"{ch['pages']} navigateurs, un serveur",
                                                             "un_serveur"),
                     (f"{ch['pages']} navigateurs, deux serveurs derrière nginx", "deux_serveurs")):
        v = ch[cle]
        lignes.append(f"| {nom} | {v['executions']} | {ms(v['mediane_ms'], 0)} | {ms(v['p95_ms'], 0)} | "
                      f"{ms(v['calcul_mediane_ms'], 0)} | {ms(v['calcul_p95_ms'], 0)} | "
                      f"{ms(v['carte_p50_s'], 1)} | {ms(v['carte_p95_s'], 1)} |")
    lignes += ["", f"Exécutions par serveur derrière nginx : {' et '.join(map(str, ch['repartition']))} ; p95 "
               f"deux serveurs / p95 d'un utilisateur seul : × {ms(ch['rapport'], 1)} (cible : × 2) ; pour "
               f"information, p95 deux serveurs / médiane d'un utilisateur seul : × {ms(ch['rapport_mediane'], 1)} "
               "(seul, le p95 vaut déjà × "
               f"{ms(ch['seul']['p95_ms'] / ch['seul']['mediane_ms'], 1)} la médiane : un changement de filtre "
               "coûte plusieurs fois une ouverture préchauffée)."]
    prechauffes = [p for cle in ("seul", "un_serveur", "deux_serveurs") for p in ch[cle].get("prechauffe", [])]
    if prechauffes:
        lignes += ["", "Préchauffe de chaque serveur avant la mesure : " + ", ".join(
            f"{v} vues en {ms(d / 1000, 0)} s" for v, d in prechauffes) + "."]
    return lignes


def ecrire_resultats(r: dict) -> str:
    d, c, m, p = r["duckdb"], r["pandas_csv"], r["pandas_memoire"], r["pages"]
    ok = lambda b: "oui" if b else "**non**"  # noqa: E731
    lignes = [
        "# Banc de mesure",
        "",
        f"Mesuré le {datetime.now():%Y-%m-%d %H:%M} sur {platform.machine()}, {os.cpu_count()} cœurs, "
        f"Python {platform.python_version()}. `make bench` réécrit ce fichier.",
        "Données : démonstration livrée (34 875 communes × 9 ans, 6,1 millions de valeurs), année 2023.",
        "Temps en millisecondes, médiane et 95e centile de 30 appels à chaud (10 pour les modes pandas en mémoire,",
        "3 pour pandas sur CSV).",
        "",
        "## Requêtes DuckDB (portrait avec comparateurs, tableau des tensions)",
        "",
        "| territoire | portrait médiane | portrait p95 | tensions médiane | tensions p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for nom in TERRITOIRES:
        lignes.append(f"| {nom} | {ms(d['portrait'][nom]['mediane'])} | {ms(d['portrait'][nom]['p95'])} | "
                      f"{ms(d['tensions'][nom]['mediane'])} | {ms(d['tensions'][nom]['p95'])} |")
    lignes += [
        "",
        f"Connexion (vues, tables de travail, agrégats) : {ms(d['connexion_ms'])} ms, une fois par processus.",
        "",
        "## Même portrait, trois architectures",
        "",
        "| territoire | DuckDB | pandas sur CSV | CSV / DuckDB | pandas en mémoire | mémoire / DuckDB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for nom in TERRITOIRES:
        dd, cc, mm = (x["portrait"][nom]["mediane"] for x in (d, c, m))
        lignes.append(f"| {nom} | {ms(dd)} | {ms(cc)} | × {ms(cc / dd)} | {ms(mm)} | × {ms(mm / dd)} |")
    lignes += [
        "",
        f"Mémoire ajoutée au processus : DuckDB {ms(d['memoire_mo'])} Mo ; pandas en mémoire "
        f"{ms(m['memoire_mo'])} Mo (chargement {ms(m['chargement_ms'])} ms), soit un rapport de "
        f"{ms(d['memoire_mo'] / m['memoire_mo'])}.",
        f"Contrôle : taux de couverture de Pornic Agglo, DuckDB {d['controle']:.4f} %, pandas {m['controle']:.4f} %.",
        "",
        "## Vues des pages (la fonction qu'appellent la page, la fiche et la CLI ; 10 appels)",
        "",
        "| territoire | " + " | ".join(f"{v} médiane | {v} p95" for v in VUES) + " |",
        "|---|" + "---:|---:|" * len(VUES),
    ]
    lignes += [f"| {nom} | " + " | ".join(f"{ms(r['vues'][nom][v]['mediane'])} | {ms(r['vues'][nom][v]['p95'])}"
                                          for v in VUES) + " |" for nom in TERRITOIRES]
    lignes += [
        "",
        "## Pages (AppTest, à chaud)",
        "",
        "| page | médiane | p95 | cible |",
        "|---|---:|---:|---:|",
    ]
    lignes += [f"| {nom} | {ms(v['mediane'])} | {ms(v['p95'])} | {CIBLES_PAGES.get(nom, '')} |" for nom, v in p.items()]
    k = r["carte"]
    lignes += ["", "## Carte des tensions", "", "| carte | poids envoyé au navigateur |", "|---|---:|"]
    lignes += [f"| {nom} | {ms(v)} Mo |" for nom, v in k["poids_mo"].items()]
    from bench.navigateur import ESSAIS

    lignes += ["", f"Dans Chromium headless, de la navigation à la carte dessinée : médiane de {ESSAIS} chargements, "
               "page, plancher et figure seule en alternance, serveurs à chaud. Le plancher est une application d'une "
               "page qui ne montre que les mêmes contours avec `px.choropleth_map` (`bench/plancher_carte.py`) ; "
               "« figure seule » : la même application d'une page montrant la carte même de la page Tensions (limite "
               "départementale, zones cernées, survol des quatre indicateurs), ce qui sépare le coût de la figure de "
               "celui du reste de la page. « Première visite » : cache HTTP vide, tout le JavaScript de Streamlit est "
               "téléchargé ; « navigateur habituel » : ce JavaScript est déjà en cache, comme chez un chargé d'études "
               "qui revient sur l'outil.",
               "", "| vue | page Tensions (s) | plancher (s) | rapport | figure seule (s) | figure seule / plancher |",
               "|---|---:|---:|---:|---:|---:|"]
    lignes += [f"| {nom} | {ms(v['page'], 2)} | {ms(v['plancher'], 2)} | × {ms(v['rapport'], 2)} | "
               f"{ms(v['figure'], 2)} | × {ms(v['rapport_figure'], 2)} |" for nom, v in k["navigateur"].items()]
    h = r["imports_hostiles"]
    lignes += ["", "## Fichiers hostiles (chacun dans son processus ; pic = VmHWM du processus entier)", "",
               "| fichier | taille | résultat | temps (s) | pic de mémoire (Mo) |", "|---|---:|---|---:|---:|"]
    for nom, cle in (("XLSX, feuille de 1,2 Go décompressée", "bombe_xml"),
                     ("XLSX, dimension A1:XFD1048576", "bombe_dimension")):
        lignes.append(f"| {nom} | {ms(h[cle]['octets'] / 2**20)} Mo | refusé | {ms(h[cle]['secondes'], 2)} | "
                      f"{ms(h[cle]['pic_mo'], 0)} |")
    g = h["csv_2m"]
    lignes.append(f"| CSV de mesures, {ms(g['lignes'], 0)} lignes (`python -m portrait import`, {g['essais']} "
                  f"essais) | {ms(g['taille_mo'])} Mo | importé ({ms(g['valeurs_gardees'], 0)} valeurs) | "
                  f"{ms(g['secondes'], 1)} (médiane) | {ms(g['pic_mo'], 0)} au pire (× {ms(g['rapport_taille'])} le "
                  f"fichier ; médiane {ms(g['pic_median_mo'], 0)}) |")
    a = r.get("allocataires", {})
    if a:
        lignes.append(f"| fichier des allocataires par IRIS, {ms(a['lignes'], 0)} lignes | — | importé "
                      f"({ms(a['valeurs_gardees'], 0)} valeurs) | {ms(a['secondes'], 1)} | — |")
    f = r.get("fiche", {})
    lignes += ["", "## Fiche COPIL (à chaud, médiane de 3)", "",
               "| territoire | pages | PDF (s) | PPTX (s) | dont contenu, sans images (s) |",
               "|---|---:|---:|---:|---:|"]
    lignes += [f"| {nom} | {v['pages']} | {ms(v['pdf']['mediane'] / 1000, 2)} | {ms(v['pptx']['mediane'] / 1000, 2)} | "
               f"{ms(v['contenu']['mediane'] / 1000, 2)} |" for nom, v in f.items()]
    ch = r.get("charge", {})
    if ch:
        lignes += section_charge(ch)
    cibles = [
        *((f"fiche PDF de la Loire-Atlantique ≤ {ms(CIBLE_FICHE_S)} s",
           f[FICHES[1][0]]["pdf"]["mediane"] <= 1000 * CIBLE_FICHE_S) for _ in [0] if f),
        ("portrait d'un EPCI ≤ 30 ms", d["portrait"]["EPCI (Pornic Agglo)"]["mediane"] <= 30),
        ("portrait de la France ≤ 150 ms", d["portrait"]["France"]["mediane"] <= 150),
        *((f"page {nom} ≤ {c} ms à chaud", p[nom]["mediane"] <= c) for nom, c in CIBLES_PAGES.items()),
        ("DuckDB ≥ 10 fois plus rapide que pandas sur CSV",
         all(c["portrait"][n]["mediane"] >= 10 * d["portrait"][n]["mediane"] for n in TERRITOIRES)),
        ("DuckDB au moins aussi rapide que pandas en mémoire",
         all(m["portrait"][n]["mediane"] >= d["portrait"][n]["mediane"] for n in TERRITOIRES)),
        ("mémoire DuckDB ≤ 1/4 de pandas en mémoire", d["memoire_mo"] <= m["memoire_mo"] / 4),
        ("carte d'un département ≤ 1,5 Mo", all(v <= 1.5 for n, v in k["poids_mo"].items() if "France" not in n)),
        ("carte dans le navigateur ≤ 1,25 × plancher", all(v["rapport"] <= 1.25 for v in k["navigateur"].values())),
        ("bombes XLSX refusées en moins de 5 s et 300 Mo",
         all(h[b]["secondes"] < 5 and h[b]["pic_mo"] < 300 for b in ("bombe_xml", "bombe_dimension"))),
        ("CSV de 2 millions de lignes : pic ≤ 5 × le fichier", g["rapport_taille"] <= 5),
        *((f"fichier des allocataires par IRIS (13 000 lignes) < {ms(a['cible_s'], 0)} s",
           a["secondes"] < a["cible_s"]) for _ in [0] if a),
        *(("charge : p95 serveur, 10 navigateurs sur deux serveurs ≤ 2 × p95 d'un utilisateur seul",
           ch["cible_atteinte"]) for _ in [0] if ch),
    ]
    lignes += ["", "## Cibles", "", "| cible | atteinte |", "|---|---|"]
    lignes += [f"| {nom} | {ok(b)} |" for nom, b in cibles]
    return "\n".join(lignes) + "\n"


def main(arguments: list[str] | None = None) -> int:
    """Sans option : toutes les mesures, chacune dans son processus, puis bench/RESULTS.md réécrit ; `--mode X` : une
    seule mesure, son résultat en JSON, RESULTS.md intact."""
    import argparse

    lecteur = argparse.ArgumentParser(prog="python -m bench", description=main.__doc__)
    lecteur.add_argument("--mode", choices=list(MODES), help="une seule mesure, imprimée en JSON")
    options = lecteur.parse_args(arguments)
    if options.mode:
        print(json.dumps(MODES[options.mode](), default=float))
        return 0
    exporter_csv()
    resultats = {}
    for mode in MODES:
        print(f"Mesure : {mode}…", flush=True)
        resultats[mode] = dans_un_processus(mode)
    texte = ecrire_resultats(resultats)
    RESULTATS.write_text(texte, encoding="utf-8")
    print(texte)
    return 0


if __name__ == "__main__":
    sys.exit(main())
