-- _macros.sql : la macro de table `valeurs` et ses aides (communes_demandees, annees_lues, dans_liste), chargées
-- à la connexion (portrait/donnees/connexion.py).
--
-- valeurs(territoires, annees, recul) rend la valeur de chaque indicateur du catalogue pour
-- chaque territoire et chaque année demandés.
--   territoires : varchar[]  ('commune:44131', 'epci:200067346', 'departement:44', 'france')
--   annees      : integer[]
--   recul       : integer, en années, pour les évolutions (N contre N - recul)
-- Colonnes : territoire, annee, indicateur, valeur, demo (vrai si une valeur de démonstration y entre)
-- Règles :
--   - une valeur stockée au niveau du territoire (publiée ou importée) l'emporte sur l'agrégation ;
--   - sinon un compte est la somme de ses communes, un taux la somme des numérateurs sur la somme
--     des dénominateurs (× 100), jamais une moyenne de taux ;
--   - une valeur manquante reste manquante (null), jamais 0 : un total dont une composante manque (un mode
--     d'accueil n.d.) est manquant, et un taux dont le numérateur ou le dénominateur manque aussi.

-- communes_demandees(territoires) : les codes des communes d'une liste de territoires ('commune:44131' → '44131')
create or replace macro communes_demandees(territoires) as
    list_transform(list_filter(territoires, lambda t: starts_with(t, 'commune:')), lambda t: split_part(t, ':', 2));

-- annees_lues(annees, recul) : les années à lire, N et N - recul pour chaque année demandée
create or replace macro annees_lues(annees, recul) as
    list_concat(annees, list_transform(annees, lambda a: a - recul));

-- dans_liste(x, liste) : x est l'un des éléments de la liste. DuckDB 1.5 ne pousse pas `list_contains` dans la
-- lecture du Parquet (2.0 en fait un filtre `in`) et lisait toute la démonstration : l'encadrement entre le minimum
-- et le maximum de la liste, lui, l'est, et les statistiques des groupes de lignes écartent ce qui en sort (une
-- liste vide donne null : la lecture disparaît) ; une liste d'un ou deux éléments (une année N et N - recul, une
-- commune) devient deux égalités, poussées elles aussi (les années entre N - recul et N ne sont pas lues)
create or replace macro dans_liste(x, liste) as
    x between list_min(liste) and list_max(liste)
    and case when len(liste) <= 2 then x = liste[1] or x = liste[-1] else list_contains(liste, x) end;

create or replace macro valeurs(territoires, annees, recul) as table
with
demandes as (
    select unnest(territoires) as territoire
),
-- deux chemins, choisis quand la requête est préparée : une courte liste devient un filtre que DuckDB
-- pousse dans le Parquet ; une longue liste (des milliers de communes) passe par une jointure
territoires_ as (
    select territoire, niveau, code from territoires
    where len(territoires) <= 200 and list_contains(territoires, territoire)
    union all
    select t.territoire, t.niveau, t.code from territoires t semi join demandes d using (territoire)
    where len(territoires) > 200
),
-- les mesures lues : années N et N - recul ; les communes demandées, puis les autres territoires (les
-- statistiques de la colonne niveau écartent toute la démonstration, qui n'a que des communes : le niveau est
-- écrit `in (...)`, que DuckDB 1.5 sait pousser dans la lecture du Parquet, pas `<> 'commune'`)
lues as (
    select m.niveau, m.code, m.annee, m.indicateur, m.valeur, m.source = 'demo' as demo
    from mesures m
    where len(territoires) <= 200
      and m.niveau = 'commune'
      and dans_liste(m.code, communes_demandees(territoires))
      and dans_liste(m.annee, annees_lues(annees, recul))
    union all
    select m.niveau, m.code, m.annee, m.indicateur, m.valeur, m.source = 'demo' as demo
    from mesures m
    semi join territoires_ t on t.niveau = 'commune' and m.code = t.code
    where len(territoires) > 200
      and m.niveau = 'commune'
      and dans_liste(m.annee, annees_lues(annees, recul))
    union all
    select m.niveau, m.code, m.annee, m.indicateur, m.valeur, m.source = 'demo' as demo
    from mesures m
    semi join territoires_ t on t.niveau <> 'commune' and m.niveau = t.niveau and m.code = t.code
    where m.niveau in ('epci', 'departement', 'region', 'france')
      and dans_liste(m.annee, annees_lues(annees, recul))
),
lues_cataloguees as (
    select l.*, k.nature from lues l join catalogue k on k.indicateur = l.indicateur
),
-- valeurs stockées au niveau même du territoire (hors comptes communaux, déjà agrégés) : elles l'emportent
stockees as (
    select t.territoire, l.annee, l.indicateur, l.valeur, l.demo, l.nature
    from lues_cataloguees l
    join territoires_ t on l.niveau = t.niveau and l.code = t.code
    where not (l.niveau = 'commune' and l.nature = 'compte')
),
-- comptes : ceux des communes demandées, lus ci-dessus ; ceux des autres territoires, dans les agrégats
-- calculés à la connexion (queries/_tables.sql)
comptes_agreges as (
    select t.territoire, l.annee, l.indicateur, l.valeur, l.demo
    from lues_cataloguees l
    join territoires_ t on t.niveau = 'commune' and l.niveau = 'commune' and l.code = t.code
    where l.nature = 'compte'
    union all
    select territoire, annee, indicateur, valeur, demo
    from agregats
    semi join territoires_ using (territoire)
    where list_contains(annees_lues(annees, recul), annee)
),
comptes as (
    select territoire, annee, indicateur, valeur, demo from stockees where nature = 'compte'
    union all
    select a.* from comptes_agreges a anti join stockees s using (territoire, annee, indicateur)
),
sommes_calculees as (
    select c.territoire, c.annee, k.indicateur, case when bool_and(c.valeur is not null) then sum(c.valeur) end
        as valeur, bool_or(c.demo) as demo
    from comptes c
    join composantes k on k.composante = c.indicateur
    group by c.territoire, c.annee, k.indicateur
),
comptes_et_sommes as (
    select * from comptes
    union all
    select territoire, annee, indicateur, valeur, demo from stockees where nature = 'somme'
    union all
    select c.* from sommes_calculees c anti join stockees s using (territoire, annee, indicateur)
),
-- taux en % : 100 × numérateur / dénominateur
taux_calcules as (
    select n.territoire, n.annee, k.indicateur,
        100 * n.valeur / nullif(d.valeur, 0) as valeur,
        n.demo or d.demo as demo
    from catalogue k
    join comptes_et_sommes n on n.indicateur = k.numerateur
    join comptes_et_sommes d
        on d.indicateur = k.denominateur and d.territoire = n.territoire and d.annee = n.annee
    where k.nature = 'taux'
),
-- évolutions en % : 100 × (valeur N / valeur N - recul - 1)
evolutions as (
    select n.territoire, n.annee, k.indicateur,
        100 * (n.valeur / nullif(a.valeur, 0) - 1) as valeur,
        n.demo or a.demo as demo
    from catalogue k
    join comptes_et_sommes n on n.indicateur = k.base
    join comptes_et_sommes a
        on a.indicateur = k.base and a.territoire = n.territoire and a.annee = n.annee - recul
    where k.nature = 'evolution'
),
taux as (
    select territoire, annee, indicateur, valeur, demo from stockees where nature = 'taux'
    union all
    select c.* from taux_calcules c anti join stockees s using (territoire, annee, indicateur)
),
-- estimations : compte × taux / 100 (places tenues par les assistantes maternelles de 60 ans et plus)
estimations as (
    select c.territoire, c.annee, k.indicateur, c.valeur * t.valeur / 100 as valeur, c.demo or t.demo as demo
    from catalogue k
    join comptes_et_sommes c on c.indicateur = k.facteur_1
    join taux t on t.indicateur = k.facteur_2 and t.territoire = c.territoire and t.annee = c.annee
    where k.nature = 'estimation'
),
final as (
    select * from comptes_et_sommes
    union all select * from taux
    union all select * from evolutions
    union all select * from estimations
)
select territoire, annee, indicateur, valeur, demo
from final
where list_contains(annees, annee)
