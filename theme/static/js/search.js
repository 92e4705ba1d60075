// The search page: Pagefind's JavaScript API over every bundle of the index
// (scripts/search_index.py), with the search kept in the address.
//
// ?q=words&desk=Asia&year=2025&topic=United+Nations&sort=newest runs on load;
// every change replaces the address (no new history entry per keystroke).
// Bundles cover disjoint periods, newest first, so "newest first" is each
// bundle's results sorted by date, bundle after bundle: Pagefind sorts within
// one index, not across merged ones.

const PAGE_SIZE = 10;
const FIELDS = ["q", "desk", "year", "topic", "sort"];
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const base = form.dataset.baseUrl || "/";

function readState() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FIELDS.map((name) => [name, (params.get(name) || "").trim()]));
}

function showState(state) {
  for (const name of FIELDS) form.elements[name].value = state[name];
}

function formState() {
  return Object.fromEntries(FIELDS.map((name) => [name, form.elements[name].value.trim()]));
}

function keepInAddress(state) {
  const params = new URLSearchParams();
  for (const name of FIELDS) if (state[name]) params.set(name, state[name]);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

async function loadIndex() {
  const listing = await fetch(`${base}pagefind/bundles.json`).then((response) => response.json());
  if (!listing.primary) return null; // no story is published yet: every search finds none
  const bundles = listing.bundles;
  const pagefind = await import(`${base}pagefind/${listing.primary}/pagefind.js`);
  await pagefind.options({ bundlePath: `${base}pagefind/${listing.primary}/`, mergeFilter: { bundle: listing.primary } });
  for (const name of bundles) {
    if (name !== listing.primary) await pagefind.mergeIndex(`${base}pagefind/${name}/`, { mergeFilter: { bundle: name } });
  }
  return { pagefind, bundles };
}

async function find(index, state) {
  if (!index) return [];
  const { pagefind, bundles } = index;
  const filters = {};
  for (const name of ["desk", "year", "topic"]) if (state[name]) filters[name] = state[name];
  const words = state.q || null;
  if (state.sort !== "newest") return (await pagefind.search(words, { filters })).results;
  const results = [];
  for (const bundle of bundles) {
    const found = await pagefind.search(words, { filters: { ...filters, bundle }, sort: { date: "desc" } });
    results.push(...found.results);
  }
  return results;
}

function excerptNodes(html) {
  // Pagefind's excerpt is text with <mark> around the words found: keep just those.
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
  const nodes = [];
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = new URL(data.url, location.href).pathname;
  link.textContent = data.meta.title;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "story-meta";
  meta.textContent = [data.meta.date, data.meta.desk].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.append(...excerptNodes(data.excerpt));
  item.append(heading, meta, excerpt);
  return item;
}

function foundText(count) {
  return count ? `${count} ${count === 1 ? "story" : "stories"} found.` : "No story found.";
}

function main() {
  let index = null; // the promise of the loaded index, shared by every search
  let generation = 0; // each search takes the next number: work of an older search is dropped
  let results = []; // the current search's results
  let claimed = 0; // how many of them are on the list or on their way to it
  let loading = false; // a page of results is on its way: "More results" waits for it

  // Claims the next page before waiting for it, and only one page is on its way
  // at a time, so a press of "More results" meanwhile never shows a result twice.
  async function addPage(mine, first) {
    const page = results.slice(claimed, claimed + PAGE_SIZE);
    claimed += page.length;
    loading = true;
    more.disabled = true;
    try {
      const items = await Promise.all(page.map(async (result) => resultItem(await result.data())));
      if (mine !== generation) return;
      if (first) list.replaceChildren(...items);
      else list.append(...items);
      more.hidden = claimed >= results.length;
    } catch (error) {
      if (mine === generation) claimed -= page.length; // a later press asks for the same page again
      throw error;
    } finally {
      if (mine === generation) {
        loading = false;
        more.disabled = false;
      }
    }
  }

  async function showMore() {
    const mine = generation;
    if (loading || claimed >= results.length) return;
    try {
      await addPage(mine, false);
      if (mine === generation) status.textContent = foundText(results.length); // after a failed press
    } catch {
      if (mine !== generation) return;
      status.textContent = "More results could not load. Press “More results” to try again.";
      more.hidden = false;
    }
  }

  async function search(state) {
    const mine = ++generation;
    results = [];
    claimed = 0;
    loading = false;
    more.hidden = true;
    more.disabled = false;
    keepInAddress(state);
    if (!state.q && !state.desk && !state.year && !state.topic) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    try {
      index = index || loadIndex(); // a failed load stays failed: merging a bundle twice would show it twice
      const found = await find(await index, state);
      if (mine !== generation) return; // a newer search has started
      results = found;
      await addPage(mine, true);
      if (mine !== generation) return;
      status.textContent = foundText(found.length);
    } catch {
      if (mine !== generation) return;
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Search could not finish. Try again, or find the story in the archives.";
    }
  }

  let timer;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(formState()), 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search(formState());
  });
  more.addEventListener("click", showMore);

  const state = readState();
  showState(state);
  search(state);
}

main();
