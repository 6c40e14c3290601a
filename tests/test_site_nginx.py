"""Le site nginx d'un déploiement partagé (python -m portrait site-nginx) : groupes de serveurs, sessions collantes,
entrées refusées d'une phrase ; nginx l'accepte pour trois serveurs (nginx -t). Le site en marche, derrière nginx :
tests/test_deploiement.py."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from portrait.surfaces import site_nginx

RACINE = Path(__file__).resolve().parent.parent


def portrait(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portrait", *args], capture_output=True, text=True, cwd=RACINE)


def test_amonts_de_deux_serveurs():
    assert site_nginx.amonts(["127.0.0.1:8501", "10.0.0.2:8501"]).splitlines() == [
        "# Premier passage d'un navigateur (sans cookie) : au serveur suivant, chacun son tour.",
        "upstream portrait {",
        "    zone portrait 64k;",
        "    server 127.0.0.1:8501 max_fails=1 fail_timeout=10s;",
        "    server 10.0.0.2:8501 max_fails=1 fail_timeout=10s;",
        "}",
        "# Ensuite, au serveur que nomme son cookie ; s'il est tombé, aux autres (backup).",
        "upstream portrait_1 {",
        "    zone portrait_1 64k;",
        "    server 127.0.0.1:8501 max_fails=1 fail_timeout=10s;",
        "    server 10.0.0.2:8501 backup;",
        "}",
        "upstream portrait_2 {",
        "    zone portrait_2 64k;",
        "    server 10.0.0.2:8501 max_fails=1 fail_timeout=10s;",
        "    server 127.0.0.1:8501 backup;",
        "}",
        "map $cookie_portrait_serveur $portrait_amont {",
        "    default portrait;",
        "    1 portrait_1;",
        "    2 portrait_2;",
        "}",
        "# Le serveur qui a répondu : le dernier de $upstream_addr (« A, B » quand A a échoué).",
        "map $upstream_addr $portrait_servi {",
        '    default "";',
        r'    "~(^|[ ,])127\.0\.0\.1:8501$" 1;',
        r'    "~(^|[ ,])10\.0\.0\.2:8501$" 2;',
        "}",
    ]


def test_la_commande_ecrit_le_site_rempli():
    fait = portrait("site-nginx", "127.0.0.1:8501", "127.0.0.1:8502", "--ecoute", "443 ssl",
                    "--prefixe", "petite-enfance")
    assert fait.returncode == 0, fait.stderr
    assert not re.search(r"@[A-Z]+@", fait.stdout)  # plus aucune marque
    assert fait.stdout.startswith("# Portrait de territoire : 2 serveur(s) Streamlit derrière nginx. Écrit par\n"
                                  "#   python -m portrait site-nginx 127.0.0.1:8501 127.0.0.1:8502 --ecoute '443 ssl' "
                                  "--prefixe petite-enfance\n")
    assert "tests/nginx.py" not in fait.stdout  # les commentaires de qui maintient le modèle restent au modèle
    assert "    listen 443 ssl;" in fait.stdout
    assert "    location /petite-enfance/ {" in fait.stdout
    assert "        proxy_pass http://$portrait_amont;" in fait.stdout
    assert f"alias {site_nginx.statique()}/;" in fait.stdout
    assert (site_nginx.statique() / "js").is_dir()  # le JavaScript de Streamlit, que nginx sert


@pytest.mark.parametrize(("args", "phrase"), [
    (["127.0.0.1"], "Serveur « 127.0.0.1 » : attendu « hôte:port » (port de 1 à 65535), par exemple 127.0.0.1:8501."),
    (["127.0.0.1:8501", "127.0.0.1:8501"],
     "Serveur « 127.0.0.1:8501 » donné deux fois : chaque adresse « hôte:port » une seule fois."),
    (["127.0.0.1:99999"], "Serveur « 127.0.0.1:99999 » : attendu « hôte:port » (port de 1 à 65535)"),
    (["127.0.0.1:8501", "--prefixe", "/portrait"],
     "Préfixe « /portrait » : lettres, chiffres, « - » ou « _ », sans « / »"),
    (["127.0.0.1:8501;", "--ecoute", "80"], "Serveur « 127.0.0.1:8501; » : attendu « hôte:port »"),
])
def test_une_entree_qui_ne_convient_pas_est_dite(args, phrase):
    fait = portrait("site-nginx", *args)
    assert fait.returncode == 2
    assert fait.stdout == ""  # rien d'écrit : un site à moitié rempli ne part pas dans /etc/nginx
    assert phrase in fait.stderr and "Traceback" not in fait.stderr


def test_nginx_accepte_le_site_de_trois_serveurs(tmp_path):
    from tests import nginx

    try:
        binaire = nginx.installer()
    except nginx.NginxIndisponible as e:
        pytest.skip(str(e))
    (tmp_path / "portrait.conf").write_text(
        site_nginx.site(["127.0.0.1:8501", "127.0.0.1:8502", "10.0.0.3:8501"], "127.0.0.1:8099", "portrait"))
    (tmp_path / "nginx.conf").write_text(nginx.PRINCIPAL.format(d=tmp_path, utilisateur=""))
    fait = subprocess.run([binaire, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True)
    assert fait.returncode == 0, fait.stderr
