// Render the formulas that pymdownx.arithmatex marks, with the KaTeX copy served by this site.
// document$ fires on first load and after every instant-navigation page change.
document$.subscribe(function () {
  document.querySelectorAll(".arithmatex").forEach(function (element) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: true,
    });
  });
});
