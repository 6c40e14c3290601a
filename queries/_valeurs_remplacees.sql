-- _valeurs_remplacees.sql : les valeurs déjà là (démonstration, imports actifs) de même niveau, code, année et
-- indicateur qu'une valeur d'un fichier importé, chacune par sa clé entière ; lue par lots par
-- rapport.valeurs_remplacees, qui la cherche parmi les clés du fichier (fichier « _ » : sur la connexion bornée).
--
-- Tables     : mesures ; cles_niveau, cles_code, cles_indicateur (texte, rang : les valeurs distinctes du fichier,
--              rangées dans l'ordre du texte)
-- Paramètres : $codes, $annees, $indicateurs (combien de rangs de chaque clé), $annee_min, $annee_max
-- Colonnes   : cle (((rang du niveau × $codes + rang du code) × $annees + année − $annee_min) × $indicateurs
--              + rang de l'indicateur : l'ordre de niveau, code, année, indicateur), valeur

with deja_la as (
    select niveau, code, annee, indicateur, valeur::double as valeur
    from mesures
    where annee between $annee_min and $annee_max
),

final as (
    select
        ((n.rang * $codes + c.rang) * $annees + (m.annee - $annee_min)) * $indicateurs + i.rang as cle,
        m.valeur
    from deja_la as m
    inner join cles_niveau as n on m.niveau = n.texte
    inner join cles_code as c on m.code = c.texte
    inner join cles_indicateur as i on m.indicateur = i.texte
)

select * from final
