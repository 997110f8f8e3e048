-- marts.issues: one row per issue plus '__unclassified__' (未分類: complaints in no issue) and
-- '__not_complaint__' (苦情以外: praise, questions, requests), so that the feedback_count column
-- sums to the number of rows in marts.feedback.
CREATE OR REPLACE TABLE marts.issues AS
WITH members AS (
    SELECT COALESCE(issue_id, '__unclassified__') AS issue_id, *  EXCLUDE (issue_id)
    FROM marts.feedback
),
catalogue AS (
    -- A cluster an analyst dismissed stays, as 課題ではない; one merged into another is gone.
    SELECT
        issue_id,
        label,
        keywords,
        representative_ids,
        CASE WHEN status = 'not_an_issue' THEN 'not_an_issue' ELSE 'issue' END AS kind,
        COALESCE(origin, 'machine') AS origin,
        label IS DISTINCT FROM COALESCE(machine_label, label) AS label_pinned
    FROM nlp.issues
    WHERE COALESCE(status, 'active') <> 'merged'
    UNION ALL
    -- The two rows that are not issues show their five most recent members as examples.
    SELECT
        pseudo.issue_id,
        pseudo.label,
        []::VARCHAR[],
        COALESCE(
            (SELECT list(feedback_id ORDER BY created_at DESC, feedback_id)[1:5]
             FROM members WHERE members.issue_id = pseudo.issue_id),
            []::VARCHAR[]
        ),
        pseudo.kind,
        'machine',
        false
    FROM (VALUES
        ('__unclassified__', '未分類', 'unclassified'),
        ('__not_complaint__', '苦情以外（お礼・質問・要望）', 'not_complaint')
    ) AS pseudo(issue_id, label, kind)
),
stats AS (
    SELECT
        issue_id,
        count(*) AS feedback_count,
        avg(CASE WHEN sentiment IS NULL THEN NULL WHEN sentiment = 'negative' THEN 1.0 ELSE 0.0 END)
            AS negative_share,
        min(created_date) AS first_seen,
        max(created_date) AS last_seen
    FROM members
    GROUP BY issue_id
),
top_product AS (
    SELECT issue_id, product
    FROM (SELECT issue_id, product, count(*) AS n FROM members WHERE product IS NOT NULL GROUP BY ALL)
    QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY n DESC, product) = 1
),
top_channel AS (
    SELECT issue_id, channel
    FROM (SELECT issue_id, channel, count(*) AS n FROM members GROUP BY ALL)
    QUALIFY row_number() OVER (PARTITION BY issue_id ORDER BY n DESC, channel) = 1
)
SELECT
    c.issue_id,
    c.label,
    c.kind,
    COALESCE(c.keywords, []::VARCHAR[]) AS keywords,
    COALESCE(s.feedback_count, 0) AS feedback_count,
    s.negative_share,
    s.first_seen,
    s.last_seen,
    p.product AS top_product,
    ch.channel AS top_channel,
    COALESCE(c.representative_ids, []::VARCHAR[]) AS representative_ids,
    c.origin,
    c.label_pinned
FROM catalogue AS c
LEFT JOIN stats AS s USING (issue_id)
LEFT JOIN top_product AS p USING (issue_id)
LEFT JOIN top_channel AS ch USING (issue_id)
ORDER BY c.kind <> 'issue', c.kind, feedback_count DESC, c.issue_id;

COMMENT ON TABLE marts.issues IS 'Issues with their size and spread, plus the rows __unclassified__ (未分類) and __not_complaint__ (苦情以外); SUM(feedback_count) = rows of marts.feedback.';
COMMENT ON COLUMN marts.issues.issue_id IS 'nlp.issues.issue_id, __unclassified__ for complaints without an issue, __not_complaint__ for praise, questions and requests.';
COMMENT ON COLUMN marts.issues.kind IS 'issue | not_an_issue (an analyst dismissed the cluster) | unclassified | not_complaint.';
COMMENT ON COLUMN marts.issues.origin IS 'machine (clustering found it) or analyst (split off by a person).';
COMMENT ON COLUMN marts.issues.label_pinned IS 'An analyst renamed the issue: the label is theirs, and clustering keeps it.';
COMMENT ON COLUMN marts.issues.feedback_count IS 'Originals in marts.feedback assigned to the issue.';
COMMENT ON COLUMN marts.issues.negative_share IS 'Share of analysed members with negative sentiment; NULL when none analysed.';
COMMENT ON COLUMN marts.issues.first_seen IS 'Earliest created_date (JST) among members.';
COMMENT ON COLUMN marts.issues.last_seen IS 'Latest created_date (JST) among members.';
COMMENT ON COLUMN marts.issues.top_product IS 'Most frequent product among members (ties: alphabetical).';
COMMENT ON COLUMN marts.issues.top_channel IS 'Most frequent channel among members (ties: alphabetical).';
COMMENT ON COLUMN marts.issues.representative_ids IS 'feedback_ids that typify the issue (clustering), or the latest five for the two rows that are not issues.';
