-- Store one product team's report for one week, replacing an earlier (partial) one.
INSERT OR REPLACE INTO insights.weekly_reports (
    week_start, team, products, data_through, complaints, previous, new_issues, alerts,
    file_stem, html, csv, rendered_at
)
VALUES (
    $week_start, $team, $products, $data_through, $complaints, $previous, $new_issues, $alerts,
    $file_stem, $html, $csv, now()
);
