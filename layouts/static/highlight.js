// Marks the words a reader searched for (?hl=…) on an article page, in either script: the
// page text and the terms are compared in Simplified, character for character. The map for
// that (t2s.js, data-t2s on this script's tag; its variable in data-t2s-global) is loaded only
// then, and only here.
(function () {
  "use strict";
  var terms = new URLSearchParams(location.search).get("hl");
  if (!terms) return;
  var tag = document.currentScript.dataset, script = document.createElement("script");
  script.src = tag.t2s;
  script.onload = function () { mark(terms.split(/\s+/).filter(Boolean)); };
  document.head.appendChild(script);

  function mark(words) {
    var norm = window[tag.t2sGlobal].normalize;
    words = words.map(norm);
    var root = document.querySelector(".article");
    if (!root) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var first = null;
    nodes.forEach(function (node) {
      var text = node.nodeValue, simple = norm(text), cuts = [];
      words.forEach(function (w) {
        for (var i = simple.indexOf(w); w && i >= 0; i = simple.indexOf(w, i + w.length)) cuts.push([i, i + w.length]);
      });
      if (!cuts.length) return;
      cuts.sort(function (a, b) { return a[0] - b[0]; });
      var frag = document.createDocumentFragment(), at = 0;
      cuts.forEach(function (c) {
        if (c[0] < at) return;
        frag.appendChild(document.createTextNode(text.slice(at, c[0])));
        var m = document.createElement("mark");
        m.textContent = text.slice(c[0], c[1]);
        frag.appendChild(m);
        first = first || m;
        at = c[1];
      });
      frag.appendChild(document.createTextNode(text.slice(at)));
      node.parentNode.replaceChild(frag, node);
    });
    if (first) first.scrollIntoView({ block: "center" });
  }
})();
