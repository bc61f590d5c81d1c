DROP TABLE onboarding_tasks;
DROP TABLE lois;
DROP TABLE documents;
