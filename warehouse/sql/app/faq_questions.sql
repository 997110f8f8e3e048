-- The recurring questions (よくある質問) of $start..$end, for the FAQ page: voices in the period,
-- the trend (the last $trend_days days up to $end against the $trend_days before them), the
-- channels they arrive by, and how many of their calls were resolved at first contact.
-- Empty $products means every product. Largest first.
WITH daily AS (
    SELECT d.*
    FROM marts.question_daily AS d
    WHERE d.question_id IS NOT NULL
      AND (len(CAST($products AS VARCHAR[])) = 0
           OR list_contains(CAST($products AS VARCHAR[]), d.product))
),
period AS (
    SELECT
        question_id,
        sum(voices) AS voices,
        sum(requests) AS requests,
        sum(voices) FILTER (WHERE channel = 'call') AS call_voices,
        sum(voices) FILTER (WHERE channel = 'email') AS email_voices,
        sum(voices) FILTER (WHERE channel = 'form') AS form_voices,
        sum(voices) FILTER (WHERE channel = 'sns') AS sns_voices,
        sum(calls_recorded) AS calls_recorded,
        sum(calls_resolved_first) AS calls_resolved_first
    FROM daily
    WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY question_id
),
trend AS (
    SELECT
        question_id,
        sum(voices) FILTER (
            WHERE day > CAST($end AS DATE) - CAST($trend_days AS INTEGER)
        ) AS recent_voices,
        sum(voices) FILTER (
            WHERE day <= CAST($end AS DATE) - CAST($trend_days AS INTEGER)
        ) AS earlier_voices
    FROM daily
    WHERE day > CAST($end AS DATE) - 2 * CAST($trend_days AS INTEGER)
      AND day <= CAST($end AS DATE)
    GROUP BY question_id
)
SELECT
    q.question_id,
    q.label,
    q.product,
    CASE WHEN p.requests * 2 > p.voices THEN 'request' ELSE 'question' END AS inquiry,
    CAST(p.voices AS BIGINT) AS voices,
    CAST(COALESCE(t.recent_voices, 0) AS BIGINT) AS recent_voices,
    CAST(COALESCE(t.earlier_voices, 0) AS BIGINT) AS earlier_voices,
    CAST(COALESCE(t.recent_voices, 0) - COALESCE(t.earlier_voices, 0) AS BIGINT) AS trend,
    CAST(COALESCE(p.call_voices, 0) AS BIGINT) AS call_voices,
    CAST(COALESCE(p.email_voices, 0) AS BIGINT) AS email_voices,
    CAST(COALESCE(p.form_voices, 0) AS BIGINT) AS form_voices,
    CAST(COALESCE(p.sns_voices, 0) AS BIGINT) AS sns_voices,
    CAST(p.calls_recorded AS BIGINT) AS calls_recorded,
    CAST(p.calls_resolved_first AS BIGINT) AS calls_resolved_first,
    p.calls_resolved_first / NULLIF(p.calls_recorded, 0) AS first_contact_resolution,
    q.keywords
FROM period AS p
JOIN marts.questions AS q USING (question_id)
LEFT JOIN trend AS t USING (question_id)
WHERE p.voices > 0
ORDER BY voices DESC, trend DESC, q.question_id;
