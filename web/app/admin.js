// Admins' screens: cities, eligibility criteria, staff, integrator clients, webhooks, SLA, the
// national ranking lists and dealer groups' identity and affiliation,
// one section per route `/admin/:section` (each in `admin/<section>.js`), with a sub-navigation
// between them. main.js opens this for admins only; anyone else gets "not found" there.
import { t } from "./i18n.js";
import { Link, Page, html } from "./ui.js";
import { Cities } from "./admin/cities.js";
import { CriteriaSection } from "./admin/criteria.js";
import { Staff } from "./admin/staff.js";
import { Clients } from "./admin/clients.js";
import { Webhooks } from "./admin/webhooks.js";
import { Sla } from "./admin/sla.js";
import { Rankings } from "./admin/rankings.js";
import { Groups } from "./admin/groups.js";
import { addWords } from "./words.js";
import words from "./words/admin.js";

addWords(words);

// The sections in the order the sub-navigation lists them: `[route segment, screen]`.
const SECTIONS = [
  ["cities", Cities],
  ["criteria", CriteriaSection],
  ["staff", Staff],
  ["clients", Clients],
  ["webhooks", Webhooks],
  ["sla", Sla],
  ["rankings", Rankings],
  ["groups", Groups],
];

function SectionNav({ current }) {
  return html`<nav class="admin-nav" aria-label=${t("admin_sections")}>
    <ul>
      ${SECTIONS.map(
        ([section]) => html`<li key=${section}>
          <${Link} to=${"/admin/" + section}
            aria-current=${section === current ? "page" : undefined}>${t("admin_" + section)}<//>
        </li>`,
      )}
    </ul>
  </nav>`;
}

export function Admin({ section, account }) {
  const found = SECTIONS.find(([name]) => name === section);
  if (!found) {
    return html`<${Page} title=${t("not_found_title")}>
      <${SectionNav} current=${null} />
      <p>${t("not_found")}</p>
    <//>`;
  }
  const Screen = found[1];
  return html`<${Page} title=${t("admin_" + section)} wide>
    <${SectionNav} current=${section} />
    <${Screen} account=${account} />
  <//>`;
}
