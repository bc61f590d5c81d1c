// An application's form while the group may edit it (draft, info requested), saved as one
// types: ~800 ms after the last keystroke (or when a field loses focus) a merge patch of what
// changed goes out with the version last read, and the answer's version is kept (and given to
// the page, so its moves send it too). The eligibility preview beside the form is loaded again
// after each save. And, on the home page, starting a new application for an open city.
import { useEffect, useRef, useState } from "../vendor/hooks.mjs";
import { api, patch } from "./api.js";
import { EligibilityReport } from "./eligibility.js";
import { changesOf, numberOrNull, textOf } from "./group.js";
import { currentLanguage, formatDateTime, t } from "./i18n.js";
import { navigate } from "./router.js";
import { Checkbox, Field, Problem, Select, TextArea, html, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/applicant.js";

addWords(words);

const EDITABLE = ["draft", "info_requested"];
const SITE_TYPES = ["auto_business_district", "commercial_plaza", "retail_outlet_adjacent", "street", "other"];
const LEASE = ["owned", "leased", "negotiating", "none"];
const SITE_NUMBERS = ["site_area_sqm", "frontage_m", "showroom_height_m", "showroom_sqm", "workshop_sqm"];
const SITE_TEXTS = ["address", "district", "district_code", "commercial_plaza"];
const ACKNOWLEDGEMENTS = ["agency_sales_no_resale", "no_vehicle_delivery"];
const SAVE_AFTER_MS = 800;

export function NewApplication({ cities }) {
  const [city, setCity] = useState("");
  const send = useSubmit();
  const name = (c) => (currentLanguage() === "en" ? c.name_en : c.name_zh);
  const open = Object.values(cities).filter((c) => c.status === "open");
  const options = [{ value: "", label: t("form_choose") }].concat(open.map((c) => ({ value: c.code, label: name(c) })));
  const start = (event) => {
    event.preventDefault();
    send.run(async () => {
      const created = await api("POST", "applications", { auth: true, body: { city_code: city } });
      navigate("/applications/" + created.id);
    });
  };
  return html`<section class="new-application" aria-labelledby="new-application-heading">
    <h2 id="new-application-heading">${t("new_application_title")}</h2>
    <p>${t("new_application_intro")}</p>
    <${Problem} error=${send.error} fields=${["city_code"]} />
    <form onSubmit=${start} novalidate>
      <${Select} name="city_code" label=${t("new_application_city")} value=${city} options=${options}
        onChange=${setCity} error=${send.error} />
      <button type="submit" class="primary" disabled=${send.busy}>${t("new_application_start")}</button>
    </form>
  </section>`;
}

const emptySite = () => Object.fromEntries(SITE_TEXTS.concat(SITE_NUMBERS, ["site_type", "lease_status"]).map((k) => [k, ""]));

// The form's text for an application.
function formOf(a) {
  const customers = a.customer_base || {};
  return {
    store_format: textOf(a.store_format),
    investment_cny: textOf(a.investment_cny),
    planned_opening: textOf(a.planned_opening),
    active_customers: textOf(customers.active_customers),
    annual_service_visits: textOf(customers.annual_service_visits),
    notes: textOf(a.notes),
    sites: (a.proposed_sites || []).map((s) => Object.fromEntries(Object.keys(emptySite()).map((k) => [k, textOf(s[k])]))),
    acknowledgements: a.acknowledgements || [],
  };
}

const textOrNull = (text) => (text.trim() === "" ? null : text.trim());

// The application the form describes, as the API reads it (empty optional inputs are null).
function bodyOf(f) {
  const customers = { active_customers: numberOrNull(f.active_customers), annual_service_visits: numberOrNull(f.annual_service_visits) };
  return {
    store_format: f.store_format || null,
    investment_cny: numberOrNull(f.investment_cny),
    planned_opening: f.planned_opening || null,
    customer_base: customers.active_customers === null && customers.annual_service_visits === null ? null : customers,
    notes: textOrNull(f.notes),
    proposed_sites: f.sites.map((s) => {
      const site = { site_type: s.site_type || null, lease_status: s.lease_status || null };
      SITE_TEXTS.forEach((k) => (site[k] = textOrNull(s[k])));
      SITE_NUMBERS.forEach((k) => (site[k] = numberOrNull(s[k])));
      return site;
    }),
    acknowledgements: ACKNOWLEDGEMENTS.filter((k) => f.acknowledgements.includes(k)),
  };
}

// What a field path is called on screen (`proposed_sites[0].frontage_m` → "Site 1 · Frontage").
export function fieldLabel(path) {
  const ack = /^acknowledgements\.(\w+)$/.exec(path);
  if (ack) return t("app_acknowledgements") + " · " + t("ack_short_" + ack[1]);
  const site = /^proposed_sites\[(\d+)\]\.(\w+)$/.exec(path);
  if (site) return t("site_n", { n: Number(site[1]) + 1 }) + " · " + t("site_" + site[2]);
  const words = { "customer_base.active_customers": "app_active_customers", "customer_base.annual_service_visits": "app_annual_service_visits" };
  return t(words[path] || "app_" + path.replace(/\W.*$/, ""));
}

// Saves what changed, one save at a time: `{form, edit, flush, state, error, stale}`.
function useAutosave(application, onChanged, onSaved) {
  const [form, setForm] = useState(() => formOf(application));
  const [state, setState] = useState({ kind: "idle" });
  const [error, setError] = useState(null);
  const [stale, setStale] = useState(null);
  const saved = useRef({ body: bodyOf(formOf(application)), version: application.version });
  const latest = useRef(form);
  const timer = useRef(null);
  // Saves run one after another: each starts from what the one before it saved.
  const queue = useRef(Promise.resolve());
  latest.current = form;

  // Moved or changed elsewhere on the page (a move): show it, unless something is unsaved.
  useEffect(() => {
    if (application.version === saved.current.version) return;
    if (Object.keys(changesOf(bodyOf(latest.current), saved.current.body)).length > 0) return;
    saved.current = { body: bodyOf(formOf(application)), version: application.version };
    setForm(formOf(application));
  }, [application.version]);

  const unsaved = () => changesOf(bodyOf(latest.current), saved.current.body);

  const saveNow = async () => {
    const changes = unsaved();
    if (Object.keys(changes).length === 0) return;
    setState({ kind: "saving" });
    try {
      const updated = await patch("applications/" + application.id, changes, saved.current.version);
      saved.current = { body: bodyOf(formOf(updated)), version: updated.version };
      setError(null);
      setStale(null);
      // Typed on meanwhile: not all saved yet (the timer sends the rest).
      const dirty = Object.keys(unsaved()).length > 0;
      setState(dirty ? { kind: "pending" } : { kind: "saved", at: new Date().toISOString() });
      onChanged(updated);
      onSaved();
    } catch (failure) {
      if (failure.status === 412) await reload(Object.keys(changes));
      else fail(failure);
    }
  };

  const fail = (failure) => {
    setError(failure);
    setState({ kind: "failed" });
  };

  // Saves what is typed now, after any save underway; resolves once it is done, to whether
  // everything typed is saved and the version that holds it (a move waits for this).
  const save = () => {
    clearTimeout(timer.current);
    queue.current = queue.current.then(saveNow);
    return queue.current.then(() => ({
      saved: Object.keys(unsaved()).length === 0,
      version: saved.current.version,
    }));
  };

  // Someone else saved first: show their version, and say which of ours did not go through.
  const reload = async (lost) => {
    let current;
    try {
      current = await api("GET", "applications/" + application.id, { auth: true });
    } catch (failure) {
      fail(failure);
      return;
    }
    saved.current = { body: bodyOf(formOf(current)), version: current.version };
    setForm(formOf(current));
    setStale(lost);
    setError(null);
    setState({ kind: "failed" });
    onChanged(current);
    onSaved();
  };

  const edit = (change) => {
    setForm((f) => change(f));
    setState((s) => (s.kind === "pending" ? s : { kind: "pending" }));
    clearTimeout(timer.current);
    timer.current = setTimeout(save, SAVE_AFTER_MS);
  };
  // Leaving the form (another page, the language switch) saves what is still waiting, rather
  // than dropping it with the timer.
  const pending = useRef(save);
  pending.current = save;
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      if (Object.keys(unsaved()).length > 0) pending.current();
    },
    [],
  );
  return { form, edit, flush: save, state, error, stale };
}

// `onFlush(save)` hands the page the way to save what is typed before a move (submitting right
// after typing must submit what was typed, with the version that holds it).
export function DraftEditor({ application, account, onChanged, onFlush }) {
  if (account.role !== "applicant" || !EDITABLE.includes(application.status)) return null;
  return html`<${Editor} application=${application} onChanged=${onChanged} onFlush=${onFlush} />`;
}

function Editor({ application, onChanged, onFlush }) {
  const [previewRound, setPreviewRound] = useState(0);
  const draft = useAutosave(application, onChanged, () => setPreviewRound((r) => r + 1));
  const flush = useRef(draft.flush);
  flush.current = draft.flush;
  useEffect(() => {
    onFlush(() => flush.current());
    return () => onFlush(null);
  }, []);
  const { form, edit, error } = draft;
  const set = (key) => (value) => edit((f) => ({ ...f, [key]: value }));
  return html`<section class="draft" aria-labelledby="draft-heading">
    <h2 id="draft-heading">${t("draft_title")}</h2>
    ${application.status === "info_requested" && html`<${InfoRequest} application=${application} />`}
    <${Missing} application=${application} />
    <div class="draft-columns">
      <div class="draft-form" onFocusOut=${draft.flush}>
        <${SaveState} draft=${draft} />
        <${Problem} error=${error} fields=${shownFields(form)} labelOf=${fieldLabel} />
        <${Select} name="store_format" label=${t("app_store_format")} value=${form.store_format} error=${error}
          options=${[{ value: "", label: t("form_choose") }, { value: "2S", label: t("store_format_2s") }]} onChange=${set("store_format")} />
        <${Field} name="investment_cny" label=${t("app_investment_cny")} inputmode="numeric" required=${false}
          value=${form.investment_cny} onInput=${set("investment_cny")} error=${error} />
        <${Field} name="planned_opening" label=${t("app_planned_opening")} type="date" required=${false}
          value=${form.planned_opening} onInput=${set("planned_opening")} error=${error} />
        <${Field} name="customer_base.active_customers" label=${t("app_active_customers")} inputmode="numeric" required=${false}
          value=${form.active_customers} onInput=${set("active_customers")} error=${error} />
        <${Field} name="customer_base.annual_service_visits" label=${t("app_annual_service_visits")} inputmode="numeric"
          required=${false} value=${form.annual_service_visits} onInput=${set("annual_service_visits")} error=${error} />
        <${Sites} sites=${form.sites} edit=${edit} error=${error} />
        <${TextArea} name="notes" label=${t("app_notes")} value=${form.notes} onInput=${set("notes")} error=${error} />
        <fieldset>
          <legend>${t("app_acknowledgements")}</legend>
          ${ACKNOWLEDGEMENTS.map((k) => html`<${Checkbox} key=${k} name=${"acknowledgements." + k} label=${t("ack_" + k)}
            checked=${form.acknowledgements.includes(k)} error=${error}
            onChange=${(on) => edit((f) => ({ ...f, acknowledgements: on ? f.acknowledgements.concat([k]) : f.acknowledgements.filter((x) => x !== k) }))} />`)}
        </fieldset>
      </div>
      <${Preview} application=${application} round=${previewRound} />
    </div>
  </section>`;
}

function shownFields(form) {
  const names = ["store_format", "investment_cny", "planned_opening", "customer_base.active_customers",
    "customer_base.annual_service_visits", "notes"];
  form.sites.forEach((_, i) => SITE_TEXTS.concat(SITE_NUMBERS, ["site_type", "lease_status"]).forEach((k) => names.push(`proposed_sites[${i}].${k}`)));
  return names;
}

// The time of day in China (a save is always today's): "14:05".
function timeOfDay(at) {
  return new Intl.DateTimeFormat(currentLanguage(), { timeZone: "Asia/Shanghai", timeStyle: "short" }).format(new Date(at));
}

// The polite line that says whether what was typed is saved.
function SaveState({ draft }) {
  const { state, stale } = draft;
  let words = "";
  if (state.kind === "pending") words = t("draft_pending");
  else if (state.kind === "saving") words = t("draft_saving");
  else if (state.kind === "saved") words = t("draft_saved", { time: timeOfDay(state.at) });
  else if (state.kind === "failed" && !stale) words = t("draft_not_saved");
  return html`<div>
    <p class="save-state" role="status">${words}</p>
    ${stale && html`<div class="problem" role="alert">
      <strong>${t("draft_stale")}</strong>
      <p>${t("draft_stale_fields", { fields: stale.map(fieldLabel).join("、") })}</p>
    </div>`}
  </div>`;
}

function Sites({ sites, edit, error }) {
  const change = (i, key) => (value) => edit((f) => ({ ...f, sites: f.sites.map((s, j) => (j === i ? { ...s, [key]: value } : s)) }));
  const choices = (values, prefix) => [{ value: "", label: t("form_choose") }].concat(values.map((v) => ({ value: v, label: t(prefix + v) })));
  return html`<fieldset>
    <legend>${t("app_proposed_sites")}</legend>
    ${sites.map((site, i) => {
      const name = (k) => `proposed_sites[${i}].${k}`;
      const label = (k) => t("site_n", { n: i + 1 }) + " · " + t("site_" + k);
      return html`<div class="repeat-row site" key=${i}>
        ${SITE_TEXTS.map((k) => html`<${Field} key=${k} name=${name(k)} label=${label(k)} required=${false}
          hint=${k === "district_code" ? t("site_district_code_hint") : null} value=${site[k]} onInput=${change(i, k)} error=${error} />`)}
        <${Select} name=${name("site_type")} label=${label("site_type")} value=${site.site_type}
          options=${choices(SITE_TYPES, "site_type_")} onChange=${change(i, "site_type")} error=${error} />
        ${SITE_NUMBERS.map((k) => html`<${Field} key=${k} name=${name(k)} label=${label(k)} inputmode="decimal"
          inputmode="decimal" required=${false} value=${site[k]} onInput=${change(i, k)} error=${error} />`)}
        <${Select} name=${name("lease_status")} label=${label("lease_status")} value=${site.lease_status}
          options=${choices(LEASE, "lease_")} onChange=${change(i, "lease_status")} error=${error} />
        <button type="button" class="secondary" onClick=${() => edit((f) => ({ ...f, sites: f.sites.filter((_, j) => j !== i) }))}>
          ${t("site_remove", { n: i + 1 })}</button>
      </div>`;
    })}
    <button type="button" class="secondary" onClick=${() => edit((f) => ({ ...f, sites: f.sites.concat([emptySite()]) }))}>
      ${t("site_add")}</button>
  </fieldset>`;
}

// What is still missing before the application can be submitted (the API's `missing_fields`).
function Missing({ application }) {
  const missing = application.missing_fields || [];
  if (missing.length === 0) return null;
  return html`<div class="missing">
    <p><strong>${t("draft_missing")}</strong></p>
    <ul>${missing.map((path) => html`<li key=${path}>${fieldLabel(path)}</li>`)}</ul>
  </div>`;
}

// What staff asked for: the message of the latest request for information (kept in the timeline).
function InfoRequest({ application }) {
  const [request, setRequest] = useState(null);
  useEffect(() => {
    api("GET", "applications/" + application.id + "/events?limit=100", { auth: true }).then(
      (page) => setRequest(page.items.filter((e) => e.action === "request_info").pop() || null),
      () => setRequest(null),
    );
  }, [application.id, application.status]);
  return html`<div class="info-request" role="region" aria-labelledby="info-request-heading">
    <h3 id="info-request-heading">${t("draft_info_requested")}</h3>
    ${request && request.reason && html`<blockquote>${request.reason}</blockquote>`}
    ${request && html`<p class="meta">${formatDateTime(request.at)}</p>`}
    <p>${t("draft_info_requested_then")}</p>
  </div>`;
}

// The report submitting now would make, loaded again after each save.
function Preview({ application, round }) {
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api("GET", "applications/" + application.id + "/eligibility/preview", { auth: true }).then(
      (next) => {
        setReport(next);
        setError(null);
      },
      setError,
    );
  }, [application.id, round]);
  // An incomplete draft has no report yet: say when it comes rather than show a failure.
  const incomplete = error && error.problem && error.problem.code === "incomplete";
  return html`<aside class="draft-preview" aria-label=${t("preview_heading")}>
    ${incomplete
      ? html`<h2>${t("preview_heading")}</h2><p class="meta">${t("preview_incomplete")}</p>`
      : html`<${Problem} error=${error} />`}
    ${!error && html`<${EligibilityReport} report=${report} heading=${t("preview_heading")} />`}
  </aside>`;
}
