-- Each KPI of marts.kpi_targets over the days $start..$end, with its target and status.
-- Daily rates are weighted by their own denominators (a quiet day counts less than a busy
-- one), so a period's answer rate is answered / offered over the whole period.
WITH days AS (
    SELECT * FROM marts.kpi_daily
    WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
period (kpi, value, base) AS (
    SELECT 'answer_rate',
           sum(answer_rate * calls_offered)
               / NULLIF(sum(calls_offered) FILTER (WHERE answer_rate IS NOT NULL), 0),
           sum(calls_offered) FILTER (WHERE answer_rate IS NOT NULL)
    FROM days
    UNION ALL
    SELECT 'abandon_rate',
           sum(abandon_rate * calls_offered)
               / NULLIF(sum(calls_offered) FILTER (WHERE abandon_rate IS NOT NULL), 0),
           sum(calls_offered) FILTER (WHERE abandon_rate IS NOT NULL)
    FROM days
    UNION ALL
    SELECT 'avg_speed_of_answer_s',
           sum(avg_speed_of_answer_s * calls_answered)
               / NULLIF(sum(calls_answered) FILTER (WHERE avg_speed_of_answer_s IS NOT NULL), 0),
           sum(calls_answered) FILTER (WHERE avg_speed_of_answer_s IS NOT NULL)
    FROM days
    UNION ALL
    SELECT 'first_contact_resolution_rate',
           sum(first_contact_resolution_rate * calls_answered)
               / NULLIF(sum(calls_answered) FILTER (WHERE first_contact_resolution_rate IS NOT NULL), 0),
           sum(calls_answered) FILTER (WHERE first_contact_resolution_rate IS NOT NULL)
    FROM days
    UNION ALL
    SELECT 'holds_within_45s_share',
           sum(holds_within_45s_share * holds)
               / NULLIF(sum(holds) FILTER (WHERE holds_within_45s_share IS NOT NULL), 0),
           sum(holds) FILTER (WHERE holds_within_45s_share IS NOT NULL)
    FROM days
    UNION ALL
    SELECT 'written_responded_within_24h_share',
           sum(written_responded_within_24h_share * written_received)
               / NULLIF(sum(written_received) FILTER (WHERE written_responded_within_24h_share IS NOT NULL), 0),
           sum(written_received) FILTER (WHERE written_responded_within_24h_share IS NOT NULL)
    FROM days
    UNION ALL
    SELECT 'repeat_contact_rate',
           sum(repeat_contact_rate * issue_contacts_linked)
               / NULLIF(sum(issue_contacts_linked) FILTER (WHERE repeat_contact_rate IS NOT NULL), 0),
           sum(issue_contacts_linked) FILTER (WHERE repeat_contact_rate IS NOT NULL)
    FROM days
)
-- t.* keeps optional target columns (e.g. `informational`) that older snapshots lack.
SELECT
    t.*,
    p.value,
    CAST(COALESCE(p.base, 0) AS BIGINT) AS base,
    CASE
        WHEN p.value IS NULL THEN NULL
        WHEN t.direction = '<=' THEN p.value <= t.target
        ELSE p.value >= t.target
    END AS met
FROM marts.kpi_targets AS t
LEFT JOIN period AS p USING (kpi)
ORDER BY t.rowid;
