// jtcompare heatmap: sort rows by plan or clause, order the clause columns, expand a clause into its measures.
// Measure cells are built here from one status code per measure and plan, with DOM calls (text, not HTML).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("jt-data").textContent);
  const table = document.getElementById("heatmap");
  const head = table.tHead.rows[0];
  const body = table.tBodies[0];
  const index = new Map(data.order.map((id, k) => [id, k]));
  const original = Array.from(head.querySelectorAll("th.col"), (th) => th.dataset.col);

  // --- sorting rows: by plan name, overall coverage, or one clause's coverage ---
  function value(tr, th) {
    if (th.dataset.key === "name") return tr.dataset.name;
    if (th.dataset.key === "cov") return Number(tr.dataset.cov);
    return Number(tr.querySelector('td.h[data-col="' + CSS.escape(th.dataset.col) + '"]').dataset.cov);
  }
  function sortBy(th) {
    const dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    head.querySelectorAll("th[aria-sort]").forEach((h) => h.setAttribute("aria-sort", "none"));
    th.setAttribute("aria-sort", dir);
    const sign = dir === "ascending" ? 1 : -1;
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = value(a, th), y = value(b, th);
      const c = typeof x === "string" ? x.localeCompare(y, document.documentElement.lang) : x - y;
      return sign * c || Number(a.dataset.i) - Number(b.dataset.i);
    });
    rows.forEach((r) => body.appendChild(r));
  }
  head.querySelectorAll("button.sort").forEach((b) => b.addEventListener("click", () => sortBy(b.closest("th"))));

  // --- expanding a clause into its measures ---
  function expanded(cid) {
    return head.querySelector('th.col[data-col="' + CSS.escape(cid) + '"] button.exp').getAttribute("aria-expanded") === "true";
  }
  function expand(cid) {
    if (expanded(cid)) return;
    const th = head.querySelector('th.col[data-col="' + CSS.escape(cid) + '"]');
    th.querySelector("button.exp").setAttribute("aria-expanded", "true");
    th.querySelector("button.exp").textContent = "−";
    const ids = data.clauses[cid];
    let after = th;
    for (const id of ids) {
      const h = document.createElement("th");
      h.className = "m";
      h.dataset.of = cid;
      h.title = id + " " + data.texts[id];
      const span = document.createElement("span");
      span.className = "vt";
      span.textContent = id;
      h.appendChild(span);
      after.after(h);
      after = h;
    }
    for (const tr of body.rows) {
      const plan = data.plans[Number(tr.dataset.i)];
      const over = new Set(plan.overridden);
      const cells = document.createDocumentFragment();
      for (const id of ids) {
        const k = index.get(id), s = data.statuses[Number(plan.codes[k])];
        const td = document.createElement("td");
        td.className = "m" + (s ? " st-" + s.key + " pat-" + s.pattern : "") + (over.has(k) ? " over" : "");
        td.dataset.of = cid;
        const a = document.createElement("a");
        a.href = plan.href + "#ms-" + encodeURIComponent(id);
        const covered = parseInt(plan.units[2 * k], 36), total = parseInt(plan.units[2 * k + 1], 36);
        a.title = id + " · " + (s ? s.label : "?") + (total ? " · " + data.labels["js.units"] + " " + covered + "/" + total : "");
        const b = document.createElement("b");
        b.textContent = s ? s.symbol : "?";
        a.appendChild(b);
        td.appendChild(a);
        cells.appendChild(td);
      }
      tr.querySelector('td.h[data-col="' + CSS.escape(cid) + '"]').after(cells);
    }
  }
  function collapse(cid) {
    if (!expanded(cid)) return;
    const button = head.querySelector('th.col[data-col="' + CSS.escape(cid) + '"] button.exp');
    button.setAttribute("aria-expanded", "false");
    button.textContent = "+";
    table.querySelectorAll('[data-of="' + CSS.escape(cid) + '"]').forEach((e) => e.remove());
  }
  head.querySelectorAll("button.exp").forEach((b) => b.addEventListener("click", () => {
    const cid = b.closest("th").dataset.col;
    if (expanded(cid)) collapse(cid); else expand(cid);
  }));
  document.getElementById("expand-all").addEventListener("click", () => original.forEach(expand));
  document.getElementById("collapse-all").addEventListener("click", () => original.forEach(collapse));

  // --- ordering the clause columns: as numbered, or by mean coverage over the plans ---
  document.getElementById("col-order").addEventListener("change", (e) => {
    const open = original.filter(expanded);
    open.forEach(collapse);
    const mean = new Map(Array.from(head.querySelectorAll("th.col"), (th) => [th.dataset.col, Number(th.dataset.mean)]));
    const order = e.target.value === "mean" ? original.slice().sort((a, b) => mean.get(b) - mean.get(a)) : original;
    for (const cid of order) head.appendChild(head.querySelector('th.col[data-col="' + CSS.escape(cid) + '"]'));
    for (const tr of body.rows) {
      for (const cid of order) tr.appendChild(tr.querySelector('td.h[data-col="' + CSS.escape(cid) + '"]'));
    }
    open.forEach(expand);
  });

  document.documentElement.dataset.ready = "1";
})();
