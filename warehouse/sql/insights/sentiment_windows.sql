-- The sentiment scores the sentiment-drop test reads, for the (issue, day) pairs of
-- sentiment_windows only: the issue's scores over the $window_days ending on that day (recent)
-- and the $baseline_days before them, counted per score.
SELECT
    w.issue_id,
    w.day,
    f.created_date > w.day - $window_days AS recent,
    f.sentiment_score,
    count(*) AS documents
FROM sentiment_windows AS w
JOIN marts.feedback AS f
    ON f.issue_id = w.issue_id
    AND f.created_date BETWEEN w.day - ($window_days + $baseline_days - 1) AND w.day
WHERE f.sentiment_score IS NOT NULL
GROUP BY ALL
ORDER BY w.issue_id, w.day, recent, f.sentiment_score;
