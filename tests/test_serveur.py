"""La page HTML servie porte l'adresse du serveur ; les autres réponses passent intactes."""

import asyncio
import gzip

from portrait.surfaces.serveur import SCRIPT_ADRESSE, SCRIPT_ECHAP, STYLE_ACCESSIBLE, AdresseServeur, francais

PAGE = (b'<!DOCTYPE html><html lang="en"><head><title>Streamlit</title>'
        b"<script type=module src=./static/js/index.js></script>")
# ce que la page doit devenir : en français, l'adresse du serveur, la feuille de style d'accessibilité et la sortie
# du mode présentation par Échap en tête
ATTENDUE = (PAGE.replace(b'lang="en"', b'lang="fr"')
            .replace(b"<head>", b"<head>" + SCRIPT_ADRESSE + STYLE_ACCESSIBLE.encode() + francais() + SCRIPT_ECHAP))


def servir(corps: bytes, type_contenu: bytes, methode: str = "GET", morceaux: int = 1,
           encodage: bytes | None = None) -> tuple[dict, bytes]:
    """Passe une réponse (en plusieurs morceaux au besoin) dans l'intergiciel ; rend les en-têtes et le corps reçus."""
    entetes = [(b"content-type", type_contenu), (b"content-length", str(len(corps)).encode()), (b"etag", b'"x"')]
    if encodage:
        entetes.append((b"content-encoding", encodage))

    async def application(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": entetes})
        taille = -(-len(corps) // morceaux)
        for i in range(morceaux):
            await send({"type": "http.response.body", "body": corps[i * taille:(i + 1) * taille],
                        "more_body": i < morceaux - 1})

    recus = []

    async def envoyer(message):
        recus.append(message)

    scope = {"type": "http", "method": methode, "path": "/tensions-sppe"}
    asyncio.run(AdresseServeur(application)(scope, None, envoyer))
    return dict(recus[0]["headers"]), b"".join(m.get("body", b"") for m in recus[1:])


def test_page_html_avec_adresse_avant_le_module_de_streamlit():
    entetes, corps = servir(PAGE, b"text/html; charset=utf-8", morceaux=3)
    assert corps == ATTENDUE
    assert corps.index(SCRIPT_ADRESSE) < corps.index(b"type=module")
    assert entetes[b"content-length"] == str(len(corps)).encode()
    assert b"etag" not in entetes  # l'étiquette était celle du fichier d'origine


def test_page_html_compressee_renvoyee_en_clair_avec_adresse():
    entetes, corps = servir(gzip.compress(PAGE), b"text/html; charset=utf-8", encodage=b"gzip")
    assert corps == ATTENDUE
    assert b"content-encoding" not in entetes
    assert entetes[b"content-length"] == str(len(corps)).encode()


def test_autres_reponses_intactes():
    script = b"console.log('<head>')"
    assert servir(script, b"text/javascript")[1] == script
    assert servir(PAGE, b"text/html", methode="POST")[1] == PAGE
    entetes, corps = servir(gzip.compress(script), b"text/javascript", encodage=b"gzip")
    assert gzip.decompress(corps) == script and entetes[b"content-encoding"] == b"gzip"


def test_ecoute_ce_seul_poste_sauf_adresse_dite():
    # Streamlit écoute sans cela sur toutes les interfaces : `make run` ouvrait le tableau de bord au réseau
    from portrait.surfaces.serveur import avec_adresse_locale

    assert avec_adresse_locale([], {}) == ["--server.address", "127.0.0.1"]
    assert avec_adresse_locale(["--server.port", "9000"], {})[:2] == ["--server.address", "127.0.0.1"]
    assert avec_adresse_locale(["--server.address", "0.0.0.0"], {}) == ["--server.address", "0.0.0.0"]
    assert avec_adresse_locale(["--server.address=0.0.0.0"], {}) == ["--server.address=0.0.0.0"]
    assert avec_adresse_locale([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}) == []
