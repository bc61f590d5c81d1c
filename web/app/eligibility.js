// An eligibility report as people read it: the one-sentence summary, then each rule with its
// title, whether it is required, passed or not, its points and the explanation in the reader's
// language. The same view serves the stored report (staff) and the preview beside the form.
import { formatNumber, t } from "./i18n.js";
import { html } from "./ui.js";

// Required or scored, passed or not, and the points: one line, " · " between (htm drops the
// spaces of line breaks in markup, so the separators are written out here).
function checkFacts(check) {
  const facts = [
    check.required ? t("eligibility_required") : t("eligibility_scored"),
    check.passed ? t("eligibility_passed") : t("eligibility_failed"),
  ];
  if (check.max_points > 0) {
    facts.push(t("eligibility_points", { points: formatNumber(check.points), max: formatNumber(check.max_points) }));
  }
  return facts.join(" · ");
}

export function EligibilityReport({ report, heading }) {
  if (!report) return null;
  return html`<section class="report" aria-labelledby="report-heading">
    <h2 id="report-heading">${heading || t("eligibility_title")}</h2>
    <p class=${report.eligible ? "verdict ok" : "verdict no"}>
      <strong>${report.eligible ? t("eligibility_eligible") : t("eligibility_not_eligible")}</strong>${" · "}${t("eligibility_score", { score: formatNumber(report.score) })}
    </p>
    <p>${report.summary}</p>
    <ul class="checks">
      ${report.checks.map(
        (check) => html`<li key=${check.code} class=${check.passed ? "check passed" : "check failed"}>
          <span class="mark" aria-hidden="true">${check.passed ? "✓" : "✗"}</span>
          <span class="check-title">${check.title}</span>
          <span class="meta">${checkFacts(check)}</span>
          <p>${check.explanation}</p>
        </li>`,
      )}
    </ul>
  </section>`;
}
