"""Ligne de commande `python -m portrait` : référence, démonstration, imports, portrait et tensions."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import pandas as pd

from portrait.donnees import jeux, lac
from portrait.donnees.connexion import DOSSIER_DONNEES, connecter
from portrait.donnees.requetes import Requetes
from portrait.imports import depot, registre, sources
from portrait.imports.rapport import ErreurImport
from portrait.regles.cooperation import FORFAIT_ETP
from portrait.vues import francais
from portrait.vues.texte import terminal

RACINE_PROJET = Path(__file__).resolve().parents[2]
# Les erreurs d'argparse en français : motif de son message anglais -> phrase (groupes du motif)
ERREURS_ARGPARSE = (
    (r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)",
     lambda m: f"argument {m[1]} : « {m[2].strip(chr(39))} » inconnu ; choisissez parmi "
               f"{', '.join(c.strip().strip(chr(39)) for c in m[3].split(','))}"),
    (r"the following arguments are required: (.+)", lambda m: f"argument(s) obligatoire(s) manquant(s) : {m[1]}"),
    (r"unrecognized arguments: (.+)", lambda m: f"argument(s) inconnu(s) : {m[1]}"),
    (r"argument (.+?): expected one argument", lambda m: f"argument {m[1]} : une valeur attendue"),
    (r"argument (.+?): invalid (int|float) value: (.+)",
     lambda m: f"argument {m[1]} : « {m[3].strip(chr(39))} » n'est pas un nombre{' entier' if m[2] == 'int' else ''}"),
    (r"argument (.+?): (.+)", lambda m: f"argument {m[1]} : {m[2]}"),
)
GEOJSON_DEFAUT = RACINE_PROJET.parent / "shared" / "reference" / "france-geojson"
# commandes sans filtre de tension : leur analyseur n'importe pas surfaces/url.py (Streamlit, Plotly : 45 Mo de plus
# au pic de mémoire d'un import)
SANS_FILTRES = ("build-reference", "demo", "import", "imports", "fetch", "site-nginx")


def sortie_table(df: pd.DataFrame, format_: str) -> str:
    """CSV (virgule, point décimal, UTF-8), JSON (liste d'objets) ou texte aligné à la française (vues/francais.py)."""
    if format_ == "csv":
        return df.to_csv(index=False, lineterminator="\n")
    if format_ == "json":
        propre = df.astype(object).where(df.notna(), None)
        return json.dumps(propre.to_dict(orient="records"), ensure_ascii=False, indent=2) + "\n"
    texte = pd.DataFrame({col: francais.colonne(col, df[col]) for col in df.columns})
    return texte.to_string(index=False) + "\n"


def cmd_build_reference(args) -> int:
    from portrait.donnees import reference

    debut = time.time()
    resume = reference.construire(Path(args.geojson), Path(args.cache_npm), Path(args.data_dir) / "reference")
    print(f"{francais.nombre(resume['communes'])} communes, {francais.nombre(resume['epci'])} EPCI, "
          f"{francais.nombre(resume['taille_octets'] / 1e6, 1)} Mo dans {Path(args.data_dir) / 'reference'} "
          f"en {francais.nombre(time.time() - debut)} s.")
    manque = resume["sans_contour"]
    print(f"Communes sans contour ({len(manque)}, {francais.pourcent(100 * len(manque) / resume['communes'], 2)}) : "
          f"{', '.join(manque) or 'aucune'}")
    return 0


def cmd_demo(args) -> int:
    from portrait.donnees import demo

    table = demo.generer(Path(args.data_dir))
    print(f"Démonstration écrite : {francais.nombre(len(table))} valeurs, années {demo.ANNEES[0]} à "
          f"{demo.ANNEES[-1]}.")
    postes = demo.generer_cooperation(Path(args.data_dir))
    print(f"Chargés de coopération : {francais.nombre(len(postes))} postes, "
          f"{francais.nombre(postes[postes['annee'] == 2023]['etp_valorises'].sum(), 2)} ETP en 2023.")
    return 0


def annonce_import(entree: dict) -> str:
    """Ce que la ligne de commande dit d'un import enregistré, et comment l'annuler."""
    if entree["table"] == "cooperation":
        deps = entree["departements"]
        ou = f"du département {deps[0]}" if len(deps) == 1 else f"des départements {', '.join(deps)}"
        quoi = f" : il remplace les chargés de coopération {ou} en {', '.join(map(str, entree['annees']))}."
    else:
        quoi = "."
    return (f"Import {entree['id']} enregistré{quoi}\n"
            f"Pour l'annuler : python -m portrait imports rollback {entree['id']}")


def correspondance_options(args):
    """La correspondance des colonnes dite par --colonnes ou --profil (None sans l'une ni l'autre)."""
    from portrait.imports import correspondance

    if args.colonnes and args.profil:
        raise ErreurImport("--colonnes ou --profil : l'un ou l'autre, pas les deux.")
    if args.colonnes:
        return correspondance.lire_texte(args.colonnes)
    if args.profil:
        return correspondance.profil(args.data_dir, args.profil).correspondance
    if args.enregistrer_profil:
        raise ErreurImport("--enregistrer-profil enregistre la correspondance dite par --colonnes : ajoutez "
                           f"--colonnes {correspondance.SYNTAXE}.")
    return None


def enregistrer_profil_options(args, corres) -> None:
    """--enregistrer-profil NOM : la correspondance de --colonnes gardée pour les fichiers aux mêmes en-têtes."""
    from portrait.imports import correspondance

    if args.enregistrer_profil and corres is not None:
        entetes = depot.lire_tableau(args.fichier).entetes
        p = correspondance.enregistrer_profil(args.data_dir, args.enregistrer_profil, corres, entetes)
        print(f"Profil « {p.nom} » enregistré : il s'applique de lui-même aux fichiers aux mêmes en-têtes "
              f"(ou --profil « {p.nom} »).")


def cmd_import(args) -> int:
    source = None if args.source == "auto" else args.source.replace("-", "_")
    if source and sources.SOURCES[source].departement and not args.departement:
        print("Précisez le département de l'enquête : --departement 44.", file=sys.stderr)
        return 2
    try:
        corres = correspondance_options(args)
    except ErreurImport as e:
        print(str(e), file=sys.stderr)
        return 2
    demande = dict(source=source, departement=args.departement, annee=args.annee, correspondance=corres)
    try:
        if args.verifier:
            _, rapport = depot.verifier(args.fichier, args.data_dir, **demande)
            print(rapport.texte())
            if depot.bloque(source, rapport):
                return 1
            enregistrer_profil_options(args, corres)
            return 0
        entree, rapport = depot.importer(args.fichier, args.data_dir, **demande)
        print(rapport.texte())
        print(annonce_import(entree))
        enregistrer_profil_options(args, corres)
    except ErreurImport as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0


def cmd_imports(args) -> int:
    if args.action == "list":
        df = registre.liste(args.data_dir)
        print("Aucun import." if df.empty else df.drop(columns="sha256").to_string(index=False))
        return 0
    try:
        entree = registre.annuler(args.data_dir, args.id)
    except ErreurImport as e:
        print(str(e), file=sys.stderr)
        return 1
    print(f"Import {entree['id']} ({entree['fichier_source']}) annulé ; ses valeurs ne sont plus lues.")
    return 0


def requetes(args) -> Requetes:
    return Requetes(connecter(args.data_dir))


def cmd_portrait(args) -> int:
    """Les lignes de la page Accueil (le territoire et ses comparateurs, tous les indicateurs) ; en texte, sous le
    titre du tableau de la page et au-dessus de sa note."""
    from portrait.vues import accueil

    req = requetes(args)
    disponibles = jeux.annees_disponibles(req)
    if args.annee not in disponibles:
        print(f"Année {args.annee} absente des données ({min(disponibles)} à {max(disponibles)}).", file=sys.stderr)
        return 2
    vue = accueil.accueil(req, args.territoire, args.annee)
    if args.format == "texte":
        print(f"{vue.comparaison.titre}\n")
    sys.stdout.write(sortie_table(vue.lignes, args.format))
    if args.format == "texte":
        print(f"\n{vue.comparaison.note}")
    return 0


def filtres_options(args):
    """Les filtres de tension des options --k, --exiges, --couverture… (mêmes noms, mêmes valeurs que l'URL)."""
    from portrait.surfaces import url

    return url.filtres({nom: getattr(args, nom) for nom in url.FILTRES_TENSIONS if getattr(args, nom) is not None})


def texte_vue(tableau, entete: list[str], sans: tuple[str, ...] = ()) -> str:
    """Le Tableau d'une vue tel que la page l'écrit (en-têtes et nombres à la française), sous quelques lignes."""
    from portrait.surfaces.fiche import texte_cellule

    t = tableau.valeurs.drop(columns=list(sans), errors="ignore")
    cellules = pd.DataFrame({c: [texte_cellule(v, tableau.formats.get(c)) for v in t[c]] for c in t.columns})
    return "\n".join(entete) + "\n\n" + cellules.to_string(index=False) + "\n"


def cmd_tensions(args) -> int:
    from portrait.vues import tensions as vue_tensions

    req = requetes(args)
    t = jeux.territoire(req, args.territoire)["territoire"]
    vue = vue_tensions.vue_tensions(req, t, args.annee, filtres_options(args), tout_voir=args.tout_voir)
    if args.format == "texte":
        sys.stdout.write(texte_vue(vue.tableau, [vue.tableau.titre, f"{vue.decompte}. {vue.filtres}"],
                                   sans=("Compétences SPPE",)))
    else:
        sys.stdout.write(sortie_table(vue.lignes[list(vue_tensions.COLONNES_CLI)], args.format))
    return 0


def cmd_fiche(args) -> int:
    from portrait.surfaces import fiche

    req = requetes(args)
    t = jeux.territoire(req, args.territoire)["territoire"]
    debut = time.time()
    octets = fiche.fiche(req, t, args.annee, args.format, filtres_options(args))
    Path(args.out).write_bytes(octets)
    print(f"Fiche {args.format.upper()} écrite : {args.out} ({francais.nombre(len(octets) / 1e6, 1)} Mo, "
          f"{francais.nombre(time.time() - debut, 1)} s).")
    return 0


def cmd_fetch(args) -> int:
    from portrait.imports import telechargement

    dossier = Path(args.data_dir) / "imports" / "telechargements"
    try:
        fichiers = telechargement.telecharger(args.annee, dossier, tuple(args.maille))
    except telechargement.ErreurTelechargement as e:
        print(str(e), file=sys.stderr)
        return 3
    code = 0
    for f in fichiers:
        try:
            entree, rapport = depot.importer(f, args.data_dir, source="caf")
        except ErreurImport as e:
            print(str(e), file=sys.stderr)
            code = 1
        else:
            print(rapport.texte())
            print(annonce_import(entree))
    return code


def cmd_cooperation(args) -> int:
    from portrait.vues import cooperation as vue_cooperation

    req = requetes(args)
    t = jeux.territoire(req, args.territoire)["territoire"]
    vue = vue_cooperation.vue_cooperation(req, t, args.annee, args.forfait, filtres_options(args))
    if args.format == "texte":
        sys.stdout.write(texte_vue(vue.tableau, [vue.tableau.titre]))
        sys.stdout.write(f"\n{vue.phrase_prioritaires}\n{vue.filtres}\n")
    else:
        sys.stdout.write(sortie_table(vue.lignes[list(vue_cooperation.COLONNES_CLI)], args.format))
    return 0


def options_filtres(s: argparse.ArgumentParser) -> None:
    """Les options des filtres de tension, nommées comme les paramètres de l'URL et lues par la même table."""
    from portrait.surfaces import url

    def lecteur(parametre):
        def lire(texte: str):
            try:
                return parametre.valider(texte)
            except ValueError as e:
                raise argparse.ArgumentTypeError(str(e)) from None
        return lire

    aides = {"exiges": "critères exigés, séparés par des virgules (taux_couverture,part_am_60_plus)",
             "sppe": "classes de population retenues, séparées par des virgules", "k": "au moins k critères (1 à 4)",
             "couverture": "seuil de couverture en %% (par défaut : celle du département)",
             "evolution": "seuil d'évolution des 0-2 ans en %%", "am60": "seuil d'AM de 60 ans et plus en %%",
             "actifs": "seuil de parents actifs en %%", "zone": "seuil des zones d'offre insuffisante en %%"}
    for nom in url.FILTRES_TENSIONS:
        s.add_argument(f"--{nom}", type=lecteur(url.PARAMETRES[nom]), help=aides[nom])


def en_francais(message: str) -> str:
    """Un message d'erreur d'argparse en français (ERREURS_ARGPARSE) ; tel quel s'il n'est pas connu."""
    for motif, phrase in ERREURS_ARGPARSE:
        if m := re.fullmatch(motif, message):
            return phrase(m)
    return message


class Formateur(argparse.HelpFormatter):
    """L'aide d'argparse, « utilisation : » au lieu de « usage: »."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class Analyseur(argparse.ArgumentParser):
    """argparse qui parle français : ses erreurs (en_francais) et sa ligne d'utilisation ; ses sous-commandes de
    même (add_subparsers reprend la classe)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", Formateur)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "affiche cette aide"

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {en_francais(message)}\n")


def analyseur(commande: str | None = None) -> argparse.ArgumentParser:
    """L'analyseur des arguments ; pour une `commande` de SANS_FILTRES, sans les options des filtres de tension."""
    filtres = options_filtres if commande not in SANS_FILTRES else lambda s: None
    p = Analyseur(prog="python -m portrait", description="Portrait de territoire petite enfance.")
    commun = Analyseur(add_help=False)
    # PORTRAIT_DATA_DIR : celui des serveurs d'un déploiement partagé (deploiement/portrait.env.exemple)
    commun.add_argument("--data-dir", default=os.environ.get("PORTRAIT_DATA_DIR", str(DOSSIER_DONNEES)),
                        help="dossier de données (PORTRAIT_DATA_DIR, sinon data/)")
    sous = p.add_subparsers(dest="commande", required=True)

    s = sous.add_parser("build-reference", parents=[commun], help="construit data/reference/ depuis les sources")
    s.add_argument("--geojson", default=str(GEOJSON_DEFAUT), help="dossier france-geojson")
    s.add_argument("--cache-npm", default=str(RACINE_PROJET / ".cache" / "npm"),
                   help="où télécharger @etalab/decoupage-administratif (npm pack)")
    s.set_defaults(func=cmd_build_reference)

    s = sous.add_parser("demo", parents=[commun], help="génère les données de démonstration")
    s.set_defaults(func=cmd_demo)

    s = sous.add_parser("import", parents=[commun],
                        help="importe un fichier : mesures, caf (data.caf.fr), onape, naissances, "
                             "population-age (Insee), allocataires (Cnaf)")
    s.add_argument("source", choices=["auto", *(src.option for src in sources.SOURCES.values())],
                   help="auto : reconnue à ses en-têtes")
    s.add_argument("fichier")
    s.add_argument("--verifier", action="store_true", help="affiche le rapport sans rien écrire")
    s.add_argument("--departement", help="enquête flash : code du département (16, 44, 2A…)")
    s.add_argument("--annee", type=int, help="enquête flash : année (par défaut, celle des réponses) ; fichier des "
                   "allocataires : année des données, si le nom du fichier n'en porte pas (data_CAF_2020_IRIS.csv)")
    s.add_argument("--colonnes", help="fichier non reconnu : ce que contient chaque colonne, "
                                      "code=NUMCOM,niveau=commune,annee=2021,taux_couverture=tauxcouv_com "
                                      "(annee : une colonne, ou l'année de tout le fichier)")
    s.add_argument("--profil", help="fichier non reconnu : la correspondance enregistrée sous ce nom")
    s.add_argument("--enregistrer-profil", metavar="NOM",
                   help="enregistre la correspondance de --colonnes sous ce nom, proposée ensuite pour les "
                        "fichiers aux mêmes en-têtes")
    s.set_defaults(func=cmd_import)

    s = sous.add_parser("imports", parents=[commun], help="liste ou annule les imports")
    s2 = s.add_subparsers(dest="action", required=True)
    s2.add_parser("list", aliases=["liste"], parents=[commun], help="les imports enregistrés").set_defaults(
        action="list")
    r = s2.add_parser("rollback", aliases=["annuler"], parents=[commun], help="annule un import (son identifiant)")
    r.add_argument("id")
    r.set_defaults(action="rollback")
    s.set_defaults(func=cmd_imports)

    for nom, func, aide in (("portrait", cmd_portrait, "chiffres de synthèse d'un territoire et de ses comparateurs"),
                            ("tensions", cmd_tensions, "tableau des tensions des communes d'un territoire")):
        s = sous.add_parser(nom, parents=[commun], help=aide)
        s.add_argument("--territoire", required=True, help="commune:44131, epci:200067346, departement:44, france")
        s.add_argument("--annee", type=int, default=jeux.ANNEE_DEFAUT)
        s.add_argument("--format", choices=["texte", "csv", "json"], default="texte")
        s.set_defaults(func=func)
    filtres(s)
    s.add_argument("--tout-voir", action="store_true", help="toutes les communes, pas seulement celles en tension")
    s = sous.add_parser("cooperation", parents=[commun], help="chargés de coopération CTG par EPCI d'un territoire")
    s.add_argument("--territoire", required=True, help="epci:200067346, departement:16, france")
    s.add_argument("--annee", type=int, default=jeux.ANNEE_DEFAUT)
    s.add_argument("--forfait", type=float, default=FORFAIT_ETP,
                   help=f"forfait Caf par ETP, en euros ({francais.nombre(FORFAIT_ETP)})")
    s.add_argument("--format", choices=["texte", "csv", "json"], default="texte")
    filtres(s)
    s.set_defaults(func=cmd_cooperation)
    s = sous.add_parser("fetch", parents=[commun], help="télécharge puis importe les jeux data.caf.fr d'une année")
    s.add_argument("source", choices=["caf"])
    s.add_argument("--annee", type=int, required=True)
    s.add_argument("--maille", nargs="+", choices=["com", "epci", "dep", "nat"], default=["com", "epci", "dep", "nat"])
    s.set_defaults(func=cmd_fetch)
    s = sous.add_parser("fiche", parents=[commun], help="fiche territoire pour un COPIL, en PPTX ou en PDF")
    s.add_argument("--territoire", required=True, help="epci:200067346, departement:44, commune:44131")
    s.add_argument("--annee", type=int, default=jeux.ANNEE_DEFAUT)
    s.add_argument("--format", choices=["pptx", "pdf"], default="pptx")
    s.add_argument("--out", required=True, help="fichier à écrire")
    filtres(s)
    s.set_defaults(func=cmd_fiche)
    s = sous.add_parser("site-nginx", help="écrit le site nginx d'un déploiement partagé (deploiement/, README)")
    s.add_argument("serveurs", nargs="+", metavar="hôte:port", help="les serveurs Streamlit, 127.0.0.1:8501 …")
    s.add_argument("--ecoute", default="80", help="où nginx écoute : 80, « 443 ssl », 127.0.0.1:8080 (80)")
    s.add_argument("--prefixe", default="portrait", help="le server.baseUrlPath des serveurs (portrait)")
    s.set_defaults(func=cmd_site_nginx)
    return p


def cmd_site_nginx(args) -> int:
    """Le site nginx rempli, sur la sortie (à rediriger vers /etc/nginx/sites-available/portrait)."""
    from portrait.surfaces import site_nginx

    try:
        print(site_nginx.site(args.serveurs, args.ecoute, args.prefixe), end="")
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    return 0


class SortieTerminal:
    """Une sortie texte dont les caractères de commande sont rendus visibles (vues/texte.py::terminal) : un nom de
    fichier ou une cellule importée portant « \x1b[2J » n'efface plus l'écran de `imports list`."""

    def __init__(self, flux) -> None:
        self.flux = flux

    def write(self, texte: str) -> int:
        return self.flux.write(terminal(texte))

    def __getattr__(self, nom: str):
        return getattr(self.flux, nom)


def main(argv: list[str] | None = None) -> int:
    sorties = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SortieTerminal(sys.stdout), SortieTerminal(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = sorties


def _main(argv: list[str] | None) -> int:
    mots = sys.argv[1:] if argv is None else argv
    args = analyseur(next((m for m in mots if not m.startswith("-")), None)).parse_args(argv)
    try:
        return args.func(args)
    except jeux.TerritoireInconnu as e:
        print(str(e), file=sys.stderr)
        return 2
    except (lac.ErreurLac, ErreurImport) as e:  # catalogue du magasin injoignable ou occupé : une phrase, pas de trace
        print(str(e), file=sys.stderr)
        return 1
