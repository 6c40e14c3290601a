"""Page Données : dire ce que contient chaque colonne d'un fichier qu'aucune source ne reconnaît, l'enregistrer en
profil (imports/correspondance.py fait le reste : valeurs, validation, profils)."""

from __future__ import annotations

import streamlit as st

from portrait.imports import correspondance
from portrait.imports.correspondance import Correspondance, Profil
from portrait.imports.lecture import normaliser_entete
from portrait.imports.rapport import ANNEE_MAX, ANNEE_MIN, AnneeAPreciser, ErreurImport
from portrait.surfaces import acces, cache
from portrait.vues import donnees as vue_donnees
from portrait.vues.texte import markdown_litteral

ANNEE_COLONNE, ANNEE_FIXE = "colonne", "fixe"
MODES_ANNEE = {ANNEE_COLONNE: "dans une colonne", ANNEE_FIXE: "la même pour tout le fichier"}


def a_dire(source: str | None, lu) -> bool:
    """La correspondance se dit pour un fichier non reconnu (import « auto »), pour un fichier auquel un profil s'est
    appliqué, ou quand l'analyste a choisi « Autre fichier » ; pas pour un fichier reconnu dont seule l'année manque
    (la page la demande)."""
    if isinstance(lu, AnneeAPreciser):
        return source == "correspondance"
    return source == "correspondance" or source is None and (isinstance(lu, ErreurImport) or
                                                             lu.source == "correspondance")


def formulaire(nom: str, octets: bytes, lu, source: str | None, departement: str | None):
    """Les colonnes du fichier, trois valeurs de chacune, et les choix de la correspondance (préremplis par le
    profil le plus récent des mêmes en-têtes) ; rend le fichier lu selon cette correspondance (depot.Lu) ou son
    refus (ErreurImport), et la correspondance ; (None, None) tant qu'elle n'est pas dite. Un fichier illisible rend
    sa lecture d'origine."""
    apercu = cache.apercu_depot(nom, octets)
    if isinstance(apercu, ErreurImport):
        return lu, None
    st.subheader("Ce que contient chaque colonne")
    if isinstance(lu, ErreurImport) and source is None:
        st.warning(markdown_litteral(str(lu)))
    st.caption("Dites quelle colonne porte le code du territoire, où est l'année et quel indicateur porte chaque "
               "colonne de nombres. Le rapport de validation suit ; rien n'est écrit avant « Importer ».")
    st.dataframe(apercu.colonnes, hide_index=True, width="stretch")
    c = saisie(apercu, choix_profil(correspondance.profils_pour(cache.racine(), list(apercu.entetes))))
    if c is None:
        return None, None
    return cache.depot_lu(nom, octets, source, departement, c), c


def choix_profil(profils: list[Profil]) -> Profil | None:
    """Les profils enregistrés pour ces en-têtes, le plus récent proposé d'office."""
    if not profils:
        return None
    choisi = st.selectbox("Profil de correspondance enregistré pour ces en-têtes", [None, *range(len(profils))],
                          index=1, key="profil_choisi",
                          format_func=lambda i: vue_donnees.libelle_profil(None if i is None else profils[i]))
    return None if choisi is None else profils[choisi]


def saisie(apercu: vue_donnees.Apercu, profil: Profil | None) -> Correspondance | None:
    """Les choix de la correspondance ; None tant qu'il manque le code (hors France) ou un indicateur. Les clés des
    widgets portent le profil choisi et l'empreinte des en-têtes : changer de profil remet les choix à ceux du
    profil, un fichier aux autres en-têtes repart des propositions, un fichier aux mêmes en-têtes garde les choix."""
    depart = profil.correspondance if profil else None
    code_propose, niveau_propose, annee_proposee = apercu.proposition
    suffixe = (correspondance.cle_profil(profil.nom) if profil else "nouveau") \
        + f"_{apercu.empreinte}"
    entetes = list(apercu.entetes)

    def position(options: list, colonne) -> int:
        """La place de la colonne d'un profil (comparée pliée) dans les options ; 0 si elle n'y est pas."""
        plie = normaliser_entete(colonne) if isinstance(colonne, str) else colonne
        return options.index(plie) if plie in options else 0

    def brut(e):
        return apercu.bruts[e]

    c1, c2 = st.columns(2)
    codes = [None, *entetes]
    code = c1.selectbox("Colonne du code du territoire", codes, key=f"corresp_code_{suffixe}",
                        index=position(codes, depart.code if depart else code_propose),
                        format_func=lambda e: "aucune (France entière)" if e is None else brut(e))
    niveaux = list(correspondance.NIVEAUX)
    niveau = c2.selectbox("Niveau de ces codes", niveaux, key=f"corresp_niveau_{suffixe}",
                          index=niveaux.index(depart.niveau if depart else niveau_propose),
                          format_func=vue_donnees.NIVEAUX_LIBELLES.get)
    fixe = depart is not None and isinstance(depart.annee, int)
    mode = c1.radio("Année des valeurs", list(MODES_ANNEE), key=f"corresp_mode_annee_{suffixe}",
                    index=1 if fixe else 0, horizontal=True, format_func=MODES_ANNEE.get)
    if mode == ANNEE_COLONNE:
        annee = c2.selectbox("Colonne de l'année", entetes, key=f"corresp_annee_colonne_{suffixe}", format_func=brut,
                             index=position(entetes, annee_proposee if depart is None else
                                            None if fixe else depart.annee))
    else:
        annee = int(c2.number_input("Année de tout le fichier", min_value=ANNEE_MIN, max_value=ANNEE_MAX, step=1,
                                    value=depart.annee if fixe else ANNEE_MAX - 1,
                                    key=f"corresp_annee_fixe_{suffixe}"))
    st.markdown("**Indicateur de chaque colonne de nombres** (tapez quelques lettres pour chercher)")
    indicateurs = [None, *correspondance.importables()]
    deja = {normaliser_entete(col): ind for col, ind in depart.indicateurs} if depart else {}
    choix = []
    for e in apercu.numeriques:
        if e in (code, annee):
            continue
        libelle = vue_donnees.libelle_colonne(brut(e))
        sur = vue_donnees.libelle_sur(libelle)
        if not sur:  # le nom tel qu'écrit, Markdown neutralisé à l'écran ; le choix le garde pour l'aria-label
            st.markdown(markdown_litteral(libelle))
        ind = st.selectbox(libelle, indicateurs, key=f"corresp_ind_{e}_{suffixe}",
                           label_visibility="visible" if sur else "collapsed",
                           index=position(indicateurs, deja.get(e)), format_func=vue_donnees.libelle_indicateur)
        if ind is not None:
            choix.append((brut(e), ind))
    if code is None and niveau != "france":
        st.info("Choisissez la colonne du code du territoire (ou le niveau « France entière »).")
        return None
    if not choix:
        st.info("Choisissez l'indicateur d'au moins une colonne : le rapport de validation suit.")
        return None
    return Correspondance(niveau, brut(code) if code else None, brut(annee) if mode == ANNEE_COLONNE else annee,
                          tuple(choix), profil=profil.nom if profil else "")


def enregistrement(c: Correspondance, nom_fichier: str, octets: bytes) -> None:
    """Enregistrer la correspondance en profil, proposé ensuite pour les fichiers aux mêmes en-têtes ; et la même
    correspondance en ligne de commande."""
    st.subheader("Enregistrer cette correspondance")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    nom = c1.text_input("Nom du profil", value=c.profil, key="profil_nom", max_chars=80,
                        help="Le profil sera proposé pour chaque fichier aux mêmes en-têtes.")
    if c2.button("Enregistrer le profil", key="enregistrer_profil", icon=":material/save:"):
        try:
            entetes = list(cache.apercu_depot(nom_fichier, octets).entetes)
            p = correspondance.enregistrer_profil(cache.racine(), nom, c, entetes, auteur=acces.referent())
        except ErreurImport as e:
            st.error(markdown_litteral(str(e)))
        else:
            st.success(f"Profil « {markdown_litteral(p.nom)} » enregistré : il sera proposé pour les fichiers aux "
                       "mêmes en-têtes.")
    st.caption("La même correspondance en ligne de commande :")
    st.code(f'python -m portrait import auto FICHIER --colonnes "{c.texte()}"', language=None, wrap_lines=True)
