// Staff: the reviewers and admins, each with their cities and whether the account is active;
// admins invite someone (the API e-mails a link to set a password) and change a member's role,
// cities and active flag (a merge patch with the version read).
import { useState } from "../../vendor/hooks.mjs";
import { api, patch } from "../api.js";
import { currentLanguage, t } from "../i18n.js";
import { Field, Form, More, Problem, Select, html, useApi, usePages, useSubmit } from "../ui.js";
import { AdminTable, Checkboxes, FormHeading, Said, isStale, listed } from "./parts.js";

function roleOptions() {
  return ["reviewer", "admin"].map((role) => ({ value: role, label: t("admin_staff_role_" + role) }));
}

// The plan's cities as checkbox options, in the reader's language.
function useCityOptions() {
  const cities = useApi("cities");
  return (cities.data || []).map((c) => ({
    value: c.code,
    label: currentLanguage() === "en" ? c.name_en : c.name_zh,
  }));
}

function cityNames(codes, options) {
  if (!codes.length) return t("admin_staff_all_cities");
  return listed(codes.map((code) => (options.find((o) => o.value === code) || { label: code }).label));
}

const EMPTY_INVITE = { email: "", display_name: "", role: "reviewer", city_codes: [], locale: "zh-CN" };

function Invite({ cities, onDone, onCancel }) {
  const [form, setForm] = useState(EMPTY_INVITE);
  const { busy, error, run } = useSubmit();
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const send = () =>
    run(async () => {
      const body = { ...form, email: form.email.trim(), display_name: form.display_name.trim() };
      const member = await api("POST", "staff", { auth: true, body });
      onDone(t("admin_staff_invited", { email: member.email }));
    });
  const languages = [
    { value: "zh-CN", label: t("admin_staff_locale_zh") },
    { value: "en", label: t("admin_staff_locale_en") },
  ];
  return html`<div class="admin-form">
    <${FormHeading}>${t("admin_staff_invite_title")}<//>
    <p>${t("admin_staff_invite_intro")}</p>
    <${Problem} error=${error} fields=${["email", "display_name", "role", "city_codes", "locale"]} />
    <${Form} onSubmit=${send} busy=${busy} submit=${t("admin_staff_invite_submit")}>
      <${Field} name="email" type="email" label=${t("email")} value=${form.email} error=${error}
        onInput=${set("email")} />
      <${Field} name="display_name" label=${t("admin_staff_name")} value=${form.display_name}
        error=${error} onInput=${set("display_name")} />
      <${Select} name="role" label=${t("admin_staff_role")} value=${form.role} options=${roleOptions()}
        error=${error} onChange=${set("role")} />
      <${Checkboxes} name="city_codes" legend=${t("admin_staff_cities")} options=${cities}
        values=${form.city_codes} error=${error} onChange=${set("city_codes")} />
      <${Select} name="locale" label=${t("admin_staff_locale")} value=${form.locale} options=${languages}
        error=${error} onChange=${set("locale")} />
    <//>
    <button type="button" class="link" onClick=${onCancel}>${t("move_cancel")}</button>
  </div>`;
}

function EditMember({ member, cities, onDone, onCancel }) {
  const [form, setForm] = useState({
    role: member.role,
    city_codes: member.city_codes,
    active: member.active,
  });
  const { busy, error, run } = useSubmit();
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const save = () =>
    run(async () => {
      try {
        await patch("staff/" + member.id, form, member.version);
        onDone(t("admin_staff_saved", { name: member.display_name }));
      } catch (failure) {
        if (isStale(failure)) onDone(t("admin_stale"), { alert: true });
        else throw failure;
      }
    });
  return html`<div class="admin-form">
    <${FormHeading}>${t("admin_staff_edit_title", { name: member.display_name })}<//>
    <${Problem} error=${error} fields=${["role", "city_codes", "active"]} />
    <${Form} onSubmit=${save} busy=${busy} submit=${t("admin_save")}>
      <${Select} name="role" label=${t("admin_staff_role")} value=${form.role} options=${roleOptions()}
        error=${error} onChange=${set("role")} hint=${t("admin_staff_role_hint")} />
      <${Checkboxes} name="city_codes" legend=${t("admin_staff_cities")} options=${cities}
        values=${form.city_codes} error=${error} onChange=${set("city_codes")} />
      <div class="field">
        <label class="check-option">
          <input type="checkbox" name="active" checked=${form.active}
            onChange=${(e) => set("active")(e.currentTarget.checked)} />
          <span>${t("admin_staff_active_label")}</span>
        </label>
        <p class="hint">${t("admin_staff_active_hint")}</p>
      </div>
    <//>
    <button type="button" class="link" onClick=${onCancel}>${t("move_cancel")}</button>
  </div>`;
}

function StaffTable({ members, cities, onEdit }) {
  const columns = [t("admin_staff_name"), t("email"), t("admin_staff_role"), t("admin_staff_cities"), t("admin_staff_state")];
  return html`<${AdminTable} caption=${t("admin_staff")} columns=${columns}>
    ${members.map(
      (m) => html`<tr key=${m.id} data-staff=${m.email}>
        <th scope="row">${m.display_name}</th>
        <td>${m.email}</td>
        <td>${t("admin_staff_role_" + m.role)}</td>
        <td>${m.role === "admin" ? t("admin_staff_all_cities") : cityNames(m.city_codes, cities)}</td>
        <td>${!m.active ? t("admin_staff_inactive") : m.email_verified ? t("admin_staff_active") : t("admin_staff_pending")}</td>
        <td><button type="button" class="secondary" onClick=${() => onEdit(m.id)}>
          ${t("admin_change")}<span class="visually-hidden"> ${m.display_name}</span>
        </button></td>
      </tr>`,
    )}
  <//>`;
}

export function Staff() {
  const [round, setRound] = useState(0);
  const list = usePages("staff?limit=100", [round]);
  const cities = useCityOptions();
  // null, "invite", or the id of the member being changed: one form at a time.
  const [open, setOpen] = useState(null);
  const [said, setSaid] = useState(null);
  const done = (message, options) => {
    setOpen(null);
    setSaid({ message, alert: Boolean(options && options.alert) });
    setRound(round + 1);
  };
  const start = (what) => {
    setSaid(null);
    setOpen(what);
  };
  const editing = list.items.find((m) => m.id === open);
  return html`<div class="admin-section">
    <p>${t("admin_staff_intro")}</p>
    <${Said} said=${said} />
    ${open === "invite" && html`<${Invite} cities=${cities} onDone=${done} onCancel=${() => setOpen(null)} />`}
    ${editing && html`<${EditMember} key=${editing.id + editing.version} member=${editing} cities=${cities}
      onDone=${done} onCancel=${() => setOpen(null)} />`}
    ${open === null &&
    html`<p><button type="button" class="primary" onClick=${() => start("invite")}>${t("admin_staff_invite_title")}</button></p>`}
    ${list.items.length > 0 &&
    html`<${StaffTable} members=${list.items} cities=${cities}
      onEdit=${start} />`}
    <${More} list=${list} />
  </div>`;
}
