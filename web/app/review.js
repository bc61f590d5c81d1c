// Staff's side of an application: its eligibility report, the dealer group in brief, the
// scorecards (blind until one's own is filed), internal notes and assignment. Every part loads
// again when the application moves (keyed on its status and version), so what the moves above
// change shows here at once.
import { useState } from "../vendor/hooks.mjs";
import { isStaff } from "./account.js";
import { api } from "./api.js";
import { EligibilityReport } from "./eligibility.js";
import { formatDateTime, formatNumber, t } from "./i18n.js";
import { Form, Loading, More, Notice, Problem, Select, TextArea, html, useApi, usePages, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/review.js";

addWords(words);

const CRITERIA = ["district_resources", "customer_resources", "nev_experience", "after_sales", "financial_strength"];
const RECOMMENDATIONS = ["strong_yes", "yes", "no", "strong_no"];
// Scorecards and assignments are possible only while the application is in review.
const IN_REVIEW = new Set(["submitted", "under_review", "info_requested", "shortlisted"]);

export function Review({ application, account, onChanged }) {
  if (!isStaff(account)) return null;
  const keys = [application.status, application.version];
  return html`<div class="review">
    ${application.submitted_at && html`<${StoredReport} id=${application.id} keys=${keys} />`}
    ${application.dealer_group_id && html`<${GroupBrief} id=${application.dealer_group_id} />`}
    <${Scorecards} application=${application} account=${account} keys=${keys} onChanged=${onChanged} />
    <${Notes} application=${application} keys=${keys} />
    <${Assignees} application=${application} account=${account} keys=${keys} />
  </div>`;
}

// The report made at submission, as the people who decide read it.
function StoredReport({ id, keys }) {
  const report = useApi("applications/" + id + "/eligibility", keys);
  if (report.error && report.error.status === 404) return null;
  return html`${report.loading && !report.data && html`<${Loading} />`}
    <${Problem} error=${report.error} />
    <${EligibilityReport} report=${report.data} heading=${t("review_report_title")} />`;
}

// Who applies: what the reviewer checks first, and groups that may be the same one twice.
function GroupBrief({ id }) {
  const group = useApi("dealer-groups/" + id);
  const similar = useApi("dealer-groups/" + id + "/similar");
  const g = group.data;
  return html`<section class="review-part" aria-labelledby="group-brief-heading">
    <h2 id="group-brief-heading">${t("review_group_title")}</h2>
    <${Problem} error=${group.error} />
    ${g &&
    html`<dl class="facts">
      <div class="row"><dt>${t("review_legal_name")}</dt><dd>${g.legal_name}</dd></div>
      <div class="row"><dt>${t("review_uscc")}</dt><dd><code>${g.uscc}</code></dd></div>
      <div class="row"><dt>${t("review_rank")}</dt><dd>${rankWords(g)}</dd></div>
      <div class="row"><dt>${t("review_stores_total")}</dt><dd>${formatNumber(g.stores_total)}</dd></div>
    </dl>
    ${g.warnings.length > 0 &&
    html`<ul class="review-warnings">
      ${g.warnings.map((w) => html`<li key=${w.code}>${w.message}</li>`)}
    </ul>`}`}
    ${similar.data && similar.data.items.length > 0 &&
    html`<h3>${t("review_similar_title")}</h3>
      <ul>
        ${similar.data.items.map(
          (s) => html`<li key=${s.id}>${s.legal_name} (<code>${s.uscc}</code>):
            ${s.reasons.map((r) => t("review_similar_" + r)).join(t("review_list_separator"))}</li>`,
        )}
      </ul>`}
  </section>`;
}

function rankWords(group) {
  const claim = group.national_rank_claim;
  if (!claim) return t("review_rank_none");
  const place = t("review_rank_claim", { rank: formatNumber(claim.rank), year: claim.year });
  if (!group.rank_verified) return place + t("review_list_separator") + t("review_rank_unverified");
  return place + t("review_list_separator") + t("review_rank_verified_" + (group.rank_verified_via || "self"));
}

// The caller's own scorecard and, once it is filed, everyone else's.
// A first card may unblock the shortlist: the page loads the application's moves again.
function Scorecards({ application, account, keys, onChanged }) {
  const list = useApi("applications/" + application.id + "/reviews", keys);
  const cards = list.data;
  const own = cards && cards.items.find((card) => card.reviewer_id === account.id);
  const others = cards ? cards.items.filter((card) => card.reviewer_id !== account.id) : [];
  const open = IN_REVIEW.has(application.status) && !(own && own.locked_at);
  return html`<section class="review-part" aria-labelledby="scorecards-heading">
    <h2 id="scorecards-heading">${t("review_scorecards_title")}</h2>
    ${list.loading && !cards && html`<${Loading} />`}
    <${Problem} error=${list.error} />
    ${cards && open &&
    html`<${ScorecardForm} application=${application} own=${own}
      onFiled=${() => {
        list.reload();
        if (!own) onChanged(null);
      }} />`}
    ${own && !open && html`<${ScorecardCard} card=${own} mine />`}
    ${cards && cards.hidden > 0 &&
    html`<p class="blind-note">
      ${t(IN_REVIEW.has(application.status) ? "review_blind" : "review_blind_closed", { count: formatNumber(cards.hidden) })}
    </p>`}
    ${cards && cards.hidden === 0 && others.length === 0 &&
    html`<p class="empty">${t("review_no_other_cards")}</p>`}
    ${others.map((card) => html`<${ScorecardCard} key=${card.reviewer_id} card=${card} />`)}
  </section>`;
}

// Five criteria, each 1..5 as a labelled radio group, the advice and a comment.
function ScorecardForm({ application, own, onFiled }) {
  const [scores, setScores] = useState(own ? own.scores : {});
  const [recommendation, setRecommendation] = useState(own ? own.recommendation : "");
  const [comment, setComment] = useState((own && own.comment) || "");
  const [filed, setFiled] = useState(false);
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      setFiled(false);
      await api("PUT", "applications/" + application.id + "/reviews", {
        auth: true,
        body: { scores, recommendation: recommendation || null, comment: comment.trim() || null },
      });
      setFiled(true);
      onFiled();
    });
  const fields = CRITERIA.map((c) => "scores." + c).concat(["scores", "recommendation", "comment"]);
  return html`<div class="scorecard-form">
    <h3>${own ? t("review_own_card_update") : t("review_own_card_new")}</h3>
    ${filed && html`<${Notice}>${t("review_card_filed")}<//>`}
    <${Problem} error=${send.error} fields=${fields} />
    <${Form} onSubmit=${submit} busy=${send.busy} submit=${own ? t("review_card_update") : t("review_card_file")}>
      ${CRITERIA.map(
        (criterion) => html`<${ScoreChoice} key=${criterion} criterion=${criterion} value=${scores[criterion]}
          error=${send.error} onChange=${(v) => setScores({ ...scores, [criterion]: v })} />`,
      )}
      <${Select} name="recommendation" label=${t("review_recommendation")} value=${recommendation}
        error=${send.error} onChange=${setRecommendation}
        options=${[{ value: "", label: t("move_choose") }].concat(
          RECOMMENDATIONS.map((r) => ({ value: r, label: t("review_recommend_" + r) })),
        )} />
      <${TextArea} name="comment" label=${t("review_comment")} value=${comment} onInput=${setComment} error=${send.error} />
    <//>
  </div>`;
}

// One criterion: a fieldset whose legend names it, five radios from weak to strong.
function ScoreChoice({ criterion, value, error, onChange }) {
  const name = "scores." + criterion;
  const errors = error && error.fieldErrors ? error.fieldErrors.filter((e) => e.field === name) : [];
  const errorsId = "field-" + name + "-errors";
  return html`<fieldset class=${errors.length ? "score invalid" : "score"}
    aria-describedby=${errors.length ? errorsId : undefined}>
    <legend>${t("review_criterion_" + criterion)}</legend>
    <div class="score-options">
      ${[1, 2, 3, 4, 5].map(
        (n) => html`<label key=${n} class="score-option">
          <input type="radio" name=${name} value=${n} checked=${value === n} onChange=${() => onChange(n)} />
          <span>${n}</span>
        </label>`,
      )}
    </div>
    <p class="hint">${t("review_score_scale")}</p>
    ${errors.length > 0 &&
    html`<ul class="field-errors" id=${errorsId}>${errors.map((e) => html`<li key=${e.code}>${e.message}</li>`)}</ul>`}
  </fieldset>`;
}

function ScorecardCard({ card, mine }) {
  return html`<article class="scorecard">
    <h3>${mine ? t("review_own_card") : card.reviewer_name} · ${t("review_total", { total: formatNumber(card.total) })}</h3>
    <p><strong>${t("review_recommend_" + card.recommendation)}</strong></p>
    <dl class="scores">
      ${CRITERIA.map(
        (c) => html`<div key=${c} class="row"><dt>${t("review_criterion_" + c)}</dt><dd>${card.scores[c]} / 5</dd></div>`,
      )}
    </dl>
    ${card.comment && html`<p class="scorecard-comment">${card.comment}</p>`}
    <p class="meta">
      ${t("review_card_updated", { at: formatDateTime(card.updated_at) })}
      ${card.locked_at && html` · ${t("review_card_locked")}`}
    </p>
  </article>`;
}

// Staff's notes to each other, never shown to the applicant.
function Notes({ application, keys }) {
  const [round, setRound] = useState(0);
  const notes = usePages("applications/" + application.id + "/notes?limit=50", keys.concat([round]));
  const [body, setBody] = useState("");
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      await api("POST", "applications/" + application.id + "/notes", { auth: true, body: { body } });
      setBody("");
      setRound((r) => r + 1);
    });
  return html`<section class="review-part" aria-labelledby="notes-heading">
    <h2 id="notes-heading">${t("review_notes_title")}</h2>
    <p class="hint">${t("review_notes_hint")}</p>
    ${!notes.loading && !notes.error && notes.items.length === 0 && html`<p class="empty">${t("review_notes_empty")}</p>`}
    <ol class="notes">
      ${notes.items.map(
        (n) => html`<li key=${n.id}>
          <p class="meta">${n.author.display_name} · <time datetime=${n.created_at}>${formatDateTime(n.created_at)}</time></p>
          <p class="note-body">${n.body}</p>
        </li>`,
      )}
    </ol>
    <${More} list=${notes} />
    <${Problem} error=${send.error} fields=${["body"]} />
    <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("review_note_add")}>
      <${TextArea} name="body" id="field-note-body" label=${t("review_note_label")} value=${body} onInput=${setBody} error=${send.error} required />
    <//>
  </section>`;
}

// Who reviews it; an admin assigns one of the city's reviewers while it is in review.
function Assignees({ application, account, keys }) {
  const assigned = useApi("applications/" + application.id + "/assignees", keys);
  const canAssign = account.role === "admin" && IN_REVIEW.has(application.status);
  const items = assigned.data ? assigned.data.items : [];
  return html`<section class="review-part" aria-labelledby="assignees-heading">
    <h2 id="assignees-heading">${t("review_assignees_title")}</h2>
    <${Problem} error=${assigned.error} />
    ${assigned.data && items.length === 0 && html`<p class="empty">${t("review_assignees_empty")}</p>`}
    ${items.length > 0 &&
    html`<ul class="assignees">
      ${items.map(
        (a) => html`<li key=${a.user_id}>${a.display_name}
          <span class="meta"> · ${t("review_assigned_at", { at: formatDateTime(a.assigned_at) })}</span></li>`,
      )}
    </ul>`}
    ${canAssign && assigned.data &&
    html`<${AssignForm} application=${application} taken=${items.map((a) => a.user_id)} onAssigned=${assigned.replace} />`}
  </section>`;
}

function AssignForm({ application, taken, onAssigned }) {
  const staff = usePages("staff?limit=100");
  const [choice, setChoice] = useState("");
  const send = useSubmit();
  const reviewers = staff.items.filter(
    (s) => s.role === "reviewer" && s.active && s.city_codes.includes(application.city_code) && !taken.includes(s.id),
  );
  const submit = () =>
    send.run(async () => {
      onAssigned(await api("POST", "applications/" + application.id + "/assignees", { auth: true, body: { user_id: choice } }));
      setChoice("");
    });
  if (staff.loading) return html`<${Loading} />`;
  if (reviewers.length === 0) return html`<p class="empty">${t("review_no_reviewers")}</p>`;
  return html`<${Problem} error=${send.error || staff.error} fields=${["user_id"]} />
    <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("review_assign")}>
      <${Select} name="user_id" label=${t("review_assign_label")} value=${choice} error=${send.error} onChange=${setChoice}
        options=${[{ value: "", label: t("move_choose") }].concat(
          reviewers.map((s) => ({ value: s.id, label: s.display_name + " (" + s.email + ")" })),
        )} />
    <//>`;
}
