// gapwatch dashboard: tooltips for chart marks and "load more" for the claim list.
// Data is only ever written with textContent / setAttribute, never as HTML.
"use strict";

(function () {
  const tip = document.getElementById("tip");

  function describe(el) {
    const d = el.dataset;
    const parts = [];
    if (d.dimension) parts.push(d.dimension);
    if (d.period) parts.push(d.period);
    if (d.stance) parts.push(d.stance);
    if (d.model) parts.push(d.model);
    if (d.value) parts.push("value " + d.value);
    else if (d.count) parts.push(d.count + " claims");
    if (d.share) parts.push(Math.round(Number(d.share) * 100) + "% of the dimension");
    return parts.join(" · ");
  }

  document.addEventListener("mousemove", function (ev) {
    if (!tip) return;
    const el = ev.target.closest ? ev.target.closest("svg [data-count]") : null;
    if (!el) { tip.hidden = true; return; }
    tip.textContent = describe(el);
    tip.style.left = (ev.clientX + 12) + "px";
    tip.style.top = (ev.clientY + 12) + "px";
    tip.hidden = false;
  });

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function claimItem(c) {
    const li = el("li", "claim " + c.stance);
    li.dataset.claimId = String(c.id);
    const badge = el("span", "badge " + c.stance, c.stance);
    if (c.stance_confidence !== undefined && c.stance_confidence !== null) {
      li.dataset.stanceConfidence = String(c.stance_confidence);
      badge.title = "stance confidence " + Number(c.stance_confidence).toFixed(2);
    }
    li.appendChild(badge);
    if (c.hedged) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "badge hedged", "hedged")); }
    (c.dimensions || []).forEach(function (d) { li.appendChild(el("span", "dim", d)); });
    li.appendChild(el("p", "text", c.text));
    const meta = el("p", "meta");
    const a = el("a", null, "in context");
    a.setAttribute("href", "/documents/" + encodeURIComponent(c.document_id) + "#c" + encodeURIComponent(c.id));
    meta.appendChild(a);
    const bits = [c.title || c.url, c.source || "", "published " + (c.published_at ? c.published_at.slice(0, 10) : "undated"),
                  "ingested " + (c.ingested_at ? c.ingested_at.slice(0, 10) : "")];
    meta.appendChild(document.createTextNode(" · " + bits.join(" · ")));
    li.appendChild(meta);
    return li;
  }

  const more = document.getElementById("more");
  const list = document.getElementById("claim-list");
  if (more && list) {
    more.addEventListener("click", function () {
      let query = {};
      try { query = JSON.parse(list.dataset.query || "{}"); } catch (e) { query = {}; }
      const params = new URLSearchParams();
      Object.keys(query).forEach(function (k) { if (query[k] !== "") params.set(k, query[k]); });
      params.set("cursor", more.dataset.cursor);
      more.disabled = true;
      fetch(list.dataset.api + "?" + params.toString(), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (page) {
          page.items.forEach(function (c) { list.appendChild(claimItem(c)); });
          if (page.next_cursor) { more.dataset.cursor = page.next_cursor; more.disabled = false; }
          else { more.remove(); }
        })
        .catch(function () { more.textContent = "could not load more"; });
    });
  }

  // Document view: make the linked claim stand out and bring it into view.
  function focusClaim() {
    const id = decodeURIComponent((location.hash || "").slice(1));
    if (!/^c\d+$/.test(id)) return;
    const target = document.getElementById(id);
    if (!target) return;
    document.querySelectorAll("mark.claim.active").forEach(function (m) { m.classList.remove("active"); });
    target.classList.add("active");
    target.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", focusClaim);
  focusClaim();
})();
