"""Le paquet rangé par ce qu'il fait : pas de cycle d'imports, pas de SQL ni de pandas dans les pages, des règles
sans Streamlit, aucun module au nom d'une fonction native. Lu avec ast, sans rien importer ni outil extérieur."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PAQUET = RACINE / "portrait"
PAGES = sorted((RACINE / "pages").glob("*.py")) + [RACINE / "dashboard.py"]

# Du SQL dans une chaîne : select … from, with … as (, insert/delete/update/create
SQL = re.compile(r"\bselect\b[\s\S]+\bfrom\b|\bwith\s+\w+\s+as\s*\(|\binsert\s+into\b|\bdelete\s+from\b"
                 r"|\bupdate\s+\w+\s+set\b|\bcreate\s+(or\s+replace\s+)?(table|view|macro)\b", re.IGNORECASE)


def modules(dossier: Path) -> dict[str, Path]:
    """Nom pointé de chaque module du paquet (« portrait.imports.mesures ») -> son fichier."""
    noms = {}
    for fichier in sorted(dossier.rglob("*.py")):
        parties = fichier.relative_to(dossier.parent).with_suffix("").parts
        noms[".".join(parties[:-1] if parties[-1] == "__init__" else parties)] = fichier
    return noms


def imports_ecrits(nom: str, fichier: Path) -> set[str]:
    """Tout ce qu'un module importe, où que ce soit dans le fichier (dans une fonction aussi), en noms absolus :
    « from portrait.imports import sources » donne portrait.imports et portrait.imports.sources."""
    paquet = nom.split(".") if fichier.name == "__init__.py" else nom.split(".")[:-1]
    cibles = set()
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.Import):
            cibles |= {alias.name for alias in noeud.names}
        elif isinstance(noeud, ast.ImportFrom):
            base = ".".join(paquet[:len(paquet) - noeud.level + 1] + [noeud.module or ""]).strip(".") \
                if noeud.level else noeud.module
            cibles |= {base} | {f"{base}.{alias.name}" for alias in noeud.names}
    return cibles


def graphe(dossier: Path) -> dict[str, set[str]]:
    """Module -> modules du même paquet qu'il importe."""
    noms = modules(dossier)
    return {nom: (imports_ecrits(nom, fichier) & set(noms)) - {nom} for nom, fichier in noms.items()}


def cycles(g: dict[str, set[str]]) -> list[set[str]]:
    """Les composantes fortement connexes de plus d'un module (Tarjan) : chacune est un cycle d'imports."""
    index, bas, pile, sur_pile, trouves = {}, {}, [], set(), []

    def visiter(v: str) -> None:
        index[v] = bas[v] = len(index)
        pile.append(v)
        sur_pile.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visiter(w)
                bas[v] = min(bas[v], bas[w])
            elif w in sur_pile:
                bas[v] = min(bas[v], index[w])
        if bas[v] == index[v]:
            composante = set()
            while True:
                w = pile.pop()
                sur_pile.discard(w)
                composante.add(w)
                if w == v:
                    break
            if len(composante) > 1:
                trouves.append(composante)

    for v in sorted(g):
        if v not in index:
            visiter(v)
    return trouves


def test_le_detecteur_voit_un_cycle_cache_dans_une_fonction(tmp_path):
    # le détecteur lui-même : imports relatifs, « from paquet import module », import dans une fonction
    paquet = tmp_path / "jouet"
    (paquet / "sous").mkdir(parents=True)
    (paquet / "__init__.py").write_text("")
    (paquet / "sous" / "__init__.py").write_text("")
    (paquet / "a.py").write_text("from jouet.sous import b\n")
    (paquet / "sous" / "b.py").write_text("from . import c\n")
    (paquet / "sous" / "c.py").write_text("def f():\n    from .. import a\n")
    (paquet / "d.py").write_text("import jouet.a\n")
    g = graphe(paquet)
    assert g["jouet.sous.b"] == {"jouet.sous", "jouet.sous.c"}
    assert g["jouet.sous.c"] == {"jouet", "jouet.a"}
    assert cycles(g) == [{"jouet.a", "jouet.sous.b", "jouet.sous.c"}]  # d importe a sans en faire partie


def test_aucun_cycle_d_import():
    g = graphe(PAQUET)
    assert g["portrait.imports.depot"] >= {"portrait.imports.registre", "portrait.imports.sources"}  # le graphe est lu
    assert [sorted(c) for c in cycles(g)] == [], "cycle d'imports dans portrait/"


def test_pages_sans_sql_ni_pandas():
    # une page appelle son modèle de vue (par surfaces/cache.py) et dispose ce qu'il rend ; les requêtes et les
    # tableaux de données vivent dans portrait/
    fautes = []
    for page in PAGES:
        arbre = ast.parse(page.read_text(encoding="utf-8"))
        nom = page.relative_to(RACINE)
        for noeud in ast.walk(arbre):
            if isinstance(noeud, ast.Import | ast.ImportFrom):
                modules_lus = [a.name for a in noeud.names] if isinstance(noeud, ast.Import) else [noeud.module or ""]
                fautes += [f"{nom}:{noeud.lineno} importe {m}" for m in modules_lus
                           if m.split(".")[0] in ("pandas", "duckdb", "numpy")]
            elif isinstance(noeud, ast.Constant) and isinstance(noeud.value, str) and SQL.search(noeud.value):
                fautes.append(f"{nom}:{noeud.lineno} contient du SQL")
            elif isinstance(noeud, ast.Attribute) and noeud.attr in ("execute", "executer", "sql"):
                fautes.append(f"{nom}:{noeud.lineno} exécute une requête (.{noeud.attr})")
            elif isinstance(noeud, ast.Name) and noeud.id == "pd":
                fautes.append(f"{nom}:{noeud.lineno} utilise pandas (pd)")
    assert len(PAGES) >= 7  # les six pages et le point d'entrée : le test lit bien quelque chose
    assert fautes == []


def test_le_controle_des_pages_reconnait_sql_et_pandas():
    assert SQL.search("select code, nom\n  from communes where x = 1")
    assert SQL.search("WITH t AS (select 1) select * from t")
    assert not SQL.search("Sélection des communes en tension, à partir du tableau")
    assert not SQL.search("Choisissez un territoire")


def test_regles_sans_streamlit():
    # les règles du domaine servent la page, la fiche, la CLI et le banc : ni elles ni ce qu'elles importent
    # (dans portrait/, de proche en proche) n'importent Streamlit
    noms = modules(PAQUET)
    g = graphe(PAQUET)
    regles = sorted(n for n in noms if n.startswith("portrait.regles"))
    assert "portrait.regles.tensions" in regles
    fautes = {}
    for depart in regles:
        vus, a_voir = set(), [depart]
        while a_voir:
            m = a_voir.pop()
            if m not in vus:
                vus.add(m)
                a_voir += g[m]
        streamlit = sorted(m for m in vus if any(i.split(".")[0] == "streamlit" for i in imports_ecrits(m, noms[m])))
        if streamlit:
            fautes[depart] = streamlit
    assert fautes == {}, "modules important streamlit, atteints depuis portrait/regles/"


def test_aucun_module_au_nom_d_une_fonction_native():
    # « format », « list », « open »… : le nom masque la fonction native dans le module qui l'importe
    natifs = set(dir(builtins))
    noms = {f.stem for f in PAQUET.rglob("*.py")} | {d.name for d in PAQUET.rglob("*") if d.is_dir()}
    assert len(noms) > 20
    assert sorted(noms & natifs) == []
