-- marts.flag_daily: documents carrying each risk flag per JST day, issue and product (a document
-- counts once per flag it carries), for the weekly reports' risk counts.
CREATE OR REPLACE TABLE marts.flag_daily AS
SELECT day, issue_id, product, flag, count(*) AS documents
FROM (
    SELECT
        f.created_date AS day,
        f.issue_id,
        COALESCE(f.product, i.product) AS product,
        unnest(list_distinct(f.flags)) AS flag
    FROM marts.feedback AS f
    LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
)
GROUP BY ALL
ORDER BY day, issue_id, product, flag;

COMMENT ON TABLE marts.flag_daily IS 'Documents with each risk flag per JST day, issue and product (own or its issue''s).';
