// The national ranking lists that verify groups' top-100 claims: admins read a year's list and
// replace it from a CSV file (header `rank,name,uscc`). The file is read here and sent as the
// JSON form of the list: api.js sends JSON bodies only (the API also takes `text/csv`).
import { useState } from "../../vendor/hooks.mjs";
import { ApiError, api } from "../api.js";
import { chinaToday, formatNumber, t } from "../i18n.js";
import { Field, Form, Loading, Notice, Problem, html, useSubmit } from "../ui.js";
import { numberOf } from "./parts.js";

// The cells of one CSV line: commas split them, double quotes wrap a cell that holds commas
// or quotes (a quote inside written twice).
function cells(line) {
  const out = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === "," && !quoted) {
      out.push(cell.trim());
      cell = "";
    } else {
      cell += c;
    }
  }
  out.push(cell.trim());
  return out;
}

// The list in a CSV file's text, or null when its header is not `rank,name,uscc`.
function parseList(text) {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  if (!lines.length || cells(lines[0]).join(",").toLowerCase() !== "rank,name,uscc") return null;
  return lines.slice(1).map((line) => {
    const [rank, name, uscc] = cells(line);
    return { rank: numberOf(rank || ""), name: name || "", uscc: uscc || null };
  });
}

function lastYear() {
  return String(Number(chinaToday().slice(0, 4)) - 1);
}

function Entries({ list }) {
  if (!list.entries.length) return html`<p class="empty">${t("admin_ranking_empty")}</p>`;
  const caption = t("admin_ranking_caption", { year: list.year, count: formatNumber(list.entries.length) });
  // Focusable, so that keyboards can scroll a list wider than a phone (it holds no buttons).
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label=${caption}>
    <table class="admin-table">
      <caption>${caption}</caption>
      <thead>
        <tr>
          <th scope="col">${t("admin_ranking_rank")}</th>
          <th scope="col">${t("admin_ranking_name")}</th>
          <th scope="col">${t("admin_ranking_uscc")}</th>
        </tr>
      </thead>
      <tbody>
        ${list.entries.map(
          (e) => html`<tr key=${e.rank + e.name}>
            <td>${e.rank}</td>
            <th scope="row">${e.name}</th>
            <td>${e.uscc || t("none")}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function Upload({ year, onImported }) {
  const [file, setFile] = useState(null);
  const [wrong, setWrong] = useState(null);
  const { busy, error, run } = useSubmit();
  const send = () =>
    run(async () => {
      setWrong(null);
      const entries = file ? parseList(await file.text()) : null;
      if (!entries) {
        setWrong(file ? t("admin_ranking_bad_header") : t("admin_ranking_no_file"));
        return;
      }
      onImported(await api("PUT", "rankings/" + year, { auth: true, body: entries }));
    });
  return html`<div class="admin-form">
    <h2>${t("admin_ranking_import_title", { year })}</h2>
    <${Problem} error=${error} labelOf=${lineOf} />
    ${wrong && html`<div class="problem" role="alert"><strong>${wrong}</strong></div>`}
    <${Form} onSubmit=${send} busy=${busy} submit=${t("admin_ranking_import")}>
      <div class="field">
        <label for="field-ranking-file">${t("admin_ranking_file")}</label>
        <p class="hint" id="field-ranking-file-hint">${t("admin_ranking_file_hint")}</p>
        <input id="field-ranking-file" type="file" accept=".csv,text/csv" aria-describedby="field-ranking-file-hint"
          onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
      </div>
    <//>
  </div>`;
}

// A refused entry (`[i].uscc`) as the file's line and column (line 1 is the header).
function lineOf(path) {
  const entry = /^\[(\d+)\]\.(\w+)$/.exec(path);
  return entry ? t("admin_ranking_line", { line: Number(entry[1]) + 2, column: entry[2] }) : path;
}

export function Rankings() {
  const [year, setYear] = useState(lastYear());
  const [list, setList] = useState(null);
  const [said, setSaid] = useState(null);
  const { busy, error, run } = useSubmit();
  const load = () =>
    run(async () => {
      setSaid(null);
      try {
        setList(await api("GET", "rankings/" + year.trim(), { auth: true }));
      } catch (failure) {
        if (!(failure instanceof ApiError && failure.status === 404)) throw failure;
        setList({ year: year.trim(), entries: [] });
      }
    });
  const imported = (saved) => {
    setList(saved);
    setSaid(t("admin_ranking_imported", { year: saved.year, count: formatNumber(saved.entries.length) }));
  };
  return html`<div class="admin-section">
    <p>${t("admin_rankings_intro")}</p>
    ${said && html`<${Notice}>${said}<//>`}
    <${Problem} error=${error} />
    <${Form} onSubmit=${load} busy=${busy} submit=${t("admin_ranking_show")}>
      <${Field} name="year" type="number" inputmode="numeric" min="2000" max="2100" label=${t("admin_ranking_year")}
        value=${year} onInput=${(value) => { setYear(value); setList(null); }} />
    <//>
    ${busy && html`<${Loading} />`}
    ${list && html`<${Upload} year=${list.year} onImported=${imported} />`}
    ${list && html`<${Entries} list=${list} />`}
  </div>`;
}
