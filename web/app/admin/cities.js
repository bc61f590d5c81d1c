// The recruitment plan: every city with its quota (in store points), the points letters already
// take, its status and submission window; admins add a city and change one's quota, status and
// window (a merge patch with the version read: someone else's change in between is a 412).
import { useState } from "../../vendor/hooks.mjs";
import { api, patch } from "../api.js";
import { chinaDay, chinaTimestamp, currentLanguage, formatDate, formatNumber, t } from "../i18n.js";
import { Field, Form, Problem, Select, html, useApi, useSubmit } from "../ui.js";
import { AdminTable, FormHeading, Said, isStale, numberOf } from "./parts.js";

const STATUSES = ["open", "paused", "closed"];

function statusOptions() {
  return STATUSES.map((s) => ({ value: s, label: t("admin_city_status_" + s) }));
}

function windowText(city) {
  if (!city.window_opens_at && !city.window_closes_at) return t("admin_city_window_none");
  return t("admin_city_window_range", {
    from: city.window_opens_at ? formatDate(chinaDay(city.window_opens_at)) : t("none"),
    to: city.window_closes_at ? formatDate(chinaDay(city.window_closes_at)) : t("none"),
  });
}

function cityLabel(city) {
  return currentLanguage() === "en" ? city.name_en : city.name_zh;
}

// The window fields, shared by adding and changing a city.
function WindowFields({ form, set, error }) {
  return html`<${Field} name="window_opens_at" type="date" label=${t("admin_city_opens_on")}
      value=${form.opens} onInput=${(opens) => set({ ...form, opens })} error=${error}
      required=${false} hint=${t("admin_city_window_hint")} />
    <${Field} name="window_closes_at" type="date" label=${t("admin_city_closes_on")}
      value=${form.closes} onInput=${(closes) => set({ ...form, closes })} error=${error}
      required=${false} />`;
}

function EditCity({ city, onSaved, onCancel }) {
  const [form, setForm] = useState({
    quota: String(city.quota),
    status: city.status,
    opens: chinaDay(city.window_opens_at),
    closes: chinaDay(city.window_closes_at),
  });
  const { busy, error, run } = useSubmit();
  const save = () =>
    run(async () => {
      try {
        const saved = await patch("cities/" + city.code, {
          quota: numberOf(form.quota),
          status: form.status,
          window_opens_at: chinaTimestamp(form.opens, false),
          window_closes_at: chinaTimestamp(form.closes, true),
        }, city.version);
        onSaved(saved, t("admin_city_saved", { city: cityLabel(saved) }));
      } catch (failure) {
        if (isStale(failure)) onSaved(null, t("admin_stale"));
        else throw failure;
      }
    });
  const fields = ["quota", "status", "window_opens_at", "window_closes_at"];
  return html`<div class="admin-form">
    <${FormHeading}>${t("admin_city_edit_title", { city: cityLabel(city) })}<//>
    <${Problem} error=${error} fields=${fields} />
    <${Form} onSubmit=${save} busy=${busy} submit=${t("admin_save")}>
      <${Field} name="quota" type="number" inputmode="numeric" min="0" label=${t("admin_city_quota")}
        hint=${t("admin_city_quota_hint")} value=${form.quota} error=${error}
        onInput=${(quota) => setForm({ ...form, quota })} />
      <${Select} name="status" label=${t("admin_city_status")} value=${form.status}
        options=${statusOptions()} error=${error} onChange=${(status) => setForm({ ...form, status })} />
      <${WindowFields} form=${form} set=${setForm} error=${error} />
    <//>
    <button type="button" class="link" onClick=${onCancel}>${t("move_cancel")}</button>
  </div>`;
}

const EMPTY_CITY = { code: "", name_zh: "", name_en: "", province: "", quota: "2", status: "open", opens: "", closes: "" };

function AddCity({ onSaved, onCancel }) {
  const [form, setForm] = useState(EMPTY_CITY);
  const { busy, error, run } = useSubmit();
  const text = (name) => (value) => setForm({ ...form, [name]: value });
  const save = () =>
    run(async () => {
      const saved = await api("POST", "cities", {
        auth: true,
        body: {
          code: form.code.trim(),
          name_zh: form.name_zh.trim(),
          name_en: form.name_en.trim(),
          province: form.province.trim(),
          quota: numberOf(form.quota),
          status: form.status,
          window_opens_at: chinaTimestamp(form.opens, false),
          window_closes_at: chinaTimestamp(form.closes, true),
        },
      });
      onSaved(saved, t("admin_city_added", { city: cityLabel(saved) }));
    });
  const fields = ["code", "name_zh", "name_en", "province", "quota", "status", "window_opens_at", "window_closes_at"];
  return html`<div class="admin-form">
    <${FormHeading}>${t("admin_city_add_title")}<//>
    <${Problem} error=${error} fields=${fields} />
    <${Form} onSubmit=${save} busy=${busy} submit=${t("admin_city_add")}>
      <${Field} name="code" label=${t("admin_city_code")} hint=${t("admin_city_code_hint")} inputmode="numeric"
        value=${form.code} error=${error} onInput=${text("code")} />
      <${Field} name="name_zh" label=${t("admin_city_name_zh")} value=${form.name_zh} error=${error} onInput=${text("name_zh")} />
      <${Field} name="name_en" label=${t("admin_city_name_en")} value=${form.name_en} error=${error} onInput=${text("name_en")} />
      <${Field} name="province" label=${t("admin_city_province")} value=${form.province} error=${error} onInput=${text("province")} />
      <${Field} name="quota" type="number" inputmode="numeric" min="0" label=${t("admin_city_quota")}
        value=${form.quota} error=${error} onInput=${text("quota")} />
      <${Select} name="status" label=${t("admin_city_status")} value=${form.status}
        options=${statusOptions()} error=${error} onChange=${text("status")} />
      <${WindowFields} form=${form} set=${setForm} error=${error} />
    <//>
    <button type="button" class="link" onClick=${onCancel}>${t("move_cancel")}</button>
  </div>`;
}

function CityTable({ cities, onEdit }) {
  const columns = [
    t("admin_city_code"), t("col_city"), t("admin_city_province"), t("admin_city_quota"), t("admin_city_committed"),
    t("admin_city_status"), t("admin_city_window"),
  ];
  return html`<${AdminTable} caption=${t("admin_cities")} columns=${columns}>
    ${cities.map(
      (city) => html`<tr key=${city.code} data-city=${city.code}>
        <td>${city.code}</td>
        <th scope="row">${city.name_zh} · ${city.name_en}</th>
        <td>${city.province}</td>
        <td>${formatNumber(city.quota)}</td>
        <td>${formatNumber(city.committed)}</td>
        <td><span class=${"status city-" + city.status}>${t("admin_city_status_" + city.status)}</span></td>
        <td>${windowText(city)}</td>
        <td><button type="button" class="secondary" onClick=${() => onEdit(city.code)}>
          ${t("admin_change")}<span class="visually-hidden"> ${cityLabel(city)}</span>
        </button></td>
      </tr>`,
    )}
  <//>`;
}

export function Cities() {
  const plan = useApi("cities");
  // null, "add", or the code of the city being changed: one form at a time.
  const [open, setOpen] = useState(null);
  const [said, setSaid] = useState(null);
  const saved = (city, message) => {
    setOpen(null);
    setSaid({ message, alert: !city });
    plan.reload();
  };
  const cities = plan.data || [];
  const editing = cities.find((c) => c.code === open);
  return html`<div class="admin-section">
    <p>${t("admin_cities_intro")}</p>
    <${Said} said=${said} />
    <${Problem} error=${plan.error} />
    ${open === "add" && html`<${AddCity} onSaved=${saved} onCancel=${() => setOpen(null)} />`}
    ${editing && html`<${EditCity} key=${editing.code + editing.version} city=${editing}
      onSaved=${saved} onCancel=${() => setOpen(null)} />`}
    ${open === null &&
    html`<p><button type="button" class="primary" onClick=${() => { setSaid(null); setOpen("add"); }}>
      ${t("admin_city_add_title")}</button></p>`}
    ${cities.length > 0 && html`<${CityTable} cities=${cities} onEdit=${(code) => { setSaid(null); setOpen(code); }} />`}
  </div>`;
}
