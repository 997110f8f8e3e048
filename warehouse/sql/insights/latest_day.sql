-- The newest JST day of feedback: alerts about the week up to it are the recent ones.
SELECT max(created_date) FROM marts.feedback;
