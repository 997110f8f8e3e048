-- Feedback whose current text is analysed and embedded (by $model), with its analysis and vector:
-- the rows `eval.scale.grow` copies. Join on content_hash so a stale analysis is never copied.
SELECT
    f.feedback_id, f.channel, f.source_key, f.source_file, f.source_line, f.created_at,
    f.product, f.customer_id, f.author_masked, f.subject_masked, f.text_masked,
    f.first_response_at, f.attributes::VARCHAR AS attributes, f.pii_types,
    a.sentiment, a.sentiment_score, a.flags, a.keywords, a.is_complaint, a.analysis_version,
    a.terms, a.inquiry, e.vector
FROM raw.feedback AS f
JOIN nlp.feedback_analysis AS a ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
JOIN nlp.embeddings AS e ON e.content_hash = f.content_hash AND e.model = $model
ORDER BY f.source_file, f.feedback_id;
