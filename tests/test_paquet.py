"""Le paquet `portrait` sans cycle d'import : chaque module ne dépend que de modules plus bas que lui."""

import ast
from pathlib import Path

PAQUET = Path(__file__).resolve().parent.parent / "portrait"


def graphe_imports(paquet: Path) -> dict[str, set[str]]:
    """Pour chaque module du paquet, les modules du paquet qu'il importe (où que soit l'import dans le fichier)."""
    modules = {}
    for f in paquet.rglob("*.py"):
        parties = f.relative_to(paquet.parent).with_suffix("").parts
        modules[".".join(parties[:-1] if parties[-1] == "__init__" else parties)] = f
    graphe = {m: set() for m in modules}
    for m, f in modules.items():
        for noeud in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(noeud, ast.Import):
                cibles = [a.name for a in noeud.names]
            elif isinstance(noeud, ast.ImportFrom) and noeud.module and not noeud.level:
                cibles = [noeud.module, *(f"{noeud.module}.{a.name}" for a in noeud.names)]
            else:
                continue
            graphe[m] |= {c for c in cibles if c in modules and c != m}
    return graphe


def cycles(graphe: dict[str, set[str]]) -> list[list[str]]:
    """Les cycles trouvés par un parcours en profondeur, chacun du module de départ au module qui y revient."""
    trouves, etat, chemin = [], {}, []

    def visiter(m: str) -> None:
        etat[m] = "en cours"
        chemin.append(m)
        for suivant in sorted(graphe[m]):
            if etat.get(suivant) == "en cours":
                trouves.append(chemin[chemin.index(suivant):] + [suivant])
            elif suivant not in etat:
                visiter(suivant)
        chemin.pop()
        etat[m] = "fini"

    for m in sorted(graphe):
        if m not in etat:
            visiter(m)
    return trouves


def test_aucun_cycle_d_import():
    graphe = graphe_imports(PAQUET)
    assert "portrait.imports.depot" in graphe and graphe["portrait.imports.depot"]  # le graphe est bien lu
    assert cycles(graphe) == []


def test_un_cycle_est_trouve(tmp_path):
    """Le test ci-dessus peut échouer : l'ancien cycle imports.mesures ↔ imports.sources est vu."""
    paquet = tmp_path / "portrait"
    (paquet / "imports").mkdir(parents=True)
    for f in ("__init__.py", "imports/__init__.py", "imports/lecture.py"):
        (paquet / f).write_text("")
    (paquet / "imports" / "mesures.py").write_text(
        "from portrait.imports.lecture import lire_fichier\n\n\ndef preparer():\n"
        "    from portrait.imports import sources\n")
    (paquet / "imports" / "sources.py").write_text("from portrait.imports.mesures import ErreurImport\n")
    assert cycles(graphe_imports(paquet)) == [
        ["portrait.imports.mesures", "portrait.imports.sources", "portrait.imports.mesures"]]
