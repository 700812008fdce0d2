'use strict';
/**
 * The checks of a case (see find.js for its shape) on a result { stdout, stderr, status }:
 * the rules of ../shared/conformance/run.sh and scripts/golden.js (stdout byte for byte, exit
 * status, the `.err` phrase as a substring of stderr) and, for guide examples, of
 * scripts/doc-examples.js (a clean exit, and the output block when there is one).
 * Returns the reasons it failed (empty when it passed).
 */
function judge(c, r) {
  const reasons = [];
  const e = c.expect;
  if (e.stdout === null) {
    if (e.outRequired) reasons.push('missing .out');
  } else if (!e.stdout.equals(r.stdout)) reasons.push('stdout differs');
  if (r.status !== e.code) {
    const why = e.outRequired ? '' : `: ${firstLine(r.stderr)}`;
    reasons.push(`exit ${r.status}, want ${e.code}${why}`);
  }
  // run.sh compares stderr with NUL bytes removed (bash strings cannot hold them).
  if (e.errPhrase !== null && !r.stderr.toString('utf8').replace(/\0/g, '').includes(e.errPhrase)) {
    reasons.push(`stderr lacks: ${e.errPhrase}`);
  }
  return reasons;
}

function firstLine(stderr) {
  return stderr.toString('utf8').trim().split('\n')[0];
}

/**
 * Differential check: a mode declared `sameAs` another must give exactly that mode's result.
 * Returns the reasons (empty when identical).
 */
function compareResults(r, ref, refLabel) {
  const reasons = [];
  if (!r.stdout.equals(ref.stdout)) reasons.push(`stdout differs from mode ${refLabel}`);
  if (!r.stderr.equals(ref.stderr)) reasons.push(`stderr differs from mode ${refLabel}`);
  if (r.status !== ref.status) reasons.push(`exit ${r.status}, mode ${refLabel} gave ${ref.status}`);
  return reasons;
}

module.exports = { judge, compareResults };
