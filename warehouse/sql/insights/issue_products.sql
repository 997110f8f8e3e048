-- Each issue's documents per product, with the first document that named it (marts.issue_products).
SELECT issue_id, product, documents, first_at, first_feedback_id
FROM marts.issue_products
ORDER BY issue_id, product;
