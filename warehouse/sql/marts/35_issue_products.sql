-- marts.issue_products: each issue's documents per product (own or the issue's), with the first
-- document that named it: an issue's product is the one most of its documents name, the first
-- named on a tie.
CREATE OR REPLACE TABLE marts.issue_products AS
SELECT
    f.issue_id,
    COALESCE(f.product, i.product) AS product,
    count(*) AS documents,
    min(f.created_at) AS first_at,
    arg_min(f.feedback_id, (f.created_at, f.feedback_id)) AS first_feedback_id
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
WHERE f.issue_id IS NOT NULL AND COALESCE(f.product, i.product) IS NOT NULL
GROUP BY ALL
ORDER BY issue_id, product;

COMMENT ON TABLE marts.issue_products IS 'Documents per issue and product, with the first (created_at, feedback_id) that named the product.';
