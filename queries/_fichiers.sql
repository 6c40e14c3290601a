-- _fichiers.sql : les deux tables que les imports complètent, `mesures` et `cooperation` : la démonstration (un
--                 fichier Parquet), remplacée par les lignes importées en vigueur. Chargé à la connexion
--                 (portrait/donnees/connexion.py).
--
-- demonstration_gardee(demo, importees, cle) : macro de table, la règle des deux tables, écrite une fois : les
--                 lignes de la démonstration qu'aucune ligne importée ne remplace, dans leur ordre (un seul fil).
--   demo      : varchar, le fichier Parquet de la démonstration
--   importees : varchar, le nom de la table des lignes importées en vigueur d'une version du magasin DuckLake
--               (mesures_importees, cooperation_importees : colonnes Arrow lues par lac.en_vigueur) ; entre
--               imports, la règle « le plus récent l'emporte » est déjà appliquée par le magasin
--               (portrait/donnees/lac.py, Lac.sql)
--   cle       : ce qu'un import remplace, écrit sur les colonnes de la table (la macro recopie l'expression
--               là où ces colonnes existent) :
--               mesures     row(niveau, code, annee, indicateur) : une valeur remplace une valeur ;
--               cooperation row(departement, annee) : un import remplace tous les postes d'un département
--                           pour une année.
-- avec_imports(demo, importees, cle) : la table entière, lignes importées puis démonstration gardée ; colonnes :
--                 celles des deux, réunies par nom.
-- connexion.ecrire_en_vigueur écrit les deux parts une fois par version du magasin, chacune dans son Parquet (les
-- importées triées comme la démonstration, la démonstration gardée dans son ordre : des groupes de lignes que les
-- requêtes sautent) ; les connexions lisent ensuite ces fichiers. Une table sans ligne importée se lit directement
-- dans la démonstration : il n'y a rien à remplacer.
--
-- mesures_vide, cooperation_vide : les colonnes des deux tables, pour une table qui n'a encore aucune ligne.

create or replace macro demonstration_gardee(demo, importees, cle) as table
with
importes as (
    select cle as cle_ from query_table(importees)
),
demonstration as (
    select *, cle as cle_ from read_parquet(demo)
),
final as (
    from demonstration anti join importes using (cle_)
)
select * exclude (cle_) from final;

create or replace macro avec_imports(demo, importees, cle) as table
with
importes as (
    from query_table(importees)
),
gardee as (
    from demonstration_gardee(demo, importees, cle)
),
final as (
    from importes
    union all by name
    from gardee
)
select * from final;

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
