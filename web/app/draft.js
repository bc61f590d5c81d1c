// An application's form while the group may edit it (draft, info requested): saved as one types, with the eligibility preview beside it; and starting a new application.
import { html } from "./ui.js";

export function DraftEditor() {
  return html``;
}

export function NewApplication() {
  return html``;
}

