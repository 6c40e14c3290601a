-- postes_cooperation.sql : les postes de chargés de coopération CTG des EPCI d'un territoire, une année.
--
-- Paramètres : $territoire (un EPCI, un département, une commune, 'france'), $annee (integer)
-- Colonnes   : une ligne par personne et thématique : annee, departement, niveau, code, epci, employeur,
--              intitule_poste, nom (donnée personnelle), thematique, etp_valorises, etp_reels (ETP),
--              cof_signee, reunions_elus, copil, groupes_travail, reunions_reseau (nombres dans l'année),
--              les réponses oui/non de l'enquête flash, source
-- Un EPCI est retenu dès qu'une de ses communes est dans le territoire.

with
epci_ as (
    select distinct c.epci
    from appartenance a
    join communes c on c.code = a.commune
    where a.territoire = $territoire and c.epci is not null
),
final as (
    select p.*
    from cooperation p
    semi join epci_ e on e.epci = p.epci
    where p.annee = $annee
)
select * from final
order by epci, thematique, nom
