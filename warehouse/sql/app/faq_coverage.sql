-- Questions and requests of $start..$end, and how many of them belong to a recurring question.
SELECT
    CAST(COALESCE(sum(voices), 0) AS BIGINT) AS inquiries,
    CAST(COALESCE(sum(voices) FILTER (WHERE question_id IS NOT NULL), 0) AS BIGINT) AS in_questions
FROM marts.question_daily
WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND (len(CAST($products AS VARCHAR[])) = 0
       OR list_contains(CAST($products AS VARCHAR[]), product));
