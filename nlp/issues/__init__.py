"""The issue lifecycle: `model` finds recurring issues in a corpus (`IssueModel`, `Issue`),
`labels` names them, `identity` keeps their ids from run to run, and `catalogue` decides how
each run goes and brings the catalogue up to date."""
