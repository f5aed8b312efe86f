// The language switch in the header leads to the same section of the page in the other edition:
// both editions give their headings the same anchors. The section is the one the reader is on:
// where a link led (the address's #section) until the reader scrolls away from it, else the last
// heading scrolled up to the top of the window.
(function () {
  var TOP = 120; // pixels: the header's height and a little more
  var scrolledByReader = false;
  ["wheel", "touchmove"].forEach(function (type) {
    window.addEventListener(type, function () { scrolledByReader = true; }, {passive: true});
  });
  window.addEventListener("keydown", function (event) {
    if (/^(Arrow|Page|Home|End|Space| )/.test(event.key)) scrolledByReader = true;
  });
  window.addEventListener("hashchange", function () { scrolledByReader = false; });

  function currentSection() {
    if (location.hash && !scrolledByReader) return location.hash;
    if (window.scrollY < 1) return "";
    var headings = document.querySelectorAll(".md-content h2[id], .md-content h3[id], .md-content h4[id]");
    var found = "";
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top > TOP) break;
      found = headings[i].id;
    }
    return found ? "#" + found : "";
  }
  function keepSection(event) {
    var link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (!link) return;
    var target = new URL(link.href, location.href);
    target.hash = currentSection();
    link.href = target.href;
  }
  document.addEventListener("click", keepSection, true);
  document.addEventListener("auxclick", keepSection, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter") keepSection(event);
  }, true);
})();
