-- Store a batch of normalized texts (registered as normalized_batch), replacing changed ones.
INSERT OR REPLACE INTO nlp.feedback_normalized (feedback_id, content_hash, text_normalized)
SELECT feedback_id, content_hash, text_normalized FROM normalized_batch;
