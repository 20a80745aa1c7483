// The search page. Over http it asks Pagefind (an index a year, every Han character a word);
// opened from disk (file://, where ES modules and fetch are blocked) it falls back to
// search-index.js, a classic script the build writes. Both find the articles containing every
// keyword as written. Both hold Simplified text, so queries are normalised to Simplified
// first: a Traditional query finds Simplified articles and back. What it knows of the site
// (paths, facets, the facet table, Han characters) the build gives it as data in the page
// (gazette/search.py, search_settings); paths are from the top of the site, where this page is.
// What it says to readers is the page's too (search.html, #search-text): no interface text here.
(function () {
  "use strict";
  var S = JSON.parse(document.getElementById("search-settings").textContent);
  var T = JSON.parse(document.getElementById("search-text").textContent);  // what it says (search.html)
  var SHOWN = 50;  // results listed at most
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var sortSelect = document.getElementById("sort");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var ASK = status.textContent;  // the page's own words before a search
  var filtersBox = document.getElementById("filters");
  var FILTERS = S.facets;  // [name, label]
  var norm = window[S.t2sGlobal].normalize;
  var params = new URLSearchParams(location.search);
  var state = { q: params.get("q") || "", sort: params.get("sort") || "", filters: {} };
  FILTERS.forEach(function (f) { if (params.get(f[0])) state.filters[f[0]] = params.get(f[0]); });
  input.value = state.q;
  sortSelect.value = state.sort;
  var base = new URL(".", location.href);
  var engine = location.protocol === "file:" ? offlineEngine() : pagefindEngine();
  var timer = null, generation = 0;

  function pagefindEngine() {
    // One index a year (gazette/indexing.py), named newest first in S.shards; each comes with
    // the facet values and dates of its pages (S.facetTable)
    var loaded = fetch(new URL(S.shards, base)).then(json).then(function (names) {
      return Promise.all(names.map(function (name) {
        var folder = new URL(S.shard.replace("{name}", name), base);
        // each index through its own copy of pagefind.js: with several indexes in one copy
        // (createInstance), Pagefind 1.5.2 failed now and then with "memory access out of bounds"
        return Promise.all([
          import(new URL(S.pagefind, folder).href).then(function (index) {
            return index.options({ baseUrl: base.pathname }).then(function () { return startUncut(index); })
              .then(function () { return index; });
          }),
          fetch(new URL(S.facetTable, folder)).then(json)
        ]).then(function (both) { return { index: both[0], facets: both[1] }; });
      }));
    });
    return {
      search: function (q, filters, sort) {
        var keywords = q.split(/\s+/).filter(Boolean);
        return loaded.then(function (shards) {
          return Promise.all(shards.map(function (shard) { return matchesIn(shard, keywords, !sort); }));
        }).then(function (lists) {
          var faceted = facets(ordered([].concat.apply([], lists), sort), filters);
          return Promise.all(faceted.kept.slice(0, SHOWN).map(function (r) { return r.data(); })).then(function (data) {
            return {
              total: faceted.kept.length,
              counts: faceted.counts,
              hits: data.map(function (d) { return hit(d.meta, tidy(d.excerpt)); })
            };
          });
        });
      }
    };
  }

  // Pagefind cuts a query into words by the language of the page, read once, when it starts
  // (Intl.Segmenter for zh). Our records are cut already, one word per Han character, and
  // indexed as S.language ("und", gazette/search.py): start Pagefind under that name, so that it
  // cuts a query only where the records are cut. The page's own language is back before it renders.
  function startUncut(index) {
    var html = document.documentElement, lang = html.lang;
    html.lang = S.language;
    var started = index.init();  // reads the language synchronously
    html.lang = lang;
    return started;
  }

  // The index holds every Han character as a word (gazette/search.py): a keyword with Han
  // characters is asked for as a phrase of them, which Pagefind matches only where they stand
  // together, as written. Latin words and numbers stay whole.
  var HAN = S.han;
  var PIECES = new RegExp("[" + HAN + "]|[^" + HAN + "\\s\"]+", "g");
  function phrase(keyword, pieces) {
    return new RegExp("[" + HAN + "]").test(keyword) ? '"' + pieces + '"' : pieces;
  }

  // Pagefind gives back a page's text as its words, a space between each: the spaces beside
  // Han characters and CJK punctuation are the records' own, not the article's.
  var CJK = HAN + S.punctuation;
  var SPACE_AFTER = new RegExp("([" + CJK + "](?:</?mark>)*) ", "g");
  var SPACE_BEFORE = new RegExp(" (?=(?:</?mark>)*[" + CJK + "])", "g");
  function tidy(excerpt) {
    return excerpt.replace(SPACE_AFTER, "$1").replace(SPACE_BEFORE, "").replace(/<\/mark><mark>/g, "");
  }

  function json(response) {
    if (!response.ok) throw new Error(response.url + ": " + response.status);
    return response.json();
  }

  // The pages of one index containing every keyword as written (the phrase searches, which
  // score every page alike), scored, when ranked, by loose searches of the same characters.
  function matchesIn(shard, keywords, ranked) {
    return Promise.all(keywords.map(function (k) {
      var pieces = (k.match(PIECES) || []).join(" ");
      return Promise.all([shard.index.search(phrase(k, pieces)), ranked ? shard.index.search(pieces) : { results: [] }]);
    })).then(function (found) {
      var matches = {}, scores = {};
      found.forEach(function (f) {
        f[0].results.forEach(function (r) { matches[r.id] = (matches[r.id] || 0) + 1; });
        f[1].results.forEach(function (r) { scores[r.id] = (scores[r.id] || 0) + r.score; });
      });
      return found[0][0].results.filter(function (r) { return matches[r.id] === found.length; }).map(function (r) {
        return { item: r, score: scores[r.id] || 0, fields: facetValues(shard.facets, r.id) };
      });
    });
  }

  // A page's facet values and ISO date (S.date), from the table written with its index
  // (gazette/search.py, facet_table): by Pagefind's id for the page, or its slug offline.
  function facetValues(table, id) {
    var row = table.pages[id], fields = {};
    table.fields.forEach(function (name, i) { fields[name] = name === S.date ? row[i] : table.values[name][row[i]]; });
    return fields;
  }

  // Newest first when sorted by date, else the best scores first: both engines' order.
  function ordered(entries, sort) {
    var D = S.date;
    return entries.sort(sort ? function (a, b) { return a.fields[D] < b.fields[D] ? 1 : a.fields[D] > b.fields[D] ? -1 : 0; }
                             : function (a, b) { return b.score - a.score; });
  }

  // Apply the chosen filters; count each filter's values among the results of the others
  // (so a reader can switch from one city to another without clearing the choice first).
  function facets(entries, filters) {
    var passes = function (e, except) {
      return FILTERS.every(function (f) { return f[0] === except || !filters[f[0]] || String(e.fields[f[0]]) === filters[f[0]]; });
    };
    var counts = {};
    FILTERS.forEach(function (f) {
      counts[f[0]] = {};
      entries.forEach(function (e) {
        if (passes(e, f[0])) { var v = e.fields[f[0]]; counts[f[0]][v] = (counts[f[0]][v] || 0) + 1; }
      });
    });
    return { kept: entries.filter(function (e) { return passes(e, null); }).map(function (e) { return e.item; }), counts: counts };
  }

  function offlineEngine() {
    var loaded = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = new URL(S.offline, base).href;
      s.onload = function () { resolve(window[S.offlineGlobal]); };
      s.onerror = function () { reject(new Error(S.offline)); };
      document.head.appendChild(s);
    });
    return { search: function (q, filters, sort) { return loaded.then(function (ix) { return offlineSearch(ix, q, filters, sort); }); } };
  }

  // Each row of the offline index as an object, by the column names the file gives
  // (gazette/search.py, offline_index_script): the fields of a result, and what is matched.
  function offlineSearch(ix, q, filters, sort) {
    var terms = q.split(/\s+/).filter(Boolean);
    var matched = [];
    ix.docs.forEach(function (row) {
      var d = {}, score = 0;
      ix.fields.forEach(function (name, i) { d[name] = row[i]; });
      var title = d[S.titleWords], text = d[S.text];
      for (var i = 0; i < terms.length; i++) {
        var inTitle = title.indexOf(terms[i]) >= 0, inText = text.indexOf(terms[i]) >= 0;
        if (!inTitle && !inText) return;
        score += (inTitle ? 10 : 0) + text.split(terms[i]).length - 1;
      }
      matched.push({ item: d, fields: facetValues(ix.facets, d.slug), score: score });
    });
    var faceted = facets(ordered(matched, sort), filters);
    return {
      total: faceted.kept.length, counts: faceted.counts,
      hits: faceted.kept.slice(0, SHOWN).map(function (d) { return hit(d, excerpt(d[S.text], terms)); })
    };
  }

  // What a result shows: the fields Pagefind's records and the offline index both name
  // (gazette/search.py, result_fields), and an excerpt, its keywords marked.
  function hit(fields, excerpt) {
    return { slug: fields.slug, title: fields.title, city: fields.city, date: fields.date, source: fields.source,
             excerpt: excerpt };
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
      a.href = S.article.replace("{slug}", encodeURIComponent(h.slug)) + "?hl=" + encodeURIComponent(q);
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
    status.textContent = found.total
      ? say(T.found, { n: found.total, shown: found.total > SHOWN ? say(T.shown, { n: SHOWN }) : "" })
      : say(T.none, { query: q });
    renderFilters(found.counts);
  }

  // A text of search.html's with its {names} filled in (once: what is filled in is not read again)
  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
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
      select.appendChild(new Option(T.all, ""));
      values.sort().forEach(function (v) { select.appendChild(new Option(say(T.count, { value: v, n: counts[f[0]][v] || 0 }), v)); });
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
      status.textContent = ASK;
      return;
    }
    status.textContent = T.searching;
    var filters = {};
    Object.keys(state.filters).forEach(function (k) { filters[k] = state.filters[k]; });
    engine.search(q, filters, state.sort).then(function (found) {
      if (mine === generation) render(found, q);
    }).catch(function (err) {
      if (window.console) console.error(err);
      status.textContent = say(T.failed, { file: S.offline });
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
