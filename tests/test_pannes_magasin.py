"""Pannes du magasin partagé (catalogue PostgreSQL de tests/postgres.py) : PostgreSQL arrêté pendant un import, deux
référents qui importent en même temps des fichiers qui se recouvrent."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from portrait.donnees import extensions
from portrait.donnees.connexion import connecter
from portrait.imports import depot, registre
from portrait.imports.rapport import ErreurImport
from tests.conftest import ouvrir_page
from tests.postgres import postgres  # noqa: F401 (fixture)

RACINE = Path(__file__).resolve().parents[1]
ENTETE = "niveau;code;annee;indicateur;valeur\n"

try:
    extensions.fichier("ducklake")
except extensions.ExtensionManquante as e:
    pytest.skip(str(e), allow_module_level=True)

from portrait.donnees import lac  # noqa: E402


@pytest.fixture
def partage(postgres, tmp_path, monkeypatch, request):  # noqa: F811
    """Le magasin d'un déploiement partagé : PORTRAIT_CATALOGUE sur une base PostgreSQL neuve, PORTRAIT_FICHIERS
    sur un dossier à part (le volume partagé) ; rend l'environnement à passer aux autres processus."""
    base = postgres.creer_base(f"pannes_{request.node.name.removeprefix('test_')[:40]}")
    env = {lac.VARIABLE_CATALOGUE: f"postgres:{base}", lac.VARIABLE_FICHIERS: str(tmp_path / "volume")}
    for nom, valeur in env.items():
        monkeypatch.setenv(nom, valeur)
    yield env
    lac.oublier(lac.Config.depuis_environnement(tmp_path / "data"))


def fichier(dossier: Path, nom: str, valeur: int) -> Path:
    """111 valeurs (3 communes × 37 années) : assez pour un Parquet du magasin."""
    f = dossier / nom
    f.write_text(ENTETE + "".join(f"commune;{c};{a};naissances;{valeur}\n" for c in ("44001", "44002", "44003")
                                  for a in range(1990, 2027)), encoding="utf-8")
    return f


def importees(racine: Path) -> list[tuple]:
    return connecter(racine).execute("select code, annee, valeur, source from mesures where source like 'import:%' "
                                     "order by all").fetchall()


def test_postgres_arrete_pendant_un_import(postgres, partage, donnees, tmp_path, monkeypatch):  # noqa: F811
    """PostgreSQL s'arrête pendant un import (ses lignes écrites, avant le commit) : l'import échoue avec un message
    en français, rien n'est à moitié écrit ; l'application garde les chiffres de la dernière version lue et dit que
    le catalogue est injoignable ; après le redémarrage, le magasin a exactement l'import d'avant et le démarrage
    suivant efface le Parquet de l'import manqué."""
    un, _ = depot.importer(fichier(tmp_path, "un.csv", 1), donnees)
    avant = importees(donnees)
    app = ouvrir_page(donnees, monkeypatch, None, "commune:44001")
    chiffres = [(m.label, m.value) for m in app.metric]
    lieu = lac.Config.depuis_environnement(donnees).lieu()

    inserer = lac.Lac._inserer

    def inserer_puis_arreter(self, *args, **kwargs):
        entree = inserer(self, *args, **kwargs)
        postgres.arreter()  # le serveur du catalogue s'arrête au milieu de la transaction
        return entree

    monkeypatch.setattr(lac.Lac, "_inserer", inserer_puis_arreter)
    try:
        with pytest.raises(ErreurImport) as e:
            depot.importer(fichier(tmp_path, "deux.csv", 2), donnees)
        assert str(e.value) == (f"Le catalogue du magasin de données est injoignable ({lieu}) ; rien n'a été écrit. "
                                "Prévenez l'équipe informatique si cela dure.")
        app.run()  # l'application garde la dernière version lue, et le dit
        assert not app.exception
        assert [(m.label, m.value) for m in app.metric] == chiffres
        assert app.warning[0].value.startswith(f"Catalogue des données injoignable ({lieu}) : les chiffres affichés "
                                               "sont ceux du ")
        assert app.warning[0].value.endswith("; imports et annulations impossibles pour l'instant.")
        app.switch_page("pages/donnees.py").run()  # la page Données : le message, pas de trace
        assert not app.exception and "injoignable" in app.error[0].value
        assert app.info[0].value.startswith("Imports et annulations impossibles tant que le catalogue des données "
                                            "est injoignable")  # pas de dépôt qui finirait sur une trace
        assert not app.get("file_uploader") and not [b for b in app.button if b.key == "annuler"]
    finally:
        postgres.lancer()
    assert registre.liste(partage and donnees)["id"].tolist() == [un["id"]]
    assert importees(donnees) == avant
    assert len(registre.nettoyer_au_demarrage(donnees, timedelta(0))) == 1  # le Parquet de l'import manqué
    app.run()
    assert not [w for w in app.warning if "injoignable" in w.value]


IMPORTEUR = """
import sys
from portrait.imports import depot
lu = depot.lire(sys.argv[1], sys.argv[2])
print("pret", flush=True)
sys.stdin.readline()
try:
    print(depot.enregistrer(lu, sys.argv[2], sys.argv[1], b"x", auteur=sys.argv[3])["id"], flush=True)
except Exception as e:
    print("refus", e, flush=True)
"""


def au_meme_moment(script: str, arguments: list[list[str]], env: dict, delai: int) -> list[tuple]:
    """Un processus par liste d'`arguments` sur `script` (qui imprime « pret » puis attend une ligne) ; tous prêts,
    ils repartent au même instant ; rend (code de sortie, sortie, erreurs) de chacun."""
    import os

    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], cwd=RACINE,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **env}) for args in arguments]
    for p in procs:
        assert p.stdout.readline() == "pret\n", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    sorties = [p.communicate(timeout=delai) for p in procs]
    return [(p.returncode, *sortie) for p, sortie in zip(procs, sorties)]


def test_deux_referents_importent_en_meme_temps(partage, donnees, tmp_path):
    """Deux référents, deux processus, le même catalogue PostgreSQL, deux fichiers sur les mêmes valeurs, validés au
    même instant : les deux passent l'un après l'autre (ou l'un est refusé avec un message) ; jamais un mélange :
    chaque valeur en vigueur vient du dernier import validé, et le registre les liste dans l'ordre des commits."""
    sorties = au_meme_moment(IMPORTEUR, [[str(fichier(tmp_path, f"{qui}.csv", valeur)), str(donnees), qui]
                                         for qui, valeur in (("ana@caf44.fr", 1), ("bob@caf44.fr", 2))], partage, 300)
    assert [code for code, _, _ in sorties] == [0, 0], [e for _, _, e in sorties]
    ids = [s.strip() for _, s, _ in sorties]
    refus = [i for i in ids if i.startswith("refus")]
    assert all("rien n'a été écrit" in r for r in refus), refus
    liste = registre.liste(donnees)
    with lac.magasin(lac.Config.depuis_environnement(donnees)) as m:
        commits = [a["id"] for a in m.historique()["audit"][::-1] if a and "table_cible" in a]
        priorites = m.liste().sort_values("priorite")["id"].tolist()
    assert sorted(liste["id"]) == sorted(i for i in ids if not i.startswith("refus"))
    assert priorites == commits  # l'ordre du registre est celui des commits
    dernier = commits[-1]
    valeurs = importees(donnees)
    assert len(valeurs) == 111 and {(v, s) for _, _, v, s in valeurs} == {
        (1.0 if dernier == ids[0] else 2.0, f"import:{dernier}")}  # toutes du même fichier, le dernier validé
    print(f"\nimports : {ids} ; ordre des commits : {commits}")


OUVREUR = """
import sys
from pathlib import Path
from portrait.donnees import extensions, lac
config = lac.Config.depuis_environnement(Path(sys.argv[1]))
extensions.charger(extensions.connecter(config.extensions), "ducklake", "postgres")
print("pret", flush=True)
sys.stdin.readline()
with lac.magasin(config) as m:
    print(len(m.liste()), flush=True)
"""


def test_plusieurs_serveurs_ouvrent_un_catalogue_neuf_en_meme_temps(partage, donnees):
    """Le premier démarrage d'un déploiement partagé : quatre processus (serveurs, CLI) ouvrent au même instant un
    catalogue PostgreSQL encore vide ; un seul le crée, les autres attendent et l'ouvrent (vu échouer sans cela :
    « relation "ducklake_metadata" already exists »)."""
    sorties = au_meme_moment(OUVREUR, [[str(donnees)]] * 4, partage, 120)
    assert [(code, s) for code, s, _ in sorties] == [(0, "0\n")] * 4, [e for _, _, e in sorties]
