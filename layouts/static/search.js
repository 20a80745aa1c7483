// The search page. Over http it asks Pagefind (segmented Chinese index); opened from disk
// (file://, where ES modules and fetch are blocked) it falls back to search-index.js, a
// classic script the build writes. Both indexes hold Simplified text, so queries are
// normalised to Simplified first: a Traditional query finds Simplified articles and back.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var sortSelect = document.getElementById("sort");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var filtersBox = document.getElementById("filters");
  var FILTERS = [["city", "城市"], ["year", "年份"], ["source", "来源"]];
  var RERANK = 50; // results whose text is loaded to put exact matches first
  var norm = window.GazetteT2S.normalize;
  var params = new URLSearchParams(location.search);
  var state = { q: params.get("q") || "", sort: params.get("sort") || "", filters: {} };
  FILTERS.forEach(function (f) { if (params.get(f[0])) state.filters[f[0]] = params.get(f[0]); });
  input.value = state.q;
  sortSelect.value = state.sort;
  var base = new URL(".", location.href);
  var engine = location.protocol === "file:" ? offlineEngine() : pagefindEngine();
  var timer = null, generation = 0;

  function pagefindEngine() {
    var loaded = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
      // filters() loads the filter index; without it search() reports no filter counts
      return pf.options({ baseUrl: base.pathname }).then(function () { return pf.filters(); })
        .then(function () { return pf; });
    });
    return {
      search: function (q, filters, sort) {
        return loaded.then(function (pf) {
          var options = { filters: filters };
          if (sort) options.sort = { date: "desc" };
          return pf.search(q, options);
        }).then(function (found) {
          // The browser splits a query its dictionary lacks into characters (党建 -> 党 建), so
          // Pagefind ranks pages rich in 党员 first; readers expect the exact text: it comes first.
          return Promise.all(found.results.slice(0, RERANK).map(function (r) { return r.data(); })).then(function (data) {
            var terms = q.split(/\s+/).filter(Boolean);
            var exact = data.filter(function (d) { return containsAll(d.content, terms); });
            var rest = data.filter(function (d) { return !containsAll(d.content, terms); });
            if (!sort) data = exact.concat(rest);
            return {
              total: found.results.length,
              counts: found.filters || {},
              hits: data.slice(0, 50).map(function (d) {
                return { slug: d.meta.slug, title: d.meta.title, city: d.meta.city, date: d.meta.date,
                         source: d.meta.source, excerpt: d.excerpt };
              })
            };
          });
        });
      }
    };
  }

  function containsAll(text, terms) {
    return terms.every(function (t) { return text.indexOf(t) >= 0; });
  }

  function offlineEngine() {
    var loaded = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = "search-index.js";
      s.onload = function () { resolve(window.GazetteIndex); };
      s.onerror = function () { reject(new Error("search-index.js")); };
      document.head.appendChild(s);
    });
    return { search: function (q, filters, sort) { return loaded.then(function (ix) { return offlineSearch(ix, q, filters, sort); }); } };
  }

  function offlineSearch(ix, q, filters, sort) {
    var terms = q.split(/\s+/).filter(Boolean);
    var matched = [];
    ix.docs.forEach(function (d) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var inTitle = d.t.indexOf(terms[i]) >= 0, inText = d.x.indexOf(terms[i]) >= 0;
        if (!inTitle && !inText) return;
        score += (inTitle ? 10 : 0) + d.x.split(terms[i]).length - 1;
      }
      matched.push({ d: d, score: score });
    });
    var counts = { city: {}, year: {}, source: {} };
    var kept = matched.filter(function (m) {
      return FILTERS.every(function (f) { return !filters[f[0]] || String(m.d[f[0]]) === filters[f[0]]; });
    });
    kept.forEach(function (m) { FILTERS.forEach(function (f) { var v = m.d[f[0]]; counts[f[0]][v] = (counts[f[0]][v] || 0) + 1; }); });
    kept.sort(function (a, b) { return sort ? (b.d.iso < a.d.iso ? -1 : b.d.iso > a.d.iso ? 1 : 0) : b.score - a.score; });
    return {
      total: kept.length, counts: counts,
      hits: kept.slice(0, 50).map(function (m) {
        return { slug: m.d.s, title: m.d.title, city: m.d.city, date: m.d.date, source: m.d.source, excerpt: excerpt(m.d.x, terms) };
      })
    };
  }

  function excerpt(text, terms) {
    var at = Math.max(0, Math.min.apply(null, terms.map(function (t) { var i = text.indexOf(t); return i < 0 ? Infinity : i; })) - 30);
    var piece = text.slice(at, at + 110);
    var esc = piece.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    terms.forEach(function (t) {
      var e = t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      if (e) esc = esc.split(e).join("<mark>" + e + "</mark>");
    });
    return (at > 0 ? "…" : "") + esc + "…";
  }

  // Excerpts carry <mark>; everything else in them becomes plain text.
  function safeExcerpt(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createElement("p");
    out.className = "excerpt";
    doc.body.firstChild.childNodes.forEach(function walk(node) {
      if (node.nodeType === 3) out.appendChild(document.createTextNode(node.nodeValue));
      else if (node.nodeName === "MARK") { var m = document.createElement("mark"); m.textContent = node.textContent; out.appendChild(m); }
      else node.childNodes.forEach(walk);
    });
    return out;
  }

  function render(found, q) {
    results.textContent = "";
    found.hits.forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "articles/" + encodeURIComponent(h.slug) + ".html?hl=" + encodeURIComponent(q);
      a.textContent = h.title;
      a.className = "hit";
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = [h.city, h.date, h.source].filter(Boolean).join(" · ");
      li.appendChild(a);
      li.appendChild(safeExcerpt(h.excerpt || ""));
      li.appendChild(meta);
      results.appendChild(li);
    });
    status.textContent = found.total ? "找到 " + found.total + " 篇文章" + (found.total > 50 ? "，显示前 50 篇" : "") + "。"
      : "没有找到与“" + q + "”相关的文章。请换个关键词，或减少筛选条件。";
    renderFilters(found.counts);
  }

  function renderFilters(counts) {
    filtersBox.textContent = "";
    FILTERS.forEach(function (f) {
      var values = Object.keys(counts[f[0]] || {}).filter(function (v) { return counts[f[0]][v] > 0 || state.filters[f[0]] === v; });
      if (!values.length && !state.filters[f[0]]) return;
      var label = document.createElement("label");
      label.textContent = f[1] + " ";
      var select = document.createElement("select");
      select.name = f[0];
      select.dataset.filter = f[0];
      select.appendChild(new Option("全部", ""));
      values.sort().forEach(function (v) { select.appendChild(new Option(v + "（" + (counts[f[0]][v] || 0) + "）", v)); });
      select.value = state.filters[f[0]] || "";
      select.addEventListener("change", function () {
        if (select.value) state.filters[f[0]] = select.value; else delete state.filters[f[0]];
        run();
      });
      label.appendChild(select);
      filtersBox.appendChild(label);
    });
  }

  function syncUrl() {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    if (state.sort) p.set("sort", state.sort);
    Object.keys(state.filters).forEach(function (k) { p.set(k, state.filters[k]); });
    var query = p.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function run() {
    syncUrl();
    var q = norm(state.q.trim());
    var mine = ++generation;
    if (!q) {
      results.textContent = "";
      filtersBox.textContent = "";
      status.textContent = "输入关键词开始搜索。";
      return;
    }
    status.textContent = "正在搜索…";
    var filters = {};
    Object.keys(state.filters).forEach(function (k) { filters[k] = state.filters[k]; });
    engine.search(q, filters, state.sort).then(function (found) {
      if (mine === generation) render(found, q);
    }).catch(function () {
      status.textContent = "搜索索引无法加载。请通过网站地址访问，或确认 search-index.js 与本页在同一目录。";
    });
  }

  input.addEventListener("input", function () {
    state.q = input.value;
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  sortSelect.addEventListener("change", function () { state.sort = sortSelect.value; run(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); state.q = input.value; run(); });
  run();
})();
