"""nginx de Debian devant plusieurs serveurs de l'application, lancé sur le modèle même que livre deploiement/
(portrait.nginx.conf) : port libre, pid, journaux et fichiers temporaires dans un dossier à lui."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.navigateur import arreter, serveur
from portrait.surfaces import site_nginx

RACINE = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
PREFIXE = "portrait"  # le server.baseUrlPath des serveurs, le chemin du site
DELAI = 20  # secondes pour que nginx réponde

# Ce qu'ajoute /etc/nginx/nginx.conf autour d'un site, ici dans le dossier du test (root : les workers aussi)
PRINCIPAL = """{utilisateur}pid {d}/nginx.pid;
error_log {d}/erreurs.log info;
worker_processes 1;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;  # les types des fichiers servis par nginx lui-même (JavaScript de Streamlit)
    default_type application/octet-stream;
    log_format amont '$upstream_addr "$request"';  # quel serveur a répondu (tests des sessions collantes)
    access_log {d}/acces.log amont;
    client_body_temp_path {d}/corps;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {d}/portrait.conf;
}}
"""


class NginxIndisponible(RuntimeError):
    """nginx absent et impossible à installer sur cette machine."""


def installer() -> str:
    """Le chemin de nginx, installé au besoin avec apt-get (paquet Debian), comme PostgreSQL dans tests/postgres.py."""
    if not os.path.exists(NGINX) and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        commande = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "nginx"]
        if subprocess.run(commande, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
            subprocess.run(commande, env=env, capture_output=True)
    if not os.path.exists(NGINX):
        raise NginxIndisponible("nginx n'est pas installé et apt-get install nginx a échoué (ou l'on n'est pas "
                                "root) : tests du déploiement partagé sautés.")
    return NGINX


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Nginx:
    dossier: Path
    port: int
    proc: subprocess.Popen

    @property
    def adresse(self) -> str:
        return f"http://127.0.0.1:{self.port}/{PREFIXE}"

    def amonts(self, requete: str = "", au_moins: int = 0) -> list[str]:
        """Le serveur (hôte:port) qui a répondu à chaque requête dont la ligne contient `requete`, dans l'ordre du
        journal d'accès (un WebSocket d'un test précédent s'y écrit à sa fermeture, n'importe quand). nginx écrit la
        ligne une fois la réponse partie : on attend (5 s au plus) d'en avoir `au_moins`."""
        limite = time.time() + 5
        while True:
            lignes = [ligne.split(" ", 1)[0] for ligne in (self.dossier / "acces.log").read_text().splitlines()
                      if requete in ligne.split(" ", 1)[-1]]
            if len(lignes) >= au_moins or time.time() > limite:
                return lignes
            time.sleep(0.05)

    def journal(self) -> str:
        return "\n".join(f"--- {f.name} ---\n{f.read_text(errors='replace')[-4000:]}"
                         for f in (self.dossier / "erreurs.log", self.dossier / "acces.log") if f.exists())


@contextmanager
def nginx(serveurs: list[str]):
    """nginx devant `serveurs` (« 127.0.0.1:8501 »…) sur un port libre ; rend un Nginx dès qu'il répond, arrêté
    en sortant (et son journal sur la sortie d'erreur si quoi que ce soit échoue)."""
    binaire = installer()
    dossier = Path(tempfile.mkdtemp(prefix="portrait-nginx-"))
    port = port_libre()
    site = site_nginx.site(serveurs, f"127.0.0.1:{port}", PREFIXE)  # comme le README : python -m portrait site-nginx
    (dossier / "portrait.conf").write_text(site, encoding="utf-8")
    principal = PRINCIPAL.format(d=dossier, utilisateur="user root;\n" if os.geteuid() == 0 else "")
    (dossier / "nginx.conf").write_text(principal, encoding="utf-8")
    essai = subprocess.run([binaire, "-t", "-p", str(dossier), "-c", str(dossier / "nginx.conf")],
                           capture_output=True, text=True)
    if essai.returncode != 0:
        raise RuntimeError(f"configuration nginx refusée :\n{essai.stderr}")
    with open(dossier / "sortie.log", "w") as sortie:
        proc = subprocess.Popen([binaire, "-p", str(dossier), "-c", str(dossier / "nginx.conf"), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=sortie)
    serveur = Nginx(dossier, port, proc)
    try:
        limite = time.time() + DELAI
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx s'est arrêté :\n{(dossier / 'sortie.log').read_text()}")
            try:
                urllib.request.urlopen(serveur.adresse + "/_stcore/health", timeout=2)
                break
            except OSError:
                if time.time() > limite:
                    raise RuntimeError(f"nginx ne répond pas :\n{serveur.journal()}") from None
                time.sleep(0.2)
        yield serveur
    except BaseException:
        print(serveur.journal(), file=sys.stderr)
        raise
    finally:
        arreter(proc)
        shutil.rmtree(dossier, ignore_errors=True)


# --- Le déploiement partagé des tests : PostgreSQL, deux serveurs, nginx devant ----------------------------------

@dataclass
class Serveur:
    """Un serveur de l'application : son adresse directe, son journal, son processus, son environnement."""

    adresse: str
    journal: Path
    proc: subprocess.Popen
    env: dict

    def executions(self) -> list[str]:
        """Les lignes « exécution page=… durée_ms=… » qu'il a écrites."""
        return [ligne for ligne in self.journal.read_text(errors="replace").splitlines() if " exécution page=" in ligne]


@dataclass
class Deploiement:
    """Ce que décrit le README (« Déploiement partagé ») : un catalogue PostgreSQL, un dossier de données partagé,
    des serveurs de l'application derrière nginx."""

    nginx: Nginx
    serveurs: list[Serveur]
    donnees: Path


def environnement(dossier: Path, catalogue: str | None) -> dict:
    """L'environnement commun des serveurs (deploiement/portrait.env.exemple) : une copie de data/ partagée, le
    catalogue PostgreSQL et le dossier des fichiers du magasin."""
    donnees = dossier / "donnees"
    if not donnees.exists():
        shutil.copytree(RACINE / "data", donnees, ignore=shutil.ignore_patterns("imports"))
    env = {"PORTRAIT_DATA_DIR": str(donnees), "PORTRAIT_FICHIERS": str(dossier / "fichiers")}
    return {**env, "PORTRAIT_CATALOGUE": f"postgres:{catalogue}"} if catalogue else env


@contextmanager
def deploiement(dossier: Path, n: int = 2, catalogue: str | None = None, donnees: Path | None = None):
    """`n` serveurs de l'application (bench/navigateur.py), sous le préfixe du site, sur le même environnement, et
    nginx devant eux ; `donnees` : un dossier de données déjà là (le banc lit data/ sans le copier)."""
    env = environnement(dossier, catalogue)
    if donnees:
        env["PORTRAIT_DATA_DIR"] = str(donnees)
    with ExitStack() as pile:
        serveurs = []
        for i in range(n):
            journal, procs = dossier / f"serveur_{i + 1}.log", []
            adresse = pile.enter_context(serveur(journal, env=env, prefixe=PREFIXE, processus=procs))
            serveurs.append(Serveur(adresse, journal, procs[0], env))
        frontal = pile.enter_context(nginx([s.adresse.split("/")[2] for s in serveurs]))
        yield Deploiement(frontal, serveurs, Path(env["PORTRAIT_DATA_DIR"]))
