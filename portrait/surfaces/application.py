"""L'application servie (`streamlit run` la trouve ici) : dashboard.py dans st.App, avec l'adresse de son serveur."""

import streamlit as st
from starlette.middleware import Middleware

from portrait.surfaces.serveur import RACINE, AdresseServeur

app = st.App(RACINE / "dashboard.py", middleware=[Middleware(AdresseServeur)])
