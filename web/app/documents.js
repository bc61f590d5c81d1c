// An application's documents: the list everyone who may read the application sees, and uploading with progress for the group's members while it is editable.
import { html } from "./ui.js";

export function Documents() {
  return html``;
}

