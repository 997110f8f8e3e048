-- marts.root_cause_counts: complaints per issue, product (own or its issue's), attribute and
-- known value, with the first day the value was seen; the root-cause tests build their 2×2
-- tables from these counts. Attributes as koe.vocabulary.ROOT_CAUSE_ATTRIBUTES names them: the
-- week is the Monday (JST) of the day, a phrase an aspect pair of the stored issue terms
-- ("電源|入らない"), counted once per document.
CREATE OR REPLACE TABLE marts.root_cause_counts AS
WITH complaints AS (
    SELECT
        f.issue_id,
        COALESCE(f.product, i.product) AS product,
        f.created_date,
        f.lot,
        f.firmware,
        f.app_version,
        f.channel,
        f.region,
        CAST(CAST(date_trunc('week', f.created_date) AS DATE) AS VARCHAR) AS week,
        a.terms
    FROM marts.feedback AS f
    LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
    LEFT JOIN nlp.feedback_analysis AS a ON a.feedback_id = f.feedback_id
    WHERE f.is_complaint
),
valued AS (
    SELECT
        issue_id, product, created_date,
        CASE attribute WHEN 'named_product' THEN 'product' ELSE attribute END AS attribute,
        value
    FROM (
        UNPIVOT (
            SELECT *, product AS named_product FROM complaints
        )
        ON named_product, lot, firmware, app_version, channel, region, week
        INTO NAME attribute VALUE value
    )
    UNION ALL
    SELECT
        issue_id, product, created_date, 'phrase',
        unnest(list_distinct(list_filter(terms, lambda t: contains(t, '|'))))
    FROM complaints
)
SELECT issue_id, product, attribute, value, count(*) AS documents, min(created_date) AS onset
FROM valued
WHERE value IS NOT NULL AND value <> ''
GROUP BY ALL
ORDER BY issue_id, product, attribute, value;

COMMENT ON TABLE marts.root_cause_counts IS 'Complaints per issue (NULL = unclassified), product, attribute (product, lot, firmware, app_version, channel, region, week, phrase) and known value, with the first day seen.';
