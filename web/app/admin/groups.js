// Dealer groups' identity and affiliation, which only admins decide: find a group, then approve
// or reject its requests to change its legal name and USCC, and confirm the parent its profile
// names once the evidence is checked (its place in the ranking list then counts for the group).
// The API lists these per group only, so the section starts from a search of the groups.
import { useState } from "../../vendor/hooks.mjs";
import { api } from "../api.js";
import { formatDateTime, t } from "../i18n.js";
import { Field, Form, More, Notice, Problem, TextArea, html, useApi, usePages, useSubmit } from "../ui.js";
import { AdminTable } from "./parts.js";

function groupPath(group) {
  return "dealer-groups/" + group.id;
}

// A note or reason sent to `path`; `onDone` gets what the API answered.
function ReasonForm({ path, name, label, hint, submit, onDone }) {
  const [text, setText] = useState("");
  const { busy, error, run } = useSubmit();
  const send = () =>
    run(async () => onDone(await api("POST", path, { auth: true, body: { [name]: text.trim() } })));
  return html`<${Problem} error=${error} fields=${[name]} />
    <${Form} onSubmit=${send} busy=${busy} submit=${submit}>
      <${TextArea} name=${name} label=${label} hint=${hint} value=${text} error=${error} onInput=${setText} required />
    <//>`;
}

function Affiliation({ group, onChanged }) {
  if (!group.parent) return html`<p>${t("admin_group_no_parent")}</p>`;
  const parent = t("admin_group_parent", { name: group.parent.legal_name, uscc: group.parent.uscc });
  if (group.affiliation && group.affiliation.verified) {
    return html`<p>${parent}</p>
      <p class="verified">${t("admin_group_affiliation_verified", { at: formatDateTime(group.affiliation.verified_at) })}</p>`;
  }
  return html`<p>${parent}</p>
    <p>${t("admin_group_affiliation_unverified")}</p>
    <${ReasonForm} path=${groupPath(group) + "/affiliation/verify"} name="note" label=${t("admin_group_affiliation_note")}
      hint=${t("admin_group_affiliation_hint")} submit=${t("admin_group_affiliation_verify")}
      onDone=${() => onChanged(t("admin_group_affiliation_done"))} />`;
}

function Change({ group, change, onChanged }) {
  const [rejecting, setRejecting] = useState(false);
  const { busy, error, run } = useSubmit();
  const path = groupPath(group) + "/identity-changes/" + change.id;
  const approve = () =>
    run(async () => {
      await api("POST", path + "/approve", { auth: true });
      onChanged(t("admin_identity_approved"));
    });
  return html`<li class="card identity-change">
    <p><span class="status">${change.status_label}</span> ${formatDateTime(change.requested_at)}</p>
    <p>${t("admin_identity_from", { name: change.from_legal_name, uscc: change.from_uscc })}</p>
    <p>${t("admin_identity_to", { name: change.legal_name, uscc: change.uscc })}</p>
    <p>${t("admin_identity_reason", { reason: change.reason })}</p>
    ${change.decision_reason && html`<p>${t("admin_identity_decision_reason", { reason: change.decision_reason })}</p>`}
    ${change.status === "pending" &&
    html`<${Problem} error=${error} />
      <div class="actions">
        <button type="button" class="primary" disabled=${busy} onClick=${approve}>${t("admin_identity_approve")}</button>
        ${!rejecting &&
        html`<button type="button" class="secondary" onClick=${() => setRejecting(true)}>${t("admin_identity_reject")}</button>`}
      </div>
      ${rejecting &&
      html`<${ReasonForm} path=${path + "/reject"} name="reason" label=${t("admin_identity_reject_reason")}
        hint=${t("admin_identity_reject_hint")} submit=${t("admin_identity_reject")}
        onDone=${() => onChanged(t("admin_identity_rejected"))} />`}`}
  </li>`;
}

function GroupDetail({ id, onChanged }) {
  const group = useApi("dealer-groups/" + id);
  const changes = useApi("dealer-groups/" + id + "/identity-changes");
  const [said, setSaid] = useState(null);
  const changed = (message) => {
    setSaid(message);
    group.reload();
    changes.reload();
    onChanged();
  };
  if (!group.data) return html`<${Problem} error=${group.error} />`;
  const items = (changes.data && changes.data.items) || [];
  return html`<div class="group-detail">
    <h2>${group.data.legal_name}</h2>
    ${said && html`<${Notice}>${said}<//>`}
    <h3>${t("admin_group_affiliation_title")}</h3>
    <${Affiliation} group=${group.data} onChanged=${changed} />
    <h3>${t("admin_identity_title")}</h3>
    <${Problem} error=${changes.error} />
    ${changes.data && items.length === 0 && html`<p class="empty">${t("admin_identity_empty")}</p>`}
    ${items.length > 0 &&
    html`<ul class="cards">
      ${items.map((c) => html`<${Change} key=${c.id + c.status} group=${group.data} change=${c} onChanged=${changed} />`)}
    </ul>`}
  </div>`;
}

export function Groups() {
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(null);
  // Counts the decisions made here, so the list shows the groups' new names and standing.
  const [round, setRound] = useState(0);
  const list = usePages("dealer-groups?limit=20" + (q ? "&q=" + encodeURIComponent(q) : ""), [round]);
  const columns = [t("admin_ranking_name"), t("admin_ranking_uscc"), t("admin_group_hq"), t("admin_group_rank_verified")];
  return html`<div class="admin-section">
    <p>${t("admin_groups_intro")}</p>
    <form class="filters" role="search" aria-label=${t("admin_groups_search")}
      onSubmit=${(e) => { e.preventDefault(); setQ(draft.trim()); setOpen(null); }}>
      <${Field} name="q" label=${t("admin_groups_search")} value=${draft} onInput=${setDraft} required=${false} />
      <button type="submit" class="secondary">${t("admin_groups_search_submit")}</button>
    </form>
    ${!list.loading && !list.error && list.items.length === 0 && html`<p class="empty">${t("admin_groups_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<${AdminTable} caption=${t("admin_groups_search")} columns=${columns}>
      ${list.items.map(
        (g) => html`<tr key=${g.id} data-group=${g.uscc}>
          <th scope="row">${g.legal_name}</th>
          <td>${g.uscc}</td>
          <td>${g.hq_city || t("none")}</td>
          <td>${g.rank_verified ? t("admin_group_yes") : t("admin_group_no")}</td>
          <td><button type="button" class="secondary" aria-pressed=${open === g.id ? "true" : "false"}
            onClick=${() => setOpen(g.id)}>${t("admin_groups_open")}<span class="visually-hidden"> ${g.legal_name}</span></button></td>
        </tr>`,
      )}
    <//>`}
    <${More} list=${list} />
    ${open && html`<${GroupDetail} key=${open} id=${open} onChanged=${() => setRound((r) => r + 1)} />`}
  </div>`;
}
