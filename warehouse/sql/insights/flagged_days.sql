-- One fingerprint per JST day of the feedback carrying one of $flags: what its alerts show (id,
-- issue, product, channel, flags, masked text). A day whose fingerprint is unchanged keeps them.
SELECT
    f.created_date AS day,
    CAST(sum(hash(
        f.feedback_id, f.issue_id, COALESCE(f.product, i.product), f.channel, f.flags, f.text_masked
    )) AS VARCHAR) || ':' || CAST(count(*) AS VARCHAR) AS fingerprint
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
WHERE list_has_any(f.flags, $flags)
GROUP BY f.created_date
ORDER BY day;
