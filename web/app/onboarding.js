// The onboarding checklist from a signed letter to the store's opening: each side ticks its own
// tasks (the partner's by the group's owners and signatories, the maker's by staff), the
// progress is counted, and a task past its due date (in China) is marked overdue. Ticking the
// last task makes `activate` appear among the moves, so the application is loaded again after
// each tick.
import { useState } from "../vendor/hooks.mjs";
import { isStaff } from "./account.js";
import { api } from "./api.js";
import { chinaToday, formatDate, formatDateTime, formatNumber, t } from "./i18n.js";
import { Loading, Problem, html, useApi, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/review.js";

addWords(words);

const WITH_CHECKLIST = new Set(["onboarding", "active", "terminated"]);

export function Onboarding({ application, account, onChanged }) {
  if (!WITH_CHECKLIST.has(application.status)) return null;
  return html`<${Checklist} application=${application} account=${account} onChanged=${onChanged} />`;
}

// Today's date in China, as the API writes dates (`YYYY-MM-DD`).
// Whether the reader works on `owner`'s tasks (the API refuses the other side with 403).
function ticksFor(account, owner) {
  if (owner === "maker") return isStaff(account);
  return account.role === "applicant" && (account.group_role === "owner" || account.group_role === "signatory");
}

function Checklist({ application, account, onChanged }) {
  const list = useApi("applications/" + application.id + "/onboarding", [application.status, application.version]);
  if (list.error && list.error.status === 404) return null;
  const tasks = list.data ? list.data.tasks : [];
  const done = tasks.filter((task) => task.done_at).length;
  const open = application.status === "onboarding";
  const today = chinaToday();
  // The write answered the checklist; the application (its moves) is loaded again.
  const ticked = (checklist) => {
    list.replace(checklist);
    onChanged(null);
  };
  return html`<section class="onboarding" aria-labelledby="onboarding-heading">
    <h2 id="onboarding-heading">${t("onboarding_title")}</h2>
    ${list.loading && !list.data && html`<${Loading} />`}
    <${Problem} error=${list.error} />
    ${list.data &&
    html`<p class="onboarding-progress" id="onboarding-progress">
        ${t("onboarding_progress", { done: formatNumber(done), total: formatNumber(tasks.length) })}
      </p>
      <progress max=${tasks.length} value=${done} aria-labelledby="onboarding-progress"></progress>
      <ol class="tasks">
        ${tasks.map(
          (task) => html`<${Task} key=${task.code} task=${task} applicationId=${application.id}
            overdue=${!task.done_at && task.due_on < today}
            mine=${open && ticksFor(account, task.owner)} onTicked=${ticked} />`,
        )}
      </ol>`}
  </section>`;
}

function Task({ task, applicationId, overdue, mine, onTicked }) {
  const [note, setNote] = useState("");
  const send = useSubmit();
  const change = (body) =>
    send.run(async () => {
      const path = "applications/" + applicationId + "/onboarding/" + encodeURIComponent(task.code);
      onTicked(await api("PATCH", path, { auth: true, body, contentType: "application/merge-patch+json" }));
    });
  const noteId = "task-note-" + task.code;
  return html`<li class=${"task" + (task.done_at ? " done" : "") + (overdue ? " overdue" : "")} data-task=${task.code}>
    <h3 id=${"task-" + task.code}>${task.title}</h3>
    <p class="meta">
      ${t("onboarding_owner_" + task.owner)} · ${t("onboarding_due", { date: formatDate(task.due_on) })}
      ${overdue && html` · <strong class="flag">${t("overdue")}</strong>`}
    </p>
    <p class=${task.done_at ? "task-state done" : "task-state"}>
      ${task.done_at ? t("onboarding_done_at", { at: formatDateTime(task.done_at) }) : t("onboarding_open")}
    </p>
    ${task.note && html`<p class="task-note">${t("onboarding_note")}: ${task.note}</p>`}
    <${Problem} error=${send.error} />
    ${mine && !task.done_at &&
    html`<div class="task-tick">
      <div class="field">
        <label for=${noteId}>${t("onboarding_note_optional", { task: task.title })}</label>
        <input id=${noteId} type="text" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} />
      </div>
      <button type="button" class="primary" disabled=${send.busy} data-done=${task.code} aria-describedby=${"task-" + task.code}
        onClick=${() => change(note.trim() ? { done: true, note: note.trim() } : { done: true })}>
        ${t("onboarding_mark_done")}
      </button>
    </div>`}
    ${mine && task.done_at &&
    html`<button type="button" class="link" disabled=${send.busy} aria-describedby=${"task-" + task.code}
      onClick=${() => change({ done: false })}>
      ${t("onboarding_reopen")}
    </button>`}
  </li>`;
}
