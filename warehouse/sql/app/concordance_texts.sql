-- The concordance's texts: masked feedback of $start..$end, restricted to $channels / $products
-- when those lists are not empty, whose folded text contains $needle (folded the same way by
-- warehouse.search.fold). Every match, newest first: the count is never cut short.
SELECT f.feedback_id, f.created_date, f.channel, f.product, f.issue_label, f.text_masked
FROM marts.feedback AS f
WHERE f.created_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND contains(f.text_folded, $needle)
  AND (len(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), f.channel))
  AND (len(CAST($products AS VARCHAR[])) = 0 OR list_contains(CAST($products AS VARCHAR[]), f.product))
ORDER BY f.created_at DESC, f.feedback_id;
