//! Administration: cities, eligibility criteria, staff, integrator clients, webhooks and SLA.
