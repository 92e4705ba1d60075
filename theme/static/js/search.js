// The search page's only script: start Pagefind's UI on #search.
window.addEventListener("DOMContentLoaded", () => {
  new PagefindUI({ element: "#search", showSubResults: false, showImages: false, resetStyles: false });
});
