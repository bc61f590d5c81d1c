// Staff's lists: the applications of their cities with the list's filters (`city`, `status`),
// and their queue (`/api/v1/me/queue`), each opening the application's page.
import { useState } from "../vendor/hooks.mjs";
import { cityName, StatusBadge, useCities } from "./applications.js";
import { currentLanguage, formatDateTime, t } from "./i18n.js";
import { Link, More, Page, Select, html, usePages } from "./ui.js";

export const STATUSES = [
  "draft", "submitted", "under_review", "info_requested", "shortlisted", "loi_offered",
  "loi_signed", "onboarding", "active", "rejected", "withdrawn", "loi_declined", "loi_expired",
  "loi_rescinded", "terminated",
];

function query(filters) {
  const params = new URLSearchParams({ limit: "20" });
  if (filters.city) params.set("city", filters.city);
  if (filters.status) params.set("status", filters.status);
  return params.toString();
}

export function StaffApplications() {
  const cities = useCities();
  const [draft, setDraft] = useState({ city: "", status: "" });
  const [filters, setFilters] = useState(draft);
  const list = usePages("applications?" + query(filters));
  const cityOptions = [{ value: "", label: t("filter_any") }].concat(
    Object.keys(cities)
      .sort()
      .map((code) => ({ value: code, label: cityName(cities, code) })),
  );
  const statusOptions = [{ value: "", label: t("filter_any") }].concat(
    STATUSES.map((status) => ({ value: status, label: t("status_" + status) })),
  );
  const apply = (event) => {
    event.preventDefault();
    setFilters(draft);
  };
  return html`<${Page} title=${t("applications_title")} wide>
    <form class="filters" onSubmit=${apply} role="search" aria-label=${t("filters")}>
      <${Select} name="city" label=${t("filter_city")} value=${draft.city} options=${cityOptions}
        onChange=${(city) => setDraft({ ...draft, city })} />
      <${Select} name="status" label=${t("filter_status")} value=${draft.status}
        options=${statusOptions} onChange=${(status) => setDraft({ ...draft, status })} />
      <button type="submit" class="secondary">${t("filter_apply")}</button>
    </form>
    ${!list.loading && !list.error && list.items.length === 0 &&
    html`<p class="empty">${t("applications_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<${ApplicationTable} items=${list.items} cities=${cities} when="submitted_at" />`}
    <${More} list=${list} />
  <//>`;
}

function ApplicationTable({ items, cities, when, due }) {
  return html`<div class="table-scroll">
    <table>
      <thead>
        <tr>
          <th scope="col">${t("col_group")}</th>
          <th scope="col">${t("col_city")}</th>
          <th scope="col">${t("col_status")}</th>
          <th scope="col">${when === "waiting_since" ? t("col_waiting_since") : t("col_submitted")}</th>
          ${due && html`<th scope="col">${t("col_due")}</th>`}
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
    html`<${ApplicationTable} items=${list.items} cities=${cities} when="waiting_since" due />`}
    <${More} list=${list} />
  <//>`;
}
