-- The masked wordings that typify the recurring questions in $question_ids, in each one's order.
SELECT e.question_id, q.label, e.example_rank, e.channel, e.created_date, e.text_masked,
    e.representative
FROM marts.question_examples AS e
JOIN marts.questions AS q USING (question_id)
WHERE list_contains(CAST($question_ids AS VARCHAR[]), e.question_id)
ORDER BY list_position(CAST($question_ids AS VARCHAR[]), e.question_id), e.example_rank;
