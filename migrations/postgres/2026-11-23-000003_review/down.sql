DROP TABLE webhook_events;
DROP TABLE scorecards;
DROP TABLE application_assignees;
DROP TABLE audit_chain_head;
DROP TABLE application_events;
