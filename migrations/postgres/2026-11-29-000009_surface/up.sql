-- Integrator clients deleted before their subscriptions ended with them: end those now, and
-- give up their pending deliveries (from now on, deleting a client does both at once).
UPDATE webhook_deliveries
SET failed_at = (
        SELECT c.revoked_at
        FROM webhook_subscriptions s JOIN api_clients c ON c.id = s.client_id
        WHERE s.id = webhook_deliveries.subscription_id
    ),
    last_error = 'client deleted'
WHERE delivered_at IS NULL
  AND failed_at IS NULL
  AND subscription_id IN (
        SELECT s.id
        FROM webhook_subscriptions s JOIN api_clients c ON c.id = s.client_id
        WHERE c.revoked_at IS NOT NULL
    );

UPDATE webhook_subscriptions
SET deleted_at = (
        SELECT c.revoked_at FROM api_clients c WHERE c.id = webhook_subscriptions.client_id
    )
WHERE deleted_at IS NULL
  AND client_id IN (SELECT id FROM api_clients WHERE revoked_at IS NOT NULL);
