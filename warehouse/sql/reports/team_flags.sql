-- How many pieces of feedback about $products from $first_day to $last_day carry each risk flag.
SELECT flag, sum(documents)::BIGINT AS documents
FROM marts.flag_daily
WHERE day BETWEEN $first_day AND $last_day
  AND list_contains($products, product)
GROUP BY flag
ORDER BY flag;
