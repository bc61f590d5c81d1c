-- Forward-only: memberships and invitations are kept.
SELECT 1;
