// Staff's reports: the funnel of the cities they see (counts per state, drawn as bars and given
// as a table, which is the data: the drawing is hidden from screen readers), a city's live
// candidates by score, and the application list as a CSV file.
import { useState } from "../vendor/hooks.mjs";
import { download, saveFile } from "./api.js";
import { cityName } from "./cities.js";
import { chinaToday, formatDateTime, formatNumber, t } from "./i18n.js";
import { STATUSES } from "./staff.js";
import { Link, Loading, Notice, Page, Problem, Select, html, useApi, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/reports.js";

addWords(words);

// The funnel's own city names (it carries both languages), keyed like `useCities`.
function citiesOf(funnel) {
  const byCode = {};
  ((funnel && funnel.cities) || []).forEach((city) => {
    byCode[city.city_code] = city;
  });
  return byCode;
}

export function Reports() {
  const [city, setCity] = useState("");
  // Unfiltered: every city the reader sees, for the choice and the table's columns.
  const all = useApi("reports/funnel");
  const cities = citiesOf(all.data);
  const options = [{ value: "", label: t("reports_all_cities") }].concat(
    Object.keys(cities).map((code) => ({ value: code, label: cityName(cities, code) })),
  );
  return html`<${Page} title=${t("reports_title")} wide>
    <form class="filters" role="search" aria-label=${t("reports_filter")} onSubmit=${(e) => e.preventDefault()}>
      <${Select} name="city" label=${t("filter_city")} value=${city} options=${options} onChange=${setCity} />
    </form>
    ${all.loading && !all.data && html`<${Loading} />`}
    <${Problem} error=${all.error} />
    ${all.data && (city ? html`<${CityReport} code=${city} cities=${cities} />` : html`<${Funnel} funnel=${all.data} />`)}
    ${all.data && html`<${Export} city=${city} cityLabel=${city && cityName(cities, city)} />`}
  <//>`;
}

// One city: its funnel (asked of the API with `city`) and its ranking.
function CityReport({ code, cities }) {
  const funnel = useApi("reports/funnel?city=" + encodeURIComponent(code));
  return html`${funnel.loading && !funnel.data && html`<${Loading} />`}
    <${Problem} error=${funnel.error} />
    ${funnel.data && html`<${Funnel} funnel=${funnel.data} />`}
    <${Ranking} code=${code} cities=${cities} />`;
}

function Funnel({ funnel }) {
  const counts = funnel.totals.by_status;
  // A reviewer given no city yet has nothing to count.
  if (funnel.cities.length === 0) return html`<p class="empty">${t("reports_no_cities")}</p>`;
  return html`<section aria-labelledby="funnel-heading">
    <h2 id="funnel-heading">${t("reports_funnel")}</h2>
    <p>${t("reports_funnel_summary", {
      total: formatNumber(funnel.totals.total),
      committed: formatNumber(funnel.totals.committed),
      quota: formatNumber(funnel.totals.quota),
    })}</p>
    <${FunnelChart} counts=${counts} />
    <${FunnelTable} funnel=${funnel} />
  </section>`;
}

const ROW = 30;
const LABEL = 230;
const BAR = 330;

// Bars of the counts per state; the table below says the same to everyone.
function FunnelChart({ counts }) {
  const most = Math.max(1, ...counts.map((c) => c.count));
  return html`<svg class="funnel-chart" viewBox=${"0 0 " + (LABEL + BAR + 60) + " " + counts.length * ROW}
    aria-hidden="true" focusable="false">
    ${counts.map((c, i) => {
      const y = i * ROW;
      return html`<g key=${c.status}>
        <text x=${LABEL - 8} y=${y + ROW / 2 + 5} text-anchor="end">${t("status_" + c.status)}</text>
        <rect x=${LABEL} y=${y + 5} height=${ROW - 10} width=${Math.max(c.count ? 2 : 0, (c.count / most) * BAR)} />
        <text x=${LABEL + (c.count / most) * BAR + 6} y=${y + ROW / 2 + 5}>${formatNumber(c.count)}</text>
      </g>`;
    })}
  </svg>`;
}

// States down (every state, in the API's order), cities across (each city's name heads its
// column), then the totals, the cities' quotas and the store points committed.
function FunnelTable({ funnel }) {
  const cities = funnel.cities;
  const many = cities.length > 1;
  const countOf = (entry, status) => (entry.by_status.find((c) => c.status === status) || { count: 0 }).count;
  const byCode = citiesOf(funnel);
  const footer = (word, pick) => html`<tr>
    <th scope="row">${t(word)}</th>
    ${cities.map((c) => html`<td key=${c.city_code} class="number">${formatNumber(pick(c))}</td>`)}
    ${many && html`<td class="number">${formatNumber(pick(funnel.totals))}</td>`}
  </tr>`;
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label=${t("reports_table_caption")}>
    <table class="funnel-table">
      <caption>${t("reports_table_caption")}</caption>
      <thead>
        <tr>
          <th scope="col">${t("col_status")}</th>
          ${cities.map((c) => html`<th scope="col" key=${c.city_code} class="number">${cityName(byCode, c.city_code)}</th>`)}
          ${many && html`<th scope="col" class="number">${t("reports_total")}</th>`}
        </tr>
      </thead>
      <tbody>
        ${funnel.totals.by_status.map(
          ({ status }) => html`<tr key=${status}>
            <th scope="row">${t("status_" + status)}</th>
            ${cities.map((c) => html`<td key=${c.city_code} class="number">${formatNumber(countOf(c, status))}</td>`)}
            ${many && html`<td class="number">${formatNumber(countOf(funnel.totals, status))}</td>`}
          </tr>`,
        )}
      </tbody>
      <tfoot>
        ${footer("reports_total", (c) => c.total)}
        ${footer("reports_quota", (c) => c.quota)}
        ${footer("reports_committed", (c) => c.committed)}
      </tfoot>
    </table>
  </div>`;
}

function yesNo(value) {
  if (value === null || value === undefined) return t("none");
  return value ? t("reports_yes") : t("reports_no");
}

// The city's live candidates, best first, each opening its application.
function Ranking({ code, cities }) {
  const ranking = useApi("reports/cities/" + encodeURIComponent(code) + "/ranking");
  const r = ranking.data;
  return html`<section aria-labelledby="ranking-heading">
    <h2 id="ranking-heading">${t("reports_ranking", { city: cityName(cities, code) })}</h2>
    ${ranking.loading && !r && html`<${Loading} />`}
    <${Problem} error=${ranking.error} />
    ${r && html`<p>${t("reports_ranking_quota", { quota: formatNumber(r.quota), committed: formatNumber(r.committed) })}</p>`}
    ${r && r.candidates.length === 0 && html`<p class="empty">${t("reports_ranking_empty")}</p>`}
    ${r && r.candidates.length > 0 &&
    html`<div class="table-scroll" tabindex="0" role="region" aria-label=${t("reports_ranking", { city: cityName(cities, code) })}>
      <table class="ranking-table">
        <thead>
          <tr>
            <th scope="col" class="number">${t("reports_col_rank")}</th>
            <th scope="col">${t("col_group")}</th>
            <th scope="col">${t("col_status")}</th>
            <th scope="col" class="number">${t("application_score")}</th>
            <th scope="col">${t("reports_col_eligible")}</th>
            <th scope="col">${t("reports_col_top100")}</th>
            <th scope="col">${t("col_submitted")}</th>
          </tr>
        </thead>
        <tbody>
          ${r.candidates.map(
            (c) => html`<tr key=${c.application_id}>
              <td class="number">${c.rank}</td>
              <th scope="row"><${Link} to=${"/applications/" + c.application_id}>${c.dealer_group_name}<//></th>
              <td><span class=${"status status-" + c.status}>${t("status_" + c.status)}</span></td>
              <td class="number">${c.score === null || c.score === undefined ? t("none") : formatNumber(c.score)}</td>
              <td>${yesNo(c.eligible)}</td>
              <td>${c.rank_verified ? t("reports_yes") : t("reports_no")}</td>
              <td>${formatDateTime(c.submitted_at)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`}
  </section>`;
}

// Today in China, for the file's name (the portal's days are China's).
// The list's filters as the export's query: the city chosen above and a state chosen here.
function Export({ city, cityLabel }) {
  const [status, setStatus] = useState("");
  const [saved, setSaved] = useState(null);
  const send = useSubmit();
  const statusOptions = [{ value: "", label: t("filter_any") }].concat(
    STATUSES.map((s) => ({ value: s, label: t("status_" + s) })),
  );
  const run = () =>
    send.run(async () => {
      setSaved(null);
      const params = new URLSearchParams();
      if (city) params.set("city", city);
      if (status) params.set("status", status);
      const query = params.toString();
      const blob = await download("applications/export.csv" + (query ? "?" + query : ""), "text/csv");
      const name = "applications-" + chinaToday() + ".csv";
      saveFile(blob, name);
      setSaved(name);
    });
  return html`<section aria-labelledby="export-heading" class="export">
    <h2 id="export-heading">${t("reports_export")}</h2>
    <p>${city ? t("reports_export_city", { city: cityLabel }) : t("reports_export_all")}</p>
    <${Select} name="status" label=${t("filter_status")} value=${status} options=${statusOptions} onChange=${setStatus} />
    <${Problem} error=${send.error} />
    ${saved && html`<${Notice}>${t("reports_export_done", { name: saved })}<//>`}
    <button type="button" class="secondary" onClick=${run} disabled=${send.busy} aria-busy=${send.busy ? "true" : undefined}>
      ${t("reports_export_button")}
    </button>
  </section>`;
}
