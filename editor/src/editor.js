// The copydesk editor: CodeMirror 6 with its lint extension, over POST /api/v1/check.
// Everything from the copy or the server reaches the page as text (textContent, CodeMirror's
// own rendering), never as HTML; the page's Content-Security-Policy allows this file only.
import {EditorView, keymap} from "@codemirror/view";
import {EditorState, StateEffect} from "@codemirror/state";
import {minimalSetup} from "codemirror";
import {markdown} from "@codemirror/lang-markdown";
import {linter, lintKeymap, forceLinting, forEachDiagnostic, setDiagnostics} from "@codemirror/lint";

const RANK = {error: 0, warning: 1, info: 2};
const CHECK_DELAY_MS = 500;
const status = document.getElementById("status");
const sidebar = document.getElementById("findings");
const published = document.getElementById("published");
const ignored = new Set();  // "ignore once": these findings, at these words, until the page is reloaded
let spellingRules = new Set();
let token = sessionStorage.getItem("copydesk-token");
// Check again though the copy did not change (the word list or the publication date did).
const recheckEffect = StateEffect.define();

function recheck(view) {
  view.dispatch({effects: recheckEffect.of(null)});
  forceLinting(view);
}

function headers(extra) {
  const all = Object.assign({}, extra);
  if (token) all.Authorization = "Bearer " + token;
  return all;
}

// A server started with --token-file answers 401 until the editor sends its token: ask once, then retry.
// With drafted, the answer is {result, revision}, or {stale: true} when the server does not hold
// the draft's revision (409).
async function call(path, options, asked, drafted) {
  const response = await fetch(path, Object.assign({}, options, {headers: headers(options.headers)}));
  if (response.status === 401) {
    if (asked) throw new Error("the server did not accept the token");
    token = window.prompt("This copydesk server needs a token:") || "";
    sessionStorage.setItem("copydesk-token", token);
    return call(path, options, true, drafted);
  }
  if (drafted && response.status === 409) return {stale: true};
  if (drafted && response.ok) {
    return {result: await response.json(), revision: response.headers.get("Copydesk-Draft-Revision")};
  }
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response.json();
}

// The server counts characters (code points); CodeMirror counts UTF-16 code units.
function unitsOf(text) {
  const units = [];
  let unit = 0;
  for (const char of text) { units.push(unit); unit += char.length; }
  units.push(unit);
  return units;
}

// A finding ignored once stays ignored while the copy around it changes: it is known by its rule,
// its words and which occurrence of them it is, not by its offset.
function keyOf(finding, occurrence) { return finding.rule + "\u0000" + finding.text + "\u0000" + occurrence; }

// The word to put on the house list: the first word of the finding that its suggestion changes.
function wordToAdd(finding) {
  const words = finding.text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) || [];
  const suggested = new Set(((finding.suggestions[0] || "").match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) || []));
  return words.find(word => !suggested.has(word)) || words[0];
}

function diagnosticsFor(view, text, findings) {
  const units = unitsOf(text);
  const at = offset => units[Math.min(offset, units.length - 1)];
  const diagnostics = [];
  const seen = new Map();
  for (const finding of findings) {
    const occurrence = seen.get(finding.rule + finding.text) || 0;
    seen.set(finding.rule + finding.text, occurrence + 1);
    const key = keyOf(finding, occurrence);
    if (ignored.has(key)) continue;
    const from = at(finding.offset), to = at(finding.offset + finding.length);
    const actions = finding.suggestions.slice(0, 3).map(value => ({
      name: value === "" ? "Delete" : "Apply “" + value + "”",
      apply(view, from, to) { view.dispatch({changes: {from, to, insert: value}}); forceLinting(view); },
    }));
    actions.push({name: "Ignore once", apply(view) { ignored.add(key); dropDiagnostic(view, key); }});
    if (spellingRules.has(finding.rule)) {
      const word = wordToAdd(finding);
      if (word) actions.push({name: "Add “" + word + "” to the word list", apply(view) { addWord(view, word); }});
    }
    diagnostics.push({from, to, severity: finding.severity, source: finding.check + " · " + finding.rule,
                      message: finding.message, actions, copydesk: {finding, key}});
  }
  return diagnostics;
}

function dropDiagnostic(view, key) {
  const kept = [];
  forEachDiagnostic(view.state, (diagnostic, from, to) => {
    if (diagnostic.copydesk.key !== key) kept.push(Object.assign({}, diagnostic, {from, to}));
  });
  view.dispatch(setDiagnostics(view.state, kept));
}

async function addWord(view, word) {
  try {
    await call("/v2/words/add", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
                                 body: new URLSearchParams({word}).toString()});
    status.textContent = "“" + word + "” is on the house word list";
    recheck(view);
  } catch (error) {
    status.textContent = "Could not add the word: " + error.message;
  }
}

// Dates in the copy are checked against the publication date: today unless the editor says otherwise.
function request(fields) {
  const body = Object.assign({format: "markdown"}, fields);
  if (published.value) body.published = published.value;
  return body;
}

// The copy as blocks (a headline, a caption, a paragraph, each with the blank lines after it),
// so that a re-check sends only the blocks that changed: joined, they are the copy exactly.
function blocksOf(text) {
  const blocks = [];
  const separator = /\n[ \t]*\n\s*/g;
  let start = 0;
  for (let match; (match = separator.exec(text)) !== null;) {
    blocks.push(text.slice(start, match.index + match[0].length));
    start = match.index + match[0].length;
  }
  if (start < text.length || !blocks.length) blocks.push(text.slice(start));
  return blocks;
}

// What the server holds of this page's draft: its revision and the text of each block by id.
const draft = {id: "d" + crypto.getRandomValues(new Uint32Array(4)).join("-"), revision: null, blocks: []};
let nextBlock = 0;

// The blocks to send: an unchanged block keeps its id and goes without its text; a changed one
// keeps the id of the block it replaced at its place, a new one gets a new id.
function draftBlocks(texts) {
  const unused = new Map();  // text → ids of held blocks with that text, in order
  for (const block of draft.blocks) {
    if (!unused.has(block.text)) unused.set(block.text, []);
    unused.get(block.text).push(block.id);
  }
  const ids = texts.map(text => (draft.revision !== null && unused.get(text)?.length) ? unused.get(text).shift() : null);
  const taken = new Set(ids.filter(id => id !== null));
  return texts.map((text, index) => {
    if (ids[index] !== null) return {id: ids[index], text, unchanged: true};
    const there = draft.blocks[index];
    const id = there && !taken.has(there.id) ? there.id : "b" + (nextBlock++);
    taken.add(id);
    return {id, text, unchanged: false};
  });
}

async function sendDraft(text) {
  const blocks = draftBlocks(blocksOf(text));
  const body = request({draft: draft.id, revision: draft.revision,
                        blocks: blocks.map(b => b.unchanged ? {id: b.id} : {id: b.id, text: b.text})});
  const answer = await call("/api/v1/check", {method: "POST", headers: {"Content-Type": "application/json"},
                                              body: JSON.stringify(body)}, false, true);
  if (answer.stale) {  // the server no longer holds this revision (a restart, its memory bound): all again
    draft.revision = null;
    draft.blocks = [];
    return sendDraft(text);
  }
  draft.revision = Number(answer.revision);
  draft.blocks = blocks.map(({id, text}) => ({id, text}));
  return answer.result;
}

// One check at a time: each request names the revision the one before it made.
let checking = Promise.resolve();

async function check(view) {
  const text = view.state.doc.toString();
  if (!text.trim()) { status.textContent = "Nothing to check"; return []; }
  status.textContent = "Checking…";
  const done = checking.then(() => sendDraft(text));
  checking = done.catch(() => { draft.revision = null; draft.blocks = []; });
  try {
    const result = await done;
    const diagnostics = diagnosticsFor(view, text, result.findings);
    status.textContent = diagnostics.length === 1 ? "1 finding" : diagnostics.length + " findings";
    return diagnostics;
  } catch (error) {
    status.textContent = "Not checked: " + error.message;
    return [];
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The sidebar: findings grouped by check, most severe first; click (or Enter) jumps to the words.
function renderSidebar(view) {
  const groups = new Map();
  forEachDiagnostic(view.state, (diagnostic, from, to) => {
    const check = diagnostic.copydesk.finding.check;
    if (!groups.has(check)) groups.set(check, []);
    groups.get(check).push({diagnostic, from, to});
  });
  sidebar.replaceChildren();
  if (!groups.size) { sidebar.append(element("p", "quiet", "No findings.")); return; }
  for (const [check, items] of [...groups].sort()) {
    const section = element("section", "group");
    section.append(element("h2", null, check + " (" + items.length + ")"));
    const list = element("ul");
    items.sort((a, b) => RANK[a.diagnostic.severity] - RANK[b.diagnostic.severity] || a.from - b.from);
    for (const {diagnostic, from, to} of items) {
      const finding = diagnostic.copydesk.finding;
      const item = element("li", "finding sev-" + diagnostic.severity);
      const jump = element("button", "jump");
      jump.type = "button";
      jump.append(element("span", "sev", diagnostic.severity), " ", element("q", null, view.state.sliceDoc(from, to)),
                  " ", element("span", "message", finding.message), " ", element("code", null, finding.rule));
      jump.addEventListener("click", () => {
        view.dispatch({selection: {anchor: from, head: to}, scrollIntoView: true});
        view.focus();
      });
      item.append(jump);
      const actions = element("div", "actions");
      for (const action of diagnostic.actions) {
        const button = element("button", "action", action.name);
        button.type = "button";
        button.addEventListener("click", () => { action.apply(view, from, to); view.focus(); });
        actions.append(button);
      }
      item.append(actions);
      list.append(item);
    }
    section.append(list);
    sidebar.append(section);
  }
}

// New diagnostics come as transaction effects; edits move the existing ones.
const sidebarUpdater = EditorView.updateListener.of(update => {
  if (update.docChanged || update.transactions.some(tr => tr.effects.length)) renderSidebar(update.view);
});

const start = document.getElementById("initial").textContent;
const view = new EditorView({
  parent: document.getElementById("editor"),
  state: EditorState.create({
    doc: start,
    extensions: [
      minimalSetup, markdown(), EditorView.lineWrapping, keymap.of(lintKeymap),
      linter(check, {delay: CHECK_DELAY_MS,
                     needsRefresh: update => update.transactions.some(tr => tr.effects.some(e => e.is(recheckEffect)))}),
      sidebarUpdater,
      EditorView.contentAttributes.of({"aria-label": "Story (Markdown)", spellcheck: "false"}),
    ],
  }),
});
window.copydeskEditor = view;
published.valueAsDate = new Date();
published.addEventListener("change", () => recheck(view));  // for tests and for the console
call("/api/v1/checks", {method: "GET"}).then(listing => {
  spellingRules = new Set(listing.checks.flatMap(check => check.rules.filter(r => r.spelling).map(r => r.id)));
  recheck(view);
}).catch(error => { status.textContent = "Not connected: " + error.message; });
view.focus();
