"""The county being assessed: its configuration (sites, units, calendar), which unit a page
belongs to, and the work plan it is assessed against. The ground floor: it imports no other
fazhi package, and crawler, rules, reports and storage all build on it."""
