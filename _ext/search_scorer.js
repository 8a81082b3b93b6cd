/* The book's search scorer and snippets (html_search_scorer, set by _ext/zh_search.py; Sphinx
   inlines this file into language_data.js, after searchtools.js).

   Scores: Sphinx's own (a word in a page's title or headings 15, in its text 5), plus how often
   the page uses the chapter's terms that the query names: the index carries the count of each
   term of jieba_userdict.txt per page ("termcounts", added by zh_search.py), so the chapter, which
   uses 模式崩溃 dozens of times, ranks above a notebook that names it in its title once.
   Snippets: the first sentence of the text that says the word (not a heading, a link or a
   contents list). */
var Scorer = {
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
  // bonus for a page that uses a queried term n times: termWeight * log2(1 + n)
  termWeight: 3,
  score: (result) => {
    const [docname, , , , score] = result;
    const index = typeof Search !== "undefined" ? Search._index : null;
    if (!index || !index.termcounts) return score;
    const input = document.querySelector('input[name="q"]');
    const query = (new URLSearchParams(window.location.search).get("q") || (input && input.value) || "");
    const doc = index.docnames.indexOf(docname);
    let bonus = 0;
    for (const [term, counts] of Object.entries(index.termcounts)) {
      if (!query.includes(term)) continue;
      const found = counts.find(([d]) => d === doc);
      if (found) bonus = Math.max(bonus, Scorer.termWeight * Math.log2(1 + found[1]));
    }
    return score + Math.round(bonus);
  },
};

if (typeof Search !== "undefined") {
  // parts of a page that are not its text: contents lists (the one printed with the page too),
  // headers, sidebars, buttons, the previous/next links
  const NOT_TEXT = "nav, .onlyprint, #jb-print-docs-body, .bd-header-article, .bd-sidebar-primary, " +
    ".bd-sidebar-secondary, .prev-next-area, .headerlink, .toctree-wrapper, script, style, button";
  const SENTENCE_END = /[。！？!?；;\n]/;
  const SNIPPET = 160; // characters at most


  // the sentence around the first of `keywords` in `masked` (the text with what may not match
  // blanked out), cut from `text`, at most SNIPPET characters
  const sentenceAround = (text, masked, keywords) => {
    const lower = masked.toLowerCase();
    const hits = [...keywords].map((k) => lower.indexOf(k.toLowerCase())).filter((i) => i > -1);
    if (!hits.length) return null;
    const hit = Math.min(...hits);
    let start = hit;
    while (start > 0 && !SENTENCE_END.test(text[start - 1]) && hit - start < SNIPPET / 2) start--;
    let end = hit;
    while (end < text.length && !SENTENCE_END.test(text[end]) && end - start < SNIPPET) end++;
    if (end < text.length && SENTENCE_END.test(text[end])) end++;
    return (start > 0 && !SENTENCE_END.test(text[start - 1]) ? "……" : "") + clean(text.slice(start, end)) +
      (end < text.length && !SENTENCE_END.test(text[end - 1]) ? "……" : "");
  };
  // the text of `element`, and the same with the text of its links blanked out
  const textAndMasked = (element) => {
    let text = "", masked = "";
    const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      text += node.textContent;
      masked += node.parentElement.closest("a") ? "\u0000".repeat(node.textContent.length) : node.textContent;
    }
    return [text, masked];
  };
  const clean = (text) => text.replace(/\s+/g, " ").trim();

  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const doc = new DOMParser().parseFromString(htmlText, "text/html");
    doc.querySelectorAll(NOT_TEXT).forEach((el) => el.remove());
    const root = (anchor && doc.querySelector(`[role="main"] ${anchor}`)) || doc.querySelector('[role="main"]');
    if (!root) return null;
    // the first paragraph (list item, cell, caption) that says the word itself, not only in a link
    // or a heading; else the first place at all
    let found = null;
    for (const block of root.querySelectorAll("p, li, dd, td, figcaption")) {
      if (block.closest("h1, h2, h3, h4, h5, h6") || block.querySelector("p, li")) continue;
      found = sentenceAround(...textAndMasked(block), keywords);
      if (found) break;
    }
    found = found || sentenceAround(root.textContent, root.textContent, keywords);
    if (!found) return null;
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = found;
    return summary;
  };
}
