-- koe's proposed sub-groups of issue $issue_id, each with its examples' masked texts.
SELECT
    g.subgroup,
    g.label,
    g.keywords,
    g.share,
    g.centroid,
    list(f.text_masked ORDER BY list_position(g.example_ids, f.feedback_id))
        FILTER (WHERE f.feedback_id IS NOT NULL) AS examples
FROM marts.issue_subgroups AS g
LEFT JOIN marts.feedback AS f ON list_contains(g.example_ids, f.feedback_id)
WHERE g.issue_id = $issue_id
GROUP BY ALL
ORDER BY g.subgroup;
