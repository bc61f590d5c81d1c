// The dealer group's members and invitations. Every member reads the list and may leave the
// group; owners also invite (a signatory needs a job title), revoke invitations, change a
// member's role or title (with the member's version: someone else's change since is a 412) and
// remove members. The group's last owner can neither go nor be demoted (409 `last_owner`).
import { useEffect, useRef, useState } from "../vendor/hooks.mjs";
import { api, patch } from "./api.js";
import { formatDateTime, t } from "./i18n.js";
import { navigate } from "./router.js";
import { ConfirmButton, Field, Form, Loading, More, Notice, Page, Problem, Select, html, useApi, usePages, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/reports.js";

addWords(words);

const ROLES = ["owner", "editor", "signatory"];

function roleOptions() {
  return ROLES.map((role) => ({ value: role, label: t("role_" + role) }));
}

// Our own words for the refusals a person can do something about; the server's problem stays
// beside them.
function explain(error) {
  if (!error || !error.problem) return null;
  if (error.problem.code === "last_owner") return t("members_last_owner");
  if (error.status === 412) return t("members_stale");
  return null;
}

function Refusal({ error, fields }) {
  const words = explain(error);
  return html`${words && html`<p class="warning" role="alert">${words}</p>`}<${Problem} error=${error} fields=${fields} />`;
}

export function Members({ account, onAccount }) {
  const group = "dealer-groups/" + encodeURIComponent(account.dealer_group_id);
  const owner = account.group_role === "owner";
  const members = useApi(group + "/members");
  const [editing, setEditing] = useState(null);
  const [done, setDone] = useState(null);
  // A change of members reloads the list, the invitations and the record of changes, and the
  // reader's own account (an owner may have changed their own role).
  const [round, setRound] = useState(0);
  const changed = (words) => {
    setDone(words);
    setEditing(null);
    members.reload();
    setRound((r) => r + 1);
    onAccount();
  };
  const list = members.data ? members.data.items : [];
  return html`<${Page} title=${t("members_title")} wide>
    <p>${owner ? t("members_intro_owner") : t("members_intro")}</p>
    ${done && html`<${Notice}>${done}<//>`}
    ${members.loading && !members.data && html`<${Loading} />`}
    <${Problem} error=${members.error} />
    ${list.length > 0 &&
    html`<${MemberTable} members=${list} account=${account} owner=${owner} group=${group}
      onEdit=${(m) => { setDone(null); setEditing(m); }} onChanged=${changed} />`}
    ${owner && editing &&
    html`<${EditMember} key=${editing.user_id} member=${editing} group=${group} onCancel=${() => setEditing(null)}
      onChanged=${changed} onStale=${() => members.reload()} />`}
    ${owner && !editing && html`<${Invite} group=${group} onChanged=${changed} />`}
    ${owner && html`<${Invitations} group=${group} round=${round} onChanged=${changed} />`}
    <${Leave} group=${group} account=${account} onAccount=${onAccount} />
    <${GroupEvents} group=${group} round=${round} />
  <//>`;
}

function MemberTable({ members, account, owner, group, onEdit, onChanged }) {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label=${t("members_list")}>
    <table class="members">
      <caption>${t("members_list")}</caption>
      <thead>
        <tr>
          <th scope="col">${t("display_name")}</th>
          <th scope="col">${t("email")}</th>
          <th scope="col">${t("members_role")}</th>
          <th scope="col">${t("members_job_title")}</th>
          <th scope="col">${t("members_joined")}</th>
          ${owner && html`<th scope="col">${t("members_manage")}</th>`}
        </tr>
      </thead>
      <tbody>
        ${members.map(
          (m) => html`<tr key=${m.user_id}>
            <th scope="row">${m.display_name}${m.user_id === account.id && html` <span class="meta">${t("members_you")}</span>`}</th>
            <td>${m.email}</td>
            <td>${t("role_" + m.role)}</td>
            <td>${m.title || t("none")}</td>
            <td>${formatDateTime(m.joined_at)}</td>
            ${owner &&
            html`<td><${MemberActions} member=${m} self=${m.user_id === account.id} group=${group}
              onEdit=${onEdit} onChanged=${onChanged} /></td>`}
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

// Change, and remove after a confirmation (one's own removal is leaving, below).
function MemberActions({ member, self, group, onEdit, onChanged }) {
  const send = useSubmit();
  const remove = () =>
    send.run(async () => {
      await api("DELETE", group + "/members/" + encodeURIComponent(member.user_id), { auth: true });
      onChanged(t("members_removed", { name: member.display_name }));
    });
  const named = { name: member.display_name };
  return html`<div class="member-actions">
    <button type="button" class="secondary" data-member=${member.email} onClick=${() => onEdit(member)}
      aria-label=${t("members_edit_label", named)}>${t("members_edit")}</button>
    ${!self &&
    html`<${ConfirmButton} name="remove" label=${t("members_remove")} ariaLabel=${t("members_remove_label", named)}
      question=${t("members_remove_confirm", named)} yes=${t("members_remove_yes")} onConfirm=${remove}
      busy=${send.busy} />`}
    <${Refusal} error=${send.error} />
  </div>`;
}

// A member's role and title: a merge patch at the version read; a title only for signatories
// (the others' is cleared when left blank).
function EditMember({ member, group, onCancel, onChanged, onStale }) {
  const [role, setRole] = useState(member.role);
  const [title, setTitle] = useState(member.title || "");
  const send = useSubmit();
  // The form opens below the list: the keyboard and screen readers are taken there.
  const heading = useRef(null);
  useEffect(() => {
    if (heading.current) heading.current.focus();
  }, []);
  const save = () =>
    send.run(async () => {
      try {
        const path = group + "/members/" + encodeURIComponent(member.user_id);
        const updated = await patch(path, { role, title: title.trim() || null }, member.version);
        onChanged(t("members_changed", { name: updated.display_name, role: t("role_" + updated.role) }));
      } catch (failure) {
        if (failure.status === 412) onStale();
        throw failure;
      }
    });
  return html`<section class="panel" aria-labelledby="edit-heading">
    <h2 id="edit-heading" tabindex="-1" ref=${heading}>${t("members_edit_title", { name: member.display_name })}</h2>
    <${Refusal} error=${send.error} fields=${["role", "title"]} />
    <${Form} onSubmit=${save} busy=${send.busy} submit=${t("members_save")}>
      <${Select} name="role" label=${t("members_role")} value=${role} options=${roleOptions()} onChange=${setRole}
        error=${send.error} />
      <${Field} name="title" label=${t("members_job_title")} value=${title} onInput=${setTitle} error=${send.error}
        required=${role === "signatory"} hint=${t("members_title_hint")} />
    <//>
    <button type="button" class="link" onClick=${onCancel}>${t("move_cancel")}</button>
  </section>`;
}

const BLANK = { email: "", role: "editor", title: "" };

function Invite({ group, onChanged }) {
  const [form, setForm] = useState(BLANK);
  const send = useSubmit();
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const invite = () =>
    send.run(async () => {
      const body = { email: form.email.trim(), role: form.role };
      if (form.title.trim()) body.title = form.title.trim();
      await api("POST", group + "/members", { auth: true, body });
      setForm(BLANK);
      onChanged(t("members_invited", { email: body.email }));
    });
  return html`<section class="panel" aria-labelledby="invite-heading">
    <h2 id="invite-heading">${t("members_invite")}</h2>
    <${Refusal} error=${send.error} fields=${["email", "role", "title"]} />
    <${Form} onSubmit=${invite} busy=${send.busy} submit=${t("members_invite_submit")}>
      <${Field} name="email" type="email" label=${t("email")} value=${form.email} onInput=${set("email")}
        error=${send.error} autocomplete="off" />
      <${Select} name="role" label=${t("members_role")} value=${form.role} options=${roleOptions()}
        onChange=${set("role")} error=${send.error} hint=${t("members_roles_hint")} />
      <${Field} name="title" label=${t("members_job_title")} value=${form.title} onInput=${set("title")}
        error=${send.error} required=${form.role === "signatory"} hint=${t("members_title_hint")} />
    <//>
  </section>`;
}

function Invitations({ group, round, onChanged }) {
  const invitations = useApi(group + "/invitations", [round]);
  const send = useSubmit();
  const revoke = (invitation) =>
    send.run(async () => {
      await api("DELETE", group + "/invitations/" + encodeURIComponent(invitation.id), { auth: true });
      onChanged(t("members_revoked", { email: invitation.email }));
    });
  const items = invitations.data ? invitations.data.items : [];
  return html`<section aria-labelledby="invitations-heading">
    <h2 id="invitations-heading">${t("members_invitations")}</h2>
    <${Problem} error=${invitations.error || send.error} />
    ${invitations.data && items.length === 0 && html`<p class="empty">${t("members_invitations_empty")}</p>`}
    ${items.length > 0 &&
    html`<div class="table-scroll" tabindex="0" role="region" aria-label=${t("members_invitations")}>
      <table class="invitations">
        <thead>
          <tr>
            <th scope="col">${t("email")}</th>
            <th scope="col">${t("members_role")}</th>
            <th scope="col">${t("members_invitation_status")}</th>
            <th scope="col">${t("members_expires")}</th>
            <th scope="col">${t("members_manage")}</th>
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (i) => html`<tr key=${i.id}>
              <th scope="row">${i.email}</th>
              <td>${t("role_" + i.role)}${i.title ? " · " + i.title : ""}</td>
              <td>${t("members_invitation_" + i.status)}</td>
              <td>${formatDateTime(i.expires_at)}</td>
              <td>${i.status === "pending" &&
              html`<button type="button" class="secondary" disabled=${send.busy} onClick=${() => revoke(i)}
                aria-label=${t("members_revoke_label", { email: i.email })}>${t("members_revoke")}</button>`}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`}
  </section>`;
}

// Leaving, for anyone, after a confirmation; then the account has no group.
function Leave({ group, account, onAccount }) {
  const send = useSubmit();
  const leave = () =>
    send.run(async () => {
      await api("DELETE", group + "/members/" + encodeURIComponent(account.id), { auth: true });
      await onAccount();
      navigate("/");
    });
  return html`<section aria-labelledby="leave-heading">
    <h2 id="leave-heading">${t("members_leave")}</h2>
    <p>${t("members_leave_intro")}</p>
    <${Refusal} error=${send.error} />
    <${ConfirmButton} name="leave" label=${t("members_leave")} question=${t("members_leave_confirm")}
      yes=${t("members_leave_yes")} onConfirm=${leave} busy=${send.busy} />
  </section>`;
}

// The record of the group's membership (oldest first, as the API gives it).
function GroupEvents({ group, round }) {
  const events = usePages(group + "/events?limit=50", [round]);
  return html`<section aria-labelledby="events-heading">
    <h2 id="events-heading">${t("members_events")}</h2>
    ${!events.loading && !events.error && events.items.length === 0 && html`<p class="empty">${t("timeline_empty")}</p>`}
    ${events.items.length > 0 &&
    html`<ol class="timeline group-events">
      ${events.items.map(
        (e) => html`<li key=${e.id}>
          <time datetime=${e.at}>${formatDateTime(e.at)}</time>
          <span class="action">${e.action_label}</span>
          ${e.actor_name && html`<span class="meta">${t("members_event_by", { name: e.actor_name })}</span>`}
          ${e.detail && html`<p>${e.detail}</p>`}
        </li>`,
      )}
    </ol>`}
    <${More} list=${events} />
  </section>`;
}
