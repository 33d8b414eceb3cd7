// Promptrail's only script besides htmx: editor keys and a message when the server can't be reached.
// Everything works without it (forms and links); it is served from /static, never inline (CSP).

document.addEventListener("keydown", (event) => {
  const editor = event.target instanceof Element ? event.target.closest("form[data-editor]") : null;
  if (!editor) return;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
    event.preventDefault();
    editor.requestSubmit();
  } else if (event.key === "Escape") {
    const cancel = editor.querySelector("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  }
});

function showError(text) {
  const flash = document.getElementById("flash");
  if (!flash) return;
  const p = document.createElement("p");
  p.className = "flash flash-error";
  p.textContent = text;
  flash.replaceChildren(p);
}

// Nothing typed is lost by accident: an action whose answer would replace an editor holding
// unsaved text (Promote, Create New Version, Edit again…) asks first, in the same dialog as its
// own confirmation. Save, Cancel and Esc inside the editor, and Test, which leaves it, do not.
function unsaved(editor) {
  if (editor.hasAttribute("data-unsaved")) return true;
  return Array.from(editor.querySelectorAll("textarea")).some((t) => t.value !== t.defaultValue);
}

document.addEventListener("htmx:confirm", (event) => {
  const editor = document.querySelector("form[data-editor]");
  const { elt, target, question } = event.detail;
  if (!editor || !(elt instanceof Element) || editor.contains(elt)) return;
  if (!(target instanceof Element) || !target.contains(editor) || !unsaved(editor)) return;
  event.preventDefault();
  const warning = "Your unsaved text in the editor will be lost.";
  if (window.confirm(question ? `${question}\n\n${warning}` : `${warning} Continue?`)) {
    event.detail.issueRequest(true);
  }
});

// 4xx answers are swapped in by htmx (they carry their own message); these are the rest.
document.addEventListener("htmx:sendError", () => {
  showError("Could not reach the Promptrail server. Nothing was changed; try again.");
});
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail?.xhr?.status ?? 0;
  if (status >= 500) showError(`The server failed (${status}). Nothing was changed; try again.`);
});
