// The search page's only script: start Pagefind's UI on #search.
window.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("search");
  new PagefindUI({
    element: "#search",
    baseUrl: element.dataset.baseUrl || "/",
    showSubResults: false,
    showImages: false,
    resetStyles: false,
  });
});
