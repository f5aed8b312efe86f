// The language switch in the header leads to the same section of the page in the other edition:
// both editions give their headings the same anchors. The section is the one the reader is reading:
// the last heading above the upper third of the window (at the top of the page: the address's #section).
(function () {
  function currentSection() {
    if (window.scrollY < 1) return location.hash;  // not scrolled: the top of the page, or where a link led
    var headings = document.querySelectorAll(".md-content h2[id], .md-content h3[id], .md-content h4[id]");
    var line = window.innerHeight / 3;
    var found = "";
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top > line) break;
      found = headings[i].id;
    }
    return found ? "#" + found : location.hash;
  }
  function keepSection(event) {
    var link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (!link) return;
    var section = currentSection();
    var target = new URL(link.href, location.href);
    target.hash = section;
    link.href = target.href;
  }
  document.addEventListener("click", keepSection, true);
  document.addEventListener("auxclick", keepSection, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter") keepSection(event);
  }, true);
})();
