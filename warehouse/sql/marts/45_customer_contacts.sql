-- marts.customer_contacts: every original voice whose customer is known (nlp.customer_links), in
-- each customer's order, and whether it is a repeat contact: the same customer about the same
-- issue again within repeat_window.days (KOE_REPEAT_CONTACT_DAYS, registered by
-- warehouse.marts) of their previous voice about it. 未分類 and 苦情以外 are no issue, so never a
-- repeat. The customer-journey view and the 再問い合わせ率 KPI read it.
CREATE OR REPLACE TABLE marts.customer_contacts AS
WITH linked AS (
    SELECT
        f.feedback_id,
        l.customer_key,
        f.channel,
        f.created_at,
        f.created_date,
        f.product,
        f.issue_id,
        f.issue_label,
        f.sentiment,
        f.subject_masked,
        f.text_masked,
        f.issue_id IS NOT NULL AND f.issue_id NOT LIKE '\_\_%' ESCAPE '\' AS about_issue
    FROM marts.feedback AS f
    JOIN nlp.customer_links AS l USING (feedback_id)
),
ordered AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY customer_key ORDER BY created_at, feedback_id)
            AS contact_number,
        count(*) OVER (PARTITION BY customer_key) AS customer_contacts,
        lag(feedback_id) OVER on_issue AS previous_feedback_id,
        lag(created_at) OVER on_issue AS previous_at
    FROM linked
    WINDOW on_issue AS (PARTITION BY customer_key, issue_id ORDER BY created_at, feedback_id)
)
SELECT
    o.feedback_id,
    o.customer_key,
    o.channel,
    o.created_at,
    o.created_date,
    o.product,
    o.issue_id,
    o.issue_label,
    o.sentiment,
    o.subject_masked,
    o.text_masked,
    o.about_issue,
    o.contact_number,
    o.customer_contacts,
    CASE WHEN o.about_issue THEN o.previous_feedback_id END AS previous_feedback_id,
    CASE WHEN o.about_issue THEN (epoch(o.created_at) - epoch(o.previous_at)) / 86400.0 END
        AS days_since_previous,
    COALESCE(
        o.about_issue AND o.created_at <= o.previous_at + to_days(CAST(w.days AS INTEGER)),
        false
    ) AS is_repeat_contact,
    w.days AS repeat_window_days
FROM ordered AS o
CROSS JOIN repeat_window AS w
ORDER BY o.customer_key, o.contact_number;

COMMENT ON TABLE marts.customer_contacts IS 'Original voices whose customer is known, in each customer''s order, with repeat contacts: the same customer about the same issue again within repeat_window_days.';
COMMENT ON COLUMN marts.customer_contacts.customer_key IS 'The pseudonymous customer (nlp.customer_links): voices linked through any shared customer id, phone, e-mail address or SNS handle.';
COMMENT ON COLUMN marts.customer_contacts.about_issue IS 'true when the voice belongs to an issue (not 未分類, not 苦情以外).';
COMMENT ON COLUMN marts.customer_contacts.contact_number IS '1 for the customer''s first voice, 2 for the next, ... (by created_at).';
COMMENT ON COLUMN marts.customer_contacts.customer_contacts IS 'How many voices the customer has in all.';
COMMENT ON COLUMN marts.customer_contacts.previous_feedback_id IS 'The customer''s previous voice about the same issue; NULL for the first or when not about an issue.';
COMMENT ON COLUMN marts.customer_contacts.days_since_previous IS 'Days (fractional) since previous_feedback_id.';
COMMENT ON COLUMN marts.customer_contacts.is_repeat_contact IS '再問い合わせ: about an issue the customer contacted about at most repeat_window_days before.';
COMMENT ON COLUMN marts.customer_contacts.repeat_window_days IS 'KOE_REPEAT_CONTACT_DAYS when the marts were built.';
