"""Channel readers: inbox files (calls, email, web forms, SNS) → common koe records."""
