-- How many alerts of each kind are stored.
SELECT kind, count(*) AS alerts FROM insights.alerts GROUP BY kind ORDER BY kind;
