"""Connexion, rôles et journal (issue 18 §1) : la règle des rôles, le refus d'un import ou d'une annulation par un
lecteur sous l'interface (requête forgée), la page Données d'un lecteur et d'un référent, le bandeau d'accès ouvert,
le journal des changements (AppTest ; le vrai fournisseur OIDC et le navigateur : tests/test_connexion.py)."""

import getpass
import hashlib
import re
from pathlib import Path

import pytest

from portrait.donnees import lac
from portrait.donnees.connexion import Chemins
from portrait.imports import registre
from portrait.surfaces import acces
from portrait.surfaces.cli import main as cli
from tests.conftest import ouvrir_page

SOURCES = Path(__file__).parent / "sources"
FICHIER = "txcouv_pe_com.csv"
SECRETS = {
    "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "0123456789abcdef0123456789",
             "client_id": "portrait", "client_secret": "secret",
             "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
    "roles": {"referents_donnees": ["Referente@CAF44.fr"], "groupes_referents_donnees": ["portrait-referents"]},
}
LECTEUR = {"is_logged_in": True, "email": "lecteur@caf44.fr", "name": "Léa Lecteur"}
REFERENTE = {"is_logged_in": True, "email": "referente@caf44.fr", "name": "Rémi Référente"}
PAGES = ["pages/accueil.py", "pages/synthese.py", "pages/detail.py", "pages/tensions.py", "pages/cooperation.py",
         "pages/donnees.py"]


# --- La règle, sans Streamlit ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("revendications", "attendu"), [
    ({"email": "referente@caf44.fr"}, acces.REFERENT),
    ({"email": " REFERENTE@caf44.fr "}, acces.REFERENT),  # casse et espaces de l'annuaire
    ({"email": "referente@caf44.fr", "email_verified": False}, acces.LECTEUR),  # e-mail déclaré invérifié
    ({"email": "lecteur@caf44.fr"}, acces.LECTEUR),
    ({"email": "lecteur@caf44.fr", "groups": ["agents", "portrait-referents"]}, acces.REFERENT),
    ({"email": "lecteur@caf44.fr", "groups": "portrait-referents"}, acces.REFERENT),
    ({"email": "lecteur@caf44.fr", "groups": ["agents"]}, acces.LECTEUR),
    ({}, acces.LECTEUR),
])
def test_role(revendications, attendu):
    assert acces.role(revendications, SECRETS["roles"]) == attendu


def test_role_par_une_autre_revendication_de_groupes():
    roles = {"claim_groupes": "roles", "groupes_referents_donnees": "referent"}
    assert acces.role({"email": "x@caf.fr", "roles": ["referent"]}, roles) == acces.REFERENT
    assert acces.role({"email": "x@caf.fr", "groups": ["referent"]}, roles) == acces.LECTEUR
    assert acces.role({"email": "x@caf.fr"}, {}) == acces.LECTEUR  # aucune règle : tout le monde lit


def test_peut_modifier():
    assert acces.peut_modifier(acces.Utilisateur("r@caf.fr", acces.REFERENT, connecte=True))
    assert acces.peut_modifier(acces.Utilisateur(acces.POSTE_LOCAL, acces.REFERENT))
    assert not acces.peut_modifier(acces.Utilisateur("l@caf.fr", acces.LECTEUR, connecte=True))
    assert not acces.peut_modifier(None)


@pytest.mark.parametrize(("adresse", "configuree", "ouvert"), [
    ("127.0.0.1", False, False), ("localhost", False, False), ("::1", False, False), ("[::1]", False, False),
    ("0.0.0.0", False, True), ("192.168.1.20", False, True), (None, False, True), ("", False, True),
    ("0.0.0.0", True, False), (None, True, False),
])
def test_acces_ouvert(adresse, configuree, ouvert):
    assert acces.acces_ouvert(adresse, configuree) is ouvert


def test_connexion_configuree_et_fournisseur():
    assert not acces.connexion_configuree({})
    assert not acces.connexion_configuree({"auth": {"redirect_uri": "x", "cookie_secret": "y"}})
    assert acces.connexion_configuree(SECRETS) and acces.fournisseur(SECRETS["auth"]) is None
    nomme = {"auth": {"redirect_uri": "x", "cookie_secret": "y", "keycloak": {"client_id": "portrait"}}}
    assert acces.connexion_configuree(nomme) and acces.fournisseur(nomme["auth"]) == "keycloak"


# --- Sous l'interface : l'action elle-même refuse un lecteur (requête forgée) ---------------------------------------

def action(racine: str, quoi: str, ident: str, chemin: str) -> None:
    """Un script Streamlit qui appelle directement l'écriture de la page, sans ses boutons : ce qu'une requête
    forgée obtiendrait."""
    from pathlib import Path

    import streamlit as st

    from portrait.imports import depot
    from portrait.surfaces import acces

    try:
        if quoi == "importer":
            octets = Path(chemin).read_bytes()
            lu = depot.lire("txcouv_pe_com.csv", racine, octets)
            entree = acces.importer(lu, racine, "txcouv_pe_com.csv", octets)
        else:
            entree = acces.annuler(racine, ident)
    except acces.AccesRefuse as e:
        st.error(str(e))
    else:
        st.success(entree["id"])


def lancer_action(donnees: Path, user: dict, quoi: str, ident: str = "", secrets: dict | None = SECRETS):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(action, args=(str(donnees), quoi, ident, str(SOURCES / FICHIER)), default_timeout=60)
    at.secrets.update(secrets or {})
    at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def imports_ecrits(donnees: Path) -> list[str]:
    dossier = donnees / "imports"
    return sorted(f.name for f in dossier.iterdir()) if dossier.exists() else []


def test_lecteur_ne_peut_pas_importer_meme_par_requete_forgee(donnees):
    at = lancer_action(donnees, LECTEUR, "importer")
    assert [e.value for e in at.error] == [
        "Action réservée aux référents des données : votre compte (lecteur@caf44.fr) est en lecture seule. Rien n'a "
        "été écrit."]
    assert not at.success
    assert registre.liste(donnees).empty and registre.historique(donnees).empty
    assert imports_ecrits(donnees) == [] and not Chemins(donnees).lac.exists()  # ni magasin ni fichier


def test_non_connecte_ne_peut_pas_importer(donnees):
    at = lancer_action(donnees, {"is_logged_in": False}, "importer")
    assert "votre compte (non connecté)" in at.error[0].value
    assert registre.liste(donnees).empty


def test_lecteur_ne_peut_pas_annuler(donnees):
    entree = lancer_action(donnees, REFERENTE, "importer").success[0].value
    at = lancer_action(donnees, LECTEUR, "annuler", entree)
    assert at.error[0].value.startswith("Action réservée aux référents des données")
    assert list(registre.liste(donnees)["actif"]) == [True]
    assert list(registre.historique(donnees)["action"]) == ["import"]


def test_referente_importe_puis_annule_et_le_journal_le_dit(donnees):
    premier = lancer_action(donnees, REFERENTE, "importer").success[0].value
    second = lancer_action(donnees, REFERENTE, "importer").success[0].value  # les mêmes valeurs, remplacées
    groupe = {**LECTEUR, "groups": ["portrait-referents"]}  # référent par son groupe
    assert lancer_action(donnees, groupe, "annuler", second).success[0].value == second
    assert list(registre.liste(donnees)["actif"]) == [False, True]
    with lac.magasin(registre.config(donnees)) as magasin:
        entrees = {i["id"]: i for i in magasin.liste().to_dict("records")}
    assert (entrees[premier]["utilisateur"], entrees[second]["utilisateur"], entrees[second]["annule_par"]) == (
        "referente@caf44.fr", "referente@caf44.fr", "lecteur@caf44.fr")
    journal = registre.historique(donnees)
    sha = hashlib.sha256((SOURCES / FICHIER).read_bytes()).hexdigest()
    assert journal[["auteur", "action", "import", "fichier_source", "sha256", "lignes_lues", "valeurs_gardees",
                    "valeurs_remplacees"]].values.tolist() == [
        ["lecteur@caf44.fr", "annulation", second, FICHIER, sha, 3, 16, 16],  # ses 16 valeurs reviennent
        ["referente@caf44.fr", "import", second, FICHIER, sha, 3, 16, 16],  # remplace les 16 du premier
        ["referente@caf44.fr", "import", premier, FICHIER, sha, 3, 16, 0],  # sur la démonstration : calculées, rien
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", d) for d in journal["date"])


def test_sans_connexion_configuree_le_poste_local_importe(donnees):
    at = lancer_action(donnees, {"email": "test@example.com"}, "importer", secrets=None)
    assert at.success and registre.historique(donnees)["auteur"].tolist() == [acces.POSTE_LOCAL]


# --- La ligne de commande : l'utilisateur du système ----------------------------------------------------------------

def test_cli_inscrit_l_utilisateur_du_systeme(donnees, capsys):
    assert cli(["import", "auto", str(SOURCES / FICHIER), "--data-dir", str(donnees)]) == 0
    ident = registre.liste(donnees).iloc[0]["id"]
    assert cli(["imports", "rollback", ident, "--data-dir", str(donnees)]) == 0
    journal = registre.historique(donnees)
    assert journal[["auteur", "action", "import"]].values.tolist() == [
        [getpass.getuser(), "annulation", ident], [getpass.getuser(), "import", ident]]


def test_un_profil_au_journal(donnees):
    registre.enregistrer_profil(donnees, "export_sias", {"nom": "Export Sias"}, "referente@caf44.fr",
                                detail="profil « Export Sias » enregistré")
    journal = registre.historique(donnees)
    assert journal[["auteur", "action", "detail"]].values.tolist() == [
        ["referente@caf44.fr", "profil", "profil « Export Sias » enregistré"]]


# --- La page Données selon le rôle (AppTest) ------------------------------------------------------------------------

def affiche(markdown: str) -> str:
    """Le texte tel qu'affiché : le Markdown échappé (markdown_litteral) relu caractère pour caractère."""
    return re.sub(r"\\(.)", r"\1", markdown)


def page(donnees, monkeypatch, user, secrets=SECRETS, **options):
    return ouvrir_page(donnees, monkeypatch, "pages/donnees.py", "commune:44003", secrets=secrets, user=user,
                       **options)


def test_page_donnees_d_un_lecteur(donnees, monkeypatch):
    registre.enregistrer_profil(donnees, "sias", {"nom": "Sias"}, "referente@caf44.fr",
                                detail="profil « Sias » enregistré")
    cli(["import", "auto", str(SOURCES / FICHIER), "--data-dir", str(donnees)])
    ident = registre.liste(donnees)["id"].iloc[0]
    cli(["imports", "rollback", ident, "--data-dir", str(donnees)])
    app = page(donnees, monkeypatch, LECTEUR)
    assert not app.get("file_uploader") and not app.main.button and not app.main.selectbox  # ni dépôt ni annulation
    assert [i.value for i in app.info] == [
        "Lecture seule : importer un fichier ou annuler un import est réservé aux référents des données."]
    assert [h.value for h in app.header] == ["Imports enregistrés", "Journal des changements",
                                             "Provenance des valeurs, Gamma"]
    journal = app.dataframe[1].value
    assert list(journal.columns) == ["Date", "Qui", "Action", "Import", "Fichier", "Détail", "Lignes lues",
                                     "Valeurs gardées", "Valeurs remplacées", "Valeurs changées", "Empreinte SHA-256"]
    # les lignes du fichier et les valeurs gardées ; « — » pour un profil, qui n'en a pas (pas « n.d. »), et pour une
    # annulation : les comptes de l'import annulé passaient pour son effet
    assert journal[["Qui", "Action", "Fichier", "Lignes lues", "Valeurs gardées",
                    "Valeurs remplacées", "Valeurs changées"]].values.tolist() == [
        [getpass.getuser(), "annulation d'import", FICHIER, "—", "—", "—", "—"],
        [getpass.getuser(), "import", FICHIER, "3", "16", "0", "0"],
        ["referente@caf44.fr", "profil de colonnes", "", "—", "—", "—", "—"]]
    assert affiche(app.sidebar.caption[-1].value) == "Connecté : Léa Lecteur (lecteur@caf44.fr) · lecteur"
    assert app.sidebar.button(key="se_deconnecter").label == "Se déconnecter"


def test_page_donnees_d_une_referente(donnees, monkeypatch):
    app = page(donnees, monkeypatch, REFERENTE)
    app.file_uploader(key="fichier").upload(FICHIER, (SOURCES / FICHIER).read_bytes(), "text/csv").run()
    app.button(key="confirmer").click().run()
    assert re.fullmatch(r"Import \S+ enregistré : txcouv\\_pe\\_com\\\.csv\.", app.success[0].value)
    assert app.button(key="annuler")  # l'annulation lui est proposée
    assert app.dataframe[1].value["Qui"].tolist() == ["referente@caf44.fr"]
    assert affiche(app.sidebar.caption[-1].value) == ("Connecté : Rémi Référente (referente@caf44.fr) · référent des "
                                             "données")


def test_sans_connexion_l_invitation_seule(donnees, monkeypatch):
    app = ouvrir_page(donnees, monkeypatch, None, "commune:44003", secrets=SECRETS, user={"is_logged_in": False})
    assert [t.value for t in app.title] == ["Portrait de territoire"]
    assert [b.label for b in app.button] == ["Se connecter"]
    assert not app.metric and not app.dataframe and not app.sidebar.selectbox


# --- Le bandeau d'accès ouvert ------------------------------------------------------------------------------------

@pytest.mark.parametrize("chemin", PAGES)
def test_bandeau_acces_ouvert_sur_chaque_page(donnees, monkeypatch, chemin):
    app = ouvrir_page(donnees, monkeypatch, chemin, "commune:44003", adresse_serveur="0.0.0.0")
    assert app.warning[0].value.startswith("**Accès ouvert : aucune connexion configurée.**")
    assert app.main[0].value == app.warning[0].value  # en tête de page


@pytest.mark.parametrize(("options", "bandeau"), [
    ({}, False),  # make run : boucle locale
    ({"adresse_serveur": None}, True),  # streamlit run sans adresse : toutes les interfaces
    ({"adresse_serveur": "0.0.0.0", "secrets": SECRETS, "user": LECTEUR}, False),  # connexion configurée
])
def test_bandeau_selon_l_adresse_et_la_connexion(donnees, monkeypatch, options, bandeau):
    app = ouvrir_page(donnees, monkeypatch, None, "commune:44003", **options)
    assert any("Accès ouvert" in w.value for w in app.warning) is bandeau


def test_nom_de_l_annuaire_affiche_tel_quel(donnees, monkeypatch):
    piege = {"is_logged_in": True, "email": "x@caf44.fr", "name": "[Léa](http://piege.example) **L**"}
    app = page(donnees, monkeypatch, piege)
    legende = app.sidebar.caption[-1].value
    assert "](" not in legende.replace("\\](", "") and "**" not in legende.replace("\\*", "")  # ni lien ni gras
    assert affiche(legende) == "Connecté : [Léa](http://piege.example) **L** (x@caf44.fr) · lecteur"


def test_journal_d_avant_les_lignes_lues_se_lit(donnees):
    # un journal écrit avant « lignes_lues » : ses « lignes » étaient les valeurs gardées ; les lignes lues viennent
    # de l'import (repris de l'ancien registre JSON par le magasin)
    import json

    import pandas as pd

    from tests import ancien_registre

    valeurs = pd.DataFrame([("commune", f"4400{i}", 2023, "naissances", 1.0) for i in range(1, 4)] * 5 + [
        ("commune", "16001", 2023, "naissances", 1.0)], columns=["niveau", "code", "annee", "indicateur", "valeur"])
    ancien_registre.enregistrer(donnees, "mesures", valeurs.assign(annee=range(2008, 2024)), FICHIER)
    chemin = donnees / "imports" / "registre.json"
    contenu = json.loads(chemin.read_text(encoding="utf-8"))
    for e in contenu["journal"]:
        e["lignes"] = e.pop("valeurs_gardees")
        del e["lignes_lues"]
    chemin.write_text(json.dumps(contenu), encoding="utf-8")
    assert registre.historique(donnees)[["lignes_lues", "valeurs_gardees"]].values.tolist() == [[17, 16]]


def test_import_a_annuler_dit_son_fichier_et_propose_le_dernier(donnees, monkeypatch):
    # « Import à annuler » : « id · fichier · date », pas l'identifiant seul ; après un import, c'est lui
    assert cli(["import", "auto", str(SOURCES / FICHIER), "--data-dir", str(donnees)]) == 0
    assert cli(["import", "auto", str(SOURCES / "txcouv_pe_nat.csv"), "--data-dir", str(donnees)]) == 0
    ancien, recent = registre.liste(donnees)["id"].iloc[::-1].tolist()
    app = page(donnees, monkeypatch, REFERENTE)
    choix = app.selectbox(key="a_annuler")
    assert choix.value == recent
    assert [re.sub(r"\d\d:\d\d$", "hh:mm", o) for o in choix.options] == [
        f"{recent} · txcouv_pe_nat.csv · {recent[6:8]}/{recent[4:6]}/{recent[:4]} à hh:mm",
        f"{ancien} · {FICHIER} · {ancien[6:8]}/{ancien[4:6]}/{ancien[:4]} à hh:mm"]
    choix.set_value(ancien).run()
    app.file_uploader(key="fichier").upload("m.csv", b"niveau;code;annee;indicateur;valeur\n"
                                            b"commune;16001;2023;naissances;3\n", "text/csv").run()
    app.button(key="confirmer").click().run()
    nouveau = registre.liste(donnees)["id"].iloc[0]
    assert app.selectbox(key="a_annuler").value == nouveau != recent
