-- marts.issue_daily: issue volume per JST day, channel and product, for trend charts.
CREATE OR REPLACE TABLE marts.issue_daily AS
SELECT
    COALESCE(issue_id, '__unclassified__') AS issue_id,
    created_date AS day,
    channel,
    product,
    count(*) AS feedback_count,
    count(*) FILTER (WHERE sentiment = 'negative') AS negative_count,
    avg(sentiment_score) AS avg_sentiment
FROM marts.feedback
GROUP BY ALL
ORDER BY day, issue_id, channel, product;

COMMENT ON TABLE marts.issue_daily IS 'Feedback per issue (incl. __unclassified__), JST day, channel and product.';
COMMENT ON COLUMN marts.issue_daily.avg_sentiment IS 'Mean sentiment_score of the analysed feedback; NULL when none analysed.';
