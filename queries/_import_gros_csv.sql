-- _import_gros_csv.sql : les lignes d'un gros CSV de mesures, chacune dite « simple » quand rapport.valider la
-- garderait sans un mot (niveau, code, indicateur, année et valeur écrits sans détour, dans leur plage) ; les autres
-- repassent par rapport.verifier_lignes, qui écrit leurs phrases (portrait/imports/gros_csv.py).
--
-- Connexion : celle de gros_csv.py, pas celle de l'application (fichier « _ » : le runner ne le charge pas).
-- Tables    : lignes_lues (numero, niveau, code, annee, indicateur, valeur : le CSV réécrit, tout en texte),
--             ref_niveaux (niveau, id), ref_codes (niveau, code, id), ref_indicateurs (indicateur, id, minimum,
--             maximum, entier, usuel_max), manquantes (texte : les écritures d'une valeur secrète ou manquante).
-- Paramètres : $annee_min, $annee_max, $valeur_max (au-delà, lecture.lire_nombre refuse le nombre).
-- Colonnes   : numero, simple, niveau (id), code (id), annee, indicateur (id), valeur (NULL : secrète ou manquante),
--              code_court (le code écrit sans son zéro de tête : « 1001 » pour 01001).

with lues as (
    select
        numero,
        coalesce(niveau, '') as niveau,
        coalesce(code, '') as code,
        coalesce(annee, '') as annee,
        coalesce(indicateur, '') as indicateur,
        coalesce(valeur, '') as valeur
    from lignes_lues
),

ecritures as (
    select
        *,
        lower(niveau) as niveau_min,
        lower(indicateur) as indicateur_min,
        replace(valeur, '%', '') as valeur_sans_pourcent,
        regexp_full_match(niveau, '[A-Za-z]+')
        and regexp_full_match(code, '[0-9A-Z]+')
        and regexp_full_match(indicateur, '[A-Za-z0-9_]+')
        and regexp_full_match(annee, '[0-9]{4}') as ecriture_simple
    from lues
),

normalisees as (
    select
        *,
        case
            when niveau_min = 'france' then 'FR'
            when niveau_min = 'commune' and regexp_full_match(code, '[0-9]{4}') then '0' || code
            when niveau_min in ('departement', 'region') and regexp_full_match(code, '[0-9]') then '0' || code
            else code
        end as code_norme,
        regexp_replace(valeur_sans_pourcent, '[ \x{00a0}\x{202f}'']', '', 'g') as valeur_sans_espace,
        lower(trim(valeur_sans_pourcent)) in (select texte from manquantes)
        and regexp_full_match(trim(valeur_sans_pourcent), '[A-Za-z.\-–—]*') as manquante
    from ecritures
),

nombres as (
    select
        *,
        case
            when not manquante
                and regexp_full_match(valeur_sans_espace, '[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)')
                then try_cast(replace(valeur_sans_espace, ',', '.') as double)
        end as nombre,
        case when ecriture_simple then try_cast(annee as integer) end as annee_lue
    from normalisees
),

jugees as (
    select
        nombres.numero,
        n.id as niveau_id,
        c.id as code_id,
        i.id as indicateur_id,
        nombres.annee_lue,
        nombres.nombre,
        nombres.code <> nombres.code_norme as code_court,
        nombres.ecriture_simple
        and c.id is not null
        and i.id is not null
        and nombres.annee_lue between $annee_min and $annee_max
        and (
            nombres.manquante
            or (
                nombres.nombre is not null
                and abs(nombres.nombre) <= $valeur_max
                and nombres.nombre >= i.minimum
                and (i.maximum is null or nombres.nombre <= i.maximum)
                and (not i.entier or nombres.nombre = floor(nombres.nombre))
                and (i.usuel_max is null or nombres.nombre <= i.usuel_max)
            )
        ) as simple
    from nombres
    left join ref_niveaux as n on nombres.niveau_min = n.niveau
    left join ref_codes as c on nombres.niveau_min = c.niveau and nombres.code_norme = c.code
    left join ref_indicateurs as i on nombres.indicateur_min = i.indicateur
),

final as (
    select
        numero,
        coalesce(simple, false) as simple,
        coalesce(niveau_id, 0)::utinyint as niveau,
        coalesce(code_id, 0)::integer as code,
        coalesce(annee_lue, 0)::smallint as annee,
        coalesce(indicateur_id, 0)::smallint as indicateur,
        nombre as valeur,
        coalesce(code_court, false) as code_court
    from jugees
)

select * from final
