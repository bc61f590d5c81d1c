// The funnel as a chart, a city's ranking of candidates, and the list as CSV.
import { html } from "./ui.js";

export function Reports() {
  return html``;
}

