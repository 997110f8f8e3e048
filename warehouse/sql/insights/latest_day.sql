-- The newest JST day of feedback: alerts about the week up to it are the recent ones. A day
-- after today is a broken clock (ingest quarantines those; this guards older warehouses), and
-- would empty the recent window.
SELECT max(created_date) FROM marts.feedback
WHERE created_date <= CAST(timezone('Asia/Tokyo', now()) AS DATE);
