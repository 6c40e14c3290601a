"""Lance le tableau de bord (surfaces/application.py) : pages déclarées, page HTML qui sait où est son serveur."""

import gzip
import logging
import os
import sys
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from portrait.donnees.connexion import DOSSIER_DONNEES
from portrait.imports import registre
from portrait.surfaces import prechauffe

RACINE = Path(__file__).resolve().parents[2]
# Ouverte à une adresse profonde (/tensions-sppe?…, la vue partagée), la page de Streamlit cherche son serveur d'abord
# à /tensions-sppe/_stcore/health (404), attend, puis à /_stcore/health : la connexion s'ouvre 0,15 à 0,2 s plus tard
# (streamlit/streamlit#7074, ouverte). Le serveur est là où la page trouve ses propres fichiers (« ./static/… ») :
# au répertoire de l'adresse, que ce script donne à Streamlit avant que son module ne démarre.
SCRIPT_ADRESSE = (b'<script>window.__streamlit = Object.assign({BACKEND_BASE_URL: new URL(".", location.href).href}, '
                  b"window.__streamlit)</script>")


# RGAA : la page est en français (Streamlit sert <html lang="en">), et ce que Streamlit dessine trop pâle ou en anglais
# est corrigé par une feuille de style posée dans la page avant tout rendu (les styles de Streamlit, insérés après,
# l'emporteraient à spécificité égale : d'où !important).
STYLE_ACCESSIBLE = """<style>
/* légendes (st.caption) : gris de Streamlit à 3,88:1 sur blanc (et pâli d'opacité 0,6) ; celui-ci fait 6,5:1 */
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #55575F !important; }
/* pastilles choisies (st.pills) : leur rouge vient du thème (primaryColor, .streamlit/config.toml) */
/* libellé d'un widget désactivé (« Classes » quand la carte montre les tensions) : 2,29:1 ; lisible, encore pâli */
div:has(> [data-testid="stWidgetLabel"]):has(input:disabled) [data-testid="stWidgetLabel"] * {
  color: #62646C !important; }
</style>"""
# Les textes fixes que Streamlit écrit en anglais (dépôt de fichier, tailles « 287.2KB », plein écran, barre latérale,
# listes…) : aucune option ne les change ; ce script les traduit dans la page, texte affiché comme libellés lus par
# les lecteurs d'écran (aria-label, title, placeholder ; data-title : la bulle « Fullscreen » que Streamlit ajoute à
# la barre d'outils de Plotly), à chaque ajout ou changement du DOM.
TRADUCTIONS = {
    "Skip to main content": "Aller au contenu", "Link to heading": "Lien vers ce titre",
    "Selected values": "Valeurs choisies", "Selected value": "Valeur choisie",
    "Upload": "Choisir un fichier", "Browse files": "Choisir un fichier", "Add files": "Ajouter des fichiers",
    "Drag and drop file here": "Glissez-déposez le fichier ici",
    "Drag and drop a file here": "Glissez-déposez le fichier ici",
    "Drag and drop files here": "Glissez-déposez les fichiers ici", "Only one file is allowed.": "Un seul fichier.",
    "Error uploading file": "Échec de l'envoi du fichier", "Error deleting file": "Échec de la suppression du fichier",
    "Too many files": "Trop de fichiers", "No results": "Aucun résultat", "Fullscreen": "Plein écran",
    "Enter fullscreen": "Plein écran", "Exit fullscreen": "Quitter le plein écran",
    "Close fullscreen": "Quitter le plein écran", "Toggle fullscreen": "Plein écran",
    "Download as CSV": "Télécharger en CSV", "Search": "Rechercher", "Close Search": "Fermer la recherche",
    "Expand sidebar": "Ouvrir la barre latérale", "Collapse sidebar": "Fermer la barre latérale",
    "Press Enter to apply": "Entrée pour valider", "Running...": "Calcul en cours…", "Stop": "Arrêter",
    "Clear all": "Tout effacer", "Clear value": "Effacer", "Delete": "Supprimer", "Remove file": "Retirer le fichier",
    "Increment": "Augmenter", "Decrement": "Diminuer", "Open": "Ouvrir", "Close": "Fermer", "Copy to clipboard":
    "Copier", "Choose an option": "Choisir", "Choose options": "Choisir", "Page not found": "Page introuvable",
    "The page that you have requested does not seem to exist. Running the app's main page.":
        "Cette page n'existe pas : voici la page d'accueil.",
}
SCRIPT_FRANCAIS = """<script>(() => {
const T = %s;
const UNITES = {B: "o", KB: "Ko", MB: "Mo", GB: "Go"};
const taille = (n, u) => n.replace(".", ",") + "\\u00a0" + UNITES[u];
const traduire = t => {
  const s = t.trim();
  if (Object.hasOwn(T, s)) return t.replace(s, T[s]);
  let m = s.match(/^(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB)$/);
  if (m) return t.replace(s, taille(m[1], m[2]));
  m = s.match(/^(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB) per file$/);
  if (m) return t.replace(s, taille(m[1], m[2]) + " au plus par fichier");
  m = s.match(/^(.+) files are not allowed\\.?$/);
  if (m) return t.replace(s, "Fichiers " + m[1] + " refusés.");
  m = s.match(/^File must be (.+) or smaller\\.?$/);
  if (m) return t.replace(s, "Le fichier doit faire au plus " + traduire(m[1]) + ".");
  return t;
};
const ATTRIBUTS = ["aria-label", "title", "placeholder", "data-title"];
const parcourir = racine => {
  const it = document.createTreeWalker(racine, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let n = racine; n; n = it.nextNode()) {
    if (n.nodeType === 3) { const v = traduire(n.data); if (v !== n.data) n.data = v; continue; }
    for (const a of ATTRIBUTS) { const v = n.getAttribute && n.getAttribute(a);
      if (v) { const w = traduire(v); if (w !== v) n.setAttribute(a, w); } }
  }
};
new MutationObserver(ms => { for (const m of ms) {
  if (m.type === "characterData") parcourir(m.target);
  else if (m.type === "attributes") parcourir(m.target);
  else m.addedNodes.forEach(parcourir);
} }).observe(document.documentElement, {childList: true, subtree: true, characterData: true, attributes: true,
                                        attributeFilter: ATTRIBUTS});
})();</script>"""


# Mode présentation : Échap le quitte, par le bouton de sortie (caché) de la page, qui garde les filtres ; sans effet
# quand une liste ou un champ a le focus (Échap y ferme la liste) ou hors du mode présentation (pas de bouton).
SCRIPT_ECHAP = b"""<script>document.addEventListener("keydown", e => {
  if (e.key !== "Escape" || e.defaultPrevented || e.target.closest("input, textarea, [role=listbox]")) return;
  const quitter = document.querySelector(".st-key-quitter_presentation button");
  if (quitter) quitter.click();
});</script>"""


def avec_adresse(html: bytes) -> bytes:
    """La page HTML avec le script d'adresse en tête de <head>, avant le module de Streamlit, en français
    (lang="fr"), avec la feuille de style d'accessibilité et la sortie du mode présentation par Échap."""
    html = html.replace(b'<html lang="en"', b'<html lang="fr"', 1)
    return html.replace(b"<head>", b"<head>" + SCRIPT_ADRESSE + STYLE_ACCESSIBLE.encode() + francais()
                        + SCRIPT_ECHAP, 1)


def francais() -> bytes:
    """Le script qui traduit les textes fixes de Streamlit (TRADUCTIONS, tailles, formats), à poser dans la page."""
    import json

    return (SCRIPT_FRANCAIS % json.dumps(TRADUCTIONS, ensure_ascii=False)).encode()


class AdresseServeur:
    """Intergiciel ASGI : pose l'adresse du serveur dans la page HTML (les autres réponses passent telles quelles)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        debut: Message | None = None
        morceaux: list[bytes] = []

        async def envoyer(message: Message) -> None:
            nonlocal debut
            if message["type"] == "http.response.start" and message["status"] == 200 \
                    and dict(message.get("headers", [])).get(b"content-type", b"").startswith(b"text/html"):
                debut = message  # retenu jusqu'à la fin du corps : sa longueur change
                return
            if message["type"] != "http.response.body" or debut is None:
                await send(message)
                return
            morceaux.append(message.get("body", b""))
            if message.get("more_body"):
                return
            corps = b"".join(morceaux)
            entetes = dict(debut["headers"])
            if entetes.get(b"content-encoding") == b"gzip":
                corps = gzip.decompress(corps)  # 8 Ko, renvoyés non compressés
            corps = avec_adresse(corps)
            gardes = [(k, v) for k, v in debut["headers"] if k not in (b"content-length", b"content-encoding", b"etag")]
            await send({**debut, "headers": [*gardes, (b"content-length", str(len(corps)).encode())]})
            await send({"type": "http.response.body", "body": corps})

        await self.app(scope, receive, envoyer)


ADRESSE_DEFAUT = "127.0.0.1"  # Streamlit écoute sinon sur toutes les interfaces : le réseau voit le tableau de bord


def avec_adresse_locale(arguments: list[str], environ: dict[str, str] = os.environ) -> list[str]:
    """Les arguments de Streamlit, qui écoute sur 127.0.0.1 sauf adresse dite (`--server.address`, ou la variable
    STREAMLIT_SERVER_ADDRESS ; `make run ADRESSE=0.0.0.0`)."""
    if any(a.startswith("--server.address") for a in arguments) or environ.get("STREAMLIT_SERVER_ADDRESS"):
        return arguments
    return ["--server.address", ADRESSE_DEFAUT, *arguments]


def journal_du_serveur() -> None:
    """Le journal `portrait` (une ligne par exécution de page, dashboard.py) sur la sortie d'erreur du serveur, au
    niveau INFO : le journal de systemd ou de la console, d'où le banc de charge lit les durées."""
    journal = logging.getLogger("portrait")
    if not journal.handlers:
        sortie = logging.StreamHandler(sys.stderr)
        sortie.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        journal.addHandler(sortie)
    journal.setLevel(logging.INFO)


def main(arguments: list[str]) -> int:
    """Streamlit croit à une application « pages/ » historique tant qu'aucune session n'a appelé st.navigation :
    la toute première adresse profonde (…/detail-indicateur?…) affichait « Page not found ». dashboard.py déclare
    ses pages avec st.navigation ; on le dit à Streamlit dès le départ."""
    PagesManager.uses_pages_directory = False
    journal_du_serveur()
    registre.nettoyer_au_demarrage(os.environ.get("PORTRAIT_DATA_DIR", DOSSIER_DONNEES))  # restes d'un import tué
    prechauffe.lancer()  # la vue Tensions des départements dits par PORTRAIT_PRECHAUFFE, en arrière-plan
    application = RACINE / "portrait" / "surfaces" / "application.py"
    return cli.main(args=["run", str(application), *avec_adresse_locale(arguments)], prog_name="streamlit",
                    standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
