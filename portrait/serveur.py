"""Lance l'application : `streamlit run dashboard.py`, sans le mode historique des pages découvertes dans pages/."""

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

RACINE = Path(__file__).resolve().parent.parent


def main(arguments: list[str]) -> int:
    """Streamlit croit à une application « pages/ » historique tant qu'aucune session n'a appelé st.navigation :
    la toute première adresse profonde (…/detail-indicateur?…) affichait « Page not found ». dashboard.py déclare
    ses pages avec st.navigation ; on le dit à Streamlit dès le départ."""
    PagesManager.uses_pages_directory = False
    return cli.main(args=["run", str(RACINE / "dashboard.py"), *arguments], prog_name="streamlit",
                    standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
