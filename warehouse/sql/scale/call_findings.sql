-- Every agent-QA finding, for `eval.scale.grow`.
SELECT call_id, check_name, turn, phrase, text_masked
FROM nlp.call_qa_findings
ORDER BY call_id, turn, check_name;
