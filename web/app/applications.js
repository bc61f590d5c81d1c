// The applicant's home: the group's card, starting an application, and the group's
// applications.
import { cityName, useCities } from "./cities.js";
import { NewApplication } from "./draft.js";
import { GroupCard } from "./group.js";
import { formatDateTime, t } from "./i18n.js";
import { Link, More, Page, StatusBadge, html, usePages } from "./ui.js";

export function MyApplications({ account, onAccount }) {
  const list = usePages("applications?limit=20");
  const cities = useCities();
  return html`<${Page} title=${t("my_applications_title")}>
    <${GroupCard} account=${account} onAccount=${onAccount} />
    ${account.dealer_group_id && html`<${NewApplication} account=${account} cities=${cities} />`}
    ${!list.loading && !list.error && list.items.length === 0 &&
    html`<p class="empty">${t("my_applications_empty")}</p>`}
    ${list.items.length > 0 &&
    html`<ul class="cards">
      ${list.items.map(
        (a) => html`<li key=${a.id} class="card">
          <h2><${Link} to=${"/applications/" + a.id}>${cityName(cities, a.city_code)}<//></h2>
          <p><${StatusBadge} application=${a} /></p>
          <p class="meta">${t("col_updated")}: ${formatDateTime(a.updated_at)}</p>
        </li>`,
      )}
    </ul>`}
    <${More} list=${list} />
  <//>`;
}
