-- marts.question_daily: voices per recurring question, JST day, channel and product, with the
-- first-contact resolution of the calls among them: what the FAQ page counts for any period.
CREATE OR REPLACE TABLE marts.question_daily AS
SELECT
    question_id,
    created_date AS day,
    channel,
    product,
    count(*) AS voices,
    count(*) FILTER (WHERE inquiry = 'request') AS requests,
    count(resolved_first_contact) AS calls_recorded,
    count(*) FILTER (WHERE resolved_first_contact) AS calls_resolved_first
FROM marts.question_feedback
GROUP BY ALL
ORDER BY day, question_id, channel, product;

COMMENT ON TABLE marts.question_daily IS 'Questions and requests per recurring question (NULL = in none), JST day, channel and product.';
COMMENT ON COLUMN marts.question_daily.calls_recorded IS 'Calls among the voices whose log says whether they were resolved at first contact.';
COMMENT ON COLUMN marts.question_daily.calls_resolved_first IS 'Of those, calls resolved at first contact (1次解決).';
