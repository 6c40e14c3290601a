-- _fichiers.sql : les tables lues dans des fichiers Parquet, `mesures` et `cooperation` : la démonstration,
--                 remplacée par les imports actifs. Chargé à la connexion (portrait/donnees/connexion.py).
--
-- remplacer(fichiers, cle) : macro de table, la règle des deux tables, écrite une fois.
--   fichiers : varchar[], les fichiers d'une table dans l'ordre où ils se remplacent : la démonstration, puis
--              les imports actifs du plus ancien au plus récent (registre des imports, data/imports/)
--   cle      : ce qu'un import remplace, écrit sur les colonnes de la table (la macro recopie l'expression
--              là où ces colonnes existent) :
--              mesures     row(niveau, code, annee, indicateur) : une valeur remplace une valeur ;
--              cooperation row(departement, annee) : un import remplace tous les postes d'un département
--                          pour une année.
-- Colonnes : celles des fichiers, réunies par nom.
-- Règle : pour chaque clé, les lignes du dernier fichier qui la porte remplacent celles des précédents.
-- connexion.py lit directement (read_parquet) une table d'un seul fichier : il n'y a rien à remplacer, et la
-- macro coûterait environ 2 ms de préparation à chaque lecture de la table (trois par appel de `valeurs`).
--
-- mesures_vide, cooperation_vide : les colonnes des deux tables, pour une table qui n'a encore aucun fichier.

create or replace macro remplacer(fichiers, cle) as table
with
-- les chemins tels que `filename` les donne : connexion.py écrit `*`, `?` et `[` entre crochets (« [*] »)
-- pour que read_parquet ne les prenne pas pour un motif
noms as (
    select list_transform(fichiers, lambda f: regexp_replace(f, '\[([*?\[])\]', '\1', 'g')) as fichiers_lus
),
premier as (
    select *, cle as cle_ from read_parquet(fichiers[1])
),
suivants as (
    select * exclude (filename, fichiers_lus), cle as cle_, list_position(fichiers_lus, filename) as rang
    from read_parquet(fichiers[2:], filename = true, union_by_name = true), noms
),
-- pour chaque clé, les lignes du plus récent des fichiers suivants qui la porte
derniers as (
    select * exclude (rang) from suivants
    qualify rang = max(rang) over (partition by cle_)
),
final as (
    from derniers
    union all by name
    from premier anti join derniers using (cle_)
)
select * exclude (cle_) from final;

create table mesures_vide (
    niveau varchar, code varchar, annee integer, indicateur varchar, valeur double, source varchar
);

-- les colonnes de regles/cooperation.py::COLONNES (tests/test_fichiers.py y veille)
create table cooperation_vide (
    annee integer, departement varchar, niveau varchar, code varchar, epci varchar, employeur varchar,
    intitule_poste varchar, nom varchar, thematique varchar, etp_valorises double, etp_reels double,
    cof_signee boolean, reunions_elus bigint, copil bigint, groupes_travail bigint, reunions_reseau bigint,
    diagnostic boolean, attentes_familles boolean, demarche_habitants boolean, conseil_elus boolean,
    plan_actions boolean, mise_en_oeuvre boolean, transversalite boolean, suivi_projets boolean,
    anime_groupes boolean, reseau boolean, information_habitants boolean, evaluation boolean,
    offre_adaptee boolean, compte_rendu_caf boolean, source varchar
);
