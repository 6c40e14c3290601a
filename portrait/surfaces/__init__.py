"""Surfaces : Streamlit (cache, URL, écran), fiche COPIL, ligne de commande, exports, serveur."""
