// Integrator clients: systems that call the API with the client-credentials grant. Admins
// create one with a name and scopes (its secret is shown this once: only a hash is kept) and
// delete one (its tokens stop working).
import { useState } from "../../vendor/hooks.mjs";
import { api } from "../api.js";
import { formatDateTime, t } from "../i18n.js";
import { More, Notice, Problem, html, usePages, useSubmit } from "../ui.js";
import { AdminTable, ConfirmDelete, CreateForm, Secret, listed } from "./parts.js";

// The `Scope` enum of the API.
const SCOPES = ["applications:read", "webhooks:manage"];

function scopeLabel(scope) {
  return t("admin_scope_" + scope.replace(":", "_"));
}

function NewClient({ onCreated }) {
  return html`<${CreateForm} title=${t("admin_client_new_title")} path="api-clients" submit=${t("admin_client_create")}
    text=${{ name: "name", label: t("admin_client_name"), hint: t("admin_client_name_hint") }}
    choices=${{
      name: "scopes",
      legend: t("admin_client_scopes"),
      options: SCOPES.map((scope) => ({ value: scope, label: scopeLabel(scope) })),
    }}
    onCreated=${onCreated} />`;
}

function ClientRow({ client, onDeleted }) {
  const { busy, error, run } = useSubmit();
  const remove = () =>
    run(async () => {
      await api("DELETE", "api-clients/" + client.id, { auth: true });
      onDeleted(client);
    });
  return html`<tr data-client=${client.name}>
    <th scope="row">${client.name}</th>
    <td><code>${client.client_id}</code></td>
    <td>${listed(client.scopes.map(scopeLabel))}</td>
    <td>${formatDateTime(client.created_at)}</td>
    <td>
      <${ConfirmDelete} what=${client.name} busy=${busy} onConfirm=${remove} />
      <${Problem} error=${error} />
    </td>
  </tr>`;
}

export function Clients() {
  const [round, setRound] = useState(0);
  const list = usePages("api-clients", [round]);
  const [created, setCreated] = useState(null);
  const [said, setSaid] = useState(null);
  const onCreated = (client) => {
    setSaid(null);
    setCreated(client);
    setRound(round + 1);
  };
  const onDeleted = (client) => {
    setCreated(null);
    setSaid(t("admin_client_deleted", { name: client.name }));
    setRound(round + 1);
  };
  return html`<div class="admin-section">
    <p>${t("admin_clients_intro")}</p>
    ${said && html`<${Notice}>${said}<//>`}
    ${created &&
    html`<${Secret} title=${t("admin_client_created", { name: created.name })} value=${created.client_secret}>
      <p>${t("admin_labelled", { label: t("admin_client_id"), value: "" })}<code>${created.client_id}</code></p>
      <p>${t("admin_labelled", { label: t("admin_client_secret"), value: "" })}</p>
    <//>`}
    <${NewClient} onCreated=${onCreated} />
    <h2>${t("admin_clients_list")}</h2>
    ${!list.loading && !list.error && list.items.length === 0 && html`<p class="empty">${t("admin_clients_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<${AdminTable} caption=${t("admin_clients_list")}
      columns=${[t("admin_client_name"), t("admin_client_id"), t("admin_client_scopes"), t("admin_created_at")]}>
      ${list.items.map((c) => html`<${ClientRow} key=${c.id} client=${c} onDeleted=${onDeleted} />`)}
    <//>`}
    <${More} list=${list} />
  </div>`;
}
