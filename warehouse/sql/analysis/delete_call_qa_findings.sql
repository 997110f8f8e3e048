-- Findings have no key: replace every finding of the calls in the registered batches.
DELETE FROM nlp.call_qa_findings
WHERE call_id IN (
    SELECT call_id FROM call_qa_batch
    UNION
    SELECT call_id FROM call_qa_findings_batch
);
