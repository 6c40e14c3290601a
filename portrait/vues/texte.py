"""Un nom de fichier ou un texte importé montré tel quel : ni Markdown, ni HTML, ni séquence de terminal interprétés."""

from __future__ import annotations

import re

# la ponctuation qui fait du Markdown (CommonMark, et les « :red[…] », « :material/…: » de Streamlit) ou du HTML
PONCTUATION_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=\"'^])")
# les caractères de commande (C0 sauf saut de ligne et tabulation, DEL, C1) et les inversions de sens d'écriture
COMMANDES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def markdown_litteral(texte: str) -> str:
    """Le texte à poser dans un message Streamlit (st.success, st.error… lisent du Markdown) pour qu'il s'affiche
    caractère pour caractère : un nom de fichier « [lien](http://…) » ne devient pas un lien."""
    return PONCTUATION_MARKDOWN.sub(r"\\\1", texte)


def terminal(texte: str) -> str:
    """Le texte à écrire dans un terminal, ses caractères de commande rendus visibles (« \\x1b ») : un nom de fichier
    ne colore, n'efface ni ne déplace rien."""
    return COMMANDES.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                         texte)
