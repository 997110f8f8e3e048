INSERT INTO nlp.call_qa_findings BY NAME
SELECT call_id, check_name, turn, phrase, text_masked
FROM call_qa_findings_batch
ORDER BY call_id, turn, check_name, batch_position;
