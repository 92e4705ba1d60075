// The search page's only script: Pagefind's UI on #search, over every bundle of
// the index (scripts/search_index.py): the newest loaded first, the rest merged in.
window.addEventListener("DOMContentLoaded", async () => {
  const element = document.getElementById("search");
  const base = element.dataset.baseUrl || "/";
  const listing = await fetch(`${base}pagefind/bundles.json`).then((response) => response.json());
  const names = listing.bundles;
  const primary = listing.primary || names[0];
  new PagefindUI({
    element: "#search",
    baseUrl: base,
    bundlePath: `${base}pagefind/${primary}/`,
    mergeIndex: names.filter((name) => name !== primary).map((name) => ({ bundlePath: `${base}pagefind/${name}/` })),
    showSubResults: false,
    showImages: false,
    resetStyles: false,
  });
});
