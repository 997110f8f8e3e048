INSERT OR REPLACE INTO nlp.feedback_analysis BY NAME
SELECT DISTINCT ON (feedback_id)
    feedback_id, content_hash, sentiment, sentiment_score, flags, keywords, analyzed_at,
    is_complaint, analysis_version, terms, inquiry
FROM feedback_analysis_batch
ORDER BY feedback_id, batch_position DESC;
