-- Replace the incidents by those of marts.feedback now; one found before keeps its detected_at.
-- One voice about a hazard or a threat is one alert; many voices about the same one are one
-- incident, so a year's flagged voices make a list a person can work through. Each voice carrying
-- a flag of incident_flags_batch is keyed by that flag, its issue (NULL when it has none) and its
-- product (its own, or else its issue's); a flag marked by_product (a hazard: the product is what
-- is stopped and collected) is keyed by flag and product alone when the product is known, and the
-- incident names the issue most of its voices are in. Within a key, in time order, a voice that comes more
-- than incident_window_batch.days after the voice before it opens a new incident; any other
-- joins the open one and raises its count. An id hashes the key and the first voice, so
-- computing again gives the same ids and the app's case records stay attached.
CREATE OR REPLACE TEMP TABLE incident_batch AS
WITH voices AS (
    SELECT
        f.feedback_id,
        flag,
        CASE WHEN f.issue_id LIKE '\_\_%' ESCAPE '\' THEN NULL ELSE f.issue_id END AS issue_id,
        COALESCE(f.product, i.top_product) AS product,
        f.channel,
        f.created_at
    FROM marts.feedback AS f
    CROSS JOIN unnest(f.flags) AS t(flag)
    LEFT JOIN marts.issues AS i ON i.issue_id = f.issue_id
    WHERE flag IN (SELECT flag FROM incident_flags_batch)
), keyed AS (
    SELECT
        v.*,
        CASE WHEN b.by_product AND v.product IS NOT NULL THEN NULL ELSE v.issue_id END AS issue_key
    FROM voices AS v
    JOIN incident_flags_batch AS b USING (flag)
), gaps AS (
    SELECT
        *,
        CASE
            WHEN created_at - lag(created_at) OVER key_order
                <= (SELECT to_days(CAST(days AS INTEGER)) FROM incident_window_batch)
                THEN 0
            ELSE 1
        END AS opens
    FROM keyed
    WINDOW key_order AS (PARTITION BY flag, issue_key, product ORDER BY created_at, feedback_id)
), numbered AS (
    SELECT
        *,
        sum(opens) OVER (
            PARTITION BY flag, issue_key, product ORDER BY created_at, feedback_id
            ROWS UNBOUNDED PRECEDING
        ) AS run
    FROM gaps
), counted AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY flag, issue_key, product, run, issue_id) AS issue_voices
    FROM numbered
)
SELECT
    'inc_' || left(sha256(concat_ws(chr(31),
        flag, COALESCE(issue_key, ''), COALESCE(product, ''),
        arg_min(feedback_id, (created_at, feedback_id))
    )), 16) AS incident_id,
    flag,
    -- the issue most of its voices are in (the earliest voice's among equals)
    arg_min(issue_id, (-issue_voices, created_at, feedback_id)) AS issue_id,
    product,
    count(*) AS voices,
    min(created_at) AS first_at,
    max(created_at) AS latest_at,
    CAST(timezone('Asia/Tokyo', min(created_at)) AS DATE) AS first_day,
    CAST(timezone('Asia/Tokyo', max(created_at)) AS DATE) AS latest_day,
    list(DISTINCT channel ORDER BY channel) AS channels,
    list(feedback_id ORDER BY created_at, feedback_id) AS feedback_ids
FROM counted
GROUP BY flag, issue_key, product, run;

DELETE FROM insights.incidents
WHERE incident_id NOT IN (SELECT incident_id FROM incident_batch);
INSERT INTO insights.incidents BY NAME
SELECT *, now() AS detected_at FROM incident_batch
ON CONFLICT (incident_id) DO UPDATE SET
    voices = excluded.voices,
    latest_at = excluded.latest_at,
    latest_day = excluded.latest_day,
    channels = excluded.channels,
    feedback_ids = excluded.feedback_ids;
DROP TABLE incident_batch;
