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

document.addEventListener("htmx:sendError", () => {
  const flash = document.getElementById("flash");
  if (flash) {
    flash.innerHTML = "";
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = "Could not reach the Promptrail server. Nothing was changed; try again.";
    flash.appendChild(p);
  }
});
