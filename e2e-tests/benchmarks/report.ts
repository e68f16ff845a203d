/**
 * How the browser benchmarks report: one JSON line per figure, printed and appended to
 * test-results/benchmarks.jsonl (BENCHMARKS.md records them).
 */
import * as fs from 'node:fs';

/** Prints `line`, stamped with the time, and appends it to test-results/benchmarks.jsonl. */
export function writeLine(line: object): void {
  const stamped = { ...line, at: new Date().toISOString() };
  console.log(JSON.stringify(stamped));
  fs.mkdirSync('test-results', { recursive: true });
  fs.appendFileSync('test-results/benchmarks.jsonl', JSON.stringify(stamped) + '\n');
}

/** Reports a figure's samples with their median and maximum. */
export function recordSamples(name: string, unit: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  writeLine({
    benchmark: name,
    unit,
    median: sorted[Math.floor(sorted.length / 2)],
    max: sorted[sorted.length - 1],
    samples,
  });
}
