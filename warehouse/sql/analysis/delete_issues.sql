-- Issues are replaced as a whole: each clustering run sees every original.
DELETE FROM nlp.issues;
