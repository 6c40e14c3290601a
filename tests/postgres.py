"""Un serveur PostgreSQL de test (paquet Debian), sur un port libre, avec son propre dossier, lancé comme
l'utilisateur `postgres` (initdb refuse root) : catalogue DuckLake partagé, déploiement à plusieurs serveurs."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

UTILISATEUR = "postgres"  # créé par le paquet Debian


class PostgresIndisponible(RuntimeError):
    """PostgreSQL absent et impossible à installer sur cette machine."""


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _en_postgres(commande: list[str]) -> list[str]:
    """La commande lancée comme `postgres` si l'on est root (initdb et le serveur refusent root)."""
    return ["runuser", "-u", UTILISATEUR, "--", *commande] if os.geteuid() == 0 else commande


def binaires() -> Path:
    """Le dossier des programmes du serveur (/usr/lib/postgresql/<version>/bin), installé au besoin avec apt-get."""
    trouves = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not trouves and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        installer = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]
        if subprocess.run(installer, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
            subprocess.run(installer, env=env, capture_output=True)
        trouves = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not trouves:
        raise PostgresIndisponible("PostgreSQL n'est pas installé et apt-get install postgresql a échoué "
                                   "(ou l'on n'est pas root) : tests du catalogue PostgreSQL sautés.")
    return Path(trouves[-1]).parent


@dataclass
class Postgres:
    """Un serveur lancé par `demarrer` ; `chaine(base)` est la chaîne libpq d'une base."""

    dossier: Path
    port: int
    bin: Path

    def chaine(self, base: str = "postgres") -> str:
        return f"dbname={base} host=127.0.0.1 port={self.port} user={UTILISATEUR}"

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(_en_postgres([str(self.bin / "pg_ctl"), "-D", str(self.dossier / "donnees"), *args]),
                              capture_output=True, text=True)

    def lancer(self) -> None:
        """Démarre (ou redémarre) le serveur, attend qu'il accepte les connexions ; son journal en cas d'échec."""
        options = f"-p {self.port} -k {self.dossier} -c listen_addresses=127.0.0.1 -c fsync=off"
        fait = self._pg_ctl("-o", options, "-l", str(self.dossier / "journal.log"), "-w", "-t", "60", "start")
        if fait.returncode != 0:
            journal = (self.dossier / "journal.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"PostgreSQL ne démarre pas : {fait.stdout}{fait.stderr}\n{journal}")

    def arreter(self) -> None:
        """Arrête le serveur (test de panne : catalogue injoignable)."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def creer_base(self, base: str) -> str:
        """Crée une base vide et rend sa chaîne de connexion."""
        subprocess.run(_en_postgres([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                                     "-U", UTILISATEUR, base]), check=True, capture_output=True)
        return self.chaine(base)

    def effacer(self) -> None:
        self.arreter()
        shutil.rmtree(self.dossier, ignore_errors=True)


def demarrer() -> Postgres:
    """Un nouveau serveur : dossier temporaire à `postgres`, initdb (connexions locales de confiance), port libre."""
    bin_ = binaires()
    dossier = Path(tempfile.mkdtemp(prefix="portrait-pg-"))
    os.chmod(dossier, 0o700)
    if os.geteuid() == 0:
        shutil.chown(dossier, UTILISATEUR, UTILISATEUR)
    init = subprocess.run(_en_postgres([str(bin_ / "initdb"), "-D", str(dossier / "donnees"), "-U", UTILISATEUR,
                                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                          capture_output=True, text=True)
    if init.returncode != 0:
        shutil.rmtree(dossier, ignore_errors=True)
        raise RuntimeError(f"initdb a échoué : {init.stdout}{init.stderr}")
    serveur = Postgres(dossier, _port_libre(), bin_)
    serveur.lancer()
    return serveur


@pytest.fixture(scope="session")
def postgres():
    """Un serveur PostgreSQL pour toute la session de tests (importer cette fixture dans le module de test)."""
    try:
        serveur = demarrer()
    except PostgresIndisponible as e:
        pytest.skip(str(e))
    yield serveur
    serveur.effacer()
