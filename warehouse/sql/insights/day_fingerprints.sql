-- One fingerprint per JST day of what the emerging-issue tests count on it: each document's
-- issue, product (own or its issue's), complaint and sentiment score. Equal fingerprints, equal
-- input (a sum of hashes: the order of documents does not matter, a copy does).
SELECT
    f.created_date AS day,
    CAST(sum(hash(f.issue_id, COALESCE(f.product, i.product), f.is_complaint, f.sentiment_score))
        AS VARCHAR) || ':' || CAST(count(*) AS VARCHAR) AS fingerprint
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
GROUP BY f.created_date
ORDER BY day;
