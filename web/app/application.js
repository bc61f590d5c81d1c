// One application's page, which applicants and staff both open: its facts, the moves the
// reader may make, and the sections each of them works in (every section decides from the
// application and the reader's role whether it shows), then the timeline.
import { useRef, useState } from "../vendor/hooks.mjs";
import { isStaff } from "./account.js";
import { cityName, useCities } from "./cities.js";
import { Documents } from "./documents.js";
import { DraftEditor, fieldLabel } from "./draft.js";
import { formatDate, formatDateTime, formatMoney, formatNumber, t } from "./i18n.js";
import { Letter } from "./letter.js";
import { Messages } from "./messages.js";
import { Moves } from "./moves.js";
import { Onboarding } from "./onboarding.js";
import { Review } from "./review.js";
import { Loading, More, Page, Problem, StatusBadge, html, useApi, usePages } from "./ui.js";

function Row({ label, children }) {
  return html`<div class="row"><dt>${label}</dt><dd>${children}</dd></div>`;
}

// `round` counts the changes made on this page, so the timeline loads again after each.
export function ApplicationPage({ id, account }) {
  const [round, setRound] = useState(0);
  const application = useApi("applications/" + encodeURIComponent(id));
  const events = usePages("applications/" + encodeURIComponent(id) + "/events?limit=100", [round]);
  const cities = useCities();
  const a = application.data;
  // A section changed the application: show what the write answered, or load it again.
  const changed = (updated) => {
    if (updated && updated.id === id) application.replace(updated);
    else application.reload();
    setRound((r) => r + 1);
  };
  const section = { application: a, account, onChanged: changed };
  // The form's way to save what is typed, while it is shown: a move waits for it.
  const flushDraft = useRef(null);
  const beforeMove = () => (flushDraft.current ? flushDraft.current() : Promise.resolve(null));
  return html`<${Page} title=${t("application_title")} wide>
    ${application.loading && !a && html`<${Loading} />`}
    <${Problem} error=${application.error} />
    ${a &&
    html`<dl class="facts">
      <${Row} label=${t("application_status")}><${StatusBadge} application=${a} /><//>
      <${Row} label=${t("application_city")}>${cityName(cities, a.city_code)}<//>
      <${Row} label=${t("application_group")}>${a.dealer_group_name || t("none")}<//>
      <${Row} label=${t("application_format")}>${a.store_format || t("none")}<//>
      <${Row} label=${t("application_investment")}>${formatMoney(a.investment_cny)}<//>
      <${Row} label=${t("application_opening")}>${formatDate(a.planned_opening)}<//>
      ${a.score !== null && a.score !== undefined &&
      html`<${Row} label=${t("application_score")}>${formatNumber(a.score)}<//>`}
      <${Row} label=${t("application_created")}>${formatDateTime(a.created_at)}<//>
      <${Row} label=${t("application_submitted")}>
        ${a.submitted_at ? formatDateTime(a.submitted_at) : t("not_submitted")}
      <//>
      <${Row} label=${t("application_updated")}>${formatDateTime(a.updated_at)}<//>
    </dl>`}
    ${a && html`<${Moves} application=${a} onMoved=${changed} beforeMove=${beforeMove} labelOf=${fieldLabel} />`}
    ${a && !isStaff(account) &&
    html`<${DraftEditor} ...${section} cities=${cities} onFlush=${(flush) => (flushDraft.current = flush)} />`}
    ${a && isStaff(account) && html`<${Review} ...${section} />`}
    ${a && html`<${Documents} ...${section} />`}
    ${a && html`<${Letter} ...${section} />`}
    ${a && html`<${Onboarding} ...${section} />`}
    ${a && html`<${Messages} ...${section} />`}
    ${a &&
    html`<h2>${t("timeline_title")}</h2>
      ${!events.loading && !events.error && events.items.length === 0 &&
      html`<p class="empty">${t("timeline_empty")}</p>`}
      <ol class="timeline">
        ${events.items.map(
          (e) => html`<li key=${e.id}>
            <time datetime=${e.at}>${formatDateTime(e.at)}</time>
            <span class="action">${e.action_label}</span>
            ${e.to_status_label && html`<span class="meta">→ ${e.to_status_label}</span>`}
            ${e.reason && html`<p class="meta">${e.reason}</p>`}
          </li>`,
        )}
      </ol>
      <${More} list=${events} />`}
  <//>`;
}
