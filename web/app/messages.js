// The thread between the dealer group and the maker's staff on one application, oldest first:
// who wrote (the maker speaks as one side to applicants), when, and which of the application's
// documents came with it. Messages the reader had not seen are marked new, and the thread is
// marked read once shown. Both sides write here.
import { useEffect, useRef, useState } from "../vendor/hooks.mjs";
import { api } from "./api.js";
import { formatDateTime, t } from "./i18n.js";
import { Checkbox, More, Notice, Problem, TextArea, html, useApi, usePages, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/applicant.js";

addWords(words);

export function Messages({ application, account }) {
  const [round, setRound] = useState(0);
  const base = "applications/" + application.id + "/messages";
  const thread = usePages(base + "?limit=50", [round]);
  const mySide = account.role === "applicant" ? "applicant" : "maker";
  // The count when the page opened: marking read below must not unmark what is shown as new.
  const unread = useRef(application.unread_messages || 0);
  const newIds = newOnes(thread.items, mySide, unread.current);
  useEffect(() => {
    if (!thread.loading && unread.current > 0) api("POST", base + "/read", { auth: true }).catch(() => null);
  }, [thread.loading]);
  return html`<section class="messages" aria-labelledby="messages-heading">
    <h2 id="messages-heading">${t("messages_title")}</h2>
    ${!thread.loading && !thread.error && thread.items.length === 0 && html`<p class="empty">${t("messages_empty")}</p>`}
    ${thread.items.length > 0 && html`<ol class="thread">
      ${thread.items.map((m) => html`<${MessageItem} key=${m.id} message=${m} mine=${m.author.side === mySide} isNew=${newIds.has(m.id)} />`)}
    </ol>`}
    <${More} list=${thread} />
    <${Compose} application=${application} onSent=${() => setRound((r) => r + 1)} />
  </section>`;
}

// The latest `count` messages the other side wrote: those the reader has not read.
function newOnes(items, mySide, count) {
  const theirs = items.filter((m) => m.author.side !== mySide);
  return new Set(count > 0 ? theirs.slice(-count).map((m) => m.id) : []);
}

function MessageItem({ message, mine, isNew }) {
  const author = message.author.display_name || t("message_side_" + message.author.side);
  return html`<li class=${"message" + (mine ? " mine" : "") + (isNew ? " new" : "")}>
    <p class="meta">
      <strong>${author}</strong>${mine ? " · " + t("messages_you") : ""}${" · "}<time datetime=${message.created_at}>${formatDateTime(message.created_at)}</time>
      ${isNew && html` <span class="badge">${t("messages_new")}</span>`}
    </p>
    <p class="body">${message.body}</p>
    ${message.documents.length > 0 &&
    html`<p class="meta">${t("messages_attached", { files: message.documents.map((d) => d.filename).join("、") })}</p>`}
  </li>`;
}

// The compose box; the application's documents may go with the message.
function Compose({ application, onSent }) {
  const [body, setBody] = useState("");
  const [attached, setAttached] = useState([]);
  const [sent, setSent] = useState(false);
  const send = useSubmit();
  const documents = useApi("applications/" + application.id + "/documents", [application.status]);
  const items = (documents.data && documents.data.items) || [];
  const submit = (event) => {
    event.preventDefault();
    send.run(async () => {
      setSent(false);
      const message = { body: body.trim() };
      if (attached.length) message.document_ids = attached;
      await api("POST", "applications/" + application.id + "/messages", { auth: true, body: message });
      setBody("");
      setAttached([]);
      setSent(true);
      onSent();
    });
  };
  const toggle = (id) => (on) => setAttached((list) => (on ? list.concat([id]) : list.filter((x) => x !== id)));
  // Documents uploaded since the page opened can go too: the list is read again on writing.
  const writing = (event) => event.target.name === "body" && documents.reload();
  return html`<form class="compose" onSubmit=${submit} onFocusIn=${writing} novalidate>
    ${sent && html`<${Notice}>${t("messages_sent")}<//>`}
    <${Problem} error=${send.error} fields=${["body"]} />
    <${TextArea} name="body" label=${t("messages_body")} value=${body} onInput=${setBody} error=${send.error} required />
    ${items.length > 0 && html`<fieldset>
      <legend>${t("messages_attach")}</legend>
      ${items.map((d) => html`<${Checkbox} key=${d.id} name=${"attach-" + d.id} label=${d.filename}
        checked=${attached.includes(d.id)} onChange=${toggle(d.id)} />`)}
    </fieldset>`}
    <button type="submit" class="primary" disabled=${send.busy}>${t("messages_send")}</button>
  </form>`;
}
