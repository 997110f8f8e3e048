-- Replace the notices (what alert delivery sends) by those of the incidents and episodes just
-- saved: one per episode, and one per incident and count, so a voice joining an incident sends
-- its new count once rather than one message per voice. notice_names_batch gives each flag's
-- name and owner (koe.vocabulary) and the name of an unknown product.
DELETE FROM insights.notices;
INSERT INTO insights.notices BY NAME
SELECT
    n.incident_id || '@' || n.voices AS notice_id,
    'incident' AS source,
    n.incident_id AS subject_id,
    n.flag AS kind,
    n.latest_day AS day,
    names.route,
    names.name || ': ' || COALESCE(n.product, names.no_product) || '（' || n.voices || '件）' AS title,
    n.issue_id,
    n.product,
    n.voices AS observed,
    CAST(json_object(
        'incident_id', n.incident_id, 'voices', n.voices, 'channels', n.channels,
        'first_at', n.first_at, 'latest_at', n.latest_at, 'excerpt', left(f.text_masked, 200)
    ) AS JSON) AS evidence
FROM insights.incidents AS n
JOIN notice_names_batch AS names ON names.code = n.flag
LEFT JOIN marts.feedback AS f ON f.feedback_id = n.feedback_ids[-1]
UNION ALL BY NAME
SELECT
    e.episode_id AS notice_id,
    'episode' AS source,
    e.episode_id AS subject_id,
    e.kind,
    e.last_day AS day,
    e.route,
    e.title,
    e.issue_id,
    e.product,
    e.peak_ratio AS observed,
    CAST(json_object(
        'episode_id', e.episode_id, 'first_day', e.first_day, 'last_day', e.last_day,
        'days', e.days, 'alerts', e.alert_ids
    ) AS JSON) AS evidence
FROM insights.episodes AS e;
