/* cantobatch report: draws one view at a time from the column arrays in #cb-data. */
(function () {
  "use strict";

  // The data is JSON, or gzip-compressed JSON in base64 for large indexes (about a third of the
  // bytes: the browser reads and parses less, the file mails more easily).
  function loadData() {
    var el = document.getElementById("cb-data");
    if (el.getAttribute("data-encoding") !== "gzip+base64") {
      return Promise.resolve(JSON.parse(el.textContent));
    }
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot decompress the report's data " +
        "(it needs DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or later); " +
        "or write the report with --compress never"));
    }
    var bin = atob(el.textContent.trim()), bytes = new Uint8Array(bin.length);
    for (var k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  loadData().then(main).catch(function (err) {
    document.getElementById("view").innerHTML = '<p class="error">The report cannot be shown: ' +
      String(err && err.message || err).replace(/[&<>]/g, "") + "</p>";
    console.error(err);
  });

  function main(D) {
    var H = D.hits, P = D.passages, DOCS = D.docs;
    var nH = H.p.length, nP = P.text.length, nD = DOCS.source.length;
    var PAGE = 50, DOC_PAGE = 100, TABLE_PAGE = 100;
    var COLORS = ["#4e79a7", "#e08a2c", "#59a14f", "#c8524d", "#5d9f9a", "#a0a0a0", "#b0689b",
                  "#8c6d4f", "#d4a418", "#6f6aa8"];

    // --- indexes built once ------------------------------------------------------------------
    var hitStart = new Int32Array(nP + 1);          // hits of passage p: hitStart[p] .. hitStart[p+1]
    for (var i = 0; i < nH; i++) hitStart[H.p[i] + 1]++;
    for (var p = 0; p < nP; p++) hitStart[p + 1] += hitStart[p];
    var docStart = new Int32Array(nD + 1);          // citing passages of document d, in order
    for (p = 0; p < nP; p++) docStart[P.doc[p] + 1]++;
    for (var d = 0; d < nD; d++) docStart[d + 1] += docStart[d];
    var byCanto = [];                               // hit indices per canto, in passage order
    for (var c = 0; c <= 120; c++) byCanto.push([]);
    for (i = 0; i < nH; i++) byCanto[H.c[i]].push(i);
    var sectionOf = new Int8Array(121);
    D.sections.forEach(function (s, k) { for (var c = s[2]; c <= s[3]; c++) sectionOf[c] = k; });
    var docBySource = {};
    DOCS.source.forEach(function (s, k) { docBySource[s] = k; });
    var unread = [];
    // "partial": indexed, some pages unreadable; read, not among the documents not read.
    for (d = 0; d < nD; d++) if (DOCS.status[d] !== "ok" && DOCS.status[d] !== "partial") unread.push(d);

    // --- filters -------------------------------------------------------------------------------
    var state = { spec: "", cantos: null, methodMask: (1 << D.methods.length) - 1, q: "",
                  route: "overview", arg: "" };
    var searchP = null, searchD = null, lowerP = null, lowerD = null;

    function setSearch(q) {
      state.q = q.trim().toLowerCase();
      if (!state.q) { searchP = searchD = null; return; }
      if (!lowerP) {
        lowerP = P.text.map(function (t) { return t.toLowerCase(); });
        lowerD = DOCS.source.map(function (s, k) {
          return (s + " " + DOCS.title[k] + " " + DOCS.bib[k]).toLowerCase();
        });
      }
      searchP = new Uint8Array(nP); searchD = new Uint8Array(nD);
      for (var d = 0; d < nD; d++) searchD[d] = lowerD[d].indexOf(state.q) >= 0 ? 1 : 0;
      for (var p = 0; p < nP; p++) {
        searchP[p] = (searchD[P.doc[p]] || lowerP[p].indexOf(state.q) >= 0) ? 1 : 0;
      }
    }
    function visible(h) {
      return (H.m[h] & state.methodMask) !== 0 && (searchP === null || searchP[H.p[h]] === 1);
    }
    function countsByCanto() {
      var n = new Int32Array(121);
      for (var h = 0; h < nH; h++) if (visible(h)) n[H.c[h]]++;
      return n;
    }

    // --- canto selections: 74, 74-84, LXXIV-LXXXIV, Pisan --------------------------------------
    var ROMAN = [[100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"],
                 [4, "IV"], [1, "I"]];
    function toRoman(n) {
      var out = "";
      ROMAN.forEach(function (r) { while (n >= r[0]) { out += r[1]; n -= r[0]; } });
      return out;
    }
    function cantoNumber(tok) {
      var n = /^\d+$/.test(tok) ? parseInt(tok, 10) : NaN;
      if (isNaN(n) && /^[ivxlc]+$/i.test(tok)) {
        var up = tok.toUpperCase(), vals = { I: 1, V: 5, X: 10, L: 50, C: 100 }, total = 0;
        for (var k = 0; k < up.length; k++) {
          var v = vals[up[k]], next = vals[up[k + 1]] || 0;
          total += v < next ? -v : v;
        }
        if (toRoman(total) === up) n = total;
      }
      return n >= 1 && n <= 120 ? n : null;
    }
    var FILLER = { the: 1, a: 1, of: 1, canto: 1, cantos: 1, section: 1 };
    function nameKey(s) {
      return s.toLowerCase().replace(/&/g, " and ").replace(/[^0-9a-z]+/g, " ").trim().split(" ")
        .filter(function (w) { return w && !FILLER[w]; }).join(" ");
    }
    function parseSpec(spec) {
      var set = new Set(), tokens = spec.split(",").map(function (t) { return t.trim(); })
        .filter(Boolean);
      for (var k = 0; k < tokens.length; k++) {
        var tok = tokens[k], n = cantoNumber(tok), range = null;
        if (n) { set.add(n); continue; }
        var m = /^([0-9a-z]+)\s*(?:-|–|—|\.\.)\s*([0-9a-z]+)$/i.exec(tok);
        if (m && cantoNumber(m[1]) && cantoNumber(m[2])) range = [cantoNumber(m[1]), cantoNumber(m[2])];
        if (!range) {
          var key = nameKey(tok), found = {};
          if (D.names[key]) found[D.names[key].join("-")] = D.names[key];
          else if (key) {
            var re = new RegExp("\\b" + key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
            Object.keys(D.names).forEach(function (name) {
              if (re.test(name)) found[D.names[name].join("-")] = D.names[name];
            });
          }
          var ranges = Object.keys(found);
          if (ranges.length > 1) return { error: "“" + tok + "” could mean several groups: say which" };
          if (!ranges.length) return { error: "“" + tok + "” is not a canto (1–120), a range or a section" };
          range = found[ranges[0]];
        }
        if (range[0] > range[1]) return { error: "“" + tok + "”: the range runs backwards" };
        for (var c = range[0]; c <= range[1]; c++) set.add(c);
      }
      return { cantos: set.size ? set : null };
    }
    function fold(nums) {
      var out = [], a = null, b = null;
      nums.forEach(function (n) {
        if (a !== null && n === b + 1) { b = n; return; }
        if (a !== null) out.push(a === b ? String(a) : a + "–" + b);
        a = b = n;
      });
      if (a !== null) out.push(a === b ? String(a) : a + "–" + b);
      return out.join(", ");
    }

    // --- small helpers -------------------------------------------------------------------------
    var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
    function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) { return ESC[ch]; }); }
    function fmt(n) { return n.toLocaleString("en-US"); }
    function plural(n, one, many) { return fmt(n) + " " + (n === 1 ? one : (many || one + "s")); }
    function $(id) { return document.getElementById(id); }
    function docHref(d) { return "#doc/" + encodeURIComponent(DOCS.source[d]); }
    function cantoHref(spec) { return "#cantos/" + encodeURIComponent(spec); }
    function cantoName(c) { return "Canto " + toRoman(c); }
    function methodBadges(mask) {
      return D.methods.filter(function (m, k) { return mask & (1 << k); }).map(function (m) {
        return '<span class="badge b-' + esc(m) + '">' + esc(m) + "</span>";
      }).join("");
    }
    function spansOf(h) {
      var s = H.s[h], out = [];
      for (var k = 0; k + 1 < s.length; k += 2) out.push([s[k], s[k + 1]]);
      return out;
    }
    function union(spans) {
      var out = [];
      spans.sort(function (a, b) { return a[0] - b[0]; }).forEach(function (s) {
        var last = out[out.length - 1];
        if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else out.push([s[0], s[1]]);
      });
      return out;
    }
    function searchSpans(text) {
      var out = [];
      if (!state.q) return out;
      var low = text.toLowerCase(), at = low.indexOf(state.q);
      while (at >= 0 && out.length < 50) { out.push([at, at + state.q.length]); at = low.indexOf(state.q, at + 1); }
      return out;
    }
    // Text with marked intervals [{s, e, cls, after}]: overlapping or adjacent intervals of the
    // same classes share one <mark>; `after` (HTML) is inserted where its interval ends.
    function markUp(text, marks, from, to) {
      from = from || 0; to = to == null ? text.length : to;
      var cuts = [from, to];
      marks.forEach(function (m) {
        if (m.s > from && m.s < to) cuts.push(m.s);
        if (m.e > from && m.e < to) cuts.push(m.e);
      });
      cuts = Array.from(new Set(cuts)).sort(function (a, b) { return a - b; });
      var html = "", open = "", piece = "";
      function flush() {
        if (piece) html += open ? '<mark class="' + open + '">' + piece + "</mark>" : piece;
        piece = "";
      }
      for (var k = 0; k + 1 < cuts.length; k++) {
        var a = cuts[k], b = cuts[k + 1], cls = {};
        marks.forEach(function (m) { if (m.s <= a && m.e >= b && m.s < m.e) cls[m.cls] = 1; });
        var names = Object.keys(cls).sort().join(" ");
        if (names !== open) { flush(); open = names; }
        piece += esc(text.slice(a, b)).replace(/\n[ \t]*\n\s*/g, '<span class="pb"></span>');
        var after = marks.filter(function (m) { return m.after && m.e === b; });
        if (after.length) { flush(); after.forEach(function (m) { html += m.after; }); }
      }
      flush();
      return html;
    }
    function wordStart(text, i, limit) {
      if (i <= 0) return 0;
      var j = text.slice(i, limit).search(/\s/);
      return j >= 0 ? i + j + 1 : i;
    }
    function wordEnd(text, i, limit) {
      if (i >= text.length) return text.length;
      var j = text.slice(limit, i).lastIndexOf(" ");
      return j >= 0 ? limit + j : i;
    }
    function passageHTML(p, marks, full) {
      var text = P.text[p], CLIP = 900, CONTEXT = 320;
      marks = marks.concat(searchSpans(text).map(function (s) { return { s: s[0], e: s[1], cls: "q" }; }));
      if (full || text.length <= CLIP) return markUp(text, marks);
      var ev = marks.filter(function (m) { return m.cls === "ev"; });
      var lo = ev.length ? Math.min.apply(null, ev.map(function (m) { return m.s; })) : 0;
      var hi = ev.length ? Math.max.apply(null, ev.map(function (m) { return m.e; })) : 0;
      var a = wordStart(text, Math.max(0, lo - CONTEXT), lo), b = wordEnd(text, Math.min(text.length, hi + CONTEXT), hi);
      return (a > 0 ? "… " : "") + markUp(text, marks, a, b) + (b < text.length ? " …" : "") +
        '<button class="more-text" data-p="' + p + '" type="button">whole passage</button>';
    }
    function whereHTML(p, sep) {
      var out = [];
      if (P.page[p] != null) {
        out.push("p. " + P.page[p] + (P.label[p] && P.label[p] !== String(P.page[p]) ? (sep ? "<br>" : " ") + "(printed " + esc(P.label[p]) + ")" : ""));
      } else if (P.label[p]) out.push("p. " + esc(P.label[p]));
      out.push("¶ " + (P.seq[p] + 1));
      return out.join(sep || " · ");
    }
    function docLine(d) {
      var bib = DOCS.bib[d] || DOCS.title[d];
      return bib ? '<div class="bib">' + esc(bib) + "</div>" : "";
    }

    // --- chart -----------------------------------------------------------------------------------
    var CH = { left: 34, top: 10, bar: 6, gap: 2, secGap: 7, height: 170, band: 36 };
    var xOf = new Float32Array(121);
    (function layout() {
      var x = CH.left;
      for (var c = 1; c <= 120; c++) {
        if (c > 1 && sectionOf[c] !== sectionOf[c - 1]) x += CH.secGap;
        xOf[c] = x; x += CH.bar + CH.gap;
      }
      CH.width = x + 4;
    })();
    function niceMax(m) {
      if (m <= 4) return Math.max(m, 1);
      var p = Math.pow(10, Math.floor(Math.log10(m))), f = m / p;
      return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
    }
    var lastCounts = null;
    function drawChart() {
      var n = countsByCanto(); lastCounts = n;
      var max = 0;
      for (var c = 1; c <= 120; c++) max = Math.max(max, n[c]);
      var top = niceMax(max), y0 = CH.top + CH.height, s = [];
      s.push('<svg viewBox="0 0 ' + CH.width + " " + (y0 + CH.band) + '" xmlns="http://www.w3.org/2000/svg">');
      s.push('<g class="ticks">');
      [0, 0.5, 1].forEach(function (f) {
        var y = y0 - f * CH.height, v = Math.round(top * f);
        s.push('<line class="grid" x1="' + CH.left + '" x2="' + CH.width + '" y1="' + y + '" y2="' + y + '"/>');
        s.push('<text x="' + (CH.left - 5) + '" y="' + (y + 3) + '" text-anchor="end">' + fmt(v) + "</text>");
      });
      s.push("</g><g>");
      for (c = 1; c <= 120; c++) {
        var h = n[c] ? Math.max(1.5, n[c] / top * CH.height) : 1, col = COLORS[sectionOf[c] % COLORS.length];
        var dim = state.cantos && !state.cantos.has(c);
        s.push('<rect class="bar" data-c="' + c + '" x="' + xOf[c] + '" y="' + (y0 - h) + '" width="' + CH.bar +
          '" height="' + h + '" fill="' + (n[c] ? col : "#d9d4c8") + '"' + (dim ? ' opacity="0.22"' : "") + "/>");
      }
      for (c = 1; c <= 120; c++) {
        s.push('<rect class="hitbox" data-c="' + c + '" x="' + (xOf[c] - CH.gap / 2) + '" y="' + CH.top +
          '" width="' + (CH.bar + CH.gap) + '" height="' + (CH.height + 14) + '"><title>' + cantoName(c) +
          " (" + c + "): " + plural(n[c], "reference") + "</title></rect>");
      }
      s.push('</g><g class="axis">');
      [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120].forEach(function (c) {
        s.push('<text x="' + (xOf[c] + CH.bar / 2) + '" y="' + (y0 + 11) + '" text-anchor="middle">' + c + "</text>");
      });
      s.push("</g>");
      D.sections.forEach(function (sec, k) {
        var x1 = xOf[sec[2]], x2 = xOf[sec[3]] + CH.bar, col = COLORS[k % COLORS.length];
        s.push('<g class="sec" data-spec="' + esc(sec[1]) + '" style="cursor:pointer"><title>' + esc(sec[0]) + " (" + sec[2] + "–" + sec[3] + ")</title>" +
          '<rect x="' + x1 + '" y="' + (y0 + 15) + '" width="' + (x2 - x1) + '" height="3" rx="1.5" fill="' + col + '"/>' +
          '<text x="' + ((x1 + x2) / 2) + '" y="' + (y0 + 30) + '" text-anchor="middle" fill="' + col + '">' + esc(sec[1]) + "</text></g>");
      });
      s.push("</svg>");
      $("chart").innerHTML = s.join("");
      var total = 0, cited = 0;
      for (c = 1; c <= 120; c++) { total += n[c]; if (n[c]) cited++; }
      $("chart-caption").textContent = "References per canto (" + fmt(total) + " in all; " + cited +
        " of 120 cantos cited" + (filtered() ? ", under the filters" : "") + "). Hover for counts; click a bar for its concordance, a section name for the section.";
    }
    function filtered() { return state.q || state.methodMask !== (1 << D.methods.length) - 1; }
    function chartEvents() {
      var chart = $("chart"), tip = $("tip");
      chart.addEventListener("mouseover", function (ev) {
        var c = ev.target.getAttribute && ev.target.getAttribute("data-c");
        if (!c) { tip.hidden = true; return; }
        c = +c;
        var sec = D.sections[sectionOf[c]], fig = chart.parentNode.getBoundingClientRect(),
          box = chart.querySelector('rect.bar[data-c="' + c + '"]').getBoundingClientRect();
        tip.innerHTML = "<b>" + cantoName(c) + "</b> (" + c + ") · " + esc(sec[0]) + "<br>" +
          plural(lastCounts[c], "reference");
        tip.style.left = (box.left - fig.left + box.width / 2) + "px";
        tip.style.top = (box.top - fig.top - 6) + "px";
        tip.hidden = false;
      });
      chart.addEventListener("mouseleave", function () { tip.hidden = true; });
      chart.addEventListener("click", function (ev) {
        var t = ev.target, c = t.getAttribute && t.getAttribute("data-c");
        if (c) { go(cantoHref(c)); return; }
        var g = t.closest && t.closest("g.sec");
        if (g) go(cantoHref(g.getAttribute("data-spec")));
      });
    }

    // --- views -----------------------------------------------------------------------------------
    function overview() {
      var n = lastCounts, secRefs = D.sections.map(function () { return 0; }),
        secDocs = D.sections.map(function () { return new Set(); }), docsCiting = new Set(), refs = 0;
      for (var h = 0; h < nH; h++) {
        if (!visible(h)) continue;
        refs++;
        var k = sectionOf[H.c[h]], d = P.doc[H.p[h]];
        secRefs[k]++; secDocs[k].add(d); docsCiting.add(d);
      }
      var cited = [], never = [];
      for (var c = 1; c <= 120; c++) (n[c] ? cited : never).push(c);
      var top = cited.slice().sort(function (a, b) { return n[b] - n[a] || a - b; }).slice(0, 12);
      var html = ['<div class="cards">',
        card(fmt(nD - unread.length), "documents read" + (unread.length ? " · " + fmt(unread.length) + " not read" : "")),
        card(fmt(D.counts.citing_passages), "passages cite a canto, of " + fmt(D.counts.passages)),
        card(fmt(refs), "references" + (filtered() ? " under the filters" : "")),
        card(fmt(docsCiting.size), "documents cite a canto"),
        card(cited.length + " / 120", "cantos cited"), "</div>"];
      html.push("<h2>By section</h2>", '<table class="sections"><thead><tr><th>Section</th><th>Cantos</th>' +
        '<th class="num">References</th><th class="num">Documents</th><th>Most cited</th></tr></thead><tbody>');
      D.sections.forEach(function (sec, k) {
        var best = 0;
        for (var c = sec[2]; c <= sec[3]; c++) if (n[c] > (n[best] || 0)) best = c;
        html.push('<tr class="click" data-href="' + cantoHref(sec[1]) + '"><td><span class="swatch" style="background:' +
          COLORS[k % COLORS.length] + '"></span>' + esc(sec[0]) + "</td><td>" + sec[2] + "–" + sec[3] +
          '</td><td class="num">' + fmt(secRefs[k]) + '</td><td class="num">' + fmt(secDocs[k].size) + "</td><td>" +
          (best ? '<a href="' + cantoHref(best) + '">' + cantoName(best) + "</a> (" + fmt(n[best]) + ")" : "—") + "</td></tr>");
      });
      html.push("</tbody></table>", "<h2 style=\"margin-top:20px\">Most cited cantos</h2>", '<div class="chips">');
      top.forEach(function (c) {
        html.push('<a class="chip" href="' + cantoHref(c) + '">' + cantoName(c) + " <small>" + c + " · " + fmt(n[c]) + "</small></a>");
      });
      html.push(top.length ? "" : '<span class="empty">No references match.</span>', "</div>");
      html.push('<p class="lede">Never cited' + (filtered() ? " under the filters" : "") + ": " + (fold(never) || "none") + ".</p>");
      return html.join("");
    }
    function card(big, small) { return '<div class="card"><b>' + big + "</b><span>" + small + "</span></div>"; }

    function concordanceList() {
      var cantos = state.cantos ? Array.from(state.cantos).sort(function (a, b) { return a - b; }) : null, list = [];
      (cantos || Array.from({ length: 120 }, function (_, k) { return k + 1; })).forEach(function (c) {
        byCanto[c].forEach(function (h) { if (visible(h)) list.push(h); });
      });
      return list;
    }
    var concordance = { list: [], shown: 0 };
    function concordanceView() {
      var list = concordance.list = concordanceList(), cantos = state.cantos, html = [];
      var docs = new Set(list.map(function (h) { return P.doc[H.p[h]]; }));
      if (cantos && cantos.size === 1) {
        var c = cantos.values().next().value, sec = D.sections[sectionOf[c]];
        html.push('<div class="stepper">' + (c > 1 ? '<a href="' + cantoHref(c - 1) + '">‹ ' + cantoName(c - 1) + "</a>" : "") +
          (c < 120 ? '<a href="' + cantoHref(c + 1) + '">' + cantoName(c + 1) + " ›</a>" : "") + "</div>");
        html.push('<h2 id="concordance-title">' + cantoName(c) + " <small>" + c + " · " + esc(sec[0]) + "</small></h2>");
      } else {
        html.push('<h2 id="concordance-title">' + (cantos ? "Cantos " + fold(Array.from(cantos).sort(function (a, b) { return a - b; })) : "All cantos") + "</h2>");
      }
      html.push('<p class="lede">' + plural(list.length, "reference") + " in " + plural(docs.size, "document") +
        (filtered() ? " (filtered)" : "") + ". Each passage is shown with the words that cite the canto highlighted.</p>");
      html.push('<div id="hits"></div><div class="pager" id="pager"></div>');
      $("view").innerHTML = html.join("");
      concordance.shown = 0;
      if (!list.length) $("hits").innerHTML = '<p class="empty">No passage cites ' + (cantos ? "these cantos" : "a canto") + " under the filters.</p>";
      moreHits();
    }
    function moreHits() {
      var list = concordance.list, from = concordance.shown, to = Math.min(list.length, from + PAGE), html = [];
      var multi = !state.cantos || state.cantos.size > 1, prev = from ? H.c[list[from - 1]] : 0;
      for (var k = from; k < to; k++) {
        var h = list[k], p = H.p[h], d = P.doc[p], c = H.c[h];
        if (multi && c !== prev) {
          html.push('<h3 class="canto-head"><a href="' + cantoHref(c) + '">' + cantoName(c) + "</a> <small>" + c + " · " +
            esc(D.sections[sectionOf[c]][0]) + " · " + plural(lastCounts[c], "reference") + "</small></h3>");
          prev = c;
        }
        var marks = spansOf(h).map(function (s) { return { s: s[0], e: s[1], cls: "ev" }; });
        html.push('<article class="hit" data-h="' + h + '"><div class="meta"><a class="src" href="' + docHref(d) + '">' +
          esc(DOCS.source[d]) + '</a><span class="where">' + whereHTML(p) + "</span>" +
          (H.l[h] ? '<span class="lines">' + esc(H.l[h]) + "</span>" : "") +
          (H.cp[h] ? '<span class="cp">cited p. ' + esc(H.cp[h]) + "</span>" : "") +
          "<span>" + methodBadges(H.m[h]) + (P.region && P.region[p] === "footnote" ? '<span class="badge b-footnote">footnote</span>' : "") +
          "</span></div>" + docLine(d) + '<p class="passage">' + passageHTML(p, marks, false) + "</p></article>");
      }
      $("hits").insertAdjacentHTML("beforeend", html.join(""));
      concordance.shown = to;
      pager($("pager"), to, list.length, "references", moreHits, PAGE);
    }
    function pager(el, shown, total, what, more, size) {
      el.innerHTML = "";
      if (!total) return;
      el.insertAdjacentHTML("beforeend", "<span>Showing " + fmt(shown) + " of " + fmt(total) + " " + what + "</span>");
      if (shown < total) {
        var b = document.createElement("button");
        b.type = "button"; b.textContent = "Show " + fmt(Math.min(size, total - shown)) + " more";
        b.addEventListener("click", more);
        el.appendChild(b);
      }
    }

    var docsTable = { rows: [], shown: 0, sort: "refs" };
    function documentsView() {
      var refs = new Int32Array(nD), citing = new Int32Array(nD), cantos = [];
      for (var d = 0; d < nD; d++) cantos.push(null);
      for (var p = 0; p < nP; p++) {
        var any = false, d2 = P.doc[p];
        for (var h = hitStart[p]; h < hitStart[p + 1]; h++) {
          if (!visible(h)) continue;
          any = true; refs[d2]++;
          (cantos[d2] || (cantos[d2] = new Set())).add(H.c[h]);
        }
        if (any) citing[d2]++;
      }
      var rows = [];
      for (d = 0; d < nD; d++) {
        if (searchD && !searchD[d] && !refs[d]) continue;
        if (filtered() && !refs[d] && !(searchD && searchD[d])) continue;
        rows.push(d);
      }
      var key = docsTable.sort;
      rows.sort(function (a, b) {
        if (key === "source") return DOCS.source[a] < DOCS.source[b] ? -1 : 1;
        if (key === "cantos") return ((cantos[b] ? cantos[b].size : 0) - (cantos[a] ? cantos[a].size : 0)) || (DOCS.source[a] < DOCS.source[b] ? -1 : 1);
        return (refs[b] - refs[a]) || (DOCS.source[a] < DOCS.source[b] ? -1 : 1);
      });
      docsTable = { rows: rows, shown: 0, sort: key, refs: refs, citing: citing, cantos: cantos };
      $("view").innerHTML = "<h2>Documents</h2><p class=\"lede\">" + plural(rows.length, "document") +
        (filtered() ? " match the filters" : "") + ". Click a row to read its citing passages in order.</p>" +
        '<table id="docs-table"><thead><tr><th class="sortable" data-sort="source">Source</th><th>Status</th>' +
        '<th class="num">Passages citing</th><th class="num sortable" data-sort="refs">References</th>' +
        '<th class="sortable" data-sort="cantos">Cantos</th></tr></thead><tbody></tbody></table><div class="pager" id="pager"></div>';
      $("docs-table").querySelector("thead").addEventListener("click", function (ev) {
        var s = ev.target.getAttribute("data-sort");
        if (s) { docsTable.sort = s; documentsView(); }
      });
      moreDocRows();
    }
    function moreDocRows() {
      var t = docsTable, to = Math.min(t.rows.length, t.shown + TABLE_PAGE), html = [];
      for (var k = t.shown; k < to; k++) {
        var d = t.rows[k], cs = t.cantos[d] ? Array.from(t.cantos[d]).sort(function (a, b) { return a - b; }) : [];
        var folded = fold(cs);
        if (folded.length > 60) folded = folded.slice(0, 58).replace(/,[^,]*$/, "") + ", …";
        html.push('<tr class="click" data-href="' + docHref(d) + '"><td><a href="' + docHref(d) + '">' + esc(DOCS.source[d]) +
          "</a>" + docLine(d) + "</td><td>" + statusBadge(d) + '</td><td class="num">' + fmt(t.citing[d]) + " / " +
          (DOCS.passages[d] == null ? "—" : fmt(DOCS.passages[d])) + '</td><td class="num">' + fmt(t.refs[d]) + "</td><td>" + esc(folded) + "</td></tr>");
      }
      $("docs-table").querySelector("tbody").insertAdjacentHTML("beforeend", html.join(""));
      t.shown = to;
      pager($("pager"), to, t.rows.length, "documents", moreDocRows, TABLE_PAGE);
    }
    function statusBadge(d) {
      var s = DOCS.status[d];
      var css = s === "ok" ? "ok" : s === "partial" ? "part" : "bad";
      return '<span class="status ' + css + '"' + (s === "partial" ? ' title="' + esc(DOCS.error[d] || "") + '"' : "") +
        ">" + esc(s) + "</span>";
    }

    var docView = { d: -1, shown: 0 };
    function documentView(source) {
      var d = docBySource[source];
      if (d === undefined) { $("view").innerHTML = '<p class="empty">No document ' + esc(source) + " in this report.</p>"; return; }
      var n = docStart[d + 1] - docStart[d], refs = 0;
      for (var p = docStart[d]; p < docStart[d + 1]; p++) for (var h = hitStart[p]; h < hitStart[p + 1]; h++) if (visible(h)) refs++;
      var facts = [statusBadge(d), esc(DOCS.kind[d] || ""), DOCS.pages[d] != null ? plural(DOCS.pages[d], "page") : "",
        DOCS.passages[d] != null ? plural(DOCS.passages[d], "passage") + ", " + fmt(n) + " citing" : "",
        plural(refs, "reference")].filter(Boolean);
      $("view").innerHTML = '<div class="doc-head"><h2 id="doc-title">' + esc(source) + "</h2>" + docLine(d) +
        '<p class="doc-facts">' + facts.join(" · ") + "</p>" +
        (DOCS.error[d] ? '<p class="reason">' + esc(DOCS.error[d]) + "</p>" : "") +
        "</div><ol class=\"doc\" id=\"doc-passages\"></ol><div class=\"pager\" id=\"pager\"></div>";
      docView = { d: d, shown: 0 };
      if (!n) $("doc-passages").innerHTML = '<li class="empty">No passage of this document cites a canto.</li>';
      moreDocPassages();
    }
    function moreDocPassages() {
      var d = docView.d, first = docStart[d], total = docStart[d + 1] - first,
        to = Math.min(total, docView.shown + DOC_PAGE), html = [];
      for (var k = docView.shown; k < to; k++) {
        var p = first + k, prevSeq = k ? P.seq[p - 1] : -1, gap = P.seq[p] - prevSeq - 1;
        if (gap > 0) html.push('<li class="gap">' + plural(gap, "passage") + " without citations</li>");
        var ends = {}, marks = [], text = P.text[p];
        for (var h = hitStart[p]; h < hitStart[p + 1]; h++) {
          if (!visible(h)) continue;
          var spans = union(spansOf(h));  // one reference mark per stretch of evidence
          if (!spans.length) spans = [[text.length, text.length]];
          spans.forEach(function (s) {
            marks.push({ s: s[0], e: s[1], cls: "ev" });
            (ends[s[1]] = ends[s[1]] || []).push(h);
          });
        }
        Object.keys(ends).forEach(function (e) {
          var hs = ends[e], cs = Array.from(new Set(hs.map(function (h) { return H.c[h]; })))
            .sort(function (a, b) { return a - b; });
          var what = hs.map(function (h) { return cantoName(H.c[h]) + (H.l[h] ? ", " + H.l[h] : ""); });
          marks.push({ s: +e, e: +e, cls: "", after: '<sup class="refs"><a href="' + cantoHref(fold(cs)) +
            '" title="' + esc(Array.from(new Set(what)).join("; ")) + '">' + esc(fold(cs)) + "</a></sup>" });
        });
        html.push('<li class="dp" data-p="' + p + '"><div class="loc">' + whereHTML(p, "<br>") + '</div><p class="passage">' +
          markUp(text, marks.concat(searchSpans(text).map(function (s) { return { s: s[0], e: s[1], cls: "q" }; }))) + "</p></li>");
      }
      if (to === total && total && DOCS.passages[d] != null) {
        var tail = DOCS.passages[d] - 1 - P.seq[first + total - 1];
        if (tail > 0) html.push('<li class="gap">' + plural(tail, "passage") + " without citations</li>");
      }
      $("doc-passages").insertAdjacentHTML("beforeend", html.join(""));
      docView.shown = to;
      pager($("pager"), to, total, "citing passages", moreDocPassages, DOC_PAGE);
    }

    function unreadView() {
      if (!unread.length) { $("view").innerHTML = "<h2>Not read</h2><p class=\"empty\">Every document was read.</p>"; return; }
      var html = ["<h2>Not read</h2><p class=\"lede\">" + plural(unread.length, "document") +
        " could not be read or were set aside; they are in documents.parquet with their status.</p>",
        '<table id="unread-table"><thead><tr><th>Source</th><th>Kind</th><th>Status</th><th>Reason</th></tr></thead><tbody>'];
      unread.forEach(function (d) {
        html.push("<tr><td>" + esc(DOCS.source[d]) + "</td><td>" + esc(DOCS.kind[d] || "") + "</td><td>" + statusBadge(d) +
          '</td><td class="reason">' + esc(DOCS.error[d] || "") + "</td></tr>");
      });
      html.push("</tbody></table>");
      $("view").innerHTML = html.join("");
    }

    // --- routing and wiring --------------------------------------------------------------------
    function go(hash) { if (location.hash === hash) render(); else location.hash = hash; }
    function readRoute() {
      var h = location.hash.replace(/^#/, ""), slash = h.indexOf("/");
      var name = slash < 0 ? h : h.slice(0, slash), arg = slash < 0 ? "" : decodeURIComponent(h.slice(slash + 1));
      if (["cantos", "docs", "doc", "unread"].indexOf(name) < 0) name = "overview";
      state.route = name; state.arg = arg;
      if (name === "cantos") applySpec(arg);
    }
    function applySpec(spec) {
      var parsed = parseSpec(spec);
      $("f-cantos").value = spec;
      if (parsed.error) { $("f-error").textContent = parsed.error; return; }
      $("f-error").textContent = "";
      state.spec = spec; state.cantos = parsed.cantos;
      var sel = $("f-section"), match = "";
      D.sections.forEach(function (s) { if (nameKey(s[1]) === nameKey(spec) || nameKey(s[0]) === nameKey(spec)) match = s[1]; });
      sel.value = match;
    }
    function render(keepScroll) {
      drawChart();
      var tabs = document.querySelectorAll(".tabs a");
      for (var k = 0; k < tabs.length; k++) {
        var t = tabs[k].getAttribute("data-tab");
        tabs[k].classList.toggle("active", t === state.route || (t === "docs" && state.route === "doc"));
      }
      var tabC = document.querySelector('.tabs a[data-tab="cantos"]');
      tabC.setAttribute("href", cantoHref(state.spec));
      if (state.route === "overview") $("view").innerHTML = overview();
      else if (state.route === "cantos") concordanceView();
      else if (state.route === "docs") documentsView();
      else if (state.route === "doc") documentView(state.arg);
      else unreadView();
      // what the view shows now: the hash changes at once, the view on the hashchange after it
      $("view").setAttribute("data-rendered", location.hash);
      if (!keepScroll && window.scrollY > $("view").offsetTop) window.scrollTo(0, $("view").offsetTop - 60);
    }
    function wire() {
      $("subtitle").textContent = plural(D.counts.documents, "document") + " · " + plural(D.counts.passages, "passage") +
        " · " + plural(D.counts.references, "reference") + " (" + plural(D.counts.citation_rows, "citation row") + ")";
      $("footer").innerHTML = "Made by cantobatch " + esc(D.cantobatch) + " from <code>" + esc(D.index) + "</code> on " + esc(D.generated) +
        ". A reference is one canto cited by one passage, its cited lines folded together; the highlighted words are the evidence the extractor recorded. This page loads nothing from the network.";
      document.querySelector('.tabs a[data-tab="unread"]').innerHTML = 'Not read <span class="n">' + unread.length + "</span>";
      document.querySelector('.tabs a[data-tab="docs"]').innerHTML = 'Documents <span class="n">' + nD + "</span>";
      var sel = $("f-section");
      D.sections.forEach(function (s) {
        var o = document.createElement("option"); o.value = s[1]; o.textContent = s[0] + " (" + s[2] + "–" + s[3] + ")"; sel.appendChild(o);
      });
      sel.addEventListener("change", function () { go(cantoHref(sel.value)); });
      var box = $("f-methods");
      D.methods.forEach(function (m, k) {
        var l = document.createElement("label");
        l.innerHTML = '<input type="checkbox" checked data-bit="' + k + '"> <span class="badge b-' + esc(m) + '">' + esc(m) + "</span>";
        box.appendChild(l);
      });
      box.addEventListener("change", function () {
        var mask = 0;
        box.querySelectorAll("input").forEach(function (i) { if (i.checked) mask |= 1 << +i.getAttribute("data-bit"); });
        state.methodMask = mask; render(true);
      });
      var cantoInput = $("f-cantos");
      cantoInput.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(cantoHref(cantoInput.value.trim())); });
      cantoInput.addEventListener("change", function () { go(cantoHref(cantoInput.value.trim())); });
      var search = $("f-search"), timer = 0;
      search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { setSearch(search.value); render(true); }, 180);
      });
      $("f-clear").addEventListener("click", function () {
        search.value = ""; setSearch("");
        box.querySelectorAll("input").forEach(function (i) { i.checked = true; });
        state.methodMask = (1 << D.methods.length) - 1;
        state.cantos = null; state.spec = ""; $("f-cantos").value = ""; $("f-section").value = ""; $("f-error").textContent = "";
        if (state.route === "cantos") go(cantoHref("")); else render(true);
      });
      $("view").addEventListener("click", function (ev) {
        var b = ev.target.closest(".more-text");
        if (b) { b.parentNode.innerHTML = passageHTML(+b.getAttribute("data-p"), marksFor(b), true); return; }
        var row = ev.target.closest("tr.click");
        if (row && !ev.target.closest("a")) go(row.getAttribute("data-href"));
      });
      window.addEventListener("hashchange", function () { readRoute(); render(); });
      chartEvents();
    }
    function marksFor(button) {
      var art = button.closest("[data-h]");
      if (!art) return [];
      return spansOf(+art.getAttribute("data-h")).map(function (s) { return { s: s[0], e: s[1], cls: "ev" }; });
    }

    wire();
    readRoute();
    render(true);
    requestAnimationFrame(function () {
      window.cantobatchReport = { firstRender: performance.now(), hits: nH, passages: nP, documents: nD };
      document.body.setAttribute("data-ready", "1");
    });
  }
})();
