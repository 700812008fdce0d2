/**
 * The examples to pick from: every example of the user's guide (docs/language.md, under its
 * section's title; the guide's own test checks they run) and a few benchmarks at small sizes
 * (playground/examples/). Both are read at build time, so they never drift from their sources.
 */
import guide from '../../docs/language.md?raw';

const files = import.meta.glob('../examples/*.mufi', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface Example { title: string; source: string }

function guideExamples(): Example[] {
  const out: Example[] = [];
  let section = '';
  const count = new Map<string, number>();
  const re = /^## (.+)$|^```mufi\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(guide); m !== null; m = re.exec(guide)) {
    if (m[1] !== undefined) { section = m[1].trim(); continue; }
    const n = (count.get(section) ?? 0) + 1;
    count.set(section, n);
    out.push({ title: `Guide: ${section}${n > 1 ? ` (${n})` : ''}`, source: m[2] });
  }
  return out;
}

export const EXAMPLES: Example[] = [
  { title: 'Hello', source: 'var name = "playground";\nprint f"Hello from the {name}!";\nfor (var i = 1; i <= 3; i++) {\n  print f"{i} squared is {i * i}";\n}\n' },
  ...guideExamples(),
  ...Object.entries(files).sort().map(([path, source]) => ({ title: `Benchmark: ${path.replace(/^.*\/|\.mufi$/g, '')}`, source })),
];
