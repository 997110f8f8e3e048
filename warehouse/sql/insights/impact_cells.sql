-- The impact ranking's input over $start..$end (insights/impact.py): marts.impact_cells summed
-- over the days, one row per issue and outcome pattern.
SELECT
    issue_id, is_voice, negative, churn, refund, repeat_base, repeat_contact, fcr_known, fcr_miss,
    CAST(sum(n) AS BIGINT) AS n
FROM marts.impact_cells
WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY ALL
ORDER BY ALL;
