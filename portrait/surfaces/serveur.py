"""Lance le tableau de bord (surfaces/application.py) : pages déclarées, page HTML qui sait où est son serveur."""

import gzip
import sys
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

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
/* légendes (st.caption) : gris de Streamlit à 3,88:1 sur blanc ; celui-ci fait 6,5:1 */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #55575F !important; }
/* pastilles choisies (st.pills) : rouge du thème sur fond rosé à 4,47:1 ; un rouge plus sombre à 6:1 */
[data-testid="stBaseButton-pillsActive"], [data-testid="stBaseButton-pillsActive"] * { color: #B0201C !important; }
/* libellé d'un widget désactivé (« Classes » quand la carte montre les tensions) : 2,29:1 ; lisible, encore pâli */
div:has(> [data-testid="stWidgetLabel"]):has(input:disabled) [data-testid="stWidgetLabel"] * {
  color: #62646C !important; }
/* le dépôt de fichier : ses textes anglais (« Upload », « 200MB per file • CSV, TXT, XLSX ») cachés, un libellé
   français à la place ; la page écrit elle-même la taille maximale et les formats acceptés */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileUploaderDropzone"] button > * { display: none !important; }
[data-testid="stFileUploaderDropzone"] button::after { content: "Choisir un fichier"; }
</style>"""


def avec_adresse(html: bytes) -> bytes:
    """La page HTML avec le script d'adresse en tête de <head>, avant le module de Streamlit, en français
    (lang="fr") et avec la feuille de style d'accessibilité."""
    html = html.replace(b'<html lang="en"', b'<html lang="fr"', 1)
    return html.replace(b"<head>", b"<head>" + SCRIPT_ADRESSE + STYLE_ACCESSIBLE.encode(), 1)


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


def main(arguments: list[str]) -> int:
    """Streamlit croit à une application « pages/ » historique tant qu'aucune session n'a appelé st.navigation :
    la toute première adresse profonde (…/detail-indicateur?…) affichait « Page not found ». dashboard.py déclare
    ses pages avec st.navigation ; on le dit à Streamlit dès le départ."""
    PagesManager.uses_pages_directory = False
    application = RACINE / "portrait" / "surfaces" / "application.py"
    return cli.main(args=["run", str(application), *arguments], prog_name="streamlit", standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
