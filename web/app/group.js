// The dealer group's profile: created once by its first owner, kept up to date by owners (a
// merge patch of what changed, sent with the version read), read by the other members. Every
// error is shown beside its field by the API's JSON path. Once the group has submitted an
// application its legal name and USCC are fixed: they are then shown read-only and left out of
// the patch, so the other fields still save.
import { useEffect, useState } from "../vendor/hooks.mjs";
import { api, patch } from "./api.js";
import { t } from "./i18n.js";
import { Checkbox, Field, Form, Link, Loading, Notice, Page, Problem, Select, html, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/applicant.js";

addWords(words);

const SEGMENTS = ["nev", "luxury", "mainstream_ice"];
const IDENTITY = ["legal_name", "uscc"];

// A number as the API wants it: null when left empty, the text itself when it is no number (so
// the API names the field), else the number. Numbers are typed into text fields with a digit
// keyboard (`inputmode`): a number field hands over nothing for what it cannot read, which would
// clear the stored value without a word.
export function numberOrNull(text) {
  const trimmed = String(text === null || text === undefined ? "" : text).trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

export function textOf(value) {
  return value === null || value === undefined ? "" : String(value);
}

// The form's text for a profile (or an empty one).
function formOf(group) {
  const g = group || {};
  const rank = g.national_rank_claim || {};
  const parent = g.parent || {};
  const after = g.after_sales || { mechanical: false, sheet_metal: false, paint: false, repair_class: "" };
  const contact = g.contact || {};
  return {
    legal_name: textOf(g.legal_name),
    uscc: textOf(g.uscc),
    hq_city: textOf(g.hq_city),
    hq_province: textOf(g.hq_province),
    founded_year: textOf(g.founded_year),
    registered_capital_cny: textOf(g.registered_capital_cny),
    annual_revenue_cny: textOf(g.annual_revenue_cny),
    stores_total: textOf(g.stores_total),
    rank_year: textOf(rank.year),
    rank_rank: textOf(rank.rank),
    parent_legal_name: textOf(parent.legal_name),
    parent_uscc: textOf(parent.uscc),
    provinces: (g.provinces || []).map((p) => ({ province: textOf(p.province), stores: textOf(p.stores) })),
    brands: (g.brands || []).map((b) => ({
      brand: textOf(b.brand), segment: textOf(b.segment), years: textOf(b.years), annual_units: textOf(b.annual_units),
    })),
    mechanical: Boolean(after.mechanical),
    sheet_metal: Boolean(after.sheet_metal),
    paint: Boolean(after.paint),
    repair_class: textOf(after.repair_class),
    contact_name: textOf(contact.name),
    contact_phone: textOf(contact.phone),
    contact_email: textOf(contact.email),
  };
}

// The profile the form describes, as the API reads it.
function profileOf(f) {
  const both = (a, b) => a.trim() !== "" || b.trim() !== "";
  return {
    legal_name: f.legal_name.trim(),
    uscc: f.uscc.trim(),
    hq_city: f.hq_city.trim(),
    hq_province: f.hq_province.trim(),
    founded_year: numberOrNull(f.founded_year),
    registered_capital_cny: numberOrNull(f.registered_capital_cny),
    annual_revenue_cny: numberOrNull(f.annual_revenue_cny),
    stores_total: numberOrNull(f.stores_total),
    national_rank_claim: both(f.rank_year, f.rank_rank)
      ? { year: numberOrNull(f.rank_year), rank: numberOrNull(f.rank_rank) }
      : null,
    parent: both(f.parent_legal_name, f.parent_uscc)
      ? { legal_name: f.parent_legal_name.trim(), uscc: f.parent_uscc.trim() }
      : null,
    provinces: f.provinces.map((p) => ({ province: p.province.trim(), stores: numberOrNull(p.stores) })),
    brands: f.brands.map((b) => ({
      brand: b.brand.trim(), segment: b.segment || null, years: numberOrNull(b.years), annual_units: numberOrNull(b.annual_units),
    })),
    after_sales: {
      mechanical: f.mechanical, sheet_metal: f.sheet_metal, paint: f.paint, repair_class: numberOrNull(f.repair_class),
    },
    contact: { name: f.contact_name.trim(), phone: f.contact_phone.trim(), email: f.contact_email.trim() },
  };
}

// The top-level fields of `next` that differ from `before`: a merge patch.
export function changesOf(next, before) {
  const changes = {};
  Object.keys(next).forEach((key) => {
    if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) changes[key] = next[key];
  });
  return changes;
}

// Whether one of the group's applications was ever submitted (its identity is then fixed).
function useIdentityLocked(account) {
  const [locked, setLocked] = useState(false);
  useEffect(() => {
    if (!account.dealer_group_id) return;
    api("GET", "applications?limit=100", { auth: true }).then(
      (page) => setLocked(page.items.some((a) => a.submitted_at)),
      () => setLocked(false),
    );
  }, [account.dealer_group_id]);
  return [locked, setLocked];
}

export function GroupCard({ account }) {
  const [group, setGroup] = useState(null);
  useEffect(() => {
    if (account.dealer_group_id) api("GET", "dealer-groups/" + account.dealer_group_id, { auth: true }).then(setGroup, () => setGroup(null));
  }, [account.dealer_group_id]);
  if (!account.dealer_group_id) {
    return html`<section class="card group-card" aria-labelledby="group-card-heading">
      <h2 id="group-card-heading">${t("group_card_none_title")}</h2>
      <p>${t("group_card_none")}</p>
      <p><${Link} to="/group" class="button primary">${t("group_card_create")}<//></p>
    </section>`;
  }
  if (!group) return html`<${Loading} />`;
  return html`<section class="card group-card" aria-labelledby="group-card-heading">
    <h2 id="group-card-heading">${group.legal_name}</h2>
    <p class="meta">${t("group_uscc")}: ${group.uscc}</p>
    <p>${group.rank_verified ? t("group_rank_verified") : t("group_rank_not_verified")}</p>
    <${Warnings} group=${group} />
    <p><${Link} to="/group">${t("group_card_open")}<//></p>
  </section>`;
}

function Warnings({ group }) {
  if (!group.warnings || group.warnings.length === 0) return null;
  return html`<ul class="warnings">${group.warnings.map((w) => html`<li key=${w.code}>${w.message}</li>`)}</ul>`;
}

export function GroupProfile({ account, onAccount }) {
  const groupId = account.dealer_group_id;
  const [group, setGroup] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const load = () =>
    api("GET", "dealer-groups/" + groupId, { auth: true }).then(setGroup, setLoadError);
  useEffect(() => {
    if (groupId) load();
  }, [groupId]);
  const title = groupId ? t("group_title") : t("group_create_title");
  return html`<${Page} title=${title}>
    <${Problem} error=${loadError} />
    ${!groupId && html`<p>${t("group_create_intro")}</p>
      <${ProfileForm} group=${null} editable=${true} account=${account} onSaved=${() => onAccount()} />`}
    ${groupId && !group && !loadError && html`<${Loading} />`}
    ${group && html`<p>${group.rank_verified ? t("group_rank_verified") : t("group_rank_not_verified")}</p>
      <${Warnings} group=${group} />
      ${account.group_role !== "owner" && html`<p class="meta">${t("group_read_only")}</p>`}
      <${ProfileForm} group=${group} editable=${account.group_role === "owner"}
        account=${account} onSaved=${setGroup} onStale=${setGroup} />`}
  <//>`;
}

// The profile's form; `group` null creates one.
function ProfileForm({ group, editable, account, onSaved, onStale }) {
  const [form, setForm] = useState(() => formOf(group));
  const [locked, setLocked] = useIdentityLocked(account);
  const [notice, setNotice] = useState(null);
  const [stale, setStale] = useState(false);
  const send = useSubmit();
  // The profile as saved (or as someone else left it): the form shows it.
  useEffect(() => setForm(formOf(group)), [group && group.version]);
  const set = (key) => (value) => setForm((f) => ({ ...f, [key]: value }));
  const save = () =>
    send.run(async () => {
      setNotice(null);
      setStale(false);
      if (!group) {
        await api("POST", "dealer-groups", { auth: true, body: profileOf(form) });
        onSaved();
        return;
      }
      const changes = changesOf(profileOf(form), profileOf(formOf(group)));
      if (locked) IDENTITY.forEach((key) => delete changes[key]);
      try {
        const saved = await patch("dealer-groups/" + group.id, changes, group.version);
        setNotice(t("group_saved"));
        onSaved(saved);
      } catch (error) {
        if (error.status === 412) {
          setStale(true);
          onStale(await api("GET", "dealer-groups/" + group.id, { auth: true }));
          return;
        }
        if (error.problem && error.problem.code === "identity_locked") {
          // Fixed since the first submission: keep them as they were, save the rest.
          setLocked(true);
          setForm((f) => ({ ...f, legal_name: group.legal_name, uscc: group.uscc }));
          IDENTITY.forEach((key) => delete changes[key]);
          onSaved(await patch("dealer-groups/" + group.id, changes, group.version));
          setNotice(t("group_saved_identity_locked"));
          return;
        }
        throw error;
      }
    });
  const fields = { form, set, error: send.error, editable };
  return html`<div class="profile">
    ${stale && html`<div class="problem" role="alert">${t("group_stale")}</div>`}
    ${notice && html`<${Notice}>${notice}<//>`}
    <${Problem} error=${send.error} fields=${shownFields(form)} />
    <${FormOrView} editable=${editable} busy=${send.busy} onSubmit=${save}
      submit=${group ? t("group_save") : t("group_create")}>
      <${Identity} ...${fields} locked=${locked && Boolean(group)} />
      <${Company} ...${fields} />
      <${Rows} ...${fields} />
      <${AfterSales} ...${fields} />
      <${Contact} ...${fields} />
    <//>
  </div>`;
}

// Owners get a form; the other members the same fields, read-only.
function FormOrView({ editable, busy, onSubmit, submit, children }) {
  if (editable) return html`<${Form} onSubmit=${onSubmit} busy=${busy} submit=${submit}>${children}<//>`;
  return html`<fieldset disabled class="read-only">${children}</fieldset>`;
}

// The names of every field on screen, so the problem box lists only the others.
function shownFields(form) {
  const names = [
    ...IDENTITY, "hq_city", "hq_province", "founded_year", "registered_capital_cny", "annual_revenue_cny",
    "stores_total", "national_rank_claim.year", "national_rank_claim.rank", "parent.legal_name", "parent.uscc",
    "after_sales.mechanical", "after_sales.sheet_metal", "after_sales.paint", "after_sales.repair_class",
    "contact.name", "contact.phone", "contact.email",
  ];
  form.provinces.forEach((_, i) => names.push(`provinces[${i}].province`, `provinces[${i}].stores`));
  form.brands.forEach((_, i) =>
    names.push(`brands[${i}].brand`, `brands[${i}].segment`, `brands[${i}].years`, `brands[${i}].annual_units`),
  );
  return names;
}

function Identity({ form, set, error, locked }) {
  if (locked) {
    return html`<div class="identity-locked">
      <p class="meta">${t("group_identity_locked")}</p>
      <dl class="facts">
        <div class="row"><dt>${t("group_legal_name")}</dt><dd>${form.legal_name}</dd></div>
        <div class="row"><dt>${t("group_uscc")}</dt><dd>${form.uscc}</dd></div>
      </dl>
    </div>`;
  }
  return html`<${Field} name="legal_name" label=${t("group_legal_name")} value=${form.legal_name} onInput=${set("legal_name")} error=${error} />
    <${Field} name="uscc" label=${t("group_uscc")} hint=${t("group_uscc_hint")} value=${form.uscc} onInput=${set("uscc")}
      error=${error} maxlength="18" autocapitalize="characters" />`;
}

function Company({ form, set, error }) {
  const number = (name, label, extra) =>
    html`<${Field} name=${name} label=${label} inputmode="numeric" value=${form[name]}
      onInput=${set(name)} error=${error} ...${extra || {}} />`;
  return html`<fieldset>
    <legend>${t("group_company")}</legend>
    <${Field} name="hq_city" label=${t("group_hq_city")} value=${form.hq_city} onInput=${set("hq_city")} error=${error} />
    <${Field} name="hq_province" label=${t("group_hq_province")} value=${form.hq_province} onInput=${set("hq_province")} error=${error} />
    ${number("founded_year", t("group_founded_year"), { min: "1900", max: "2100" })}
    ${number("registered_capital_cny", t("group_registered_capital"))}
    ${number("annual_revenue_cny", t("group_annual_revenue"))}
    ${number("stores_total", t("group_stores_total"))}
    <${Field} name="national_rank_claim.year" label=${t("group_rank_year")} hint=${t("group_rank_hint")} inputmode="numeric"
      required=${false} value=${form.rank_year} onInput=${set("rank_year")} error=${error} />
    <${Field} name="national_rank_claim.rank" label=${t("group_rank")} inputmode="numeric" required=${false}
      value=${form.rank_rank} onInput=${set("rank_rank")} error=${error} />
    <${Field} name="parent.legal_name" label=${t("group_parent_name")} hint=${t("group_parent_hint")} required=${false}
      value=${form.parent_legal_name} onInput=${set("parent_legal_name")} error=${error} />
    <${Field} name="parent.uscc" label=${t("group_parent_uscc")} required=${false} maxlength="18"
      value=${form.parent_uscc} onInput=${set("parent_uscc")} error=${error} />
  </fieldset>`;
}

// The repeatable rows: provinces and brands, each row with its own labelled remove button.
function Rows({ form, set, error, editable }) {
  const change = (list, i, key) => (value) =>
    set(list)(form[list].map((row, j) => (j === i ? { ...row, [key]: value } : row)));
  const remove = (list, i) => set(list)(form[list].filter((_, j) => j !== i));
  const segments = [{ value: "", label: t("form_choose") }].concat(SEGMENTS.map((s) => ({ value: s, label: t("segment_" + s) })));
  return html`<fieldset>
      <legend>${t("group_provinces")}</legend>
      ${form.provinces.map((row, i) => html`<div class="repeat-row" key=${"p" + i}>
        <${Field} name=${`provinces[${i}].province`} label=${t("group_province_n", { n: i + 1 })} value=${row.province}
          onInput=${change("provinces", i, "province")} error=${error} />
        <${Field} name=${`provinces[${i}].stores`} label=${t("group_province_stores_n", { n: i + 1 })} inputmode="numeric"
          value=${row.stores} onInput=${change("provinces", i, "stores")} error=${error} />
        ${editable && html`<button type="button" class="secondary" onClick=${() => remove("provinces", i)}>
          ${t("group_remove_province", { n: i + 1 })}</button>`}
      </div>`)}
      ${editable && html`<button type="button" class="secondary"
        onClick=${() => set("provinces")(form.provinces.concat([{ province: "", stores: "" }]))}>${t("group_add_province")}</button>`}
    </fieldset>
    <fieldset>
      <legend>${t("group_brands")}</legend>
      ${form.brands.map((row, i) => html`<div class="repeat-row" key=${"b" + i}>
        <${Field} name=${`brands[${i}].brand`} label=${t("group_brand_n", { n: i + 1 })} value=${row.brand}
          onInput=${change("brands", i, "brand")} error=${error} />
        <${Select} name=${`brands[${i}].segment`} label=${t("group_segment_n", { n: i + 1 })} value=${row.segment}
          options=${segments} onChange=${change("brands", i, "segment")} error=${error} />
        <${Field} name=${`brands[${i}].years`} label=${t("group_brand_years_n", { n: i + 1 })} inputmode="numeric"
          value=${row.years} onInput=${change("brands", i, "years")} error=${error} />
        <${Field} name=${`brands[${i}].annual_units`} label=${t("group_brand_units_n", { n: i + 1 })} inputmode="numeric"
          value=${row.annual_units} onInput=${change("brands", i, "annual_units")} error=${error} />
        ${editable && html`<button type="button" class="secondary" onClick=${() => remove("brands", i)}>
          ${t("group_remove_brand", { n: i + 1 })}</button>`}
      </div>`)}
      ${editable && html`<button type="button" class="secondary"
        onClick=${() => set("brands")(form.brands.concat([{ brand: "", segment: "", years: "", annual_units: "" }]))}>
        ${t("group_add_brand")}</button>`}
    </fieldset>`;
}

function AfterSales({ form, set, error }) {
  const classes = [{ value: "", label: t("form_choose") }].concat(
    [1, 2, 3].map((n) => ({ value: String(n), label: t("repair_class_" + n) })),
  );
  return html`<fieldset>
    <legend>${t("group_after_sales")}</legend>
    <${Checkbox} name="after_sales.mechanical" label=${t("group_mechanical")} checked=${form.mechanical} onChange=${set("mechanical")} error=${error} />
    <${Checkbox} name="after_sales.sheet_metal" label=${t("group_sheet_metal")} checked=${form.sheet_metal} onChange=${set("sheet_metal")} error=${error} />
    <${Checkbox} name="after_sales.paint" label=${t("group_paint")} checked=${form.paint} onChange=${set("paint")} error=${error} />
    <${Select} name="after_sales.repair_class" label=${t("group_repair_class")} hint=${t("group_repair_class_hint")}
      value=${form.repair_class} options=${classes} onChange=${set("repair_class")} error=${error} />
  </fieldset>`;
}

function Contact({ form, set, error }) {
  return html`<fieldset>
    <legend>${t("group_contact")}</legend>
    <${Field} name="contact.name" label=${t("group_contact_name")} value=${form.contact_name} onInput=${set("contact_name")}
      error=${error} autocomplete="name" />
    <${Field} name="contact.phone" label=${t("group_contact_phone")} hint=${t("group_contact_phone_hint")} type="tel"
      value=${form.contact_phone} onInput=${set("contact_phone")} error=${error} autocomplete="tel" />
    <${Field} name="contact.email" label=${t("group_contact_email")} type="email" value=${form.contact_email}
      onInput=${set("contact_email")} error=${error} autocomplete="email" />
  </fieldset>`;
}
