-- KWIC lines of $needle (already NFKC-normalized, warehouse.search.normalize) in the masked
-- feedback of $start..$end, restricted to $channels / $products when those lists are not empty:
-- one line per occurrence, $width characters of context on either side, newest text first.
-- Text and needle are compared lower-cased; every occurrence in every text of the period counts.
-- A needle without letter case (most Japanese words) is found without lower-casing every text of
-- the period (a text that contains it lower-cased contains it as written), four times faster.
WITH texts AS (
    SELECT
        f.feedback_id, f.created_at, f.created_date, f.channel, f.product, f.issue_label,
        f.text_normalized AS shown,
        lower(f.text_normalized) AS searched
    FROM marts.feedback AS f
    WHERE f.created_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
      AND CASE WHEN lower($needle) = upper($needle) THEN contains(f.text_normalized, $needle)
               ELSE contains(lower(f.text_normalized), lower($needle)) END
      AND (len(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), f.channel))
      AND (len(CAST($products AS VARCHAR[])) = 0 OR list_contains(CAST($products AS VARCHAR[]), f.product))
),
pieces AS (
    -- The text between occurrences: occurrence k starts after pieces 1..k and k - 1 needles.
    SELECT
        t.*,
        -- Lower-casing rarely changes a length (İ); then the lower-cased text is shown.
        CASE WHEN length(t.searched) = length(t.shown) THEN t.shown ELSE t.searched END AS line,
        unnest(string_split(t.searched, lower($needle))) AS piece,
        generate_subscripts(string_split(t.searched, lower($needle)), 1) AS k,
        len(string_split(t.searched, lower($needle))) AS n
    FROM texts AS t
),
occurrences AS (
    SELECT
        *,
        CAST(sum(length(piece)) OVER (PARTITION BY feedback_id ORDER BY k ROWS UNBOUNDED PRECEDING) AS BIGINT)
            + (k - 1) * length(lower($needle)) AS before  -- characters before the occurrence
    FROM pieces
    QUALIFY k < n
)
SELECT
    feedback_id,
    created_date,
    channel,
    product,
    issue_label,
    substring(line, greatest(1, before - CAST($width AS BIGINT) + 1), least(CAST($width AS BIGINT), before))
        AS "left",
    substring(line, before + 1, length(lower($needle))) AS keyword,
    substring(line, before + length(lower($needle)) + 1, CAST($width AS BIGINT)) AS "right"
FROM occurrences
ORDER BY created_at DESC, feedback_id, k;
