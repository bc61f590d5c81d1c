// Webhook subscriptions: where the portal POSTs its events. Admins add one (URL and event
// types; the signing secret is shown this once), read each one's deliveries (attempts, the
// receiver's last answer, the next retry), send a delivery again, and delete a subscription.
import { useState } from "../../vendor/hooks.mjs";
import { api } from "../api.js";
import { formatDateTime, t } from "../i18n.js";
import { Loading, More, Notice, Problem, html, useApi, usePages, useSubmit } from "../ui.js";
import { AdminTable, ConfirmDelete, CreateForm, Secret, listed } from "./parts.js";

// The `EventType` enum of the API.
const EVENTS = [
  "application.submitted",
  "application.status_changed",
  "loi.offered",
  "loi.signed",
  "partner.activated",
  "partner.terminated",
  "message.created",
];

function eventLabel(event) {
  return t("admin_event_" + event.replace(".", "_"));
}

function NewSubscription({ onCreated }) {
  return html`<${CreateForm} title=${t("admin_webhook_new_title")} path="webhooks" submit=${t("admin_webhook_create")}
    text=${{ name: "url", type: "url", label: t("admin_webhook_url"), hint: t("admin_webhook_url_hint") }}
    choices=${{
      name: "events",
      legend: t("admin_webhook_events"),
      options: EVENTS.map((event) => ({ value: event, label: eventLabel(event) })),
    }}
    onCreated=${onCreated} />`;
}

function deliveryState(d) {
  if (d.delivered_at) return t("admin_delivery_delivered", { at: formatDateTime(d.delivered_at) });
  if (d.failed_at) return t("admin_delivery_failed", { at: formatDateTime(d.failed_at) });
  return t("admin_delivery_pending");
}

function DeliveryRow({ delivery, subscription, onSent }) {
  const { busy, error, run } = useSubmit();
  const again = () =>
    run(async () => {
      await api("POST", "webhooks/" + subscription + "/deliveries/" + delivery.id + "/redeliver", { auth: true });
      onSent();
    });
  return html`<tr>
    <th scope="row">${eventLabel(delivery.event_type)}</th>
    <td>${deliveryState(delivery)}</td>
    <td>${delivery.last_status === null || delivery.last_status === undefined
      ? delivery.last_error || t("none") : delivery.last_status}</td>
    <td>${delivery.attempts}</td>
    <td>${formatDateTime(delivery.next_attempt_at)}</td>
    <td>
      <button type="button" class="secondary" disabled=${busy} onClick=${again}>${t("admin_delivery_redeliver")}</button>
      <${Problem} error=${error} />
    </td>
  </tr>`;
}

function Deliveries({ subscription }) {
  const [round, setRound] = useState(0);
  const [said, setSaid] = useState(null);
  const list = usePages("webhooks/" + subscription.id + "/deliveries?limit=20", [round]);
  const sent = () => {
    setSaid(t("admin_delivery_resent"));
    setRound(round + 1);
  };
  return html`<div class="deliveries">
    <h4>${t("admin_deliveries_title")}</h4>
    ${said && html`<${Notice}>${said}<//>`}
    <p><button type="button" class="link" onClick=${() => setRound(round + 1)}>${t("admin_deliveries_refresh")}</button></p>
    ${!list.loading && !list.error && list.items.length === 0 && html`<p class="empty">${t("admin_deliveries_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<${AdminTable} caption=${t("admin_labelled", { label: t("admin_deliveries_title"), value: subscription.url })}
      columns=${[t("admin_delivery_event"), t("admin_delivery_state"), t("admin_delivery_last_answer"), t("admin_delivery_attempts"), t("admin_delivery_next")]}>
      ${list.items.map((d) => html`<${DeliveryRow} key=${d.id} delivery=${d} subscription=${subscription.id} onSent=${sent} />`)}
    <//>`}
    <${More} list=${list} />
  </div>`;
}

function Subscription({ subscription, onDeleted }) {
  const [showing, setShowing] = useState(false);
  const { busy, error, run } = useSubmit();
  const remove = () =>
    run(async () => {
      await api("DELETE", "webhooks/" + subscription.id, { auth: true });
      onDeleted(subscription);
    });
  return html`<li class="card subscription">
    <h3 class="webhook-url">${subscription.url}</h3>
    <p>${t("admin_labelled", { label: t("admin_webhook_events"), value: listed(subscription.events.map(eventLabel)) })}</p>
    <p class="meta">${t("admin_labelled", { label: t("admin_created_at"), value: formatDateTime(subscription.created_at) })}</p>
    <div class="actions">
      <button type="button" class="secondary" aria-expanded=${showing ? "true" : "false"}
        onClick=${() => setShowing(!showing)}>
        ${showing ? t("admin_deliveries_hide") : t("admin_deliveries_show")}
      </button>
      <${ConfirmDelete} what=${subscription.url} busy=${busy} onConfirm=${remove} />
    </div>
    <${Problem} error=${error} />
    ${showing && html`<${Deliveries} subscription=${subscription} />`}
  </li>`;
}

export function Webhooks() {
  const list = useApi("webhooks");
  const [created, setCreated] = useState(null);
  const [said, setSaid] = useState(null);
  const onCreated = (subscription) => {
    setSaid(null);
    setCreated(subscription);
    list.reload();
  };
  const onDeleted = (subscription) => {
    setCreated(null);
    setSaid(t("admin_webhook_deleted", { url: subscription.url }));
    list.reload();
  };
  const items = (list.data && list.data.items) || [];
  return html`<div class="admin-section">
    <p>${t("admin_webhooks_intro")}</p>
    ${said && html`<${Notice}>${said}<//>`}
    ${created &&
    html`<${Secret} title=${t("admin_webhook_created", { url: created.url })} value=${created.secret}>
      <p>${t("admin_labelled", { label: t("admin_webhook_secret"), value: "" })}</p>
    <//>`}
    <${NewSubscription} onCreated=${onCreated} />
    <h2>${t("admin_webhooks_list")}</h2>
    <${Problem} error=${list.error} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && items.length === 0 && html`<p class="empty">${t("admin_webhooks_empty")}</p>`}
    ${items.length > 0 &&
    html`<ul class="cards">
      ${items.map((s) => html`<${Subscription} key=${s.id} subscription=${s} onDeleted=${onDeleted} />`)}
    </ul>`}
  </div>`;
}
