// Load a Pagefind bundle from disk as the browser would (its own pagefind.js and wasm) and
// search it: prints {"results": N, "slugs": [...]}, or fails when a file it needs is missing.
// Usage: node pagefind_search.mjs BUNDLE_FOLDER QUERY
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const networkFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {  // Node's fetch cannot read file: URLs
  const url = typeof input === "string" ? input : input.url;
  if (!url.startsWith("file:")) return networkFetch(input, init);
  const data = await readFile(fileURLToPath(url.split("?")[0]));
  return new Response(data, { status: 200 });
};

const [bundle, query] = process.argv.slice(2);
const pagefind = await import(pathToFileURL(`${bundle}/pagefind.js`).href);
await pagefind.options({ basePath: pathToFileURL(`${bundle}/`).href });
await pagefind.init();
const search = await pagefind.search(query);
const pages = await Promise.all(search.results.map((result) => result.data()));
console.log(JSON.stringify({ results: pages.length, slugs: pages.map((page) => page.meta.slug).sort() }));
