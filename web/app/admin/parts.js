// Pieces the administration sections share: a group of checkboxes with the API's errors under
// it, a secret the API shows only once, a delete that asks first, the sections' tables and
// creation forms, and calendar dates in China time for the API's timestamps.
import { useEffect, useRef, useState } from "../../vendor/hooks.mjs";
import { ApiError, api } from "../api.js";
import { t } from "../i18n.js";
import { ConfirmButton, Field, Form, Notice, Problem, html, useSubmit } from "../ui.js";

// The API's errors about `name` or one of its items (`name[2]`).
function errorsAbout(error, name) {
  if (!(error instanceof ApiError)) return [];
  return error.fieldErrors.filter((e) => e.field === name || e.field.startsWith(name + "["));
}

function ErrorList({ id, errors }) {
  if (!errors.length) return null;
  return html`<ul class="field-errors" id=${id}>
    ${errors.map((e) => html`<li key=${e.field + e.code}>${e.message}</li>`)}
  </ul>`;
}

// Checkboxes for a list field of the API (`values` is the list); labelled by a legend.
export function Checkboxes({ name, legend, options, values, onChange, error }) {
  const errors = errorsAbout(error, name);
  const toggle = (value, on) =>
    onChange(on ? values.concat([value]) : values.filter((v) => v !== value));
  return html`<fieldset class=${errors.length ? "checks-field invalid" : "checks-field"}
      aria-describedby=${errors.length ? "field-" + name + "-errors" : undefined}>
    <legend>${legend}</legend>
    <div class="check-options">
      ${options.map(
        (o) => html`<label key=${o.value} class="check-option">
          <input type="checkbox" name=${name} value=${o.value} checked=${values.includes(o.value)}
            onChange=${(e) => toggle(o.value, e.currentTarget.checked)} />
          <span>${o.label}</span>
        </label>`,
      )}
    </div>
    <${ErrorList} id=${"field-" + name + "-errors"} errors=${errors} />
  </fieldset>`;
}

// A secret the API gives only at creation: shown with a warning and a copy button.
export function Secret({ title, value, children }) {
  const [copied, setCopied] = useState(null);
  // The clipboard is there on HTTPS and localhost only.
  const copy = () =>
    (navigator.clipboard ? navigator.clipboard.writeText(value) : Promise.reject()).then(
      () => setCopied(t("admin_copied")),
      () => setCopied(t("admin_copy_failed")),
    );
  // Announced: that it is shown and shown once; not the secret itself, read out loud.
  return html`<div class="secret-once">
    <div role="status">
      <h3>${title}</h3>
      <p class="warning">${t("admin_secret_once")}</p>
    </div>
    ${children}
    <p><code class="secret-value">${value}</code></p>
    <button type="button" class="secondary" onClick=${copy}>${t("admin_copy")}</button>
    <span class="copied" role="status">${copied}</span>
  </div>`;
}

// Takes the keyboard's focus when it appears (a form opened from a row far down a table, the
// confirmation that replaced the button just pressed), so nobody has to look for it.
function useFocusOnMount() {
  const element = useRef(null);
  useEffect(() => {
    if (element.current) element.current.focus();
  }, []);
  return element;
}

// The heading of a form that opens on request: it takes the focus, and the screen scrolls to it.
export function FormHeading({ children }) {
  return html`<h2 tabindex="-1" ref=${useFocusOnMount()}>${children}</h2>`;
}

// A delete button that asks to confirm, in place (no browser dialog).
export function ConfirmDelete({ what, onConfirm, busy }) {
  return html`<${ConfirmButton} label=${t("admin_delete")} ariaLabel=${t("admin_delete") + " " + what}
    question=${t("admin_delete_confirm", { what })} yes=${t("admin_delete_yes")} onConfirm=${onConfirm}
    busy=${busy} name="delete" />`;
}

// A number typed into a field: a number when it reads as one, else the text (the API then says
// what is wrong with it beside the field).
export function numberOf(text) {
  const trimmed = String(text).trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

// Items of a list in a sentence, as the reader's language separates them.
export function listed(items) {
  return items.join(t("admin_separator"));
}

// Someone else changed what this screen shows since it was read.
export function isStale(error) {
  return error instanceof ApiError && error.status === 412;
}

// A list of the section's things: `columns` head the cells each row gives, and a last, unnamed
// column holds the row's buttons; the caption names the table for screen readers.
export function AdminTable({ caption, columns, children }) {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label=${caption}>
    <table class="admin-table">
      <caption class="visually-hidden">${caption}</caption>
      <thead>
        <tr>
          ${columns.map((column) => html`<th scope="col" key=${column}>${column}</th>`)}
          <th scope="col"><span class="visually-hidden">${t("admin_actions")}</span></th>
        </tr>
      </thead>
      <tbody>${children}</tbody>
    </table>
  </div>`;
}

// A form that creates something of one text field (`text`: `{name, label, hint, type}`) and a
// set of checkboxes (`choices`: `{name, legend, options}`) by POSTing both to `path`; the API's
// answer goes to `onCreated` (it carries the secret shown once).
export function CreateForm({ title, path, text, choices, submit, onCreated }) {
  const empty = { [text.name]: "", [choices.name]: [] };
  const [form, setForm] = useState(empty);
  const { busy, error, run } = useSubmit();
  const create = () =>
    run(async () => {
      const body = { ...form, [text.name]: form[text.name].trim() };
      const created = await api("POST", path, { auth: true, body });
      setForm(empty);
      onCreated(created);
    });
  return html`<div class="admin-form">
    <h2>${title}</h2>
    <${Problem} error=${error} fields=${[text.name, choices.name]} />
    <${Form} onSubmit=${create} busy=${busy} submit=${submit}>
      <${Field} name=${text.name} type=${text.type || "text"} label=${text.label} hint=${text.hint}
        value=${form[text.name]} error=${error} onInput=${(value) => setForm({ ...form, [text.name]: value })} />
      <${Checkboxes} name=${choices.name} legend=${choices.legend} options=${choices.options}
        values=${form[choices.name]} error=${error}
        onChange=${(values) => setForm({ ...form, [choices.name]: values })} />
    <//>
  </div>`;
}

// What the last save said: a notice, or an alert when it could not go through (someone else
// changed the thing first: the screen now shows theirs). `said` is `{message, alert}` or null.
export function Said({ said }) {
  if (!said) return null;
  if (said.alert) return html`<div class="problem" role="alert"><strong>${said.message}</strong></div>`;
  return html`<${Notice}>${said.message}<//>`;
}
