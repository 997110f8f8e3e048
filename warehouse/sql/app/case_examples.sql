-- Case examples for training: per issue in $issue_ids, up to $per_issue masked texts from
-- $start..$end, one channel after another (a call, a mail, a post ... before a second call).
-- Within a channel the clustering's representatives come first, then the texts that use most of
-- the issue's keywords, then the fuller ones. Very short and very long texts are left out.
WITH candidates AS (
    SELECT
        f.issue_id,
        i.label,
        f.feedback_id,
        f.created_date,
        f.channel,
        f.product,
        f.sentiment,
        f.flags,
        f.text_masked,
        COALESCE(list_position(i.representative_ids, f.feedback_id), 1000) AS representative_rank,
        len(list_filter(i.keywords, lambda k: contains(f.text_masked, k))) AS keyword_hits
    FROM marts.feedback AS f
    JOIN marts.issues AS i ON i.issue_id = f.issue_id
    WHERE list_contains(CAST($issue_ids AS VARCHAR[]), f.issue_id)
      AND f.created_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
      AND length(f.text_masked) BETWEEN 20 AND 800
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY issue_id, channel
            ORDER BY representative_rank, keyword_hits DESC, length(text_masked) DESC, feedback_id
        ) AS within_channel
    FROM candidates
)
SELECT
    issue_id, label, feedback_id, created_date, channel, product, sentiment, flags, text_masked,
    representative_rank < 1000 AS representative, keyword_hits
FROM ranked
QUALIFY row_number() OVER (
    PARTITION BY issue_id
    ORDER BY within_channel, representative_rank, keyword_hits DESC, feedback_id
) <= CAST($per_issue AS BIGINT)
ORDER BY list_position(CAST($issue_ids AS VARCHAR[]), issue_id), within_channel,
    representative_rank, keyword_hits DESC, feedback_id;
