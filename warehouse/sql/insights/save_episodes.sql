-- Replace every episode by episodes_batch (they are recomputed from every day's tests each run).
DELETE FROM insights.episodes;
INSERT INTO insights.episodes BY NAME SELECT * FROM episodes_batch;
