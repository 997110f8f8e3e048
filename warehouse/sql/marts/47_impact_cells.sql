-- marts.impact_cells: what an issue's impact (insights/impact.py) is computed from, counted per JST
-- day, issue and outcome pattern instead of per document, so the ranking never reads documents and
-- grows with days × issues.
--
-- A cell is one combination of the outcomes the executive figures count for a voice: negative,
-- churn flag, refund flag, a voice about an issue of a known customer (再問い合わせ率's base) and
-- whether it is a repeat contact, and for a call's voice whether its first-contact outcome is
-- known and was a miss (1次解決率's base and misses). Keeping the outcomes of one voice together in
-- one cell lets a bootstrap resample voices (cells) without breaking their correlation.
--
-- Answered calls whose customer said nothing (no voice) still count in 1次解決率: they are cells
-- with is_voice = false and no issue, so the overall figure here is the KPI's.
CREATE OR REPLACE TABLE marts.impact_cells AS
WITH voices AS (
    SELECT
        f.created_date AS day,
        f.issue_id,
        true AS is_voice,
        COALESCE(f.sentiment = 'negative', false) AS negative,
        list_contains(f.flags, 'churn') AS churn,
        list_contains(f.flags, 'refund_request') AS refund,
        COALESCE(cc.about_issue, false) AS repeat_base,
        COALESCE(cc.is_repeat_contact, false) AS repeat_contact,
        COALESCE(c.answered AND c.resolved_first_contact IS NOT NULL, false) AS fcr_known,
        COALESCE(c.answered AND NOT c.resolved_first_contact, false) AS fcr_miss,
        c.call_id
    FROM marts.feedback AS f
    JOIN raw.feedback AS r USING (feedback_id)
    LEFT JOIN marts.customer_contacts AS cc USING (feedback_id)
    LEFT JOIN marts.calls AS c ON f.channel = 'call' AND c.call_id = r.source_key
),
silent_calls AS (
    SELECT
        c.day,
        CAST(NULL AS VARCHAR) AS issue_id,
        false AS is_voice,
        false AS negative,
        false AS churn,
        false AS refund,
        false AS repeat_base,
        false AS repeat_contact,
        true AS fcr_known,
        NOT c.resolved_first_contact AS fcr_miss
    FROM marts.calls AS c
    ANTI JOIN (SELECT call_id FROM voices WHERE call_id IS NOT NULL) AS v USING (call_id)
    WHERE c.answered AND c.resolved_first_contact IS NOT NULL
)
SELECT
    day, issue_id, is_voice, negative, churn, refund, repeat_base, repeat_contact, fcr_known,
    fcr_miss, count(*) AS n
FROM (
    SELECT * EXCLUDE (call_id) FROM voices
    UNION ALL
    SELECT * FROM silent_calls
)
GROUP BY ALL
ORDER BY day, issue_id NULLS LAST, is_voice, negative, churn, refund, repeat_base,
    repeat_contact, fcr_known, fcr_miss;

COMMENT ON TABLE marts.impact_cells IS 'Voices (and answered calls without a voice) per JST day, issue and outcome pattern: what the impact ranking (insights/impact.py) resamples.';
COMMENT ON COLUMN marts.impact_cells.issue_id IS 'As marts.feedback.issue_id: __not_complaint__ for praise, questions and requests; NULL for unclassified complaints and for calls without a voice.';
COMMENT ON COLUMN marts.impact_cells.is_voice IS 'false for an answered call whose customer said nothing: it counts only in 1次解決率.';
COMMENT ON COLUMN marts.impact_cells.negative IS 'sentiment = negative (the negative share''s numerator; every voice is its base).';
COMMENT ON COLUMN marts.impact_cells.churn IS 'The voice carries the churn flag.';
COMMENT ON COLUMN marts.impact_cells.refund IS 'The voice carries the refund_request flag.';
COMMENT ON COLUMN marts.impact_cells.repeat_base IS 'A voice about an issue from a known customer: the base of 再問い合わせ率 (marts.customer_contacts.about_issue).';
COMMENT ON COLUMN marts.impact_cells.repeat_contact IS 'A repeat contact (marts.customer_contacts.is_repeat_contact).';
COMMENT ON COLUMN marts.impact_cells.fcr_known IS 'An answered call whose first-contact outcome is recorded: the base of 1次解決率.';
COMMENT ON COLUMN marts.impact_cells.fcr_miss IS 'Of those, not resolved at first contact.';
COMMENT ON COLUMN marts.impact_cells.n IS 'How many voices (or silent calls) have this day, issue and pattern.';
