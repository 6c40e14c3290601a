"""Outils des tests dans un vrai navigateur : Chromium de Debian (installé s'il manque), serveur sur un port libre."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
OPTIONS_CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"]


def installer_chromium() -> str | None:
    """Rend le chemin de Chromium, en installant le paquet Debian s'il manque ; None si c'est impossible."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env, capture_output=True)
    return CHROMIUM if os.path.exists(CHROMIUM) else None


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serveur(journal: Path, env: dict | None = None, prefixe: str = ""):
    """Lance l'application sur un port libre (sous un préfixe d'adresse, server.baseUrlPath, s'il est donné) et
    attend qu'elle réponde ; montre son journal en cas d'échec."""
    port = port_libre()
    with open(journal, "w") as sortie:
        proc = subprocess.Popen(
            [sys.executable, "-m", "portrait.surfaces.serveur", "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.baseUrlPath", prefixe], cwd=RACINE, stdout=sortie,
            stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    adresse = f"http://127.0.0.1:{port}" + (f"/{prefixe}" if prefixe else "")
    try:
        limite = time.time() + 60
        while time.time() < limite:
            try:
                urllib.request.urlopen(adresse + "/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            raise RuntimeError("le serveur n'a pas répondu en 60 s")
        if proc.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté :\n{journal.read_text()}")
        yield adresse
    except Exception:
        print(f"--- journal du serveur ---\n{journal.read_text()}", file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
