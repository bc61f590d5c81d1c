// The letter of intent: offered by an admin, read by the group as the document itself with its
// hash, signed in the page, printable. The document is the API's HTML: it is shown inside the
// page (frames and inline styles are refused by the page's CSP), rebuilt from the elements a
// letter uses, so nothing in it can run or load. Its SHA-256 is computed here from the exact
// bytes received and compared with the hash the API keeps: what the signer saw is what is signed.
import { useEffect, useRef, useState } from "../vendor/hooks.mjs";
import { api, download } from "./api.js";
import { formatDateTime, formatNumber, t } from "./i18n.js";
import { Checkbox, Field, Form, Link, Loading, Notice, Page, Problem, html, useApi, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/review.js";

addWords(words);

// Where a letter may exist: from the offer on, including the ends that can follow it.
const WITH_LETTER = new Set(["loi_offered", "loi_signed", "onboarding", "active", "loi_declined", "loi_expired", "loi_rescinded", "terminated"]);

export function Letter({ application }) {
  if (!WITH_LETTER.has(application.status)) return null;
  return html`<${LetterSection} application=${application} />`;
}

// Signing happens on the letter's page only, where the signer has the document itself before
// them and its hash is the one computed from what they were shown.
function LetterSection({ application }) {
  const loi = useApi("applications/" + application.id + "/loi", [application.status, application.version]);
  // Terminated before any offer: there is no letter.
  if (loi.error && loi.error.status === 404) return null;
  const letter = loi.data;
  return html`<section class="letter" aria-labelledby="letter-heading">
    <h2 id="letter-heading">${t("letter_title")}</h2>
    ${loi.loading && !letter && html`<${Loading} />`}
    <${Problem} error=${loi.error} />
    ${letter &&
    html`<${LetterFacts} letter=${letter} />
      <p>
        <${Link} to=${"/applications/" + application.id + "/letter"}
          class=${canSign(application) ? "button primary" : "button secondary"}>
          ${canSign(application) ? t("letter_open_to_sign") : t("letter_open")}
        <//>
      </p>`}
  </section>`;
}

function canSign(application) {
  return (application.allowed_actions || []).includes("sign_loi");
}

function LetterFacts({ letter }) {
  const row = (label, value) => html`<div class="row"><dt>${label}</dt><dd>${value}</dd></div>`;
  return html`<dl class="facts">
    ${row(t("letter_status"), html`<span class=${"status loi-" + letter.status}>${letter.status_label}</span>`)}
    ${row(t("loi_stores"), formatNumber(letter.terms.stores))}
    ${letter.terms.terms_note && row(t("letter_terms_note"), letter.terms.terms_note)}
    ${row(t("letter_issued"), formatDateTime(letter.issued_at))}
    ${row(t("letter_expires"), formatDateTime(letter.expires_at))}
    ${row(t("letter_sha256"), html`<code class="hash">${letter.document_sha256}</code>`)}
    ${letter.signed_at && row(t("letter_signer"), letter.signer_name + (letter.signer_title ? ", " + letter.signer_title : ""))}
    ${letter.signed_at && row(t("letter_signed_at"), formatDateTime(letter.signed_at))}
  </dl>`;
}

// Signing: the member's own name and title on record, the acceptance, and the hash of the letter
// the signer was shown. The API names a wrong name or title beside its field.
function SignForm({ id, account, sha256, onSigned }) {
  const [name, setName] = useState(account.display_name || "");
  const [title, setTitle] = useState(account.group_title || "");
  const [accept, setAccept] = useState(false);
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      const signed = await api("POST", "applications/" + id + "/loi/signature", {
        auth: true,
        body: { signer_name: name.trim(), signer_title: title.trim(), document_sha256: sha256, accept },
      });
      onSigned(signed);
    });
  return html`<div class="sign-form">
    <h3>${t("letter_sign_title")}</h3>
    <p class="hint">${t("letter_sign_intro")}</p>
    <${Problem} error=${send.error} fields=${["signer_name", "signer_title", "accept"]} />
    <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("letter_sign_submit")}>
      <${Field} name="signer_name" label=${t("letter_signer_name")} hint=${t("letter_signer_name_hint")}
        value=${name} onInput=${setName} error=${send.error} autocomplete="name" />
      <${Field} name="signer_title" label=${t("letter_signer_title")} hint=${t("letter_signer_title_hint")}
        value=${title} onInput=${setTitle} error=${send.error} autocomplete="organization-title" />
      <p class="hash-line">${t("letter_sign_hash")} <code class="hash">${sha256}</code></p>
      <${Checkbox} name="accept" label=${t("letter_accept")} checked=${accept} onChange=${setAccept} error=${send.error} />
    <//>
  </div>`;
}

// The letter's page: the document itself, whether its bytes match the hash, printing, signing.
export function LetterPage({ id, account }) {
  const application = useApi("applications/" + encodeURIComponent(id));
  const a = application.data;
  const loi = useApi("applications/" + encodeURIComponent(id) + "/loi", [a && a.version]);
  const letter = loi.data;
  const shown = useDocument(id, "loi/document", true);
  const signed = Boolean(letter && letter.signature_page_sha256);
  const page = useDocument(id, "loi/signature-page", signed);
  return html`<${Page} title=${t("letter_title")} wide>
    <p class="letter-back"><${Link} to=${"/applications/" + id}>${t("letter_back")}<//></p>
    <${Problem} error=${application.error || loi.error || shown.error} />
    <div class="letter-summary">
      ${letter && html`<${LetterFacts} letter=${letter} />`}
      ${letter && shown.sha256 !== undefined && html`<${HashCheck} expected=${letter.document_sha256} actual=${shown.sha256} />`}
    </div>
    <div class="actions letter-tools">
      <button type="button" class="secondary" onClick=${() => window.print()}>${t("letter_print")}</button>
    </div>
    ${shown.loading && html`<${Loading} />`}
    <${LetterDocument} doc=${shown.doc} label=${t("letter_document")} />
    ${signed && html`<section class="signature-page" aria-labelledby="signature-page-heading">
      <h2 id="signature-page-heading">${t("letter_signature_page")}</h2>
      <${Problem} error=${page.error} />
      ${page.sha256 !== undefined && html`<${HashCheck} expected=${letter.signature_page_sha256} actual=${page.sha256} />`}
      ${page.loading && html`<${Loading} />`}
      <${LetterDocument} doc=${page.doc} label=${t("letter_signature_page")} />
    </section>`}
    ${a && letter && canSign(a) && shown.sha256 === letter.document_sha256 &&
    html`<${SignForm} id=${id} account=${account} sha256=${shown.sha256} onSigned=${() => application.reload()} />`}
  <//>`;
}

// Loads one of the letter's documents (`loi/document`, `loi/signature-page`) once, when
// `wanted`: `{doc, sha256, loading, error}`; `sha256` is null when this browser cannot compute it
// (no Web Crypto outside a secure context).
function useDocument(id, path, wanted) {
  const [state, setState] = useState({ loading: wanted });
  useEffect(() => {
    if (!wanted) return undefined;
    let current = true;
    setState({ loading: true });
    (async () => {
      const blob = await download("applications/" + encodeURIComponent(id) + "/" + path, "text/html");
      const bytes = await blob.arrayBuffer();
      const doc = new DOMParser().parseFromString(new TextDecoder("utf-8").decode(bytes), "text/html");
      return { doc, sha256: await sha256Hex(bytes), loading: false };
    })().then(
      (loaded) => current && setState(loaded),
      (error) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [id, path, wanted]);
  return state;
}

async function sha256Hex(bytes) {
  if (!window.crypto || !window.crypto.subtle) return null;
  const digest = await window.crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function HashCheck({ expected, actual }) {
  if (actual === null) return html`<p class="warning">${t("letter_hash_unchecked")}</p>`;
  if (actual === expected) return html`<${Notice}>${t("letter_hash_ok")} <code class="hash">${actual}</code><//>`;
  return html`<div class="problem" role="alert"><strong>${t("letter_hash_mismatch")}</strong>
    <p><code class="hash">${actual}</code></p></div>`;
}

// The parts of HTML a letter is made of. An element of any other kind keeps its text, as a
// `span` (a word of the letter must not vanish while its hash still matches), except those whose
// content is not text to read (scripts, styles, frames, embedded documents), which go whole.
// Only `lang` and the known classes are copied: no links, images, handlers or inline styles.
// Headings move one level down, under the page's own heading.
const KEPT = { section: "section", header: "header", footer: "footer", p: "p", dl: "dl", dt: "dt", dd: "dd", ol: "ol", ul: "ul", li: "li", table: "table", thead: "thead", tbody: "tbody", tr: "tr", th: "th", td: "td", strong: "strong", em: "em", b: "b", i: "i", br: "br", span: "span", div: "div", h1: "h2", h2: "h3", h3: "h4", h4: "h5" };
const DROPPED = new Set(["script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head", "title", "link", "meta"]);
const KEPT_CLASSES = new Set(["ref", "maker", "hash", "signatures", "signature", "line", "note"]);

function rebuild(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
  if (node.nodeType !== Node.ELEMENT_NODE || DROPPED.has(node.localName)) return null;
  const copy = document.createElement(KEPT[node.localName] || "span");
  const lang = node.getAttribute("lang");
  if (lang) copy.setAttribute("lang", lang);
  node.classList.forEach((name) => KEPT_CLASSES.has(name) && copy.classList.add("letter-" + name));
  node.childNodes.forEach((child) => {
    const kept = rebuild(child);
    if (kept) copy.appendChild(kept);
  });
  return copy;
}

function LetterDocument({ doc, label }) {
  const box = useRef(null);
  useEffect(() => {
    if (!box.current || !doc) return;
    box.current.replaceChildren(...Array.from(doc.body.childNodes, rebuild).filter(Boolean));
  }, [doc]);
  if (!doc) return null;
  return html`<article class="letter-document" ref=${box} aria-label=${label}></article>`;
}
