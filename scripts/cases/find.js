'use strict';
/**
 * The case sets of `npm test`, as plain data a worker thread can receive:
 *
 *   { name, file, source, flags, expect: { stdout, code, errPhrase } }
 *
 * - name: how a failure is reported (the path relative to its folder, or guide.md:LINE).
 * - file: the path given to the CLI (exactly what scripts/golden.js or run.sh would pass, since
 *   error messages name it); null when the program comes from stdin (`mufiz -`).
 * - source: the program text when it comes from stdin, else null (the worker reads `file`).
 * - flags(modeFlags): the flags of the mode, with a golden's `.stress` replacement applied.
 * - expect.stdout: a Buffer to equal byte for byte, or null: a golden without `.out` fails as
 *   such (outRequired), a guide example without an output block only has to exit cleanly.
 * - expect.code: the exit status (`.code`, default 0); expect.errPhrase: the first line of
 *   `.err`, which stderr must contain, or null.
 *
 * The rules are those of scripts/golden.js and ../shared/conformance/run.sh (identical contract)
 * and of scripts/doc-examples.js.
 */
const fs = require('fs');
const path = require('path');

/** Every `*.mufi` under dir, depth first in sorted order (as golden.js and run.sh walk). */
function mufiFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.mufi')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const readIf = (p) => (fs.existsSync(p) ? fs.readFileSync(p) : null);

/**
 * A golden-format case (tests/golden or the shared corpus). `shown` is the path the CLI gets,
 * `name` the one failures are reported under.
 */
function goldenCase(shown, name) {
  const base = shown.slice(0, -'.mufi'.length);
  const code = readIf(base + '.code');
  const err = readIf(base + '.err');
  const stress = readIf(base + '.stress');
  return {
    name,
    file: shown,
    source: null,
    // A `.stress` file replaces `--gc-stress` when collecting before every allocation would be
    // quadratic in the case's size (see tests/golden/README.md).
    stress: stress === null ? null : stress.toString('utf8').trim().split(/\s+/),
    expect: {
      stdout: readIf(base + '.out'),
      outRequired: true,
      code: code === null ? 0 : Number(code.toString('utf8').trim().split(/\s+/)[0] || 0),
      errPhrase: err === null ? null : err.toString('utf8').split('\n')[0].replace(/\r$/, '') || null,
    },
  };
}

/** tests/golden, with paths relative to the repository (cwd) as `golden.js tests/golden` gives them. */
function goldenCases(root, dir) {
  return mufiFiles(path.join(root, dir)).map((abs) => {
    const shown = path.relative(root, abs);
    return goldenCase(shown, path.relative(path.join(root, dir), abs));
  });
}

/** The shared corpus: absolute paths as run.sh gives them, reported as cases/area/x.mufi. */
function corpusCases(conformanceDir) {
  return mufiFiles(path.join(conformanceDir, 'cases')).map((abs) => goldenCase(abs, path.relative(conformanceDir, abs)));
}

/**
 * The examples of a Markdown guide: every ```mufi block, with the ```output block right after it
 * as its exact stdout (or none: it must only run cleanly). scripts/doc-examples.js uses it too.
 */
function guideCases(root, mdFile) {
  const rel = path.relative(root, mdFile);
  const lines = fs.readFileSync(mdFile, 'utf8').split('\n');
  const fence = /^```(\w*)\s*$/;
  const readBlock = (start) => {
    const body = [];
    let j = start + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) body.push(lines[j++]);
    return { body: body.join('\n'), end: j };
  };
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const m = fence.exec(lines[i]);
    if (!m || m[1] !== 'mufi') { i++; continue; }
    const code = readBlock(i);
    let k = code.end + 1;
    while (k < lines.length && lines[k].trim() === '') k++;
    const m2 = fence.exec(lines[k] || '');
    let expected = null;
    if (m2 && m2[1] === 'output') {
      const o = readBlock(k);
      expected = o.body === '' ? '' : o.body + '\n';
      k = o.end;
    }
    out.push({
      name: `${rel}:${i + 1}`,
      file: null,
      source: code.body + '\n',
      stress: null,
      expect: { stdout: expected === null ? null : Buffer.from(expected, 'utf8'), outRequired: false, code: 0, errPhrase: null },
    });
    i = m2 && m2[1] === 'output' ? k + 1 : code.end + 1;
  }
  return out;
}

/**
 * The flags a case runs with under a mode's flags: the `.stress` replacement of golden.js for
 * `--gc-stress`; under a mode's `--gc-stress=N`, a case whose `.stress` file names a longer
 * period M (`--gc-stress=M`, M > N) runs with M: the file says the case is quadratic under a
 * shorter one (gc/001: a long live chain verified after every step; 50 -> 500).
 */
function caseFlags(c, modeFlags) {
  if (c.stress === null) return modeFlags;
  const period = (f) => { const m = /^--gc-stress=(\d+)$/.exec(f); return m ? Number(m[1]) : null; };
  const own = c.stress.map(period).find((n) => n !== null);
  return modeFlags.flatMap((f) => {
    if (f === '--gc-stress') return c.stress;
    const n = period(f);
    return n !== null && own !== undefined && own > n ? [`--gc-stress=${own}`] : [f];
  });
}

module.exports = { mufiFiles, goldenCases, corpusCases, guideCases, caseFlags };
