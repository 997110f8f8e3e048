-- Replace every customer link with the registered batch (links_batch: feedback_id, customer_key).
DELETE FROM nlp.customer_links;
INSERT INTO nlp.customer_links BY NAME SELECT feedback_id, customer_key FROM links_batch;
