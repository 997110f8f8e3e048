-- marts.kpi_daily: the contact-centre KPIs per JST day; compare with marts.kpi_targets.
CREATE OR REPLACE TABLE marts.kpi_daily AS
WITH calls AS (
    SELECT
        day,
        count(*) AS calls_offered,
        count(*) FILTER (WHERE answered) AS calls_answered,
        count(*) FILTER (WHERE abandoned) AS calls_abandoned,
        avg(answered_after_s) FILTER (WHERE answered) AS avg_speed_of_answer_s,
        count(*) FILTER (WHERE answered AND resolved_first_contact) AS resolved_first_contact,
        count(*) FILTER (WHERE answered AND resolved_first_contact IS NOT NULL) AS fcr_known,
        CAST(sum(hold_count) AS BIGINT) AS holds,
        CAST(sum(holds_within_45s) AS BIGINT) AS holds_within_45s
    FROM staging.calls
    GROUP BY day
),
written AS (
    SELECT
        created_date AS day,
        count(*) AS written_received,
        count(*) FILTER (WHERE first_response_at IS NOT NULL) AS written_with_response,
        count(*) FILTER (
            WHERE first_response_at IS NOT NULL
              AND first_response_at <= created_at + INTERVAL 24 HOUR
        ) AS written_responded_within_24h
    FROM staging.feedback
    WHERE channel IN ('email', 'form') AND duplicate_of IS NULL
    GROUP BY created_date
),
repeats AS (
    SELECT
        created_date AS day,
        count(*) AS issue_contacts_linked,
        count(*) FILTER (WHERE is_repeat_contact) AS repeat_contacts
    FROM marts.customer_contacts
    WHERE about_issue
    GROUP BY created_date
)
SELECT
    day,
    COALESCE(c.calls_offered, 0) AS calls_offered,
    COALESCE(c.calls_answered, 0) AS calls_answered,
    c.calls_answered / NULLIF(c.calls_offered, 0) AS answer_rate,
    c.calls_abandoned / NULLIF(c.calls_offered, 0) AS abandon_rate,
    c.avg_speed_of_answer_s,
    c.resolved_first_contact / NULLIF(c.fcr_known, 0) AS first_contact_resolution_rate,
    COALESCE(c.holds, 0) AS holds,
    c.holds_within_45s / NULLIF(c.holds, 0) AS holds_within_45s_share,
    COALESCE(w.written_received, 0) AS written_received,
    w.written_responded_within_24h / NULLIF(w.written_with_response, 0)
        AS written_responded_within_24h_share,
    COALESCE(r.issue_contacts_linked, 0) AS issue_contacts_linked,
    COALESCE(r.repeat_contacts, 0) AS repeat_contacts,
    r.repeat_contacts / NULLIF(r.issue_contacts_linked, 0) AS repeat_contact_rate
FROM calls AS c
FULL OUTER JOIN written AS w USING (day)
FULL OUTER JOIN repeats AS r USING (day)
ORDER BY day;

COMMENT ON TABLE marts.kpi_daily IS 'Contact-centre KPIs per JST day. Rates are NULL when their denominator is 0.';
COMMENT ON COLUMN marts.kpi_daily.calls_offered IS 'Calls that reached the queue (answered + abandoned).';
COMMENT ON COLUMN marts.kpi_daily.answer_rate IS '応答率 = calls_answered / calls_offered.';
COMMENT ON COLUMN marts.kpi_daily.abandon_rate IS '放棄呼率 = abandoned calls / calls_offered.';
COMMENT ON COLUMN marts.kpi_daily.avg_speed_of_answer_s IS '平均応答速度 (ASA) = mean answered_after_s of answered calls.';
COMMENT ON COLUMN marts.kpi_daily.first_contact_resolution_rate IS '1次解決率 = answered calls resolved on first contact / answered calls whose outcome is recorded.';
COMMENT ON COLUMN marts.kpi_daily.holds IS 'Hold segments in the day''s calls.';
COMMENT ON COLUMN marts.kpi_daily.holds_within_45s_share IS 'Share of hold segments lasting at most 45 s.';
COMMENT ON COLUMN marts.kpi_daily.written_received IS 'Original email + form feedback created that day.';
COMMENT ON COLUMN marts.kpi_daily.written_responded_within_24h_share IS '初回返信24時間以内: among that day''s email + form originals whose first reply is known, the share answered within 24 h. Items without a known reply are left out.';
COMMENT ON COLUMN marts.kpi_daily.issue_contacts_linked IS 'Original voices created that day that belong to an issue and whose customer is known (marts.customer_contacts).';
COMMENT ON COLUMN marts.kpi_daily.repeat_contacts IS 'Of those, the repeat contacts: the same customer about the same issue within KOE_REPEAT_CONTACT_DAYS.';
COMMENT ON COLUMN marts.kpi_daily.repeat_contact_rate IS '再問い合わせ率 = repeat_contacts / issue_contacts_linked.';
