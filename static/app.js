// Promptrail's only script besides htmx. Everything works without it (forms, links and
// confirmation pages); it is served from /static, never inline (CSP). It keeps what people type,
// keeps focus where they act, and makes the editor and the test case forms nicer to use.

// ---- Nothing typed is lost without asking -------------------------------------------------

const GUARDED = "form[data-editor], form[data-guard]";

/** Whether a form holds text its page did not load with (or text a refused save gave back). */
function changed(form) {
  if (form.hasAttribute("data-discarded")) return false;
  if (form.hasAttribute("data-unsaved")) return true;
  return Array.from(form.elements).some((el) => {
    if (el instanceof HTMLTextAreaElement) return el.value !== el.defaultValue;
    if (el instanceof HTMLSelectElement) return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
    if (!(el instanceof HTMLInputElement) || el.type === "hidden") return false;
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    return el.value !== el.defaultValue;
  });
}

const dirtyForms = () => Array.from(document.querySelectorAll(GUARDED)).filter(changed);

/** The user chose to drop the text: nothing asks about these forms again. */
const discard = (forms) => {
  for (const form of forms) form.setAttribute("data-discarded", "");
};

// Leaving the page (a link, reload, Back, closing the tab) asks when a form holds unsaved text.
// A form that is being submitted is not "left".
document.addEventListener("submit", (event) => {
  if (event.target instanceof HTMLFormElement && event.target.matches(GUARDED)) discard([event.target]);
});
// A request that never got an answer changed nothing: its form still holds unsaved text.
document.addEventListener("htmx:sendError", (event) => {
  event.detail.elt?.closest?.(GUARDED)?.removeAttribute("data-discarded");
});
window.addEventListener("beforeunload", (event) => {
  if (dirtyForms().length === 0) return;
  event.preventDefault();
  event.returnValue = "";
});

// Cancel (and Esc, which presses it) asks before dropping unsaved text; it goes straight when
// nothing changed. Capturing, so that a "no" stops htmx and the link alike.
document.addEventListener(
  "click",
  (event) => {
    const cancel = event.target instanceof Element ? event.target.closest("[data-cancel]") : null;
    const editor = cancel?.closest(GUARDED);
    if (!editor || !changed(editor)) return;
    if (window.confirm("Discard your unsaved changes? The saved text stays as it is.")) {
      discard([editor]);
    } else {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);

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

// An action whose answer would replace an editor holding unsaved text (Promote, Create New
// Version, Edit again…) asks first, in the same dialog as its own confirmation. Save, Cancel and
// Esc inside the editor, and Test, which leaves it alone, do not.
document.addEventListener("htmx:confirm", (event) => {
  const editor = document.querySelector("form[data-editor]");
  const { elt, target, question } = event.detail;
  if (!editor || !(elt instanceof Element) || editor.contains(elt)) return;
  if (!(target instanceof Element) || !target.contains(editor) || !changed(editor)) return;
  event.preventDefault();
  const warning = "Your unsaved text in the editor will be lost.";
  if (window.confirm(question ? `${question}\n\n${warning}` : `${warning} Continue?`)) {
    discard([editor]);
    event.detail.issueRequest(true);
  }
});

// A page shown again from the browser's back-forward cache may be out of date: load it afresh,
// unless it holds unsaved text (then the browser kept exactly what the user typed).
window.addEventListener("pageshow", (event) => {
  if (event.persisted && dirtyForms().length === 0) window.location.reload();
});

// ---- Chat messages: rows added, removed and moved in place ---------------------------------

// Without JavaScript these buttons submit the editor with `op` and the server rearranges the
// rows (nothing is saved); here the same happens in place. Rows pair `role` and `content` by
// position, so only the numbers in labels and `op` values change. Capturing, so htmx never
// submits them.
document.addEventListener(
  "click",
  (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-row-op]") : null;
    const editor = button?.closest("form[data-editor]");
    const list = editor?.querySelector("[data-msg-rows]");
    if (!button || !editor || !list) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const op = button.getAttribute("data-row-op");
    const row = button.closest("[data-msg-row]");
    let focus = button;
    if (op === "add" || op === "add-placeholder") {
      const added = newRow(editor, op === "add" ? "user" : "placeholder");
      list.append(added);
      focus = added.querySelector("textarea");
    } else if (row && op === "remove") {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      focus = next?.querySelector("textarea") ?? focus;
    } else if (row && op === "up" && row.previousElementSibling) {
      row.previousElementSibling.before(row);
    } else if (row && op === "down" && row.nextElementSibling) {
      row.nextElementSibling.after(row);
    }
    editor.setAttribute("data-unsaved", "true");
    renumber(list);
    followMessages(editor);
    if (focus instanceof HTMLElement && !focus.matches(":disabled")) focus.focus();
  },
  true,
);

function newRow(editor, role) {
  const template = editor.querySelector("template[data-msg-template]");
  const row = template.content.firstElementChild.cloneNode(true);
  const select = row.querySelector("select[data-role]");
  select.value = role;
  for (const option of select.options) option.defaultSelected = false;
  styleRow(row, role);
  return row;
}

/** Labels, ids and `op` values say each row's place ("Move message 3 up"); ends cannot move out. */
function renumber(list) {
  const rows = Array.from(list.querySelectorAll(":scope > [data-msg-row]"));
  rows.forEach((row, i) => {
    for (const el of row.querySelectorAll("[data-n-label]")) {
      const text = el.getAttribute("data-n-label").replace("#", String(i + 1));
      if (el.matches("button")) {
        el.setAttribute("aria-label", text);
        el.title = text;
      } else el.textContent = text;
    }
    for (const button of row.querySelectorAll("button[data-row-op]")) {
      const op = button.getAttribute("data-row-op");
      button.value = `${op}:${i}`;
      button.disabled =
        (op === "up" && i === 0) || (op === "down" && i === rows.length - 1) || (op === "remove" && rows.length === 1);
    }
    const text = row.querySelector("textarea");
    const label = row.querySelector("label[for]");
    if (text && label) {
      text.id = `msg-${i}`;
      label.htmlFor = text.id;
    }
  });
}

/** A row's colour and its text field's label follow its role (placeholders hold a name). */
function styleRow(row, role) {
  row.className = row.className.replace(/role-row-\S+/, `role-row-${role}`);
  const select = row.querySelector("select[data-role]");
  select.className = select.className.replace(/\brole-(?!select)\S+/, `role-${role}`);
  const what = row.querySelector("label[for] [data-what]");
  if (what) what.textContent = role === "placeholder" ? "placeholder name" : "text";
  const text = row.querySelector("textarea");
  if (text) {
    text.rows = role === "placeholder" ? 1 : Math.max(text.rows, 2);
    text.placeholder = role === "placeholder" ? "e.g. history" : "";
  }
}

document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.matches("[data-role]")) return;
  const row = select.closest("[data-msg-row]");
  if (!row) return;
  styleRow(row, select.value);
  renumber(row.parentElement);
  followMessages(select.closest("form[data-editor]"));
});

/** The variables of the editor's messages: their templates' and the placeholders' names. */
function followMessages(editor) {
  const names = [];
  const placeholders = new Set();
  for (const row of editor?.querySelectorAll("[data-msg-rows] > [data-msg-row]") ?? []) {
    const role = row.querySelector("select[data-role]")?.value;
    const text = row.querySelector("textarea")?.value ?? "";
    if (role !== "placeholder") names.push(...variablesOf(text));
    else if (text.trim()) {
      names.push(text.trim());
      placeholders.add(text.trim());
    }
  }
  followVariables(names, placeholders);
}

// ---- The ad-hoc variable inputs follow the editor's text ----------------------------------

// The variable names of docs/rules.md, TEST, as src/domain/template.ts reads them.
const PLACEHOLDER = /\{\{\s*([\p{L}_][\p{L}\p{M}\p{Nd}_.-]{0,63})\s*\}\}/gu;
const variablesOf = (text) => [...new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1]))];

/**
 * One field per variable of the editor's text and of the saved text (Test runs the saved one).
 * A field that is already there stays exactly where it is, with its value and focus (moving a
 * focused field blurs it, and what was being typed into it went nowhere); only fields of new
 * variables are added and fields of dropped ones removed. One field per name, whatever its kind.
 */
function followVariables(edited, placeholders = new Set()) {
  const vars = document.querySelector("[data-vars]");
  if (!vars) return;
  const saved = (vars.getAttribute("data-saved") ?? "").split("\n").filter(Boolean);
  const names = [...new Set([...edited, ...saved])];
  const existing = new Map(
    Array.from(vars.querySelectorAll("[name^='var.']"), (field) => [field.name.slice(4), field.closest("label")]),
  );
  for (const [name, label] of existing) if (!names.includes(name)) label?.remove();
  for (const name of names) if (!existing.has(name)) vars.append(newVariableField(name, placeholders.has(name)));
  vars.hidden = names.length === 0;
  const none = document.querySelector("[data-no-vars]");
  if (none) none.hidden = names.length > 0;
}

/** The markup of VariableField (views/fragments/test-panel.tsx): a growing text box, or a JSON box for messages. */
function newVariableField(name, messages) {
  const label = document.createElement("label");
  label.className = messages ? "var-field var-messages" : "var-field";
  const code = document.createElement("code");
  code.textContent = name;
  const field = document.createElement("textarea");
  field.name = `var.${name}`;
  field.rows = messages ? 3 : 1;
  field.spellcheck = false;
  field.dir = "auto";
  field.setAttribute("data-grow", "");
  if (messages) field.placeholder = '[{"role": "user", "content": "Hi"}]';
  label.append(code, field);
  return label;
}

let following = 0;
document.addEventListener("input", (event) => {
  const field = event.target;
  const editor = field instanceof HTMLTextAreaElement ? field.closest("form[data-editor]") : null;
  if (!editor || (field.name !== "body" && field.name !== "content")) return;
  clearTimeout(following);
  following = setTimeout(() => {
    // A save may have replaced the editor meanwhile: the new page already has the right fields.
    if (!editor.isConnected) return;
    if (field.name === "body") followVariables(variablesOf(field.value));
    else followMessages(editor);
  }, 150);
});

// A variable's box grows with its text (CSS field-sizing where the browser has it, else here),
// and Ctrl/Cmd+Enter in it runs the test (Enter is a new line).
const GROWS_BY_CSS = window.CSS?.supports?.("field-sizing", "content") ?? false;
document.addEventListener("input", (event) => {
  const box = event.target;
  if (GROWS_BY_CSS || !(box instanceof HTMLTextAreaElement) || !box.matches("[data-grow]")) return;
  box.style.height = "auto";
  box.style.height = `${box.scrollHeight + 2}px`;
});
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLTextAreaElement) || !box.matches("[data-grow]")) return;
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    box.form?.requestSubmit();
  }
});

// ---- Focus stays where the user acted ----------------------------------------------------

// After a swap, focus goes back to the control that acted (the action buttons keep their ids
// across swaps; htmx cannot do it itself, as a button is disabled, so unfocused, while its request
// runs). When that control is gone (Save closes the editor, Make Current disappears), focus goes
// to what the answer marks with data-focus-here, else to the message saying what happened —
// never to the top of the page.
let actedId = null;
document.addEventListener("htmx:beforeRequest", () => {
  const active = document.activeElement;
  actedId = active instanceof HTMLElement && active !== document.body && active.id ? active.id : null;
});
document.addEventListener("htmx:afterSettle", () => {
  const marked = document.querySelector("[data-focus-here]");
  for (const el of document.querySelectorAll("[data-focus-here]")) el.removeAttribute("data-focus-here");
  const active = document.activeElement;
  if (active && active !== document.body) return;
  const acted = actedId ? document.getElementById(actedId) : null;
  const usable = acted instanceof HTMLElement && !acted.matches(":disabled") ? acted : null;
  const next = usable ?? marked ?? document.querySelector("#flash .flash");
  if (!(next instanceof HTMLElement)) return;
  if (!next.matches("a, button, input, select, textarea")) next.tabIndex = -1;
  next.focus();
});

// ---- Test case forms ---------------------------------------------------------------------

// A json assertion takes no value: its value field hides (it stays in the form, where rows pair
// up by position). Only a judge has a threshold.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || select.name !== "a_type") return;
  const row = select.closest("[data-assertion-row]");
  const value = row?.querySelector("input[name='a_value']");
  if (value) value.hidden = select.value === "json";
  const threshold = row?.querySelector("[data-threshold]");
  if (threshold instanceof HTMLElement) threshold.hidden = select.value !== "judge";
});

// "Add assertion" copies an empty row; without JavaScript the form shows spare rows instead.
document.addEventListener("click", (event) => {
  const add = event.target instanceof Element ? event.target.closest("[data-add-row]") : null;
  const last = add?.parentElement?.querySelector("[data-assertion-row]:last-of-type");
  if (!add || !last) return;
  const row = last.cloneNode(true);
  const rows = add.parentElement.querySelectorAll("[data-assertion-row]").length;
  for (const el of row.querySelectorAll("select, input")) {
    el.value = "";
    el.hidden = false;
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
  for (const hidden of row.querySelectorAll(".visually-hidden"))
    hidden.textContent = hidden.textContent.replace(/\d+/, String(rows + 1));
  for (const error of row.querySelectorAll(".field-error")) error.remove();
  last.after(row);
  row.querySelector("select")?.focus();
});
function showAddButtons() {
  for (const add of document.querySelectorAll("[data-add-row]")) add.hidden = false;
}
document.addEventListener("DOMContentLoaded", showAddButtons);
document.addEventListener("htmx:load", showAddButtons);

// ---- When the server cannot answer -------------------------------------------------------

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

// ---- Copy buttons: a secret shown once (a webhook's, a new API token's) -------------------------

// A button with data-copy="ID" copies element ID's text, or its value for a field (which is
// selected too). A button hidden in the page appears only with JavaScript: without it the text
// can be selected and copied by hand.
document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  const source = button ? document.getElementById(button.getAttribute("data-copy") ?? "") : null;
  if (!button || !source) return;
  const field = source instanceof HTMLInputElement || source instanceof HTMLTextAreaElement ? source : null;
  field?.select();
  try {
    await navigator.clipboard.writeText(field ? field.value : (source.textContent ?? ""));
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select and copy it";
  }
});
function showCopyButtons() {
  for (const button of document.querySelectorAll("[data-copy]")) button.hidden = false;
}
document.addEventListener("DOMContentLoaded", showCopyButtons);

// What only works with this script (the editor's keys) is hidden in the markup and shown here.
function showScriptOnly() {
  for (const el of document.querySelectorAll("[data-needs-js]")) el.hidden = false;
}
document.addEventListener("DOMContentLoaded", showScriptOnly);
document.addEventListener("htmx:load", showScriptOnly);
