// pwb's javascript assertion worker: one JSON request per line on stdin
// ({code, output, context}), one JSON reply per line on stdout. Each
// assertion runs as promptfoo 0.123 runs it: a one-line expression gets
// `return` (after any leading declarations), a multi-line value is the
// body of function (output, context, process).
'use strict';
const readline = require('readline');
const out = process.stdout;
console.log = console.info = console.debug = console.error;

function escaped(code, i) {
  let n = 0;
  for (let k = i - 1; k >= 0 && code[k] === '\\'; k--) n++;
  return n % 2 === 1;
}
function lastStatementSemicolon(code) {
  let s = false, d = false, t = false, last = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (!escaped(code, i)) {
      if (c === "'" && !d && !t) s = !s;
      else if (c === '"' && !s && !t) d = !d;
      else if (c === '`' && !s && !d) t = !t;
    }
    if (c === ';' && !s && !d && !t) last = i;
  }
  return last;
}
function body(code) {
  const trimmed = code.trim().replace(/;+\s*$/, '');
  if (/^(const|let|var)\s/.test(trimmed)) {
    const at = lastStatementSemicolon(trimmed);
    if (at !== -1) {
      const statements = trimmed.slice(0, at + 1);
      const expression = trimmed.slice(at + 1).trim();
      if (expression) return `${statements} return ${expression}`;
    }
    return trimmed;
  }
  return `return ${trimmed}`;
}
function isGradingResult(r) {
  return typeof r === 'object' && r !== null && typeof r.pass === 'boolean' &&
    typeof r.score === 'number' && typeof r.reason === 'string';
}
async function run(req) {
  const code = req.code.trimEnd();
  const src = code.includes('\n') ? code : body(code);
  const fn = new Function('output', 'context', 'process', src);
  const result = await Promise.resolve(fn(req.output, req.context, { env: process.env }));
  if (typeof result === 'boolean' || typeof result === 'number' || isGradingResult(result)) return result;
  throw new Error(`Custom function must return a boolean, number, or GradingResult object. Got type ${typeof result}: ${JSON.stringify(result)}`);
}
const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', async (line) => {
  let reply;
  try {
    const value = await run(JSON.parse(line));
    reply = { ok: true, value: Number.isFinite(value) || typeof value !== 'number' ? value : String(value) };
  } catch (err) {
    reply = { ok: false, error: String(err && err.message), stack: String(err && err.stack) };
  }
  out.write(JSON.stringify(reply) + '\n');
});
