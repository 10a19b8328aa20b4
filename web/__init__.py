"""`fazhi serve`: the reports live from the store, with the reviewers' and units' actions."""
