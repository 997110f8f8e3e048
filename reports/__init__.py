"""The weekly product-team reports: shaped from frames the pipeline reads (`weekly`), rendered as
self-contained HTML (`html`, `templates/`)."""
