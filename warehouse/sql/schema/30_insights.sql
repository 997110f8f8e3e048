-- insights: computed from the marts by pipeline.marts.find_insights (statistics in
-- insights/emerging.py, insights/alerts.py and insights/root_causes.py), read by the app and the
-- weekly reports.

CREATE TABLE IF NOT EXISTS insights.alerts (
    alert_id    VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    day         DATE NOT NULL,
    window_days INTEGER NOT NULL,
    issue_id    VARCHAR,
    feedback_id VARCHAR,
    product     VARCHAR,
    route       VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    observed    DOUBLE,
    expected    DOUBLE,
    p_value     DOUBLE,
    evidence    JSON,
    detected_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS insights.alert_deliveries (
    alert_id     VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,
    target       VARCHAR NOT NULL,
    delivered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, channel, target)
);

CREATE TABLE IF NOT EXISTS insights.alert_delivery_failures (
    alert_id  VARCHAR NOT NULL,
    channel   VARCHAR NOT NULL,
    target    VARCHAR NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL,
    reason    VARCHAR NOT NULL,
    transient BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS insights.emerging_scan (
    day       DATE PRIMARY KEY,
    input_key VARCHAR NOT NULL,
    found     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS insights.flagged_scan (
    day       DATE PRIMARY KEY,
    input_key VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS insights.root_causes (
    issue_id        VARCHAR NOT NULL,
    rank            INTEGER NOT NULL,
    attribute       VARCHAR NOT NULL,
    value           VARCHAR NOT NULL,
    count           INTEGER NOT NULL,
    issue_docs      INTEGER NOT NULL,
    reference_count INTEGER NOT NULL,
    reference_docs  INTEGER NOT NULL,
    lift            DOUBLE,
    p_value         DOUBLE NOT NULL,
    q_value         DOUBLE NOT NULL,
    onset           DATE,
    PRIMARY KEY (issue_id, attribute, value)
);

CREATE TABLE IF NOT EXISTS insights.weekly_reports (
    week_start   DATE NOT NULL,
    team         VARCHAR NOT NULL,
    products     VARCHAR[] NOT NULL,
    data_through DATE NOT NULL,
    complaints   INTEGER NOT NULL,
    previous     INTEGER NOT NULL,
    new_issues   INTEGER NOT NULL,
    alerts       INTEGER NOT NULL,
    file_stem    VARCHAR NOT NULL,
    html         VARCHAR NOT NULL,
    csv          VARCHAR NOT NULL,
    rendered_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (week_start, team)
);

COMMENT ON TABLE insights.alerts IS 'One row per alert: an emerging issue (volume_spike, new_issue, sentiment_drop) or a risk item needing the support office at once (safety, sns_threat). Ids are stable: recomputing gives the same rows.';
COMMENT ON COLUMN insights.alerts.kind IS 'volume_spike | product_spike (a product''s complaints as a whole) | new_issue | sentiment_drop | safety | sns_threat.';
COMMENT ON COLUMN insights.alerts.product IS 'The product the alert is about (the issue''s, or the flagged item''s); NULL when unknown.';
COMMENT ON COLUMN insights.alerts.day IS 'JST day the alert is about: the last day of the tested window, or the flagged feedback''s day.';
COMMENT ON COLUMN insights.alerts.window_days IS 'Days in the tested window (1 or 7 for volume, 7 for sentiment; days to reach 3 documents for a new issue).';
COMMENT ON COLUMN insights.alerts.route IS 'Who must act: お客様相談室 for safety and SNS threats, 品質保証 for emerging issues.';
COMMENT ON COLUMN insights.alerts.observed IS 'Volume: documents in the window. Sentiment: mean score in the window. New issue: documents so far.';
COMMENT ON COLUMN insights.alerts.expected IS 'Volume: documents the baseline share predicts. Sentiment: the baseline mean score.';
COMMENT ON COLUMN insights.alerts.p_value IS 'One-sided p of the test (beta-binomial tail, or Mann–Whitney U); alerts need p below the level set from the false-alert budget (insights.emerging.ALPHA). NULL where no test applies.';
COMMENT ON COLUMN insights.alerts.evidence IS 'The figures behind the alert (baseline counts, dispersion, ratio; or the masked excerpt of a flagged item).';
COMMENT ON COLUMN insights.alerts.detected_at IS 'When koe first found the alert; kept when alerts are computed again.';
COMMENT ON TABLE insights.emerging_scan IS 'The emerging-issue tests of each day before they merge into episodes (JSON), with the key of their input: a later run reuses a day whose key is unchanged (insights/scan_state.py).';
COMMENT ON TABLE insights.flagged_scan IS 'Each day whose safety / SNS alerts are stored, with the key of its flagged feedback: a later run keeps a day whose key is unchanged (insights/scan_state.py).';
COMMENT ON TABLE insights.alert_deliveries IS 'Each notice sent (alert_id holds insights.notices.notice_id; before issue #15, an alert id), once per channel (webhook, smtp, file) and target; a notice is never sent twice to one target.';
COMMENT ON TABLE insights.alert_delivery_failures IS 'Every failed attempt to send a notice (alert_id holds its notice_id), with its reason (the error type, and for network errors the message; never alert text). An alert that later succeeds also has a row in alert_deliveries.';
COMMENT ON COLUMN insights.alert_delivery_failures.transient IS 'A network, SMTP or file error that a retry may cure; the task fails so Airflow retries. Other errors (a header the mail server refuses) would fail the same way again.';
COMMENT ON TABLE insights.root_causes IS 'Attribute values (product, lot, firmware, app_version, channel, region, week) and key phrases (attribute = phrase) over-represented in an issue against the other complaints about its product. Ranked per issue by q_value, then lift.';
COMMENT ON COLUMN insights.root_causes.lift IS 'Share of the issue''s documents with the value ÷ the same share in the reference; NULL when the reference never has it.';
COMMENT ON COLUMN insights.root_causes.p_value IS 'One-sided Fisher exact test of the 2×2 table (issue / reference × value / not).';
COMMENT ON COLUMN insights.root_causes.q_value IS 'Benjamini–Hochberg over the issue''s attribute candidates (phrases: over its phrases).';
COMMENT ON COLUMN insights.root_causes.onset IS 'Date of the issue''s first document with the value.';
COMMENT ON TABLE insights.weekly_reports IS 'One recurring-issue report per product team and week (Monday to Sunday, JST), written by the koe_reports DAG as HTML and CSV; the files under data/reports/ hold the same text.';
COMMENT ON COLUMN insights.weekly_reports.data_through IS 'Last day of data the report covers; before the week''s Sunday the report is partial and is rendered again on the next run.';
COMMENT ON COLUMN insights.weekly_reports.complaints IS 'Complaints about the team''s products in the week.';
COMMENT ON COLUMN insights.weekly_reports.previous IS 'The same count in the week before.';
COMMENT ON COLUMN insights.weekly_reports.file_stem IS 'Path of the report files under the reports folder, without .html / .csv.';

CREATE TABLE IF NOT EXISTS insights.incidents (
    incident_id  VARCHAR PRIMARY KEY,
    flag         VARCHAR NOT NULL,
    issue_id     VARCHAR,
    product      VARCHAR,
    voices       INTEGER NOT NULL,
    first_at     TIMESTAMPTZ NOT NULL,
    latest_at    TIMESTAMPTZ NOT NULL,
    first_day    DATE NOT NULL,
    latest_day   DATE NOT NULL,
    channels     VARCHAR[] NOT NULL,
    feedback_ids VARCHAR[] NOT NULL,
    detected_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS insights.episodes (
    episode_id VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL,
    issue_id   VARCHAR,
    product    VARCHAR,
    first_day  DATE NOT NULL,
    last_day   DATE NOT NULL,
    days       INTEGER NOT NULL,
    alert_ids  VARCHAR[] NOT NULL,
    route      VARCHAR NOT NULL,
    title      VARCHAR NOT NULL,
    peak_ratio DOUBLE
);

COMMENT ON TABLE insights.incidents IS 'Voices about the same hazard or threat, grouped: one flag (safety, sns_threat, legal_threat), issue and product (a safety hazard: flag and product, whatever its issues), each voice within KOE_INCIDENT_WINDOW_DAYS of the one before (warehouse/sql/insights/save_incidents.sql). Each opens a case in the app''s own store. Ids hash the key and the first voice: recomputing gives the same rows.';
COMMENT ON COLUMN insights.incidents.issue_id IS 'The voices'' issue (a product''s hazard: the issue most of its voices are in); NULL for voices in no issue (未分類).';
COMMENT ON COLUMN insights.incidents.product IS 'The voices'' product (their own, or else their issue''s top product); NULL when unknown.';
COMMENT ON COLUMN insights.incidents.voices IS 'How many voices the incident holds (the length of feedback_ids).';
COMMENT ON COLUMN insights.incidents.first_at IS 'When the first voice came: a case''s due time counts from here.';
COMMENT ON COLUMN insights.incidents.latest_at IS 'When the latest voice came; a voice within the window after it joins this incident.';
COMMENT ON COLUMN insights.incidents.channels IS 'The channels the voices came by, sorted.';
COMMENT ON COLUMN insights.incidents.feedback_ids IS 'The member voices (marts.feedback), oldest first.';
COMMENT ON COLUMN insights.incidents.detected_at IS 'When koe first found the incident; kept when incidents are computed again.';
COMMENT ON TABLE insights.episodes IS 'Emerging-issue alerts about one subject on consecutive days, as one episode (insights/episodes.py): the rises of an issue (either window) or of a product''s complaints, a new issue, a sentiment drop. Ids hash the kind, the subject and the first day.';
COMMENT ON COLUMN insights.episodes.kind IS 'rise (volume_spike or product_spike) | new_issue | sentiment_drop.';
COMMENT ON COLUMN insights.episodes.product IS 'The product of a product rise (issue_id NULL), or the issue''s product.';
COMMENT ON COLUMN insights.episodes.days IS 'Days from first_day to last_day on which a test of the episode fired.';
COMMENT ON COLUMN insights.episodes.alert_ids IS 'The alerts (insights.alerts) the episode holds.';
COMMENT ON COLUMN insights.episodes.peak_ratio IS 'The largest observed ÷ expected of a rise on any of its days; NULL for other kinds.';

CREATE TABLE IF NOT EXISTS insights.notices (
    notice_id  VARCHAR PRIMARY KEY,
    source     VARCHAR NOT NULL,
    subject_id VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    day        DATE NOT NULL,
    route      VARCHAR NOT NULL,
    title      VARCHAR NOT NULL,
    issue_id   VARCHAR,
    product    VARCHAR,
    observed   DOUBLE,
    evidence   JSON
);

COMMENT ON TABLE insights.notices IS 'What alert delivery sends (insights/delivery.py): one notice per episode, and one per incident and count (notice_id = incident_id@voices), so a new voice in an open incident sends its new count, never a message per voice. Recomputed with the incidents and episodes.';
COMMENT ON COLUMN insights.notices.source IS 'incident (subject_id in insights.incidents) or episode (subject_id in insights.episodes).';
COMMENT ON COLUMN insights.notices.day IS 'The incident''s latest voice day, or the episode''s last day: only notices of the last days of data are sent.';
COMMENT ON COLUMN insights.notices.observed IS 'Incident: its voices. Rise episode: its peak observed ÷ expected.';
COMMENT ON COLUMN insights.notices.evidence IS 'Incident: voices, channels, first and latest time, the masked excerpt of the latest voice. Episode: days and the alerts it holds.';
