// node compare.mjs cal.json icaljs.json: are the two sorted interval lists identical? Exit 1 and show the first differences if not.
import { readFileSync } from 'node:fs';
const [a, b] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')).map(([s, e]) => `${s} ${e}`));
const inA = new Map(); for (const x of a) inA.set(x, (inA.get(x) ?? 0) + 1);
const onlyB = []; for (const x of b) { const n = inA.get(x); if (n) inA.set(x, n - 1); else onlyB.push(x); }
const onlyA = [...inA].flatMap(([x, n]) => Array(n).fill(x));
const same = onlyA.length === 0 && onlyB.length === 0;
console.log(JSON.stringify({ identical: same, first: a.length, second: b.length, onlyFirst: onlyA.length, onlySecond: onlyB.length,
  examplesOnlyFirst: onlyA.slice(0, 5), examplesOnlySecond: onlyB.slice(0, 5) }));
process.exit(same ? 0 : 1);
