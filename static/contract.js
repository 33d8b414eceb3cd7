// The editor's contract fields (views/fragments/contract.tsx; docs/contract.md). Everything works
// without this script: the server offers a row per placeholder and marks unused variables. With
// it, the table follows the text as it is typed, and the JSON fields say where they stop being JSON.
// One function scope: app.js's top-level names stay its own.

(() => {
  // The variable names of a placeholder, as src/domain/template.ts reads them.
  const CONTRACT_PLACEHOLDER = /\{\{\s*([\p{L}_][\p{L}\p{M}\p{Nd}_.-]{0,63})\s*\}\}/gu;

  /** The names the editor's text uses, in order, with the type an undeclared one has. */
  function namesInText(editor) {
    const names = new Map();
    const add = (name, type) => {
      if (!names.has(name)) names.set(name, type);
    };
    const body = editor.querySelector("textarea[name=body]");
    if (body) for (const m of body.value.matchAll(CONTRACT_PLACEHOLDER)) add(m[1], "string");
    for (const row of editor.querySelectorAll("[data-msg-rows] > [data-msg-row]")) {
      const role = row.querySelector("select[data-role]")?.value;
      const text = row.querySelector("textarea")?.value ?? "";
      if (role === "placeholder") {
        if (text.trim()) add(text.trim(), "messages");
      } else for (const m of text.matchAll(CONTRACT_PLACEHOLDER)) add(m[1], "string");
    }
    return names;
  }

  const field = (row, name) => row.querySelector(`[name$='.${name}']`);

  /** A suggested row nobody has changed: it goes when its placeholder goes. */
  function untouched(row) {
    const suggested = field(row, "suggested")?.value ?? "";
    return (
      suggested !== "" &&
      field(row, "type")?.value === suggested &&
      field(row, "required")?.checked === true &&
      !field(row, "default")?.value &&
      !field(row, "description")?.value.trim() &&
      !field(row, "values")?.value.trim()
    );
  }

  function nextIndex(tbody) {
    let max = -1;
    for (const input of tbody.querySelectorAll("input[name$='.name']")) {
      const n = Number(/^cv\.(\d+)\./.exec(input.name)?.[1]);
      if (Number.isFinite(n)) max = Math.max(max, n);
    }
    return max + 1;
  }

  function newRow(editor, tbody, name, type) {
    const template = editor.querySelector("template[data-variable-row-template]");
    if (!template) return null;
    const html = template.innerHTML.replaceAll("__N__", String(nextIndex(tbody)));
    const holder = document.createElement("tbody");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    field(row, "name").value = name;
    field(row, "type").value = type;
    field(row, "suggested").value = type;
    return row;
  }

  function markUnused(row, unused) {
    row.classList.toggle("unused", unused);
    const cell = row.querySelector("td");
    let note = row.querySelector(".unused-note");
    if (unused && !note && cell) {
      note = document.createElement("span");
      note.className = "unused-note small";
      note.textContent = "not in the text";
      field(row, "name")?.after(note);
    } else if (!unused) note?.remove();
  }

  /** Rows follow the text: one appears per new placeholder, untouched ones go with theirs, unused ones grey. */
  function followContract(editor) {
    const tbody = editor?.querySelector("[data-variable-rows]");
    if (!tbody) return;
    const used = namesInText(editor);
    const rows = Array.from(tbody.querySelectorAll("[data-variable-row]"));
    const present = new Set();
    for (const row of rows) {
      const name = field(row, "name")?.value.trim() ?? "";
      if (name && !used.has(name) && untouched(row)) {
        row.remove();
        continue;
      }
      if (name) present.add(name);
      markUnused(row, name !== "" && !used.has(name));
    }
    const blank = Array.from(tbody.querySelectorAll("[data-variable-row]")).find(
      (r) => !field(r, "name")?.value.trim(),
    );
    for (const [name, type] of used) {
      if (present.has(name)) continue;
      const row = newRow(editor, tbody, name, type);
      if (row) tbody.insertBefore(row, blank ?? null);
    }
  }

  let followingContract = 0;
  document.addEventListener("input", (event) => {
    const target = event.target;
    const editor = target instanceof Element ? target.closest("form[data-editor]") : null;
    if (!editor?.querySelector("[data-contract-editor]")) return;
    if (target.matches("[data-json-field]")) return checkJson(target);
    clearTimeout(followingContract);
    followingContract = setTimeout(() => followContract(editor), 150);
  });
  // A role changed to or from "placeholder" (a select sends change, not input): follow it too, later.
  document.addEventListener("change", (event) => {
    const editor = event.target instanceof Element ? event.target.closest("form[data-editor]") : null;
    if (!editor?.querySelector("[data-contract-editor]")) return;
    clearTimeout(followingContract);
    followingContract = setTimeout(() => followContract(editor), 150);
  });

  // ---- The JSON fields say where they stop being JSON ---------------------------------------

  /** Where `text` stops being JSON, as "line L, column C", or null when it parses (or is empty). */
  function jsonErrorAt(text) {
    if (text.trim() === "") return null;
    try {
      JSON.parse(text);
      return null;
    } catch (error) {
      // Chromium names the position ("at position 42"); where it does not, the server will.
      const at = /position (\d+)/.exec(String(error?.message))?.[1];
      if (at === undefined) return "Not JSON";
      const before = text.slice(0, Number(at));
      const line = before.split("\n").length;
      const column = Number(at) - before.lastIndexOf("\n");
      return `Not JSON at line ${line}, column ${column}`;
    }
  }

  function checkJson(textarea) {
    const message = jsonErrorAt(textarea.value);
    const out = document.getElementById(`${textarea.id}-error`);
    if (out) out.textContent = message ?? "";
    if (message) textarea.setAttribute("aria-invalid", "true");
    else textarea.removeAttribute("aria-invalid");
  }
})();
