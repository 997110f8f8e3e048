-- staging.calls: raw.calls with the JST day, answered flag and hold statistics parsed from the
-- hold_segments JSON. A hold longer than 45 s should carry an intermediate report (中間報告).
CREATE OR REPLACE VIEW staging.calls AS
WITH parsed AS (
    SELECT
        c.*,
        COALESCE(
            from_json(
                c.hold_segments,
                '[{"start_s": "DOUBLE", "duration_s": "DOUBLE", "intermediate_report": "BOOLEAN"}]'
            ),
            []
        ) AS holds
    FROM raw.calls AS c
)
SELECT
    call_id,
    source_file,
    source_line,
    started_at,
    CAST(timezone('Asia/Tokyo', started_at) AS DATE) AS day,
    product,
    NOT abandoned AS answered,
    abandoned,
    answered_after_s,
    resolved_first_contact,
    customer_id,
    agent_id,
    team,
    hold_segments,
    turns_masked,
    len(holds) AS hold_count,
    COALESCE(list_max(list_transform(holds, lambda h: h.duration_s)), 0.0) AS max_hold_s,
    len(list_filter(holds, lambda h: h.duration_s <= 45)) AS holds_within_45s,
    len(list_filter(
        holds, lambda h: h.duration_s > 45 AND NOT COALESCE(h.intermediate_report, false)
    )) AS long_holds_without_report,
    md5(concat_ws(chr(31), turns_masked::VARCHAR, hold_segments::VARCHAR)) AS qa_input_hash,
    loaded_at
FROM parsed;

COMMENT ON VIEW staging.calls IS 'raw.calls + day (JST), answered, hold_count, max_hold_s, holds_within_45s, long_holds_without_report (> 45 s without intermediate report), qa_input_hash.';
