// The moves the caller may make on an application now (`allowed_actions`), each a button, and
// those a rule holds back (`blocked_actions`) with the rule in the caller's language. A move
// that needs more (a reason, a message to the applicant, the letter's terms) or cannot be undone
// by the caller (withdrawing, declining the letter) opens a short form first. Every move sends
// the version the page shows: if someone else moved the application meanwhile, the page says so
// and shows it as it is now.
import { useEffect, useRef, useState } from "../vendor/hooks.mjs";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { Field, Form, Problem, Select, TextArea, html, useSubmit } from "./ui.js";

const REJECT_REASONS = ["not_eligible", "weaker_than_competitors", "quota_filled", "incomplete", "duplicate", "other"];
const TERMINATE_REASONS = ["build_out_failed", "breach", "mutual", "other"];

// What each move asks for before it is sent; moves not listed are sent on a click.
const FORMS = {
  reject: { reasonCodes: REJECT_REASONS, reason: "optional" },
  terminate: { reasonCodes: TERMINATE_REASONS, reason: "required" },
  reopen: { reason: "required" },
  rescind_loi: { reason: "required" },
  withdraw: { reason: "optional", warning: "move_withdraw_warning" },
  request_info: { message: true },
  offer_loi: { loi: true },
  decline_loi: { warning: "move_decline_warning" },
};

// Signing the letter is done on the letter itself (letter.js), not here.
const ELSEWHERE = new Set(["sign_loi"]);

// `beforeMove()` saves what the page has unsaved first (the application form): it resolves to
// null (nothing to save) or `{saved, version}`; a move waits for it and sends that version, and
// does not go when something typed could not be saved (the form says why).
// `labelOf(path)` names a refused field (submitting lists what is missing).
export function Moves({ application, onMoved, beforeMove, labelOf }) {
  const [open, setOpen] = useState(null);
  const [stale, setStale] = useState(false);
  const [unsaved, setUnsaved] = useState(false);
  // The pressed button goes when its form opens, and the form when it closes: the keyboard
  // carries on from the form's heading, then from this section's.
  const heading = useRef(null);
  const close = () => {
    setOpen(null);
    if (heading.current) heading.current.focus();
  };
  const send = useSubmit();
  const allowed = (application.allowed_actions || []).filter((action) => !ELSEWHERE.has(action));
  const blocked = (application.blocked_actions || []).filter((b) => !ELSEWHERE.has(b.action));
  if (allowed.length === 0 && blocked.length === 0) return null;

  const move = (action, extra) =>
    send.run(async () => {
      setStale(false);
      const draft = beforeMove ? await beforeMove() : null;
      setUnsaved(Boolean(draft && !draft.saved));
      if (draft && !draft.saved) return;
      try {
        const moved = await api("POST", "applications/" + application.id + "/transitions", {
          auth: true,
          body: { action, ...extra },
          ifMatch: draft ? draft.version : application.version,
        });
        close();
        onMoved(moved);
      } catch (error) {
        if (error.status === 412) {
          setStale(true);
          close();
          onMoved(null);
          return;
        }
        throw error;
      }
    });

  return html`<section class="moves" aria-labelledby="moves-heading">
    <h2 id="moves-heading" tabindex="-1" ref=${heading}>${t("moves_title")}</h2>
    ${stale && html`<div class="problem" role="alert">${t("moves_stale")}</div>`}
    ${unsaved && html`<div class="problem" role="alert">${t("moves_unsaved")}</div>`}
    ${!open && html`<${Problem} error=${send.error} labelOf=${labelOf} />`}
    ${open
      ? html`<${MoveForm} action=${open} busy=${send.busy} error=${send.error}
          onSend=${(extra) => move(open, extra)} onCancel=${close} />`
      : html`<div class="actions">
          ${allowed.map(
            (action) => html`<button key=${action} type="button"
              class=${action === "reject" || action === "withdraw" || action === "decline_loi" || action === "terminate" || action === "rescind_loi" ? "secondary" : "primary"}
              disabled=${send.busy} data-action=${action}
              onClick=${() => (FORMS[action] ? setOpen(action) : move(action, {}))}>${t("action_" + action)}</button>`,
          )}
        </div>`}
    ${blocked.length > 0 &&
    html`<ul class="blocked">
      ${blocked.map(
        (b) => html`<li key=${b.action + b.code}><strong>${t("action_" + b.action)}</strong>: ${b.message}</li>`,
      )}
    </ul>`}
  </section>`;
}

// The form of one move; `onSend` gets the request's other fields.
function MoveForm({ action, busy, error, onSend, onCancel }) {
  const form = FORMS[action];
  const heading = useRef(null);
  useEffect(() => {
    if (heading.current) heading.current.focus();
  }, []);
  const [reasonCode, setReasonCode] = useState("");
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState("");
  const [loi, setLoi] = useState({ valid_days: "30", stores: "1", terms_note: "" });
  const submit = () => {
    const extra = {};
    if (form.reasonCodes) extra.reason_code = reasonCode || null;
    if (form.reason && reason.trim()) extra.reason = reason.trim();
    if (form.message) extra.message = message.trim();
    if (form.loi) {
      extra.loi = {
        valid_days: Number(loi.valid_days),
        stores: Number(loi.stores),
        terms_note: loi.terms_note.trim() || null,
      };
    }
    onSend(extra);
  };
  const fields = ["reason_code", "reason", "message", "loi.valid_days", "loi.stores", "loi.terms_note"];
  return html`<div class="move-form">
    <h3 tabindex="-1" ref=${heading}>${t("action_" + action)}</h3>
    ${form.warning && html`<p class="warning">${t(form.warning)}</p>`}
    <${Problem} error=${error} fields=${fields} />
    <${Form} onSubmit=${submit} busy=${busy} submit=${t("move_confirm", { action: t("action_" + action) })}>
      ${form.reasonCodes &&
      html`<${Select} name="reason_code" label=${t("move_reason_code")} value=${reasonCode} error=${error}
        options=${[{ value: "", label: t("move_choose") }].concat(
          form.reasonCodes.map((code) => ({ value: code, label: t("reason_" + code) })),
        )}
        onChange=${setReasonCode} />`}
      ${form.reason &&
      html`<${TextArea} name="reason" value=${reason} onInput=${setReason} error=${error}
        required=${form.reason === "required"}
        label=${form.reason === "required" ? t("move_reason") : t("move_reason_optional")} />`}
      ${form.message &&
      html`<${TextArea} name="message" label=${t("move_message")} hint=${t("move_message_hint")}
        value=${message} onInput=${setMessage} error=${error} required />`}
      ${form.loi &&
      html`<${Field} name="loi.valid_days" type="number" min="1" max="60" label=${t("loi_valid_days")}
          value=${loi.valid_days} onInput=${(v) => setLoi({ ...loi, valid_days: v })} error=${error} />
        <${Field} name="loi.stores" type="number" min="1" max="100" label=${t("loi_stores")}
          value=${loi.stores} onInput=${(v) => setLoi({ ...loi, stores: v })} error=${error} />
        <${TextArea} name="loi.terms_note" label=${t("loi_terms_note")} value=${loi.terms_note}
          onInput=${(v) => setLoi({ ...loi, terms_note: v })} error=${error} />`}
    <//>
    <button type="button" class="link" onClick=${onCancel}>${t("move_cancel")}</button>
  </div>`;
}
