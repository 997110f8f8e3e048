-- staging.feedback: raw.feedback with its JST date and exact-duplicate detection.
--
-- A submission is a duplicate when an earlier one has the same channel, the same content_hash
-- (masked text) and the same sender, and this one was created at most 24 h after that earlier
-- original. duplicate_of is the original's feedback_id (never another duplicate); NULL = original.
--
-- The sender is customer_id when known. Masking turns names into ［氏名］ (so "［氏名］ 様" is
-- everyone), hence author_masked only counts when masking left it untouched, i.e. it holds no
-- ［…］ placeholder (an SNS handle such as @kaden_suki). When neither identifies the sender,
-- channel + content_hash alone decide within the 24 h window: two different anonymous senders
-- of the very same words within a day are counted once.
--
-- The 24 h window is anchored on the original: A, B (+20 h), C (+40 h) → B is a duplicate of A,
-- C is a new original (it is more than 24 h after A). That greedy walk is the recursive CTE;
-- it only visits groups with more than one submission.
CREATE OR REPLACE VIEW staging.feedback AS
WITH RECURSIVE keyed AS (
    SELECT
        f.*,
        CAST(timezone('Asia/Tokyo', f.created_at) AS DATE) AS created_date,
        concat_ws(chr(31), f.channel, f.content_hash, COALESCE(
            'customer:' || f.customer_id,
            CASE
                WHEN trim(f.author_masked) <> '' AND NOT regexp_matches(f.author_masked, '［[^］]*］')
                THEN 'author:' || trim(f.author_masked)
            END,
            'unknown'
        )) AS duplicate_key
    FROM raw.feedback AS f
),
grouped AS (
    SELECT
        duplicate_key,
        feedback_id,
        created_at,
        row_number() OVER (PARTITION BY duplicate_key ORDER BY created_at, feedback_id) AS position,
        count(*) OVER (PARTITION BY duplicate_key) AS group_size
    FROM keyed
),
candidates AS (
    SELECT * FROM grouped WHERE group_size > 1
),
walk(duplicate_key, position, feedback_id, original_id, original_at) AS (
    SELECT duplicate_key, position, feedback_id, feedback_id, created_at
    FROM candidates
    WHERE position = 1
    UNION ALL
    SELECT
        c.duplicate_key,
        c.position,
        c.feedback_id,
        CASE WHEN c.created_at <= w.original_at + INTERVAL 24 HOUR THEN w.original_id ELSE c.feedback_id END,
        CASE WHEN c.created_at <= w.original_at + INTERVAL 24 HOUR THEN w.original_at ELSE c.created_at END
    FROM walk AS w
    JOIN candidates AS c
        ON c.duplicate_key = w.duplicate_key AND c.position = w.position + 1
)
SELECT
    k.feedback_id,
    k.channel,
    k.source_key,
    k.source_file,
    k.source_line,
    k.created_at,
    k.created_date,
    k.product,
    k.customer_id,
    k.author_masked,
    k.subject_masked,
    k.text_masked,
    k.content_hash,
    k.first_response_at,
    k.attributes,
    k.pii_types,
    k.loaded_at,
    NULLIF(w.original_id, k.feedback_id) AS duplicate_of
FROM keyed AS k
LEFT JOIN walk AS w ON w.feedback_id = k.feedback_id;

COMMENT ON VIEW staging.feedback IS 'raw.feedback + created_date (JST) + duplicate_of (earlier identical submission by the same sender within 24 h; NULL = original).';
