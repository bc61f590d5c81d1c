// Staff's lists: the applications of their cities with the list's filters and sorts, and their
// queue (`/api/v1/me/queue`), each opening the application's page.
import { useEffect, useState } from "../vendor/hooks.mjs";
import { cityName, useCities } from "./cities.js";
import { currentLanguage, formatDateTime, formatNumber, t } from "./i18n.js";
import { navigate } from "./router.js";
import { Checkbox, Field, Link, More, Page, Problem, Select, StatusBadge, html, usePages } from "./ui.js";

export const STATUSES = [
  "draft", "submitted", "under_review", "info_requested", "shortlisted", "loi_offered",
  "loi_signed", "onboarding", "active", "rejected", "withdrawn", "loi_declined", "loi_expired",
  "loi_rescinded", "terminated",
];

// The list's filters and sort, as the API names them; they live in the page's address, so a
// filtered list can be reloaded, bookmarked and left with the back button.
const FILTERS = ["city", "status", "q", "min_score", "assigned_to", "overdue", "sort"];
const SORTS = ["-submitted_at", "-score", "created_at"];

function filtersFrom(query) {
  const filters = {};
  FILTERS.forEach((name) => {
    filters[name] = query.get(name) || "";
  });
  return filters;
}

function search(filters) {
  const params = new URLSearchParams();
  FILTERS.forEach((name) => {
    if (filters[name]) params.set(name, filters[name]);
  });
  return params.toString();
}

export function StaffApplications({ query }) {
  const cities = useCities();
  const filters = filtersFrom(query);
  const [draft, setDraft] = useState(filters);
  const shown = search(filters);
  // Back and forward change the address: the form follows it.
  useEffect(() => setDraft(filtersFrom(query)), [shown]);
  const list = usePages("applications?limit=20" + (shown ? "&" + shown : ""));
  const set = (name) => (value) => setDraft({ ...draft, [name]: value });
  const cityOptions = [{ value: "", label: t("filter_any") }].concat(
    Object.keys(cities)
      .sort()
      .map((code) => ({ value: code, label: cityName(cities, code) })),
  );
  const statusOptions = [{ value: "", label: t("filter_any") }].concat(
    STATUSES.map((status) => ({ value: status, label: t("status_" + status) })),
  );
  const sortOptions = [{ value: "", label: t("sort_default") }].concat(
    SORTS.map((sort) => ({ value: sort, label: t("sort_" + sort.replace("-", "")) })),
  );
  const apply = (event) => {
    event.preventDefault();
    const next = search(draft);
    navigate(next ? "/?" + next : "/");
  };
  return html`<${Page} title=${t("applications_title")} wide>
    <form class="filters" onSubmit=${apply} role="search" aria-label=${t("filters")}>
      <${Field} name="q" type="search" label=${t("filter_q")} value=${draft.q} onInput=${set("q")}
        required=${false} />
      <${Select} name="city" label=${t("filter_city")} value=${draft.city} options=${cityOptions}
        onChange=${set("city")} />
      <${Select} name="status" label=${t("filter_status")} value=${draft.status}
        options=${statusOptions} onChange=${set("status")} />
      <${Field} name="min_score" type="number" min="0" max="100" inputmode="numeric"
        label=${t("filter_min_score")} value=${draft.min_score} onInput=${set("min_score")}
        required=${false} />
      <${Select} name="sort" label=${t("sort_label")} value=${draft.sort} options=${sortOptions}
        onChange=${set("sort")} />
      <${Checkbox} name="assigned_to" label=${t("filter_assigned_to_me")} checked=${draft.assigned_to === "me"}
        onChange=${(on) => setDraft({ ...draft, assigned_to: on ? "me" : "" })} />
      <${Checkbox} name="overdue" label=${t("filter_overdue")} checked=${draft.overdue === "true"}
        onChange=${(on) => setDraft({ ...draft, overdue: on ? "true" : "" })} />
      <button type="submit" class="secondary">${t("filter_apply")}</button>
    </form>
    <${Problem} error=${list.error} fields=${FILTERS} />
    ${!list.loading && !list.error && list.items.length === 0 &&
    html`<p class="empty">${t("applications_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<${ApplicationTable} label=${t("applications_title")} items=${list.items} cities=${cities} when="submitted_at" score />`}
    ${list.error ? null : html`<${More} list=${list} />`}
  <//>`;
}

// A scroll box the keyboard can reach (a phone scrolls the table sideways).
function ApplicationTable({ label, items, cities, when, due, score }) {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label=${label}>
    <table>
      <thead>
        <tr>
          <th scope="col">${t("col_group")}</th>
          <th scope="col">${t("col_city")}</th>
          <th scope="col">${t("col_status")}</th>
          <th scope="col">${when === "waiting_since" ? t("col_waiting_since") : t("col_submitted")}</th>
          ${due && html`<th scope="col">${t("col_due")}</th>`}
          ${score && html`<th scope="col">${t("col_score")}</th>`}
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (a) => html`<tr key=${a.id} class=${a.overdue ? "overdue" : ""}>
            <td><${Link} to=${"/applications/" + a.id}>${a.dealer_group_name || a.id}<//></td>
            <td>${cityName(cities, a.city_code)}</td>
            <td><${StatusBadge} application=${a} /></td>
            <td>${formatDateTime(a[when])}</td>
            ${due &&
            html`<td>${formatDateTime(a.due_at)}
              ${a.overdue && html` <strong class="flag">${t("overdue")}</strong>`}</td>`}
            ${score && html`<td>${a.score === null || a.score === undefined ? t("none") : formatNumber(a.score)}</td>`}
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function Queue() {
  const cities = useCities();
  const list = usePages("me/queue?limit=50", [currentLanguage()]);
  return html`<${Page} title=${t("queue_title")} wide>
    <p>${t("queue_intro")}</p>
    ${!list.loading && !list.error && list.items.length === 0 &&
    html`<p class="empty">${t("queue_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<${ApplicationTable} label=${t("queue_title")} items=${list.items} cities=${cities} when="waiting_since" due />`}
    <${More} list=${list} />
  <//>`;
}
