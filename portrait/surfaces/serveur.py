"""Lance le tableau de bord (surfaces/application.py) : pages déclarées, page HTML qui sait où est son serveur."""

import gzip
import os
import sys
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from portrait.donnees.connexion import DOSSIER_DONNEES
from portrait.imports import registre

RACINE = Path(__file__).resolve().parents[2]
# Ouverte à une adresse profonde (/tensions-sppe?…, la vue partagée), la page de Streamlit cherche son serveur d'abord
# à /tensions-sppe/_stcore/health (404), attend, puis à /_stcore/health : la connexion s'ouvre 0,15 à 0,2 s plus tard
# (streamlit/streamlit#7074, ouverte). Le serveur est là où la page trouve ses propres fichiers (« ./static/… ») :
# au répertoire de l'adresse, que ce script donne à Streamlit avant que son module ne démarre.
SCRIPT_ADRESSE = (b'<script>window.__streamlit = Object.assign({BACKEND_BASE_URL: new URL(".", location.href).href}, '
                  b"window.__streamlit)</script>")


def avec_adresse(html: bytes) -> bytes:
    """La page HTML avec le script d'adresse en tête de <head>, avant le module de Streamlit."""
    return html.replace(b"<head>", b"<head>" + SCRIPT_ADRESSE, 1)


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


def main(arguments: list[str]) -> int:
    """Streamlit croit à une application « pages/ » historique tant qu'aucune session n'a appelé st.navigation :
    la toute première adresse profonde (…/detail-indicateur?…) affichait « Page not found ». dashboard.py déclare
    ses pages avec st.navigation ; on le dit à Streamlit dès le départ."""
    PagesManager.uses_pages_directory = False
    registre.nettoyer_au_demarrage(os.environ.get("PORTRAIT_DATA_DIR", DOSSIER_DONNEES))  # restes d'un import tué
    application = RACINE / "portrait" / "surfaces" / "application.py"
    return cli.main(args=["run", str(application), *avec_adresse_locale(arguments)], prog_name="streamlit",
                    standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
