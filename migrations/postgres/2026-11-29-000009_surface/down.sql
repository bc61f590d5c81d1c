-- Forward-only: the subscriptions ended stay ended.
SELECT 1;
