-- marts.question_examples: the masked wordings that typify each recurring question: its
-- representatives (closest to its centre) first, then the latest voice of each channel they leave
-- out, at most five, so the knowledge-base owner reads how people really ask.
CREATE OR REPLACE TABLE marts.question_examples AS
WITH representatives AS (
    SELECT m.*, r.position AS priority
    FROM nlp.questions AS q,
        unnest(q.representative_ids) WITH ORDINALITY AS r(feedback_id, position)
    JOIN marts.question_feedback AS m
        ON m.question_id = q.question_id AND m.feedback_id = r.feedback_id
),
latest AS (
    SELECT m.*, 100 AS priority
    FROM marts.question_feedback AS m
    WHERE m.question_id IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM representatives AS r
          WHERE r.question_id = m.question_id AND r.channel = m.channel
      )
    QUALIFY row_number() OVER (
        PARTITION BY m.question_id, m.channel ORDER BY m.created_at DESC, m.feedback_id
    ) = 1
)
SELECT
    question_id,
    row_number() OVER (PARTITION BY question_id ORDER BY priority, channel) AS example_rank,
    feedback_id,
    channel,
    created_date,
    text_masked,
    priority < 100 AS representative
FROM (SELECT * FROM representatives UNION ALL BY NAME SELECT * FROM latest)
QUALIFY example_rank <= 5
ORDER BY question_id, example_rank;

COMMENT ON TABLE marts.question_examples IS 'Up to five masked wordings per recurring question: its representatives, then the latest voice of each channel they leave out.';
COMMENT ON COLUMN marts.question_examples.example_rank IS '1 = the voice closest to the question''s centre.';
COMMENT ON COLUMN marts.question_examples.text_masked IS 'Customer words, PII replaced by placeholders; shown as text, never as Markdown.';
COMMENT ON COLUMN marts.question_examples.representative IS 'One of the members closest to the centre (else a channel''s latest voice).';
