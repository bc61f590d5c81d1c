// The eligibility criteria: the current version's figures (thresholds, tiers of points, the
// most points each scored rule gives) shown as a form admins change and publish as a new
// version. Reports made earlier keep the version they used. The form follows the rules' own
// shape, so a figure the API adds shows up without a change here; each field is named by its
// JSON path (`rules.customer_resources.active_customers[1].min`), as the API names its errors.
import { useState } from "../../vendor/hooks.mjs";
import { api } from "../api.js";
import { formatDateTime, formatMoney, t } from "../i18n.js";
import { Field, Form, Loading, Notice, Problem, html, useApi, useSubmit } from "../ui.js";
import { listed, numberOf } from "./parts.js";

// The rules in the order applicants meet them: the required ones, then the scored ones.
const ORDER = [
  "ranking_or_regional_strength",
  "commercial_district_site",
  "after_sales_capability",
  "nev_or_luxury_experience",
  "customer_resources",
  "financial_strength",
];

function label(key) {
  return t("admin_crit_" + key);
}

function isTiers(value) {
  return Array.isArray(value) && value.every((v) => v && typeof v === "object" && "min" in v);
}

// `value` with `convert` applied to each leaf (numbers become the text of their fields before
// editing, and the fields' text numbers again before saving).
function mapLeaves(value, convert) {
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, convert));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, convert)]));
  }
  return convert(value);
}

const asText = (leaf) => (typeof leaf === "number" ? String(leaf) : leaf);
const asNumber = (leaf) => (typeof leaf === "string" ? numberOf(leaf) : leaf);

// The field names of the figures (every leaf but the lists of codes), for the problem box to
// leave to the fields.
function figureNames(value, path) {
  if (Array.isArray(value) && !isTiers(value)) return [];
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      figureNames(v, path.concat([Array.isArray(value) ? Number(k) : k])),
    );
  }
  return [pathName(path)];
}

// A copy of `rules` with the leaf at `path` (keys and indexes) set to `value`.
function setAt(rules, path, value) {
  if (!path.length) return value;
  const [head, ...rest] = path;
  const copy = Array.isArray(rules) ? rules.slice() : { ...rules };
  copy[head] = setAt(rules[head], rest, value);
  return copy;
}

// An amount in yuan written out (¥500,000,000), under a field of one, so its zeros are counted.
function moneyHint(key, text) {
  const amount = numberOf(text);
  return key.endsWith("_cny") && typeof amount === "number" ? formatMoney(amount) : undefined;
}

function pathName(path) {
  return "rules" + path.map((p) => (typeof p === "number" ? "[" + p + "]" : "." + p)).join("");
}

function Tiers({ path, tiers, edit, error }) {
  return html`<fieldset class="tiers">
    <legend>${label(path[path.length - 1])}</legend>
    ${tiers.map(
      (tier, i) => html`<div class="tier" key=${i}>
        ${["min", "points"].map(
          (part) => html`<${Field} key=${part} name=${pathName(path.concat([i, part]))} type="number"
            inputmode="decimal" min="0" label=${t("admin_crit_tier_" + part, { n: i + 1 })}
            hint=${part === "min" ? moneyHint(path[path.length - 1], tier[part]) : undefined}
            value=${tier[part]} error=${error} onInput=${(v) => edit(path.concat([i, part]), v)} />`,
        )}
      </div>`,
    )}
  </fieldset>`;
}

// The codes of a list the form does not change (site types, lease statuses), in words.
function Codes({ name, codes }) {
  return html`<p class="codes"><strong>${label(name)}</strong>${t("admin_colon")}${listed(codes.map(label))}</p>`;
}

// One rule (or a part of one, like the showroom point's standard): its figures, its tiers and
// its nested parts.
function Rule({ path, rule, edit, error }) {
  const name = path[path.length - 1];
  return html`<fieldset class=${path.length === 1 ? "rule" : "rule nested"}>
    <legend>${label(name)}</legend>
    ${Object.entries(rule).map(([key, value]) => {
      const at = path.concat([key]);
      if (isTiers(value)) return html`<${Tiers} key=${key} path=${at} tiers=${value} edit=${edit} error=${error} />`;
      if (Array.isArray(value)) return html`<${Codes} key=${key} name=${key} codes=${value} />`;
      if (value && typeof value === "object") return html`<${Rule} key=${key} path=${at} rule=${value} edit=${edit} error=${error} />`;
      return html`<${Field} key=${key} name=${pathName(at)} type="number" inputmode="decimal" min="0"
        label=${label(key)} hint=${moneyHint(key, value)} value=${value} error=${error}
        onInput=${(v) => edit(at, v)} />`;
    })}
  </fieldset>`;
}

function CriteriaForm({ current, onSaved }) {
  const [rules, setRules] = useState(mapLeaves(current.rules, asText));
  const { busy, error, run } = useSubmit();
  const edit = (path, value) => setRules((now) => setAt(now, path, value));
  const save = () =>
    run(async () => {
      const saved = await api("PUT", "eligibility-criteria", {
        auth: true,
        body: { rules: mapLeaves(rules, asNumber) },
      });
      onSaved(saved);
    });
  const names = Object.keys(rules);
  const ordered = ORDER.filter((k) => names.includes(k)).concat(names.filter((k) => !ORDER.includes(k)));
  return html`<${Form} onSubmit=${save} busy=${busy} submit=${t("admin_criteria_publish")}>
    ${ordered.map((key) => html`<${Rule} key=${key} path=${[key]} rule=${rules[key]} edit=${edit} error=${error} />`)}
    <${Problem} error=${error} fields=${figureNames(rules, [])} />
  <//>`;
}

export function CriteriaSection() {
  const criteria = useApi("eligibility-criteria");
  const [said, setSaid] = useState(null);
  const saved = (data) => {
    setSaid(t("admin_criteria_saved", { version: data.version }));
    criteria.replace(data);
  };
  const data = criteria.data;
  return html`<div class="admin-section criteria">
    <p>${t("admin_criteria_intro")}</p>
    ${said && html`<${Notice}>${said}<//>`}
    <${Problem} error=${criteria.error} />
    ${criteria.loading && !data && html`<${Loading} />`}
    ${data &&
    html`<p class="meta criteria-version">${t("admin_criteria_version", { version: data.version, at: formatDateTime(data.created_at) })}</p>
      <${CriteriaForm} key=${data.version} current=${data} onSaved=${saved} />`}
  </div>`;
}
