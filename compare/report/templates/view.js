// jtcompare view: filters, the analyst's review (kept in this browser, exported as CSV) and link targets.
// Reads its data from the JSON block #jt-data; writes plan text into the page only as text, never as HTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("jt-data").textContent);
  const labels = data.labels;
  const rows = Array.from(document.querySelectorAll("article.measure"));
  const clauses = Array.from(document.querySelectorAll("section.clause"));
  const chapters = Array.from(document.querySelectorAll("section.chapter"));
  const statusBoxes = Array.from(document.querySelectorAll("#f-status input[name=status]"));
  // framing rows are in no status count (html.py:view_counts): their own box filters them
  const framingBox = document.getElementById("f-framing");
  const chapterSel = document.getElementById("f-chapter");
  const deptSel = document.getElementById("f-dept");
  const search = document.getElementById("f-text");
  const hay = new Map(rows.map((r) => [r, Array.from(r.querySelectorAll(".nat, .city, .more"),
    (e) => e.textContent).join(" ").toLowerCase()]));

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  // --- filters ---
  function apply() {
    const on = new Set(statusBoxes.filter((b) => b.checked).map((b) => b.value));
    const chapter = chapterSel.value, dept = deptSel.value, q = search.value.trim().toLowerCase();
    let shown = 0;
    for (const r of rows) {
      const ok = (r.dataset.framing === "1" ? !framingBox || framingBox.checked : on.has(r.dataset.status))
        && (!chapter || r.dataset.chapter === chapter)
        && (!dept || r.dataset.depts.split(" ").includes(dept))
        && (!q || hay.get(r).includes(q));
      r.hidden = !ok;
      if (ok) shown += 1;
    }
    for (const c of clauses) c.hidden = !c.querySelector("article.measure:not([hidden])");
    for (const c of chapters) c.hidden = !c.querySelector("section.clause:not([hidden])");
    document.getElementById("shown").textContent = fill(labels["js.shown"], {n: shown, total: rows.length});
    document.getElementById("nothing").hidden = shown > 0;
  }
  function resetFilters() {
    statusBoxes.forEach((b) => { b.checked = true; });
    if (framingBox) framingBox.checked = true;
    chapterSel.value = ""; deptSel.value = ""; search.value = "";
    apply();
  }
  statusBoxes.forEach((b) => b.addEventListener("change", apply));
  if (framingBox) framingBox.addEventListener("change", apply);
  [chapterSel, deptSel].forEach((s) => s.addEventListener("change", apply));
  search.addEventListener("input", apply);

  // --- the review: {measure id: {status, note, text}} per plan and base, in localStorage when allowed ---
  const key = "jtcompare.review.v1:" + data.plan + ":" + data.base;
  let memory = {};
  function load() {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { return memory; }
  }
  function save(review) {
    memory = review;
    try { window.localStorage.setItem(key, JSON.stringify(review)); } catch (e) { /* kept for this visit only */ }
  }
  function current() {
    // entries made on another text of the measure are stale: the analyst reviewed something else
    const review = load(), out = {};
    let stale = 0;
    for (const [id, entry] of Object.entries(review)) {
      if (data.texts[id] === entry.text) out[id] = entry; else stale += 1;
    }
    return [out, stale];
  }
  function show() {
    const [review, stale] = current();
    let n = 0;
    for (const r of rows) {
      const entry = review[r.dataset.id] || {status: "", note: ""};
      const sel = r.querySelector(".rv-status"), note = r.querySelector(".rv-note");
      if (document.activeElement !== sel) sel.value = entry.status || "";
      if (document.activeElement !== note) note.value = entry.note || "";
      const done = Boolean(entry.status || entry.note);
      // imported already: the page carries an override with the analyst's status
      const imported = r.dataset.overridden === "1" && entry.status === r.dataset.status;
      r.classList.toggle("reviewed", done);
      r.querySelector(".badge.pending").hidden = !done || imported;
      if (done) n += 1;
    }
    let text = fill(labels["js.reviewed"], {n: n});
    if (stale) text += " · " + fill(labels["js.stale"], {n: stale});
    document.getElementById("reviewed").textContent = text;
  }
  function edit(event) {
    const id = event.target.dataset.id, row = document.getElementById("ms-" + id);
    const status = row.querySelector(".rv-status").value, note = row.querySelector(".rv-note").value;
    const review = current()[0];
    if (status || note) review[id] = {status: status, note: note, text: data.texts[id]};
    else delete review[id];
    save(review);
    show();
  }
  document.querySelectorAll(".rv-status").forEach((s) => s.addEventListener("change", edit));
  document.querySelectorAll(".rv-note").forEach((s) => s.addEventListener("input", edit));

  // the reviewer's name, kept in this browser for every page: it goes into the review file's `by` column
  const reviewer = document.getElementById("reviewer");
  const whoKey = "jtcompare.reviewer";
  try { reviewer.value = window.localStorage.getItem(whoKey) || ""; } catch (e) { /* not kept */ }
  reviewer.addEventListener("input", () => {
    try { window.localStorage.setItem(whoKey, reviewer.value.trim()); } catch (e) { /* kept for this visit */ }
  });

  function csvField(value) {
    const text = String(value == null ? "" : value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function exportCsv() {
    // the format `jtcompare override --import` reads: UTF-8 with BOM, titles, names and statuses in the page's
    // language (data.review, made by report/html.py:review_file)
    const review = current()[0];
    const file = data.review;
    const lines = [file.columns];
    for (const r of rows) {
      const entry = review[r.dataset.id];
      if (entry) {
        const status = file.statuses[entry.status] || entry.status;
        lines.push([file.plan, file.base, r.dataset.id, data.texts[r.dataset.id], status, entry.note,
          reviewer.value.trim()]);
      }
    }
    if (lines.length === 1) { window.alert(labels["js.nothing"]); return; }
    const csv = "\ufeff" + lines.map((l) => l.map(csvField).join(",")).join("\r\n") + "\r\n";
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([csv], {type: "text/csv;charset=utf-8"}));
    link.download = data.plan + "-" + data.base + "-review.csv";
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }
  document.getElementById("export").addEventListener("click", exportCsv);
  document.getElementById("clear-review").addEventListener("click", () => {
    if (window.confirm(labels["js.clear"])) { save({}); show(); }
  });
  window.addEventListener("storage", (e) => { if (e.key === key) show(); });

  // --- links: a target hidden by the filters is shown by clearing them ---
  function reveal() {
    let id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    const target = id && document.getElementById(id);
    if (!target) return;
    if (target.closest("[hidden]")) { resetFilters(); target.scrollIntoView(); }
    const flash = target.closest("article.measure") || target;
    flash.classList.add("flash");
    setTimeout(() => flash.classList.remove("flash"), 1500);
  }
  window.addEventListener("hashchange", reveal);

  apply();
  show();
  reveal();
  document.documentElement.dataset.ready = "1";
})();
