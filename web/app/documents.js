// An application's documents: the list everyone who may read the application sees (with each
// file's SHA-256, so both sides can tell they hold the same bytes) and a download; and, for the
// group's members while the application is editable (draft, info requested), uploading with a
// progress bar and removing after a confirmation.
import { useState } from "../vendor/hooks.mjs";
import { api, download, saveFile, upload } from "./api.js";
import { formatDateTime, formatNumber, t } from "./i18n.js";
import { ConfirmButton, Loading, Notice, Problem, Select, html, useApi, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/applicant.js";

addWords(words);

export const KINDS = ["business_license", "financial_statement", "site_lease", "relationship_evidence", "other"];
const EDITABLE = ["draft", "info_requested"];

function size(bytes) {
  if (bytes < 1024 * 1024) return t("size_kb", { n: formatNumber(Math.max(1, Math.round(bytes / 1024))) });
  return t("size_mb", { n: formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10) });
}

export function Documents({ application, account }) {
  const path = "applications/" + application.id + "/documents";
  const list = useApi(path, [application.status]);
  const editable = account.role === "applicant" && EDITABLE.includes(application.status);
  const items = (list.data && list.data.items) || [];
  return html`<section class="documents" aria-labelledby="documents-heading">
    <h2 id="documents-heading">${t("documents_title")}</h2>
    ${list.loading && !list.data && html`<${Loading} />`}
    <${Problem} error=${list.error} />
    ${list.data && items.length === 0 && html`<p class="empty">${t("documents_empty")}</p>`}
    ${items.length > 0 && html`<${DocumentTable} path=${path} items=${items} editable=${editable} onRemoved=${list.reload} />`}
    ${editable && html`<${Upload} path=${path} onUploaded=${list.reload} />`}
  </section>`;
}

function DocumentTable({ path, items, editable, onRemoved }) {
  const fetching = useSubmit();
  const get = (doc) => fetching.run(async () => saveFile(await download(path + "/" + doc.id + "/content"), doc.filename));
  return html`<${Problem} error=${fetching.error} />
    <div class="table-scroll" tabindex="0" role="region" aria-label=${t("documents_title")}>
      <table>
        <caption class="visually-hidden">${t("documents_title")}</caption>
        <thead>
          <tr>
            <th scope="col">${t("document_kind")}</th>
            <th scope="col">${t("document_file")}</th>
            <th scope="col">${t("document_size")}</th>
            <th scope="col">${t("document_sha256")}</th>
            <th scope="col">${t("document_uploaded")}</th>
            <th scope="col">${t("document_actions")}</th>
          </tr>
        </thead>
        <tbody>
          ${items.map((doc) => html`<tr key=${doc.id}>
            <td>${t("kind_" + doc.kind)}</td>
            <th scope="row">${doc.filename}</th>
            <td>${size(doc.size_bytes)}</td>
            <td><details><summary><code>${doc.sha256.slice(0, 12)}…</code></summary><code class="hash">${doc.sha256}</code></details></td>
            <td>${formatDateTime(doc.uploaded_at)}</td>
            <td class="actions">
              <button type="button" class="secondary" onClick=${() => get(doc)} disabled=${fetching.busy}
                aria-label=${t("document_download_named", { name: doc.filename })}>${t("document_download")}</button>
              ${editable && html`<${Remove} path=${path} doc=${doc} onRemoved=${onRemoved} />`}
            </td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
}

// Removing asks once more, in the row itself.
function Remove({ path, doc, onRemoved }) {
  const send = useSubmit();
  const remove = () =>
    send.run(async () => {
      await api("DELETE", path + "/" + doc.id, { auth: true });
      onRemoved();
    });
  const named = { name: doc.filename };
  return html`<${Problem} error=${send.error} />
    <${ConfirmButton} name="remove" label=${t("document_remove")} ariaLabel=${t("document_remove_named", named)}
      question=${t("document_remove_confirm", named)} yes=${t("document_remove_yes")} onConfirm=${remove}
      busy=${send.busy} />`;
}

function Upload({ path, onUploaded }) {
  const [kind, setKind] = useState("");
  const [file, setFile] = useState(null);
  const [percent, setPercent] = useState(null);
  const [done, setDone] = useState(null);
  const send = useSubmit();
  const options = [{ value: "", label: t("form_choose") }].concat(KINDS.map((k) => ({ value: k, label: t("kind_" + k) })));
  const submit = (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    send.run(async () => {
      setDone(null);
      setPercent(0);
      const body = new FormData();
      body.append("kind", kind);
      if (file) body.append("file", file);
      try {
        const uploaded = await upload(path, body, (sent, total) => setPercent(Math.round((sent / total) * 100)));
        setDone(uploaded.filename);
        setFile(null);
        form.reset();
        setKind("");
        onUploaded();
      } finally {
        setPercent(null);
      }
    });
  };
  const fileErrors = send.error ? send.error.fieldErrors.filter((e) => e.field === "file") : [];
  return html`<form class="upload" onSubmit=${submit} novalidate aria-labelledby="upload-heading">
    <h3 id="upload-heading">${t("upload_title")}</h3>
    ${done && html`<${Notice}>${t("upload_done", { name: done })}<//>`}
    <${Problem} error=${send.error} fields=${["kind", "file"]} />
    <${Select} name="kind" label=${t("document_kind")} value=${kind} options=${options} onChange=${setKind} error=${send.error} />
    <div class=${fileErrors.length ? "field invalid" : "field"}>
      <label for="field-file">${t("upload_file")}</label>
      <p class="hint" id="field-file-hint">${t("upload_file_hint")}</p>
      <input id="field-file" name="file" type="file" accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
        aria-describedby=${"field-file-hint" + (fileErrors.length ? " field-file-errors" : "")}
        aria-invalid=${fileErrors.length ? "true" : undefined}
        onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
      ${fileErrors.length > 0 && html`<ul class="field-errors" id="field-file-errors">${fileErrors.map((e) => html`<li key=${e.code}>${e.message}</li>`)}</ul>`}
    </div>
    ${percent !== null && html`<div class="progress">
      <label for="upload-progress">${t("upload_progress")}</label>
      <progress id="upload-progress" max="100" value=${percent}>${percent}%</progress>
      <span aria-hidden="true">${percent}%</span>
    </div>`}
    <button type="submit" class="primary" disabled=${send.busy}>${t("upload_submit")}</button>
  </form>`;
}
