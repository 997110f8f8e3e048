-- Every voice of the pseudonymous customer $customer_key in time order (masked), whichever issue
-- it is about; on_issue marks those about $issue_id.
SELECT
    contact_number,
    created_at,
    channel,
    product,
    issue_id,
    issue_label,
    issue_id IS NOT DISTINCT FROM $issue_id AS on_issue,
    is_repeat_contact,
    days_since_previous,
    sentiment,
    subject_masked,
    text_masked
FROM marts.customer_contacts
WHERE customer_key = $customer_key
ORDER BY contact_number;
