"""Imports des fichiers des utilisateurs, du fichier déposé jusqu'au registre.

lecture.py (CSV, XLSX, nombres à la française) -> sources.py (chaque source décrite une fois : lecteur, table)
-> rapport.py (validation, rapport avant toute écriture) -> registre.py (seul à écrire le registre : verrou,
écriture d'un coup, liste, annulation). depot.py enchaîne le tout pour la page Données et la ligne de commande ;
enquete_flash.py et postes_cooperation.py lisent les postes de chargés de coopération ; telechargement.py va
chercher les fichiers de data.caf.fr.
"""
