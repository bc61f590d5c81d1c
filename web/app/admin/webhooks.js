// Webhook subscriptions: where the portal POSTs its events. Admins add one (URL and event
// types; the signing secret is shown this once), read each one's deliveries (attempts, the
// receiver's last answer, the next retry), send a delivery again, and delete a subscription.
import { useState } from "../../vendor/hooks.mjs";
import { api } from "../api.js";
import { formatDateTime, t } from "../i18n.js";
import { Field, Form, Loading, More, Notice, Problem, html, useApi, usePages, useSubmit } from "../ui.js";
import { Checkboxes, ConfirmDelete, Secret } from "./parts.js";

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
  return t("event_" + event.replace(".", "_"));
}

function NewSubscription({ onCreated }) {
  const [form, setForm] = useState({ url: "", events: [] });
  const { busy, error, run } = useSubmit();
  const create = () =>
    run(async () => {
      const created = await api("POST", "webhooks", {
        auth: true,
        body: { url: form.url.trim(), events: form.events },
      });
      setForm({ url: "", events: [] });
      onCreated(created);
    });
  const options = EVENTS.map((event) => ({ value: event, label: eventLabel(event) }));
  return html`<div class="admin-form">
    <h2>${t("webhook_new_title")}</h2>
    <${Problem} error=${error} fields=${["url", "events"]} />
    <${Form} onSubmit=${create} busy=${busy} submit=${t("webhook_create")}>
      <${Field} name="url" type="url" label=${t("webhook_url")} hint=${t("webhook_url_hint")}
        value=${form.url} error=${error} onInput=${(url) => setForm({ ...form, url })} />
      <${Checkboxes} name="events" legend=${t("webhook_events")} options=${options}
        values=${form.events} error=${error} onChange=${(events) => setForm({ ...form, events })} />
    <//>
  </div>`;
}

function deliveryState(d) {
  if (d.delivered_at) return t("delivery_delivered", { at: formatDateTime(d.delivered_at) });
  if (d.failed_at) return t("delivery_failed", { at: formatDateTime(d.failed_at) });
  return t("delivery_pending");
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
      <button type="button" class="secondary" disabled=${busy} onClick=${again}>${t("delivery_redeliver")}</button>
      <${Problem} error=${error} />
    </td>
  </tr>`;
}

function Deliveries({ subscription }) {
  const [round, setRound] = useState(0);
  const [said, setSaid] = useState(null);
  const list = usePages("webhooks/" + subscription.id + "/deliveries?limit=20", [round]);
  const sent = () => {
    setSaid(t("delivery_resent"));
    setRound(round + 1);
  };
  return html`<div class="deliveries">
    <h4>${t("deliveries_title")}</h4>
    ${said && html`<${Notice}>${said}<//>`}
    <p><button type="button" class="link" onClick=${() => setRound(round + 1)}>${t("deliveries_refresh")}</button></p>
    ${!list.loading && !list.error && list.items.length === 0 && html`<p class="empty">${t("deliveries_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<div class="table-scroll">
      <table class="admin-table">
        <caption class="visually-hidden">${t("deliveries_title")}: ${subscription.url}</caption>
        <thead>
          <tr>
            <th scope="col">${t("delivery_event")}</th>
            <th scope="col">${t("delivery_state")}</th>
            <th scope="col">${t("delivery_last_answer")}</th>
            <th scope="col">${t("delivery_attempts")}</th>
            <th scope="col">${t("delivery_next")}</th>
            <th scope="col"><span class="visually-hidden">${t("admin_actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          ${list.items.map((d) => html`<${DeliveryRow} key=${d.id} delivery=${d} subscription=${subscription.id} onSent=${sent} />`)}
        </tbody>
      </table>
    </div>`}
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
    <p>${t("webhook_events")}: ${subscription.events.map(eventLabel).join("、")}</p>
    <p class="meta">${t("admin_created_at")}: ${formatDateTime(subscription.created_at)}</p>
    <div class="actions">
      <button type="button" class="secondary" aria-expanded=${showing ? "true" : "false"}
        onClick=${() => setShowing(!showing)}>
        ${showing ? t("deliveries_hide") : t("deliveries_show")}
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
    setSaid(t("webhook_deleted", { url: subscription.url }));
    list.reload();
  };
  const items = (list.data && list.data.items) || [];
  return html`<div class="admin-section">
    <p>${t("webhooks_intro")}</p>
    ${said && html`<${Notice}>${said}<//>`}
    ${created &&
    html`<${Secret} title=${t("webhook_created", { url: created.url })} value=${created.secret}>
      <p>${t("webhook_secret")}:</p>
    <//>`}
    <${NewSubscription} onCreated=${onCreated} />
    <h2>${t("webhooks_list")}</h2>
    <${Problem} error=${list.error} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && items.length === 0 && html`<p class="empty">${t("webhooks_empty")}</p>`}
    ${items.length > 0 &&
    html`<ul class="cards">
      ${items.map((s) => html`<${Subscription} key=${s.id} subscription=${s} onDeleted=${onDeleted} />`)}
    </ul>`}
  </div>`;
}
