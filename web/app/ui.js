// Building blocks every screen uses: the markup function, labelled fields with their errors
// beside them, the box that shows a failed call, pages with a heading that takes the focus, and
// the hooks that load and send.
import { h } from "../vendor/preact.mjs";
import { useEffect, useRef, useState } from "../vendor/hooks.mjs";
import htm from "../vendor/htm.mjs";
import { ApiError, api } from "./api.js";
import { t } from "./i18n.js";
import { href, navigate } from "./router.js";

export const html = htm.bind(h);

// A link between the app's routes that does not load the page again.
export function Link({ to, children, ...rest }) {
  const follow = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return html`<a href=${href(to)} onClick=${follow} ...${rest}>${children}</a>`;
}

// A screen: its heading takes the focus when the screen opens (screen readers announce it, the
// keyboard starts there), and the document is titled after it.
export function Page({ title, children, wide }) {
  const heading = useRef(null);
  useEffect(() => {
    document.title = title + " · " + t("brand");
    if (heading.current) heading.current.focus({ preventScroll: true });
  }, [title]);
  return html`<section class=${wide ? "page wide" : "page"}>
    <h1 tabindex="-1" ref=${heading}>${title}</h1>
    ${children}
  </section>`;
}

// The errors of `error` about `field`.
function errorsOf(error, field) {
  return error instanceof ApiError ? error.fieldErrors.filter((e) => e.field === field) : [];
}

// A labelled input; the API's errors about `name` are shown under it and tied to it.
export function Field({ name, label, type, value, onInput, error, hint, autocomplete, required, ...rest }) {
  const id = "field-" + name;
  const errors = errorsOf(error, name);
  const described = [hint ? id + "-hint" : null, errors.length ? id + "-errors" : null]
    .filter(Boolean)
    .join(" ");
  return html`<div class=${errors.length ? "field invalid" : "field"}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${id + "-hint"}>${hint}</p>`}
    <input
      id=${id}
      name=${name}
      type=${type || "text"}
      value=${value}
      autocomplete=${autocomplete || "off"}
      required=${required !== false}
      aria-invalid=${errors.length ? "true" : undefined}
      aria-describedby=${described || undefined}
      onInput=${(event) => onInput(event.currentTarget.value)}
      ...${rest}
    />
    <${FieldErrors} id=${id + "-errors"} errors=${errors} />
  </div>`;
}

// A labelled choice among `options` (`[{value, label}]`); the API's errors about `name` under it.
export function Select({ name, label, value, options, onChange, error, hint }) {
  const id = "field-" + name;
  const errors = errorsOf(error, name);
  return html`<div class=${errors.length ? "field invalid" : "field"}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${id + "-hint"}>${hint}</p>`}
    <select id=${id} name=${name} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}
      aria-invalid=${errors.length ? "true" : undefined}
      aria-describedby=${[hint ? id + "-hint" : null, errors.length ? id + "-errors" : null].filter(Boolean).join(" ") || undefined}>
      ${options.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
    </select>
    <${FieldErrors} id=${id + "-errors"} errors=${errors} />
  </div>`;
}

// A labelled checkbox, its hint and the API's errors about `name` under it.
export function Checkbox({ name, label, checked, onChange, error, hint, disabled }) {
  const id = "field-" + name;
  const errors = errorsOf(error, name);
  const described = [hint ? id + "-hint" : null, errors.length ? id + "-errors" : null].filter(Boolean).join(" ");
  return html`<div class=${errors.length ? "field checkbox invalid" : "field checkbox"}>
    <input type="checkbox" id=${id} name=${name} checked=${checked} disabled=${disabled}
      aria-invalid=${errors.length ? "true" : undefined} aria-describedby=${described || undefined}
      onChange=${(event) => onChange(event.currentTarget.checked)} />
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${id + "-hint"}>${hint}</p>`}
    <${FieldErrors} id=${id + "-errors"} errors=${errors} />
  </div>`;
}

// A button for what cannot be undone: it asks once more in place (no browser dialog), the
// question and "yes" taking its place; "yes" takes the focus, and cancelling gives it back to
// the button. `name` marks the "yes" button (`data-confirm`) for tests and styles.
export function ConfirmButton({ label, ariaLabel, question, yes, onConfirm, busy, name }) {
  const [asking, setAsking] = useState(false);
  const button = useRef(null);
  const confirm = useRef(null);
  const ask = (now) => {
    setAsking(now);
    // After the redraw: the element to focus exists only then.
    setTimeout(() => {
      const target = now ? confirm.current : button.current;
      if (target) target.focus();
    });
  };
  if (!asking) {
    return html`<button type="button" class="secondary" ref=${button} aria-label=${ariaLabel}
      onClick=${() => ask(true)}>${label}</button>`;
  }
  return html`<div class="confirm" role="group" aria-label=${question}>
    <p class="warning">${question}</p>
    <div class="actions">
      <button type="button" class="danger" ref=${confirm} data-confirm=${name} disabled=${busy}
        onClick=${onConfirm}>${yes}</button>
      <button type="button" class="secondary" onClick=${() => ask(false)}>${t("move_cancel")}</button>
    </div>
  </div>`;
}

// A labelled text area; the API's errors about `name` under it.
// `id` when two areas of one page send the same field (a note and a message both send `body`).
export function TextArea({ name, label, value, onInput, error, hint, required, rows, id: given }) {
  const id = given || "field-" + name;
  const errors = errorsOf(error, name);
  return html`<div class=${errors.length ? "field invalid" : "field"}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${id + "-hint"}>${hint}</p>`}
    <textarea id=${id} name=${name} rows=${rows || 4} value=${value} required=${Boolean(required)}
      aria-invalid=${errors.length ? "true" : undefined}
      aria-describedby=${[hint ? id + "-hint" : null, errors.length ? id + "-errors" : null].filter(Boolean).join(" ") || undefined}
      onInput=${(event) => onInput(event.currentTarget.value)}></textarea>
    <${FieldErrors} id=${id + "-errors"} errors=${errors} />
  </div>`;
}

function FieldErrors({ id, errors }) {
  if (!errors.length) return null;
  return html`<ul class="field-errors" id=${id}>
    ${errors.map((e) => html`<li key=${e.code + e.message}>${e.message}</li>`)}
  </ul>`;
}

// A failed call: the problem's title and detail as the server wrote them (in the language the
// call was made in; a refused field's detail only points to the errors, shown here instead), the
// field errors no field on the screen shows (named by `labelOf(path)` where the screen can name
// them: a JSON path means nothing to a person), and the request's reference.
export function Problem({ error, fields, labelOf }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  if (!problem) {
    const words = error instanceof ApiError && error.status === 0 ? t("network_error") : t("unexpected_error");
    return html`<div class="problem" role="alert"><strong>${words}</strong></div>`;
  }
  const shown = new Set(fields || []);
  const others = error.fieldErrors.filter((e) => !shown.has(e.field));
  return html`<div class="problem" role="alert">
    <strong>${problem.title}</strong>
    ${problem.detail && error.fieldErrors.length === 0 && html`<p>${problem.detail}</p>`}
    ${others.length > 0 &&
    html`<ul>
      ${others.map(
        (e) => html`<li key=${e.field + e.code}>${e.field && labelOf ? labelOf(e.field) + t("label_separator") : ""}${e.message}</li>`,
      )}
    </ul>`}
    ${problem.request_id && html`<p class="reference">${t("reference", { id: problem.request_id })}</p>`}
  </div>`;
}

// An application's status as the reader should read it (the API's `status_label`).
export function StatusBadge({ application }) {
  return html`<span class=${"status status-" + application.status}>${application.status_label}</span>`;
}

// A polite announcement (success, progress).
export function Notice({ children }) {
  return html`<div class="notice" role="status">${children}</div>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t("loading")}</p>`;
}

// Sends something: `run(work)` remembers whether it is underway and what failed.
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (work) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

// A form whose submission calls `onSubmit` (never a browser form post).
export function Form({ onSubmit, busy, submit, children }) {
  const send = (event) => {
    event.preventDefault();
    onSubmit();
  };
  return html`<form onSubmit=${send} novalidate>
    ${children}
    <button type="submit" class="primary" disabled=${busy} aria-busy=${busy ? "true" : undefined}>
      ${submit}
    </button>
  </form>`;
}

// Loads `path` (with the token) again whenever one of `keys` changes, or `reload()` is called:
// `{data, error, loading, reload}`. A reload keeps the data shown until the new one is there.
export function useApi(path, keys) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ data: round ? s.data : null, error: null, loading: true }));
    api("GET", path, { auth: true }).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [path, round, ...(keys || [])]);
  return {
    ...state,
    reload: () => setRound((r) => r + 1),
    // Shows `data` (what a write answered) without loading again.
    replace: (data) => setState({ data, error: null, loading: false }),
  };
}

// Pages of a list (`{items, next_cursor}`): the items so far, and `more()` for the next page.
export function usePages(path, keys) {
  const [state, setState] = useState({ items: [], next: null, error: null, loading: true });
  // Only the answers to the list now shown count: a slower answer to an earlier list is dropped.
  const shown = useRef(0);
  const load = (cursor, items) => {
    const round = shown.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    const separator = path.includes("?") ? "&" : "?";
    const url = cursor ? path + separator + "cursor=" + encodeURIComponent(cursor) : path;
    return api("GET", url, { auth: true }).then(
      (page) =>
        round === shown.current &&
        setState({ items: items.concat(page.items), next: page.next_cursor, error: null, loading: false }),
      (error) => round === shown.current && setState({ items, next: cursor, error, loading: false }),
    );
  };
  useEffect(() => {
    shown.current += 1;
    load(null, []);
  }, [path, ...(keys || [])]);
  return { ...state, more: () => load(state.next, state.items) };
}

// A list's "load more" button and its state.
export function More({ list }) {
  return html`${list.error && html`<${Problem} error=${list.error} />`}
    ${list.loading && html`<${Loading} />`}
    ${!list.loading && list.next &&
    html`<button type="button" class="secondary" onClick=${list.more}>${t("load_more")}</button>`}`;
}
