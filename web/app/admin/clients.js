// Integrator clients: systems that call the API with the client-credentials grant. Admins
// create one with a name and scopes (its secret is shown this once: only a hash is kept) and
// delete one (its tokens stop working).
import { useState } from "../../vendor/hooks.mjs";
import { api } from "../api.js";
import { formatDateTime, t } from "../i18n.js";
import { Field, Form, More, Notice, Problem, html, usePages, useSubmit } from "../ui.js";
import { Checkboxes, ConfirmDelete, Secret } from "./parts.js";

// The `Scope` enum of the API.
export const SCOPES = ["applications:read", "webhooks:manage"];

function scopeLabel(scope) {
  return t("scope_" + scope.replace(":", "_"));
}

function NewClient({ onCreated }) {
  const [form, setForm] = useState({ name: "", scopes: [] });
  const { busy, error, run } = useSubmit();
  const create = () =>
    run(async () => {
      const created = await api("POST", "api-clients", {
        auth: true,
        body: { name: form.name.trim(), scopes: form.scopes },
      });
      setForm({ name: "", scopes: [] });
      onCreated(created);
    });
  const options = SCOPES.map((scope) => ({ value: scope, label: scopeLabel(scope) }));
  return html`<div class="admin-form">
    <h2>${t("client_new_title")}</h2>
    <${Problem} error=${error} fields=${["name", "scopes"]} />
    <${Form} onSubmit=${create} busy=${busy} submit=${t("client_create")}>
      <${Field} name="name" label=${t("client_name")} hint=${t("client_name_hint")} value=${form.name}
        error=${error} onInput=${(name) => setForm({ ...form, name })} />
      <${Checkboxes} name="scopes" legend=${t("client_scopes")} options=${options}
        values=${form.scopes} error=${error} onChange=${(scopes) => setForm({ ...form, scopes })} />
    <//>
  </div>`;
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
    <td>${client.scopes.map(scopeLabel).join("、")}</td>
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
    setSaid(t("client_deleted", { name: client.name }));
    setRound(round + 1);
  };
  return html`<div class="admin-section">
    <p>${t("clients_intro")}</p>
    ${said && html`<${Notice}>${said}<//>`}
    ${created &&
    html`<${Secret} title=${t("client_created", { name: created.name })} value=${created.client_secret}>
      <p>${t("client_id")}: <code>${created.client_id}</code></p>
      <p>${t("client_secret")}:</p>
    <//>`}
    <${NewClient} onCreated=${onCreated} />
    <h2>${t("clients_list")}</h2>
    ${!list.loading && !list.error && list.items.length === 0 && html`<p class="empty">${t("clients_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<div class="table-scroll">
      <table class="admin-table">
        <caption class="visually-hidden">${t("clients_list")}</caption>
        <thead>
          <tr>
            <th scope="col">${t("client_name")}</th>
            <th scope="col">${t("client_id")}</th>
            <th scope="col">${t("client_scopes")}</th>
            <th scope="col">${t("admin_created_at")}</th>
            <th scope="col"><span class="visually-hidden">${t("admin_actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          ${list.items.map((c) => html`<${ClientRow} key=${c.id} client=${c} onDeleted=${onDeleted} />`)}
        </tbody>
      </table>
    </div>`}
    <${More} list=${list} />
  </div>`;
}
