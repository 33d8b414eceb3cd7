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

// 4xx answers are swapped in by htmx (they carry their own message); these are the rest.
document.addEventListener("htmx:sendError", () => {
  showError("Could not reach the Promptrail server. Nothing was changed; try again.");
});
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail?.xhr?.status ?? 0;
  if (status >= 500) showError(`The server failed (${status}). Nothing was changed; try again.`);
});
