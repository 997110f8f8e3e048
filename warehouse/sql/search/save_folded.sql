-- Store a batch of folded texts (registered as folded_batch), replacing a changed text's old one.
INSERT OR REPLACE INTO nlp.feedback_folded (feedback_id, content_hash, text_folded)
SELECT feedback_id, content_hash, text_folded FROM folded_batch;
